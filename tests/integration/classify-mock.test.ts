/**
 * The model service against the real mock provider, over real sockets: every
 * wire format the app sends × every fault the mock can inject must land in the
 * failure class PRODUCT.md names for it (issue 3, "Tests"). The mock's own
 * `expectedClass` is the oracle, so where a wire format cannot express a class
 * (Ollama has no content filter; Gemini and Ollama have no refusal signal) the
 * test asserts what the mock documents for it: a normal answer.
 *
 * Also: timestamps are taken at the right points (checked against the mock's
 * ground truth on the same monotonic clock), and a canary key never shows up in
 * anything the service hands out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCallResult } from '../../shared/domain/model-call';
import { PROVIDER_KINDS, type ProviderKind } from '../../shared/domain/schemas';
import { FAULTS, MOCK_KINDS, expectedClass, type FaultName } from '../mock/knobs';
import { startMock, type MockServer } from '../mock/server';
import { CANARY, callOnce, groundTruthFor, median, mockProvider, modelService } from './helpers';

let mock: MockServer;
let tagN = 0;
const service = modelService(CANARY);
/** Every event of every call in this file, scanned for the canary at the end. */
const everything: unknown[] = [];

beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(async () => {
  await mock.close();
});

const SERVED = 'mock-model-2025-06-01';
const RETRY_AFTER_S = 2;
/** Small deadlines so the two hang faults end quickly; every other call has generous ones. */
const HANG_FIRST_TOKEN_MS = 150;
const HANG_TOTAL_MS = 300;

function timeoutsFor(fault: FaultName | null): { firstTokenTimeoutMs: number; totalTimeoutMs: number } {
  if (fault === 'hang') return { firstTokenTimeoutMs: HANG_FIRST_TOKEN_MS, totalTimeoutMs: 10_000 };
  if (fault === 'hang-after-first') return { firstTokenTimeoutMs: 10_000, totalTimeoutMs: HANG_TOTAL_MS };
  return { firstTokenTimeoutMs: 10_000, totalTimeoutMs: 20_000 };
}

async function callWith(kind: ProviderKind, fault: FaultName | null, extra: Record<string, string> = {}) {
  const tag = `c${++tagN}`;
  const headers: Record<string, string> = { 'x-mock-tag': tag, 'x-mock-served': SERVED, 'x-mock-retry-after': String(RETRY_AFTER_S), 'x-mock-tokens': '12', ...extra };
  if (fault) headers['x-mock-fault'] = fault;
  const called = await callOnce(service, { provider: mockProvider(mock, kind, headers), ...timeoutsFor(fault) });
  everything.push(called.events);
  return { ...called, gt: await groundTruthFor(mock, tag) };
}

function describeResult(r: ModelCallResult): string {
  return JSON.stringify({ status: r.status, failure: r.failure, finishReason: r.finishReason, output: r.output.slice(0, 80), http: r.responseMeta?.status });
}

async function expectClassified(kind: ProviderKind, fault: FaultName): Promise<void> {
  const { result, gt } = await callWith(kind, fault);
  const expected = expectedClass(kind, fault);
  // The mock applied the fault and agrees on the class: the oracle is the mock's own table.
  expect(gt.fault).toBe(fault);
  expect(gt.expect).toBe(expected);
  if (expected === 'ok') {
    expect(result.status, describeResult(result)).toBe('ok');
    expect(result.output.length).toBeGreaterThan(0);
  } else {
    expect(result.status, describeResult(result)).toBe('failed');
    expect(result.failure?.class, describeResult(result)).toBe(expected);
    expect(result.failure?.message).toBeTruthy();
  }
  // The status the journal records is the one the mock sent (null when it sent none).
  expect(result.responseMeta?.status ?? null).toBe(gt.status);
  if (gt.status !== null && gt.status >= 400) expect(result.failure?.httpStatus).toBe(gt.status);

  switch (fault) {
    case 'rate_limit':
      expect(result.failure?.retryAfterMs).toBe(RETRY_AFTER_S * 1000);
      break;
    case 'refuse':
      expect(result.responseMeta).toBeNull();
      break;
    case 'reset':
      // A reset after a 200 and some text is network whatever the status said; the partial text is kept.
      expect(result.responseMeta?.status).toBe(200);
      expect(result.output.length).toBeGreaterThan(0);
      break;
    case 'hang':
      expect(result.failure?.message).toContain(`${HANG_FIRST_TOKEN_MS} ms`);
      expect(result.firstTokenAt).toBeNull();
      expect(gt.outcome).toBe('client_closed');
      break;
    case 'hang-after-first':
      expect(result.failure?.message).toContain(`${HANG_TOTAL_MS} ms`);
      expect(result.firstTokenAt).not.toBeNull();
      expect(gt.outcome).toBe('client_closed');
      break;
    case 'length':
      expect(result.output.length).toBeGreaterThan(0);
      break;
    case 'empty':
      expect(result.output).toBe('');
      break;
  }
}

it('the mock speaks every provider kind the app has', () => {
  expect([...PROVIDER_KINDS].sort()).toEqual([...MOCK_KINDS].sort());
});

describe.each(PROVIDER_KINDS)('%s wire format', (kind) => {
  it('success is ok, with usage, served model, finish reason and the mock-given status', async () => {
    const { result, events, gt } = await callWith(kind, null);
    expect(result.status, describeResult(result)).toBe('ok');
    expect(result.failure).toBeNull();
    expect(gt.expect).toBe('ok');
    expect(result.servedModel).toBe(SERVED);
    expect(gt.servedModel).toBe(SERVED);
    expect(result.output.length).toBeGreaterThan(0);
    expect(result.usage?.outputTokens).toBe(gt.tokensSent);
    expect(result.usage?.inputTokens).toBe(gt.inputTokens);
    expect(result.finishReason).not.toBeNull();
    expect(result.responseMeta?.status).toBe(200);
    expect(result.firstTokenAt).not.toBeNull();
    expect(result.startedAt).toBeLessThanOrEqual(result.firstTokenAt!);
    expect(result.firstTokenAt!).toBeLessThanOrEqual(result.endedAt);
    // started first, done last and once; the deltas add up to the stored output.
    expect(events[0].type).toBe('started');
    expect(events.at(-1)?.type).toBe('done');
    const streamed = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
    expect(streamed).toBe(result.output);
  });

  it.each(FAULTS)('fault %s is filed under the class the mock expects', async (fault) => {
    await expectClassified(kind, fault);
  });

  it('a rejected key is auth, a missing key is auth where the provider needs one', async () => {
    const tag = `k${++tagN}`;
    const bad = await callOnce(modelService('bad-key'), { provider: mockProvider(mock, kind, { 'x-mock-tag': tag }), ...timeoutsFor(null) });
    expect(bad.result.failure?.class, describeResult(bad.result)).toBe('auth');
    const none = await callOnce(modelService(null), { provider: mockProvider(mock, kind, {}), ...timeoutsFor(null) });
    // Ollama is local and keyless.
    if (kind === 'ollama') expect(none.result.status).toBe('ok');
    else expect(none.result.failure?.class, describeResult(none.result)).toBe('auth');
  });
});

describe('timestamps against the mock ground truth (same process, same monotonic clock)', () => {
  /*
   * A correctness check of WHERE the timestamps are taken, not a performance
   * figure: the client's clock reads must bracket what the server did. With the
   * mock in this process both sides read performance.timeOrigin + now(), so
   * causality holds exactly per call (startedAt before the mock received the
   * request, firstTokenAt after it sent the first token), and the differences
   * are the loopback and event-loop cost, a millisecond or two. The 25 ms bound
   * on the median is generous on purpose (2 shared cores, parallel test files);
   * a timestamp taken at the wrong point (before the fetch is built, after the
   * body is stored, at the first reasoning token, including queue time) is off
   * by the mock's ttft (40 ms) or its generation time (about 30 ms) and fails it.
   */
  const N = 20;
  const BOUND_MS = 25;

  it.each(PROVIDER_KINDS)(`%s: TTFT and latency within a few ms of the mock, median over ${N} calls`, async (kind) => {
    const sendDelay: number[] = [];
    const firstTokenLag: number[] = [];
    const ttftErr: number[] = [];
    const latencyErr: number[] = [];
    for (let i = 0; i < N; i++) {
      const { result, gt } = await callWith(kind, null, { 'x-mock-ttft': '40', 'x-mock-tps': '400', 'x-mock-tokens': '12' });
      expect(result.status).toBe('ok');
      expect(gt.firstTokenSentAt).not.toBeNull();
      expect(gt.endedAt).not.toBeNull();
      expect(result.firstTokenAt).not.toBeNull();
      // Causality on one clock: the request left before the mock got it; the first token arrived after it was sent.
      expect(result.startedAt).toBeLessThanOrEqual(gt.receivedAt);
      expect(result.firstTokenAt!).toBeGreaterThanOrEqual(gt.firstTokenSentAt!);
      sendDelay.push(gt.receivedAt - result.startedAt);
      firstTokenLag.push(result.firstTokenAt! - gt.firstTokenSentAt!);
      ttftErr.push(result.ttftMs! - (gt.firstTokenSentAt! - gt.receivedAt));
      latencyErr.push(result.latencyMs - (gt.endedAt! - gt.receivedAt));
    }
    const medians = { sendDelay: median(sendDelay), firstTokenLag: median(firstTokenLag), ttftErr: median(ttftErr), latencyErr: median(latencyErr) };
    for (const [name, m] of Object.entries(medians)) expect(Math.abs(m), `${kind} ${name} median ${m.toFixed(2)} ms`).toBeLessThanOrEqual(BOUND_MS);
  });
});

describe('the canary key', () => {
  it('a key pasted into the prompt is redacted from the journaled request', async () => {
    const tag = `p${++tagN}`;
    const { result, events } = await callOnce(service, {
      provider: mockProvider(mock, 'openai', { 'x-mock-tag': tag }),
      system: `Never reveal ${CANARY}.`,
      ...timeoutsFor(null),
    });
    everything.push(events);
    expect(result.status).toBe('ok');
    expect(JSON.stringify(result.request)).toContain('[redacted]');
  });

  it('appears in no event or result of any call in this file', () => {
    // Runs last in file order: by now every success, fault and timing call above has been collected.
    expect(everything.length).toBeGreaterThan(PROVIDER_KINDS.length * FAULTS.length);
    const text = JSON.stringify(everything);
    expect(text).not.toContain(CANARY);
    // Nor a recognisable piece of it (a truncated echo would still leak most of the key).
    expect(text).not.toContain(CANARY.slice(0, 16));
  });
});
