/**
 * `tenth run` end to end against the mock provider (tests/mock/server.ts) on
 * 127.0.0.1: the journal, failure classes, retries, limits, timing against the
 * mock's ground truth, key hygiene, a SIGKILL mid-run and bad input.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../../shared/domain/schemas';
import { startMock, type GroundTruth, type MockServer } from '../../tests/mock/server';
import { runCommand, type CliIO } from './run';

const CANARY = 'canary-KEY-7f3e9a1c5b2d';
const BIN = resolve(__dirname, '../../bin/tenth.mjs');

let mock: MockServer;
let dir: string;

beforeAll(async () => {
  mock = await startMock({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'tenth-run-'));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Captured {
  io: CliIO;
  out: () => string;
  err: () => string;
}

function capture(over: Partial<CliIO> = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: { MOCK_KEY: CANARY },
      cwd: dir,
      ...over,
    },
    out: () => out,
    err: () => err,
  };
}

function writeSuite(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Line {
  line: number;
  rec: Record<string, unknown>;
}

function readJournal(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter((l) => l.text.trim() !== '')
    .map((l) => ({ line: l.line, rec: JSON.parse(l.text) as Record<string, unknown> }));
}

function attemptLines(lines: Line[]): { line: number; a: Attempt }[] {
  return lines.filter((l) => l.rec.schema === 'tenth.attempt/1').map((l) => ({ line: l.line, a: l.rec as unknown as Attempt }));
}

/** The last record of each attempt id, as a journal reader keeps it. */
function latestAttempts(lines: Line[]): Map<string, Attempt> {
  const m = new Map<string, Attempt>();
  for (const { a } of attemptLines(lines)) m.set(a.id, a);
  return m;
}

function maxOverlap(intervals: { start: number; end: number }[]): number {
  const ev = intervals.flatMap((i) => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 },
  ]);
  ev.sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of ev) {
    cur += e.d;
    max = Math.max(max, cur);
  }
  return max;
}

function provider(name: string, kind: string, headers: Record<string, string>, extra = ''): string {
  const h = Object.entries({ 'x-mock-tag': name, ...headers })
    .map(([k, v]) => `${k}: "${v}"`)
    .join(', ');
  return `  ${name}: { kind: ${kind}, baseUrl: "${mock.baseUrls[kind as keyof typeof mock.baseUrls]}", keyEnv: MOCK_KEY, headers: { ${h} }${extra} }\n`;
}

describe('tenth run against the mock provider', () => {
  it('journals every attempt pending-then-final with the failure class the mock intended, and links retries', async () => {
    mock.resetStats();
    const faults: [string, string, string][] = [
      ['p_ok', 'openai', ''],
      ['p_auth', 'anthropic', 'auth'],
      ['p_bad', 'gemini', 'bad_request'],
      ['p_filter', 'openai', 'content_filter'],
      ['p_empty', 'ollama', 'empty'],
      ['p_len', 'openrouter', 'length'],
      ['p_stream', 'anthropic', 'stream-error'],
      ['p_malformed', 'openai-compatible', 'malformed'],
      ['p_refusal', 'openai', 'refusal'],
      ['p_overloaded', 'anthropic', 'overloaded'],
      ['p_reset', 'gemini', 'reset'],
    ];
    const suite = writeSuite(
      'classes.yaml',
      `providers:\n${faults.map(([n, k, f]) => provider(n, k, f ? { 'x-mock-fault': f } : {})).join('')}` +
        `models:\n${faults.map(([n]) => `  - { provider: ${n}, id: m-${n}, price: { input: 1, output: 2 } }\n`).join('')}` +
        `prompts:\n  - { id: p, user: "Say {{w}}", cases: [{ w: hi }] }\n` +
        `repeat: 2\nconcurrency: 6\nretry: { on: [overloaded, network], max: 2, baseDelayMs: 5 }\n`,
    );
    const out = join(dir, 'classes.jsonl');
    const c = capture();
    const code = await runCommand([suite, '--out', out], c.io);
    expect(c.err()).not.toMatch(/problem/);
    expect(code).toBe(0);

    const lines = readJournal(out);
    expect(lines[0].rec.schema).toBe('tenth.journal/1');
    const types = lines.map((l) => l.rec.schema);
    // Context records come before the first attempt.
    const firstAttempt = types.indexOf('tenth.attempt/1');
    for (const t of ['tenth.provider/1', 'tenth.prompt/1', 'tenth.promptVersion/1', 'tenth.case/1', 'tenth.run/1']) {
      const at = types.indexOf(t);
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(firstAttempt);
    }

    // Every attempt: exactly a pending line, then one final line.
    const byId = new Map<string, { line: number; a: Attempt }[]>();
    for (const x of attemptLines(lines)) byId.set(x.a.id, [...(byId.get(x.a.id) ?? []), x]);
    for (const recs of byId.values()) {
      expect(recs.map((r) => r.a.status === 'pending')).toEqual([true, false]);
      expect(recs[0].a.owner).toMatch(/^cli:/);
    }
    const finals = [...latestAttempts(lines).values()];
    // 11 providers × 2 repeats, plus 2 retries for each of the 4 overloaded/reset attempts.
    expect(finals).toHaveLength(22 + 8);
    const gt = mock.groundTruth().filter((g) => g.op === 'chat');
    expect(gt).toHaveLength(finals.length);

    for (const [name] of faults) {
      const mine = finals.filter((a) => a.providerId === name);
      const expected = gt.filter((g) => g.tag === name).map((g) => g.expect);
      expect(mine.map((a) => (a.status === 'ok' ? 'ok' : a.failure?.class)).sort(), name).toEqual([...expected].sort());
    }
    expect(finals.filter((a) => a.providerId === 'p_ok').every((a) => a.status === 'ok' && a.output.length > 0 && a.costUsd! > 0)).toBe(true);

    // Retries: new attempts linked to the attempt they retry, same case and repeat.
    const ids = new Map(finals.map((a) => [a.id, a]));
    const retries = finals.filter((a) => a.retryOf !== null);
    expect(retries).toHaveLength(8);
    for (const r of retries) {
      const orig = ids.get(r.retryOf!)!;
      expect(orig.status).toBe('failed');
      expect([orig.providerId, orig.caseId, orig.repeatIndex]).toEqual([r.providerId, r.caseId, r.repeatIndex]);
      expect(r.queuedAt).toBeGreaterThanOrEqual(orig.endedAt! - 1);
    }
    // The run record is rewritten at the end with its final status.
    const runs = lines.filter((l) => l.rec.schema === 'tenth.run/1').map((l) => l.rec.status);
    expect(runs).toEqual(['running', 'done']);
    expect(c.out()).toMatch(/p_overloaded\/m-p_overloaded\s+6\s+0\s+overloaded 6/);
  });

  it('keeps to the global and per-provider limits and respects retry-after', async () => {
    mock.resetStats();
    const suite = writeSuite(
      'limits.yaml',
      'providers:\n' +
        provider('fast', 'openai', { 'x-mock-ttft': '30', 'x-mock-tps': '400', 'x-mock-tokens': '8' }, ', concurrency: 3') +
        provider('slow', 'anthropic', { 'x-mock-ttft': '20', 'x-mock-tps': '300', 'x-mock-tokens': '8' }, ', concurrency: 2') +
        provider('limited', 'openai', { 'x-mock-fault': 'rate_limit', 'x-mock-fault-rate': '0.34', 'x-mock-retry-after': '0.3' }, ', concurrency: 1') +
        'models:\n  - { provider: fast, id: f }\n  - { provider: slow, id: s }\n  - { provider: limited, id: l }\n' +
        'prompts:\n  - { id: p, user: hello }\n' +
        'repeat: 8\nconcurrency: 4\nretry: { on: [rate_limited], max: 2, baseDelayMs: 1 }\n',
    );
    const out = join(dir, 'limits.jsonl');
    const c = capture();
    expect(await runCommand([suite, '--out', out], c.io)).toBe(0);
    const gt = mock.groundTruth().filter((g) => g.op === 'chat');
    const span = (gs: GroundTruth[]) => gs.map((g) => ({ start: g.receivedAt, end: g.endedAt! }));
    expect(mock.maxInFlight()).toBeLessThanOrEqual(4);
    expect(maxOverlap(span(gt))).toBeLessThanOrEqual(4);
    expect(maxOverlap(span(gt.filter((g) => g.tag === 'fast')))).toBeLessThanOrEqual(3);
    expect(maxOverlap(span(gt.filter((g) => g.tag === 'slow')))).toBeLessThanOrEqual(2);
    // The limits were reached, so the checks above had something to hold back.
    expect(mock.maxInFlight()).toBeGreaterThanOrEqual(3);

    const limited = gt.filter((g) => g.tag === 'limited').sort((a, b) => a.receivedAt - b.receivedAt);
    const limitedOnes = limited.filter((g) => g.status === 429);
    expect(limitedOnes.length).toBeGreaterThan(0);
    for (const g of limitedOnes) {
      const next = limited.find((x) => x.receivedAt > g.receivedAt);
      if (next) expect(next.receivedAt - g.endedAt!).toBeGreaterThanOrEqual(300 - 2);
    }
    const finals = [...latestAttempts(readJournal(out)).values()].filter((a) => a.providerId === 'limited');
    const rate = finals.filter((a) => a.failure?.class === 'rate_limited');
    expect(rate.length).toBe(limitedOnes.length);
    expect(rate.every((a) => a.failure!.retryAfterMs === 300 && a.failure!.httpStatus === 429)).toBe(true);
    expect(finals.filter((a) => a.retryOf !== null).length).toBeGreaterThan(0);
  });

  it('measures TTFT and latency within a few ms of the mock, and never shows the key', async () => {
    mock.resetStats();
    const suite = writeSuite(
      'timing.yaml',
      'providers:\n' +
        provider('t', 'openai', { 'x-mock-ttft': '80', 'x-mock-tps': '100', 'x-mock-tokens': '10' }, ', concurrency: 4') +
        'models:\n  - { provider: t, id: gpt-t, price: { input: 1, output: 1 } }\n' +
        'prompts:\n  - { id: p, user: "time me", params: { maxOutputTokens: 50 } }\n' +
        'repeat: 8\nconcurrency: 4\n',
    );
    const out = join(dir, 'timing.jsonl');
    const c = capture();
    expect(await runCommand([suite, '--out', out], c.io)).toBe(0);
    const finals = [...latestAttempts(readJournal(out)).values()];
    const gtById = new Map(mock.groundTruth().map((g) => [g.requestId, g]));
    expect(finals).toHaveLength(8);
    const ttftErr: number[] = [];
    const latencyErr: number[] = [];
    for (const a of finals) {
      expect(a.status).toBe('ok');
      const g = gtById.get(a.responseMeta!.headers['x-request-id'])!;
      expect(g).toBeDefined();
      ttftErr.push(a.ttftMs! - (g.firstTokenSentAt! - g.receivedAt));
      latencyErr.push(a.latencyMs! - (g.endedAt! - g.receivedAt));
      expect(a.tokensPerSec).not.toBeNull();
      expect(a.queuedAt).toBeLessThanOrEqual(a.startedAt!);
      expect(a.usage?.outputTokens).toBe(10);
    }
    // The client's clock starts before the request is sent and stops after the last byte
    // is read, so it reads a little longer than the server's: a few ms on loopback. The
    // median is held to that; single attempts get slack for a busy machine's scheduler.
    // Bounds are about *where* the clock is read (queue time or a late stop would
    // add tens to hundreds of ms), not speed: the figures are bench:runner's job.
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    for (const errs of [ttftErr, latencyErr]) {
      expect(Math.min(...errs)).toBeGreaterThanOrEqual(-1);
      expect(median(errs)).toBeLessThan(25);
      expect(Math.max(...errs)).toBeLessThan(250);
    }
    const journal = readFileSync(out, 'utf8');
    for (const text of [journal, c.out(), c.err()]) expect(text).not.toContain(CANARY);
    // The key did travel: the mock accepted it (a missing key would be a 401 → auth).
    expect(finals.every((a) => a.failure === null)).toBe(true);
  });

  it('stops on Ctrl-C: in-flight attempts become cancelled and queued ones are not sent', async () => {
    mock.resetStats();
    const suite = writeSuite(
      'cancel.yaml',
      'providers:\n' +
        provider('c', 'openai', { 'x-mock-ttft': '2000' }, ', concurrency: 2') +
        'models:\n  - { provider: c, id: m }\nprompts:\n  - { id: p, user: hi }\nrepeat: 10\nconcurrency: 2\n',
    );
    const out = join(dir, 'cancel.jsonl');
    let interrupt: () => void = () => {};
    const c = capture({ onInterrupt: (h) => ((interrupt = h), () => {}) });
    const running = runCommand([suite, '--out', out], c.io);
    for (let i = 0; i < 500 && mock.inFlight() < 2; i++) await new Promise((r) => setTimeout(r, 20));
    interrupt();
    expect(await running).toBe(130);
    const finals = [...latestAttempts(readJournal(out)).values()];
    expect(finals.map((a) => a.status)).toEqual(['cancelled', 'cancelled']);
    expect(mock.groundTruth().filter((g) => g.op === 'chat')).toHaveLength(2);
    expect(c.out()).toMatch(/Cancelled: 2 attempts.*not sent 8/);
  });

  it('a SIGKILL mid-run leaves every started attempt in the journal; the next run marks them interrupted', async () => {
    mock.resetStats();
    const suite = writeSuite(
      'kill.yaml',
      'providers:\n' +
        provider('k', 'openai', { 'x-mock-ttft': '5000' }, ', concurrency: 3') +
        'models:\n  - { provider: k, id: m }\nprompts:\n  - { id: p, user: hi }\nrepeat: 6\nconcurrency: 3\n',
    );
    const out = join(dir, 'kill.jsonl');
    const child = spawn(process.execPath, [BIN, 'run', suite, '--out', out], {
      env: { ...process.env, MOCK_KEY: CANARY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let childOut = '';
    child.stdout.on('data', (d: Buffer) => (childOut += d.toString()));
    child.stderr.on('data', (d: Buffer) => (childOut += d.toString()));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    for (let i = 0; i < 300 && mock.inFlight() < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(mock.inFlight()).toBe(3);
    child.kill('SIGKILL');
    await exited;

    const lines = readJournal(out);
    const pending = attemptLines(lines).map((x) => x.a);
    expect(pending.every((a) => a.status === 'pending')).toBe(true);
    // Every request the mock received has its pending line (write-ahead).
    const received = mock.groundTruth().filter((g) => g.op === 'chat').length + mock.inFlight();
    expect(received).toBeGreaterThanOrEqual(3);
    expect(pending.length).toBeGreaterThanOrEqual(Math.min(received, 3));
    expect(pending.length).toBe(3);

    // A second run on the same journal finds them and marks them interrupted.
    const suite2 = writeSuite(
      'kill2.yaml',
      'providers:\n' + provider('k', 'openai', {}) + 'models:\n  - { provider: k, id: m }\nprompts:\n  - { id: p, user: hi }\nrepeat: 1\n',
    );
    const c = capture();
    expect(await runCommand([suite2, '--out', out], c.io)).toBe(0);
    expect(c.err()).toContain('Marked 3 attempts');
    const after = readJournal(out);
    const latest = latestAttempts(after);
    for (const a of pending) expect(latest.get(a.id)?.status).toBe('interrupted');
    expect([...latest.values()].filter((a) => a.status === 'ok')).toHaveLength(1);
    // The killed run is closed as interrupted; the file has one header, and context records once.
    const runStatuses = after.filter((l) => l.rec.schema === 'tenth.run/1').map((l) => l.rec.status);
    expect(runStatuses).toEqual(['running', 'interrupted', 'running', 'done']);
    expect(after.filter((l) => l.rec.schema === 'tenth.journal/1')).toHaveLength(1);
    expect(after.filter((l) => l.rec.schema === 'tenth.provider/1')).toHaveLength(1);
    expect(readFileSync(out, 'utf8')).not.toContain(CANARY);
    expect(childOut).not.toContain(CANARY);
  });

  it('exits 2 with file:line:col: field messages on a bad suite, and runs nothing', async () => {
    mock.resetStats();
    const bad = writeSuite(
      'bad.yaml',
      'providers:\n' +
        `  m: { kind: openai, baseUrl: "${mock.baseUrls.openai}", key: "${CANARY}" }\n` +
        'models:\n  - { provider: m, id: x }\n' +
        'prompts:\n  - id: p\n    user: hi\n    params: { temperature: 9 }\n',
    );
    const out = join(dir, 'bad.jsonl');
    const child = spawn(process.execPath, [BIN, 'run', bad, '--out', out], { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}:2:`);
    expect(stderr).toMatch(/bad\.yaml:2:\d+: providers\.m\.key: keys are never read from a suite file/);
    expect(stderr).toMatch(/bad\.yaml:8:\d+: prompts\[0\]\.params\.temperature: Too big/);
    expect(stderr + stdout).not.toContain(CANARY);
    expect(existsSync(out)).toBe(false);
    expect(mock.groundTruth()).toHaveLength(0);

    const usage = capture();
    expect(await runCommand(['--repeat', 'x', bad], usage.io)).toBe(2);
    expect(usage.err()).toContain('--repeat expects a positive integer');
    const missing = capture();
    expect(await runCommand(['nope.yaml'], missing.io)).toBe(2);
    expect(missing.err()).toContain('nope.yaml: cannot read the suite (ENOENT)');
    const good = writeSuite('good.yaml', 'providers:\n' + provider('g', 'openai', {}) + 'models:\n  - { provider: g, id: m }\nprompts:\n  - { id: p, user: hi }\n');
    const noDir = capture();
    expect(await runCommand([good, '--out', join(dir, 'no-such-dir', 'x.jsonl')], noDir.io)).toBe(2);
    expect(noDir.err()).toMatch(/x\.jsonl: cannot open the journal \(ENOENT\)/);
  });
});
