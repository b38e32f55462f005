/**
 * The run engine end to end: `createRunEngine` with the real model service
 * (through `callerFromStream`) against the real mock provider, journaling to an
 * in-memory sink. What the unit tests prove with a fake caller and fake timers
 * is checked here over sockets and the real clock: retries are new attempts
 * linked by `retryOf`, a provider's retry-after holds the retry back, provider
 * and run concurrency limits hold at the server (the mock counts what is in
 * flight), and cancel and pause leave a journal with nothing pending.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Attempt, Provider, RetryPolicy, Run } from '../../shared/domain/schemas';
import { callerFromStream, createRunEngine, expandRun, type RunEvent } from '../../shared/engine';
import { recordingSink, run as makeRun, version } from '../../shared/engine/test-helpers';
import { startMock, type GroundTruth, type MockServer } from '../mock/server';
import { CANARY, mockProvider, modelService } from './helpers';

let mock: MockServer;

beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  // Tests run one after another; each reads only its own requests' ground truth and in-flight peak.
  mock.resetStats();
});

const NO_RETRY: RetryPolicy = { classes: [], maxRetries: 0, baseDelayMs: 0 };

function setup(opts: { providers: Provider[]; prompts?: number; repeats: number; run?: Partial<Run> }) {
  const versions = Array.from({ length: opts.prompts ?? 1 }, (_, i) =>
    version(`v${i}`, `p${i}`, { system: 'Be brief.', messages: [{ role: 'user', content: `Question ${i}: name a colour.` }], params: { temperature: 0 } }),
  );
  const r = makeRun({
    promptVersionIds: versions.map((v) => v.id),
    targets: opts.providers.map((p) => ({ providerId: p.id, model: 'mock-model' })),
    repeats: opts.repeats,
    concurrency: 8,
    firstTokenTimeoutMs: 10_000,
    totalTimeoutMs: 20_000,
    retry: NO_RETRY,
    ...opts.run,
  });
  const plan = expandRun(r, versions, [], opts.providers);
  const sink = recordingSink();
  const engine = createRunEngine({ caller: callerFromStream(modelService(CANARY).call), sink, owner: 'integration:1' });
  const handle = engine.start(r, plan);
  const events: RunEvent[] = [];
  handle.onEvent((e) => events.push(e));
  return { r, plan, sink, handle, events };
}

/** The journal as a reader sees it: the last record of each id. */
function latest(sink: ReturnType<typeof recordingSink>): Map<string, Attempt> {
  const m = new Map<string, Attempt>();
  for (const a of sink.pending) m.set(a.id, a);
  for (const a of sink.finished) m.set(a.id, a);
  return m;
}

function expectWriteAhead(sink: ReturnType<typeof recordingSink>): void {
  // Every finished record had its pending record written first, once; no id finished twice.
  const finishedIds = sink.finished.map((a) => a.id);
  expect(new Set(finishedIds).size).toBe(finishedIds.length);
  for (const id of finishedIds) {
    expect(sink.log.indexOf(`pending:${id}`)).toBeGreaterThanOrEqual(0);
    expect(sink.log.indexOf(`pending:${id}`)).toBeLessThan(sink.log.indexOf(`finished:${id}`));
  }
}

/** Most requests of one route the mock had open at once, from its ground truth intervals. */
function peakOverlap(records: GroundTruth[]): number {
  const edges = records.flatMap((g) => [
    { t: g.receivedAt, d: 1 },
    { t: g.endedAt ?? Infinity, d: -1 },
  ]);
  // An end and a start at the same instant do not overlap.
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (cur += e.d));
  return peak;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('engine × model service × mock', () => {
  it('journals every planned attempt pending then ok, with timings, usage, served model and cost, and no key', async () => {
    const providers = [mockProvider(mock, 'openai', { 'x-mock-served': 'served-a' }), mockProvider(mock, 'anthropic', { 'x-mock-served': 'served-b' })];
    const t = setup({ providers, prompts: 2, repeats: 3 });
    const summary = await t.handle.done;
    expect(summary).toMatchObject({ status: 'done', planned: 12, attempts: 12, ok: 12, failed: 0, retries: 0 });
    expectWriteAhead(t.sink);
    const all = [...latest(t.sink).values()];
    expect(all).toHaveLength(12);
    for (const a of all) {
      expect(a.status).toBe('ok');
      expect(a.servedModel).toBe(a.providerKind === 'openai' ? 'served-a' : 'served-b');
      expect(a.usage?.outputTokens).toBeGreaterThan(0);
      expect(a.costUsd).toBeGreaterThan(0);
      expect(a.queuedAt).toBeLessThanOrEqual(a.startedAt!);
      expect(a.startedAt!).toBeLessThanOrEqual(a.firstTokenAt!);
      expect(a.firstTokenAt!).toBeLessThanOrEqual(a.endedAt!);
      expect(a.latencyMs).toBeCloseTo(a.endedAt! - a.startedAt!, 6);
    }
    expect(mock.groundTruth().filter((g) => g.op === 'chat')).toHaveLength(12);
    expect(JSON.stringify([t.sink.pending, t.sink.finished, t.sink.runs, t.events])).not.toContain(CANARY);
  });

  it('a retry is a new attempt whose retryOf points at the failed one; chains stop at maxRetries', async () => {
    const p = mockProvider(mock, 'openai', { 'x-mock-fault': 'overloaded', 'x-mock-retry-after': '0' });
    const t = setup({ providers: [p], repeats: 4, run: { retry: { classes: ['overloaded'], maxRetries: 2, baseDelayMs: 5 } } });
    const summary = await t.handle.done;
    // Every request fails: 4 planned attempts, each retried twice.
    expect(summary).toMatchObject({ status: 'done', planned: 4, attempts: 12, failed: 12, retries: 8 });
    expectWriteAhead(t.sink);
    const byId = latest(t.sink);
    const firsts = [...byId.values()].filter((a) => a.retryOf === null);
    expect(firsts).toHaveLength(4);
    for (const first of firsts) {
      const chain = [first];
      for (;;) {
        const next = [...byId.values()].filter((a) => a.retryOf === chain.at(-1)!.id);
        expect(next.length).toBeLessThanOrEqual(1);
        if (next.length === 0) break;
        chain.push(next[0]);
      }
      expect(chain).toHaveLength(3);
      for (const a of chain) {
        expect(a.status).toBe('failed');
        expect(a.failure?.class).toBe('overloaded');
        // Same cell of the plan: the retry repeats the request, it is not a new repeat.
        expect([a.promptVersion, a.caseId, a.repeatIndex, a.model]).toEqual([first.promptVersion, first.caseId, first.repeatIndex, first.model]);
      }
      for (let i = 1; i < chain.length; i++) expect(chain[i].startedAt!).toBeGreaterThanOrEqual(chain[i - 1].endedAt!);
    }
    expect(mock.groundTruth().filter((g) => g.op === 'chat' && g.fault === 'overloaded')).toHaveLength(12);
  });

  it('retries only what failed: with half the requests overloaded, every failure is retried and answers stay ok', async () => {
    const p = mockProvider(mock, 'gemini', { 'x-mock-fault': 'overloaded', 'x-mock-fault-rate': '0.5', 'x-mock-retry-after': '0' });
    const t = setup({ providers: [p], repeats: 6, run: { retry: { classes: ['overloaded'], maxRetries: 2, baseDelayMs: 5 } } });
    const summary = await t.handle.done;
    const all = [...latest(t.sink).values()];
    expect(summary.attempts).toBe(all.length);
    expect(summary.retries).toBe(all.filter((a) => a.retryOf !== null).length);
    expect(summary.retries).toBeGreaterThan(0);
    for (const a of all) {
      const retries = all.filter((b) => b.retryOf === a.id);
      if (a.status === 'ok') expect(retries).toHaveLength(0);
      if (a.retryOf !== null) expect(all.find((b) => b.id === a.retryOf)?.failure?.class).toBe('overloaded');
    }
    // Each planned cell ends with exactly one chain, and no record was overwritten.
    expect(all.filter((a) => a.retryOf === null)).toHaveLength(6);
    expect(t.sink.finished).toHaveLength(all.length);
  });

  it('honours retry-after: a retry starts no sooner than the failed attempt ended plus retryAfterMs', async () => {
    const p = mockProvider(mock, 'anthropic', { 'x-mock-fault': 'rate_limit', 'x-mock-retry-after': '0.4' }, { concurrency: 3 });
    // No backoff of its own, so only the provider's retry-after can hold the retry back.
    const t = setup({ providers: [p], repeats: 3, run: { retry: { classes: ['rate_limited'], maxRetries: 1, baseDelayMs: 0 } } });
    const summary = await t.handle.done;
    expect(summary).toMatchObject({ attempts: 6, retries: 3 });
    const all = [...latest(t.sink).values()];
    const retries = all.filter((a) => a.retryOf !== null);
    expect(retries).toHaveLength(3);
    for (const r of retries) {
      const failed = all.find((a) => a.id === r.retryOf)!;
      expect(failed.failure).toMatchObject({ class: 'rate_limited', httpStatus: 429, retryAfterMs: 400 });
      expect(r.startedAt!).toBeGreaterThanOrEqual(failed.endedAt! + 400);
    }
    // The hold is per provider: no request reached the mock inside the window the first 429 opened.
    const firstFailEnd = Math.min(...all.filter((a) => a.retryOf === null).map((a) => a.endedAt!));
    const gt = mock.groundTruth().filter((g) => g.op === 'chat');
    const late = gt.filter((g) => g.receivedAt > firstFailEnd);
    expect(late).toHaveLength(3);
    for (const g of late) expect(g.receivedAt).toBeGreaterThanOrEqual(firstFailEnd + 400);
  });

  it('never exceeds a provider concurrency limit below the run limit (the mock counts in-flight requests)', async () => {
    const p = mockProvider(mock, 'openai', { 'x-mock-ttft': '30' }, { concurrency: 3 });
    const t = setup({ providers: [p], repeats: 15, run: { concurrency: 8 } });
    await t.handle.done;
    expect(mock.groundTruth().filter((g) => g.op === 'chat')).toHaveLength(15);
    // Reached, so the limit was exercised, and never passed.
    expect(mock.maxInFlight()).toBe(3);
  });

  it('never exceeds the run limit across providers, nor either provider limit', async () => {
    const a = mockProvider(mock, 'openai', { 'x-mock-ttft': '30' }, { concurrency: 3 });
    const b = mockProvider(mock, 'ollama', { 'x-mock-ttft': '30' }, { concurrency: 3 });
    const t = setup({ providers: [a, b], repeats: 10, run: { concurrency: 4 } });
    await t.handle.done;
    const gt = mock.groundTruth().filter((g) => g.op === 'chat');
    expect(gt).toHaveLength(20);
    expect(mock.maxInFlight()).toBe(4);
    expect(peakOverlap(gt.filter((g) => g.kind === 'openai'))).toBeLessThanOrEqual(3);
    expect(peakOverlap(gt.filter((g) => g.kind === 'ollama'))).toBeLessThanOrEqual(3);
    for (const g of gt) expect(g.inFlightAtStart).toBeLessThanOrEqual(4);
  });

  it('cancel mid-run: in-flight attempts end cancelled, queued ones are never sent, nothing is left pending', async () => {
    const p = mockProvider(mock, 'openrouter', { 'x-mock-ttft': '5000' }, { concurrency: 4 });
    const t = setup({ providers: [p], repeats: 20, run: { concurrency: 4 } });
    await until(() => mock.inFlight() === 4, 'four requests in flight at the mock');
    t.handle.cancel();
    const summary = await t.handle.done;
    expect(summary).toMatchObject({ status: 'cancelled', planned: 20, attempts: 4, cancelled: 4, dropped: 16 });
    expectWriteAhead(t.sink);
    const all = [...latest(t.sink).values()];
    expect(all).toHaveLength(4);
    for (const a of all) {
      expect(a.status).toBe('cancelled');
      expect(a.failure).toBeNull();
      expect(a.endedAt).not.toBeNull();
    }
    expect(all.filter((a) => a.status === 'pending')).toHaveLength(0);
    expect(t.events.filter((e) => e.type === 'attempt:dropped')).toHaveLength(16);
    // The aborts reached the server: it saw each client go away and nothing else arrived.
    await until(() => mock.inFlight() === 0, 'the mock to see the aborts');
    const gt = mock.groundTruth().filter((g) => g.op === 'chat');
    expect(gt).toHaveLength(4);
    for (const g of gt) expect(g.outcome).toBe('client_closed');
    expect(t.sink.runs.at(-1)?.status).toBe('cancelled');
  });

  it('pause lets in-flight attempts finish and starts nothing new until resume', async () => {
    const p = mockProvider(mock, 'openai-compatible', { 'x-mock-ttft': '100' }, { concurrency: 2 });
    const t = setup({ providers: [p], repeats: 6, run: { concurrency: 2 } });
    await until(() => mock.inFlight() === 2, 'two requests in flight');
    t.handle.pause();
    await until(() => t.sink.finished.length === 2, 'the in-flight pair to finish');
    // Several ttfts' worth of quiet: a paused run that still launched would have reached the mock by now.
    await new Promise((r) => setTimeout(r, 300));
    expect(mock.groundTruth().filter((g) => g.op === 'chat')).toHaveLength(2);
    expect(t.sink.pending).toHaveLength(2);
    expect(t.handle.progress()).toMatchObject({ done: 2, inFlight: 0 });
    t.handle.resume();
    const summary = await t.handle.done;
    expect(summary).toMatchObject({ status: 'done', attempts: 6, ok: 6 });
    expect(mock.groundTruth().filter((g) => g.op === 'chat')).toHaveLength(6);
    expect(t.sink.runs.map((r) => r.status)).toEqual(['running', 'paused', 'running', 'done']);
  });
});
