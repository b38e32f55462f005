import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_CELLS, KNOWN_DRIFT, KNOWN_FEW, knownJournal, knownRunOutput } from '../../shared/stats/known-journal';
import { statsCommand, type StatsIO } from './stats';

let dir: string;
let runFile: string;
let exportFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenth-stats-'));
  runFile = join(dir, 'run.jsonl');
  exportFile = join(dir, 'export.jsonl');
  await writeFile(runFile, knownRunOutput());
  await writeFile(exportFile, `${knownJournal().map((a) => JSON.stringify(a)).join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function capture(): { io: StatsIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, cwd: dir }, out: () => out, err: () => err };
}

type Json = Record<string, { value: number | null; n: number; nEff?: number; confidence: string }> & { prompt: string; model: string; case?: string; counts: Record<string, number> };

async function json(args: string[]): Promise<{ code: number; cells: Json[]; err: string }> {
  const c = capture();
  const code = await statsCommand(args, c.io);
  const cells = c.out().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Json);
  return { code, cells, err: c.err() };
}

describe('tenth stats', () => {
  it('--json gives the hand-worked floors, from a `tenth run` output where the last line for an id wins', async () => {
    const { code, cells, err } = await json(['run.jsonl', '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(cells).toHaveLength(6);
    for (const k of KNOWN_CELLS) {
      const cell = cells.find((c) => c.prompt === k.prompt && c.model === k.model)!;
      expect(cell.counts.passes).toBe(k.passes);
      expect(cell.counts.pending).toBe(0);
      expect(cell['pass-floor'].value).toBeCloseTo(k.passFloor, 12);
      expect(cell['pass-floor'].n).toBe(k.n);
      expect(cell['pass-floor'].nEff).toBe(k.n);
      expect(cell['score-floor'].value).toBeCloseTo(k.scoreFloor, 12);
      expect(cell['score-floor'].n).toBe(k.n);
      expect(cell['score-floor'].confidence).toBe('ok');
    }
    const few = cells.find((c) => c.model === KNOWN_FEW.model)!;
    expect(few['pass-floor'].confidence).toBe('low');
    expect(few['pass-floor'].n).toBe(3);
    // Failures by class and both denominators travel with the cell.
    const ext = cells.find((c) => c.prompt === 'extract' && c.model === 'model-b')! as unknown as { failuresByClass: Record<string, number>; denominators: Record<string, string> };
    expect(ext.failuresByClass).toEqual({ rate_limited: 4 });
    expect(ext.denominators.reliability).toMatch(/graded ok \+ failed/);
  });

  it('an export gives the same numbers as the run output', async () => {
    const a = await json(['run.jsonl', '--json']);
    const b = await json([exportFile, '--json']);
    expect(b.cells).toEqual(a.cells);
  });

  it('--by prompt,case,model gives one cell per case', async () => {
    const { cells } = await json(['run.jsonl', '--json', '--by', 'prompt,case,model']);
    const a = cells.filter((c) => c.prompt === 'summarise' && c.model === 'model-a');
    expect(a).toHaveLength(20);
    expect(a.find((c) => c.case === 'summarise:c01')!['pass-rate'].value).toBe(0);
    expect(a.find((c) => c.case === 'summarise:c02')!['pass-rate'].value).toBe(1);
  });

  it('--fail-under exits 1 and names the cell and figure; 0 when every floor holds', async () => {
    const under = await json(['run.jsonl', '--json', '--fail-under', 'pass-floor=0.5']);
    expect(under.code).toBe(1);
    expect(under.err).toContain('FAIL prompt summarise, model model-b: pass-floor = 0.2993 is under 0.5');
    expect(under.err).toContain('FAIL prompt extract, model model-c: pass-floor');
    expect(under.err).not.toContain('model model-a');
    const summariseB = under.cells.find((c) => c.prompt === 'summarise' && c.model === 'model-b') as unknown as { breaches: string[] };
    expect(summariseB.breaches).toHaveLength(1);

    const holds = await json(['run.jsonl', '--json', '--by', 'model', '--fail-under', 'success-rate=0.8']);
    expect(holds.code).toBe(0);
    const scoreGate = await json(['run.jsonl', '--json', '--fail-under', 'score-floor=0.09']);
    expect(scoreGate.code).toBe(1);
    expect(scoreGate.err).toContain('FAIL prompt extract, model model-b: score-floor = 0.0000 is under 0.09');
    expect(scoreGate.err).not.toContain('summarise, model model-b');
    const over = await json(['run.jsonl', '--json', '--fail-over', 'latency-p90=100']);
    expect(over.code).toBe(1);
  });

  it('prints a table for people, floors first, with the drift it sees', async () => {
    const c = capture();
    expect(await statsCommand(['run.jsonl'], c.io)).toBe(0);
    const out = c.out();
    const header = out.split('\n')[0];
    expect(header.indexOf('pass floor')).toBeLessThan(header.indexOf('success'));
    expect(header.indexOf('p10 score')).toBeLessThan(header.indexOf('(best)'));
    expect(out).toMatch(/summarise\s+model-a\s+76\.4%\s+0\.55/);
    expect(out).toMatch(/extract\s+model-c\s+43\.8%\*/);
    expect(out).toContain(`served-model ${KNOWN_DRIFT.before} → ${KNOWN_DRIFT.after}`);
    expect(out).toMatch(/model-d .*pass rate down/);
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await json([])).code).toBe(2);
    expect((await json(['missing.jsonl'])).code).toBe(2);
    expect((await json(['run.jsonl', '--by', 'prompt,colour'])).err).toMatch(/not one of/);
    expect((await json(['run.jsonl', '--fail-under', 'latency-p90=1'])).code).toBe(2);
    const help = capture();
    expect(await statsCommand(['--help'], help.io)).toBe(0);
    expect(help.out()).toContain('usage: tenth stats');
  });

  it('reports unreadable lines and goes on', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, `{"schema":"tenth.attempt/1"}\nnot json\n${JSON.stringify(knownJournal()[0])}\n`);
    const r = await json([file, '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/skipped 2 unreadable lines/);
    expect(r.cells).toHaveLength(1);
  });

  it('keeps one model id on two providers apart by default, and says so', async () => {
    const file = join(dir, 'two-providers.jsonl');
    const rows = knownJournal();
    const moved = rows.map((a, i) => (i % 2 ? { ...a, providerId: 'proxy' } : a));
    await writeFile(file, `${moved.map((a) => JSON.stringify(a)).join('\n')}\n`);
    const plain = await json([exportFile, '--json']);
    const split = await json([file, '--json']);
    expect(split.code).toBe(0);
    expect(split.err).toMatch(/more than one provider; grouping by prompt, provider and model/);
    expect(split.cells.length).toBeGreaterThan(plain.cells.length);
    // An explicit --by is kept as given.
    expect((await json([file, '--json', '--by', 'prompt,model'])).cells.length).toBe(plain.cells.length);
  });
});
