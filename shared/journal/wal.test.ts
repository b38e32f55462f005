/**
 * Write-ahead journals: the real run engine writes each attempt `pending`
 * before its request leaves and again when it finishes, and a run `running`
 * then `done`, through a sink that appends serialised lines exactly as `tenth
 * run`'s JournalFile does. Reading such a file must take the final version of
 * each id (not an error, not the first line); a killed run leaves only pending
 * lines, which import as they are.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attempt, Run } from '../domain/schemas';
import { createRunEngine, type JournalSink } from '../engine/engine';
import { expandRun } from '../engine/plan';
import { counter, fakeCaller, fakeableClock, provider, run as makeRun, version } from '../engine/test-helpers';
import { planImport } from './import';
import { readLatestRecords, serializeRecord, validateJournal } from './jsonl';
import type { DataRecordType, RecordMap } from './records';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** JournalFile.sink(), minus the disk: every record appended as one serialised line. */
function lineSink(lines: string[]): JournalSink {
  return {
    writePending: async (a) => void lines.push(serializeRecord(a)),
    writeFinished: async (a) => void lines.push(serializeRecord(a)),
    writeRun: async (r) => void lines.push(serializeRecord(r)),
  };
}

/** One finished run of 6 attempts, then a second run killed while its attempts were in flight. */
async function tenthRunJournal(): Promise<{ lines: string[]; done: Run; killed: Run }> {
  const lines: string[] = [];
  const A = provider('A');
  const done = makeRun({ id: 'run-done', promptVersionIds: ['v'], targets: [{ providerId: 'A', model: 'm' }], repeats: 6 });
  const engine = createRunEngine({ caller: fakeCaller().caller, sink: lineSink(lines), clock: fakeableClock, ids: counter('a'), owner: 'cli:1' });
  const h = engine.start(done, expandRun(done, [version('v', 'p')], [], [A]));
  await vi.runAllTimersAsync();
  await h.done;

  // The second run: its pending lines and running record are written, then the process "dies".
  const killed = makeRun({ id: 'run-killed', promptVersionIds: ['v'], targets: [{ providerId: 'A', model: 'm' }], repeats: 3 });
  const killedLines: string[] = [];
  const engine2 = createRunEngine({ caller: fakeCaller(() => ({ delayMs: 10_000 })).caller, sink: lineSink(killedLines), clock: fakeableClock, ids: counter('k'), owner: 'cli:2' });
  engine2.start(killed, expandRun(killed, [version('v', 'p')], [], [A]));
  await vi.advanceTimersByTimeAsync(50);
  const snapshot = [...killedLines];
  expect(snapshot.some((l) => l.includes('"status":"pending"'))).toBe(true);
  expect(snapshot.some((l) => l.includes('"status":"ok"'))).toBe(false);
  return { lines: [...lines, ...snapshot], done, killed };
}

function collect() {
  const got = new Map<string, RecordMap[DataRecordType]>();
  const onBatch = <T extends DataRecordType>(type: T, records: RecordMap[T][]) => {
    for (const r of records) {
      expect(got.has(`${type}:${r.id}`)).toBe(false);
      got.set(`${type}:${r.id}`, r);
    }
  };
  return { got, onBatch };
}

describe('write-ahead journal (tenth run output)', () => {
  it('the final line of an id supersedes its pending line; a killed run keeps its pending lines', async () => {
    const { lines, killed } = await tenthRunJournal();
    // Each finished attempt appears twice, the run at least twice.
    const doneAttemptLines = lines.filter((l) => l.includes('"runId":"run-done"'));
    expect(doneAttemptLines).toHaveLength(12);

    const v = await validateJournal(lines.join('\n') + '\n');
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.counts.attempt).toBe(9);
    expect(v.counts.run).toBe(2);
    expect(v.superseded).toBeGreaterThanOrEqual(6 + 1);

    for (const mode of ['all-or-nothing', 'valid-only'] as const) {
      const { got, onBatch } = collect();
      const r = await planImport(lines.join('\n'), null, { mode, onBatch, batchSize: 4 });
      expect(r.ok).toBe(true);
      expect(r.committed).toBe(true);
      expect(r.added.attempt).toBe(9);
      const attempts = [...got.values()].filter((x): x is Attempt => x.schema === 'tenth.attempt/1');
      const finished = attempts.filter((a) => a.runId === 'run-done');
      expect(finished).toHaveLength(6);
      for (const a of finished) {
        expect(a.status).toBe('ok');
        expect(a.output).toBe('answer');
      }
      const leftOver = attempts.filter((a) => a.runId === killed.id);
      expect(leftOver).toHaveLength(3);
      for (const a of leftOver) expect(a.status).toBe('pending');
      expect((got.get('run:run-done') as Run).status).toBe('done');
      expect((got.get('run:run-killed') as Run).status).toBe('running');
    }
  });

  it('reads back a journal whose killed run was later marked interrupted, as tenth run does on its next start', async () => {
    const { lines, killed } = await tenthRunJournal();
    const pending = lines.map((l) => JSON.parse(l)).filter((r) => r.status === 'pending' && r.runId === killed.id);
    const recovered = [
      ...lines,
      ...pending.map((a: Attempt) => serializeRecord({ ...a, status: 'interrupted' })),
      serializeRecord({ ...killed, status: 'interrupted', endedAt: 1 }),
    ];
    const { got, onBatch } = collect();
    const r = await planImport(recovered.join('\n'), null, { mode: 'all-or-nothing', onBatch });
    expect(r.ok).toBe(true);
    const statuses = [...got.values()].filter((x) => x.schema === 'tenth.attempt/1').map((a) => (a as Attempt).status);
    expect(statuses.filter((s) => s === 'interrupted')).toHaveLength(3);
    expect(statuses).not.toContain('pending');
    expect((got.get('run:run-killed') as Run).status).toBe('interrupted');
  });

  it('a file concatenated with itself imports the same records once', async () => {
    const { lines } = await tenthRunJournal();
    const twice = [...lines, ...lines].join('\n');
    const v = await validateJournal(twice);
    expect(v.ok).toBe(true);
    expect(v.counts.attempt).toBe(9);
    const { got, onBatch } = collect();
    await planImport(twice, null, { mode: 'all-or-nothing', onBatch });
    expect([...got.values()].filter((x) => x.schema === 'tenth.attempt/1' && (x as Attempt).status === 'ok')).toHaveLength(6);
  });

  it('any other reuse of an id stays an error: a final line changed after it was final', async () => {
    const { lines } = await tenthRunJournal();
    const finalIdx = lines.findIndex((l) => l.includes('"status":"ok"'));
    const changed = JSON.stringify({ ...JSON.parse(lines[finalIdx]), output: 'rewritten' });
    const r = await planImport([...lines, changed].join('\n'), null, { mode: 'all-or-nothing', onBatch: () => undefined });
    expect(r.ok).toBe(false);
    expect(r.committed).toBe(false);
    expect(r.errors[0]).toMatchObject({ line: lines.length + 1, code: 'duplicate', field: 'id' });
    expect(r.errors[0].message).toContain(`line ${finalIdx + 1}`);
    // A pending line after the final one does not reopen it either.
    const p = JSON.parse(lines[finalIdx]);
    const reopened = serializeRecord({ ...p, status: 'pending', output: '', endedAt: null });
    const r2 = await validateJournal([...lines, reopened].join('\n'));
    expect(r2.errors.map((e) => e.code)).toEqual(['duplicate']);
    // A done run is final too.
    const runLine = lines.find((l) => l.includes('"tenth.run/1"') && l.includes('"status":"done"'))!;
    const r3 = await validateJournal([...lines, JSON.stringify({ ...JSON.parse(runLine), name: 'other' })].join('\n'));
    expect(r3.errors.map((e) => e.code)).toEqual(['duplicate']);
  });

  it("readLatestRecords: the last line for an id wins (tenth stats' reading)", async () => {
    const { lines } = await tenthRunJournal();
    const finalIdx = lines.findIndex((l) => l.includes('"status":"ok"'));
    const regraded = JSON.stringify({ ...JSON.parse(lines[finalIdx]), grades: [{ source: 'human', name: 'r', pass: false, score: 0, at: 5 }] });
    const text = [...lines, regraded, '{"broken'].join('\n');
    const { records, report } = await readLatestRecords(text, ['attempt']);
    expect(records).toHaveLength(9);
    expect(report.errorCount).toBe(1);
    const id = JSON.parse(lines[finalIdx]).id as string;
    expect(records.find((a) => a.id === id)!.grades).toHaveLength(1);
    // First-seen order is kept.
    expect(records.map((a) => a.id)).toEqual([...new Set(lines.filter((l) => l.includes('tenth.attempt/1')).map((l) => JSON.parse(l).id as string))]);
  });
});
