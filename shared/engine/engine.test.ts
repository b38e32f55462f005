import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attempt, Provider, Run } from '../domain/schemas';
import { createRunEngine, type JournalSink, type RunEvent } from './engine';
import { expandRun } from './plan';
import { recoverInterrupted } from './recover';
import {
  counter,
  fakeCaller,
  fakeableClock,
  provider,
  recordingSink,
  run as makeRun,
  version,
  type Outcome,
} from './test-helpers';
import type { ModelCallRequest } from '../domain/model-call';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(opts: { providers: Provider[]; repeats: number; run?: Partial<Run>; script?: (req: ModelCallRequest, n: number) => Outcome }) {
  const r = makeRun({
    promptVersionIds: ['v'],
    targets: opts.providers.map((p) => ({ providerId: p.id, model: 'm' })),
    repeats: opts.repeats,
    ...opts.run,
  });
  const plan = expandRun(r, [version('v', 'p')], [], opts.providers);
  const log: string[] = [];
  const sink = recordingSink(log);
  const fc = fakeCaller(opts.script);
  const caller: typeof fc.caller = (req, onDelta, signal) => {
    log.push(`call:${req.attemptId}`);
    return fc.caller(req, onDelta, signal);
  };
  const engine = createRunEngine({ caller, sink, clock: fakeableClock, ids: counter(), owner: 'test:1', random: () => 0.5 });
  const handle = engine.start(r, plan);
  const events: RunEvent[] = [];
  handle.onEvent((e) => events.push(e));
  return { r, plan, sink, fc, handle, events, log };
}

/** Latest record per id, as a journal reader would see it. */
function latest(sink: ReturnType<typeof recordingSink>): Map<string, Attempt> {
  const m = new Map<string, Attempt>();
  for (const a of [...sink.pending, ...sink.finished]) {
    const prev = m.get(a.id);
    if (!prev || prev.status === 'pending') m.set(a.id, a);
  }
  return m;
}

describe('run engine', () => {
  it('runs every planned attempt and journals it pending, then finished', async () => {
    const t = setup({ providers: [provider('A')], repeats: 6 });
    await vi.runAllTimersAsync();
    const summary = await t.handle.done;
    expect(summary).toMatchObject({ status: 'done', planned: 6, attempts: 6, ok: 6, failed: 0, retries: 0 });
    expect(t.sink.pending).toHaveLength(6);
    expect(t.sink.finished).toHaveLength(6);
    expect(t.sink.pending.every((a) => a.status === 'pending' && a.owner === 'test:1' && a.startedAt === null)).toBe(true);
    expect(t.sink.finished.every((a) => a.status === 'ok' && a.servedModel === 'served-m')).toBe(true);
    expect(t.sink.runs.map((r) => r.status)).toEqual(['running', 'done']);
    expect(t.sink.runs[1].endedAt).not.toBeNull();
    const progress = t.events.filter((e) => e.type === 'progress').at(-1);
    expect(progress).toMatchObject({ type: 'progress', progress: { done: 6, total: 6, ok: 6 } });
  });

  it('writes the pending record before the request leaves (write-ahead)', async () => {
    const log: string[] = [];
    let releasePending: () => void = () => {};
    const sink: JournalSink = {
      writePending: (a) =>
        new Promise<void>((res) => {
          log.push(`pending:${a.id}`);
          releasePending = () => {
            log.push(`pending-durable:${a.id}`);
            res();
          };
        }),
      writeFinished: async (a) => {
        log.push(`finished:${a.id}`);
      },
    };
    const fc = fakeCaller();
    const engine = createRunEngine({
      caller: (req, d, s) => {
        log.push(`call:${req.attemptId}`);
        return fc.caller(req, d, s);
      },
      sink,
      clock: fakeableClock,
      ids: counter(),
      owner: 'o',
    });
    const p = [provider('A')];
    const r = makeRun({ promptVersionIds: ['v'], targets: [{ providerId: 'A', model: 'm' }], concurrency: 1 });
    const handle = engine.start(r, expandRun(r, [version('v', 'p')], [], p));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log).toEqual(['pending:a0001']);
    releasePending();
    await vi.runAllTimersAsync();
    await handle.done;
    expect(log).toEqual(['pending:a0001', 'pending-durable:a0001', 'call:a0001', 'finished:a0001']);
  });

  it('never exceeds the global limit nor any provider limit, and uses them', async () => {
    const providers = [provider('A', { concurrency: 2 }), provider('B', { concurrency: 3 }), provider('C', { concurrency: 1 })];
    const t = setup({
      providers,
      repeats: 20,
      run: { concurrency: 5 },
      script: (_req, n) => ({ delayMs: 50 + ((n * 37) % 200) }),
    });
    let maxSeen = 0;
    t.handle.onEvent((e) => {
      if (e.type === 'progress') maxSeen = Math.max(maxSeen, e.progress.inFlight);
    });
    await vi.runAllTimersAsync();
    await t.handle.done;
    expect(t.fc.calls).toHaveLength(60);
    expect(t.fc.maxInFlight).toBeLessThanOrEqual(5);
    expect(t.fc.maxInFlight).toBe(5);
    expect(t.fc.maxInFlightBy.get('A')).toBe(2);
    expect(t.fc.maxInFlightBy.get('B')).toBe(3);
    expect(t.fc.maxInFlightBy.get('C')).toBe(1);
    expect(maxSeen).toBeLessThanOrEqual(5);
  });

  it('keeps to a provider requests-per-minute limit', async () => {
    const t = setup({ providers: [provider('A', { rpm: 5, concurrency: 10 })], repeats: 12, run: { concurrency: 10 }, script: () => ({ delayMs: 10 }) });
    await vi.runAllTimersAsync();
    await t.handle.done;
    const starts = t.fc.startTimes.get('A')!;
    expect(starts).toHaveLength(12);
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((s) => s > starts[i] - 60_000 && s <= starts[i]).length;
      expect(inWindow).toBeLessThanOrEqual(5);
    }
    // 12 requests at 5 a minute: the last batch cannot start before two minutes have passed.
    expect(starts[11] - starts[0]).toBeGreaterThanOrEqual(120_000);
  });

  it('holds a provider queue for retry-after on a 429 and links the retry', async () => {
    const providers = [provider('A', { concurrency: 1 }), provider('B', { concurrency: 1 })];
    const t = setup({
      providers,
      repeats: 3,
      run: { concurrency: 2 },
      script: (req, n) =>
        req.provider.id === 'A' && n === 0
          ? { delayMs: 10, failure: { class: 'rate_limited', httpStatus: 429, retryAfterMs: 5_000 } }
          : { delayMs: 10 },
    });
    await vi.runAllTimersAsync();
    const summary = await t.handle.done;
    const a = t.sink.finished.filter((x) => x.providerId === 'A').sort((x, y) => x.startedAt! - y.startedAt!);
    expect(a).toHaveLength(4);
    const limited = a[0];
    expect(limited.failure?.class).toBe('rate_limited');
    // Nothing else on A started until the retry-after had passed...
    expect(a[1].startedAt! - limited.endedAt!).toBeGreaterThanOrEqual(5_000);
    // ...while B went on.
    const b = t.sink.finished.filter((x) => x.providerId === 'B');
    expect(b.every((x) => x.startedAt! < limited.endedAt! + 5_000)).toBe(true);
    const retry = a.find((x) => x.retryOf === limited.id)!;
    expect(retry.status).toBe('ok');
    expect(retry.caseId).toBe(limited.caseId);
    expect(retry.repeatIndex).toBe(limited.repeatIndex);
    expect(t.events.some((e) => e.type === 'provider:hold' && e.providerId === 'A')).toBe(true);
    expect(summary).toMatchObject({ attempts: 7, ok: 6, failed: 1, retries: 1 });
  });

  it('retries listed classes up to the limit as new linked attempts, with backoff', async () => {
    const t = setup({
      providers: [provider('A')],
      repeats: 2,
      run: { retry: { classes: ['overloaded'], maxRetries: 2, baseDelayMs: 1_000 } },
      script: (_req, n) => (n < 3 ? { delayMs: 10, failure: { class: n === 0 ? 'auth' : 'overloaded' } } : { delayMs: 10 }),
    });
    await vi.runAllTimersAsync();
    const summary = await t.handle.done;
    const recs = [...latest(t.sink).values()];
    // Attempt 1: auth, not retried. Attempt 2: overloaded → retry overloaded → retry ok.
    const auth = recs.find((x) => x.failure?.class === 'auth')!;
    expect(recs.some((x) => x.retryOf === auth.id)).toBe(false);
    const roots = recs.filter((x) => x.retryOf === null);
    expect(roots).toHaveLength(2);
    const chainRoot = roots.find((x) => x.id !== auth.id)!;
    const r1 = recs.find((x) => x.retryOf === chainRoot.id)!;
    const r2 = recs.find((x) => x.retryOf === r1.id)!;
    expect([chainRoot.failure?.class, r1.failure?.class, r2.status]).toEqual(['overloaded', 'overloaded', 'ok']);
    // Backoff: base × 2^n × (0.5 + jitter 0.5) = 1 s then 2 s; queue time counts from the failure.
    expect(r1.startedAt! - chainRoot.endedAt!).toBeGreaterThanOrEqual(1_000);
    expect(r2.startedAt! - r1.endedAt!).toBeGreaterThanOrEqual(2_000);
    expect(r1.queuedAt).toBe(chainRoot.endedAt);
    expect(summary).toMatchObject({ planned: 2, attempts: 4, retries: 2, ok: 1, failed: 3 });
    expect(summary.failuresByClass).toEqual({ auth: 1, overloaded: 2 });
  });

  it('stops retrying after maxRetries', async () => {
    const t = setup({ providers: [provider('A')], repeats: 1, script: () => ({ delayMs: 5, failure: { class: 'network' } }) });
    await vi.runAllTimersAsync();
    const s = await t.handle.done;
    expect(s).toMatchObject({ attempts: 3, failed: 3, retries: 2 });
  });

  it('pause starts nothing new, lets in-flight finish, and resume carries on', async () => {
    const t = setup({ providers: [provider('A')], repeats: 6, run: { concurrency: 2 }, script: () => ({ delayMs: 100 }) });
    await vi.advanceTimersByTimeAsync(10);
    expect(t.fc.calls).toHaveLength(2);
    t.handle.pause();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.fc.calls).toHaveLength(2);
    expect(t.sink.finished).toHaveLength(2);
    expect(t.events.some((e) => e.type === 'run:status' && e.status === 'paused')).toBe(true);
    let settled = false;
    void t.handle.done.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(settled).toBe(false);
    t.handle.resume();
    await vi.runAllTimersAsync();
    const s = await t.handle.done;
    expect(s).toMatchObject({ status: 'done', attempts: 6, ok: 6 });
    expect(t.sink.runs.map((r) => r.status)).toEqual(['running', 'paused', 'running', 'done']);
  });

  it('cancel aborts in-flight attempts as cancelled and writes nothing for queued ones', async () => {
    const t = setup({ providers: [provider('A')], repeats: 10, run: { concurrency: 3 }, script: () => ({ delayMs: 1_000 }) });
    await vi.advanceTimersByTimeAsync(10);
    expect(t.fc.calls).toHaveLength(3);
    t.handle.cancel();
    await vi.runAllTimersAsync();
    const s = await t.handle.done;
    expect(s).toMatchObject({ status: 'cancelled', attempts: 3, cancelled: 3, dropped: 7, planned: 10 });
    expect(t.sink.pending).toHaveLength(3);
    expect(t.sink.finished.map((a) => a.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(t.fc.calls).toHaveLength(3);
    expect(t.sink.runs.at(-1)?.status).toBe('cancelled');
    expect(t.events.filter((e) => e.type === 'attempt:dropped')).toHaveLength(7);
  });

  it('does not retry an attempt the run cancel aborted', async () => {
    const t = setup({ providers: [provider('A')], repeats: 1, script: () => ({ delayMs: 1_000 }) });
    await vi.advanceTimersByTimeAsync(10);
    t.handle.cancel();
    await vi.runAllTimersAsync();
    expect(await t.handle.done).toMatchObject({ attempts: 1, cancelled: 1, retries: 0 });
  });

  it('cancels one in-flight attempt, or drops one queued attempt, and the rest run', async () => {
    const t = setup({ providers: [provider('A')], repeats: 4, run: { concurrency: 1 }, script: () => ({ delayMs: 1_000 }) });
    const queued: string[] = [];
    t.handle.onEvent((e) => {
      if (e.type === 'attempt:queued') queued.push(e.attemptId);
    });
    await vi.advanceTimersByTimeAsync(10);
    const [first, , third] = queued;
    expect(t.handle.cancelAttempt(first)).toBe(true);
    expect(t.handle.cancelAttempt(third)).toBe(true);
    expect(t.handle.cancelAttempt('nope')).toBe(false);
    await vi.runAllTimersAsync();
    const s = await t.handle.done;
    expect(s).toMatchObject({ status: 'done', attempts: 3, ok: 2, cancelled: 1, dropped: 1 });
    const m = latest(t.sink);
    expect(m.get(first)?.status).toBe('cancelled');
    expect(m.has(third)).toBe(false);
    expect(t.handle.progress()).toMatchObject({ done: 3, total: 3 });
  });

  it('records timings, tokens/s, usage, price and cost from the call result', async () => {
    const t = setup({ providers: [provider('A')], repeats: 1, script: () => ({ delayMs: 2_005, ttftMs: 5, outputTokens: 100, inputTokens: 1_000 }) });
    await vi.runAllTimersAsync();
    await t.handle.done;
    const a = t.sink.finished[0];
    expect(a.ttftMs).toBe(5);
    expect(a.latencyMs).toBe(2_005);
    expect(a.tokensPerSec).toBe(50); // 100 tokens over the 2 s after the first token
    expect(a.price).toEqual({ inputPerM: 1, outputPerM: 2 });
    expect(a.costUsd).toBeCloseTo((1_000 * 1 + 100 * 2) / 1e6, 12);
    expect(a.request).toEqual({ redacted: true });
    expect(a.queuedAt).toBeLessThanOrEqual(a.startedAt!);
    expect(a.grades).toEqual([]);
    const last = t.events.filter((e) => e.type === 'progress').at(-1);
    expect(last).toMatchObject({ progress: { costUsd: a.costUsd } });
  });

  it('passes the run timeouts and rendered text to the caller and streams deltas as events', async () => {
    const t = setup({ providers: [provider('A')], repeats: 1, run: { firstTokenTimeoutMs: 1234, totalTimeoutMs: 5678 } });
    await vi.runAllTimersAsync();
    await t.handle.done;
    expect(t.fc.calls[0]).toMatchObject({ firstTokenTimeoutMs: 1234, totalTimeoutMs: 5678, system: 'sys', model: 'm' });
    expect(t.events.some((e) => e.type === 'attempt:delta' && e.text === 'answer')).toBe(true);
  });

  it('rejects done and sends nothing more when the journal cannot be written', async () => {
    let n = 0;
    const sink: JournalSink = {
      writePending: async () => {
        if (++n === 2) throw new Error('disk full');
      },
      writeFinished: async () => {},
    };
    const fc = fakeCaller(() => ({ delayMs: 100 }));
    const engine = createRunEngine({ caller: fc.caller, sink, clock: fakeableClock, ids: counter(), owner: 'o' });
    const r = makeRun({ promptVersionIds: ['v'], targets: [{ providerId: 'A', model: 'm' }], repeats: 5, concurrency: 1 });
    const handle = engine.start(r, expandRun(r, [version('v', 'p')], [], [provider('A')]));
    const rejected = expect(handle.done).rejects.toThrow('disk full');
    await vi.runAllTimersAsync();
    await rejected;
    expect(fc.calls).toHaveLength(1);
  });

  it('frees the slot when the call returns, yet finishes an attempt only after its finished write', async () => {
    const log: string[] = [];
    const slowWrites: (() => void)[] = [];
    const sink: JournalSink = {
      writePending: async (a) => {
        log.push(`pending:${a.id}`);
      },
      writeFinished: (a) =>
        new Promise<void>((res) => {
          log.push(`finished:${a.id}`);
          slowWrites.push(res);
        }),
    };
    const fc = fakeCaller(() => ({ delayMs: 10 }));
    const engine = createRunEngine({ caller: fc.caller, sink, clock: fakeableClock, ids: counter(), owner: 'o' });
    const r = makeRun({ promptVersionIds: ['v'], targets: [{ providerId: 'A', model: 'm' }], repeats: 3, concurrency: 1 });
    const handle = engine.start(r, expandRun(r, [version('v', 'p')], [], [provider('A')]));
    const events: RunEvent[] = [];
    handle.onEvent((e) => events.push(e));
    let settled = false;
    void handle.done.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1_000);
    // All three calls ran one after another although no finished write has completed.
    expect(fc.calls).toHaveLength(3);
    expect(fc.maxInFlight).toBe(1);
    expect(log).toEqual(['pending:a0001', 'finished:a0001', 'pending:a0002', 'finished:a0002', 'pending:a0003', 'finished:a0003']);
    expect(events.some((e) => e.type === 'attempt:finished')).toBe(false);
    expect(handle.progress().done).toBe(0);
    expect(settled).toBe(false);
    for (const w of slowWrites) w();
    await vi.runAllTimersAsync();
    expect(settled).toBe(true);
    expect(events.filter((e) => e.type === 'attempt:finished')).toHaveLength(3);
    expect(await handle.done).toMatchObject({ status: 'done', attempts: 3, ok: 3 });
  });

  it('rejects done when a finished record cannot be written, even after the slot was freed', async () => {
    let n = 0;
    const sink: JournalSink = {
      writePending: async () => {},
      writeFinished: async () => {
        if (++n === 1) throw new Error('fsync failed');
      },
    };
    const fc = fakeCaller(() => ({ delayMs: 10 }));
    const engine = createRunEngine({ caller: fc.caller, sink, clock: fakeableClock, ids: counter(), owner: 'o' });
    const r = makeRun({ promptVersionIds: ['v'], targets: [{ providerId: 'A', model: 'm' }], repeats: 5, concurrency: 1 });
    const handle = engine.start(r, expandRun(r, [version('v', 'p')], [], [provider('A')]));
    const rejected = expect(handle.done).rejects.toThrow('fsync failed');
    await vi.runAllTimersAsync();
    await rejected;
    expect(fc.calls.length).toBeLessThan(5);
  });

  it('finishes at once on an empty plan', async () => {
    const sink = recordingSink();
    const engine = createRunEngine({ caller: fakeCaller().caller, sink, clock: fakeableClock, owner: 'o' });
    const handle = engine.start(makeRun(), []);
    await vi.runAllTimersAsync();
    expect(await handle.done).toMatchObject({ status: 'done', attempts: 0 });
  });
});

describe('recoverInterrupted', () => {
  const base = (id: string, status: Attempt['status'], owner?: string): Attempt => ({
    schema: 'tenth.attempt/1',
    id,
    runId: 'r',
    promptId: 'p',
    promptVersion: 'v',
    caseId: 'c',
    repeatIndex: 0,
    retryOf: null,
    providerKind: 'openai',
    providerId: 'A',
    model: 'm',
    servedModel: null,
    systemFingerprint: null,
    params: {},
    status,
    failure: null,
    finishReason: null,
    output: '',
    outputTruncatedAt: null,
    request: null,
    responseMeta: null,
    queuedAt: 1,
    startedAt: null,
    firstTokenAt: null,
    endedAt: null,
    ttftMs: null,
    latencyMs: null,
    tokensPerSec: null,
    usage: null,
    price: null,
    costUsd: null,
    grades: [],
    owner,
  });

  it('marks pending attempts of dead owners interrupted; the latest record per id decides', () => {
    const records = [
      base('a', 'pending', 'dead'),
      base('b', 'pending', 'alive'),
      base('c', 'pending', 'dead'),
      { ...base('c', 'ok', 'dead') },
      base('d', 'pending'),
    ];
    const asked: string[] = [];
    const out = recoverInterrupted(records, (o) => (asked.push(o), o === 'alive'), 42);
    expect(out.map((a) => [a.id, a.status, a.endedAt])).toEqual([
      ['a', 'interrupted', 42],
      ['d', 'interrupted', 42],
    ]);
    expect(asked.sort()).toEqual(['alive', 'dead']);
  });
});
