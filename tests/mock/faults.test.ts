import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, classify, decode, observe, parseSse, type Observation } from './client';
import { FAULTS, MOCK_KINDS, expectedClass, type FaultName, type MockKind } from './knobs';
import { startMock, type GroundTruth, type MockServer } from './server';

let mock: MockServer;
let tagN = 0;

beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(async () => {
  await mock.close();
});

const HANGS = new Set<FaultName>(['hang', 'hang-after-first']);

/** Sends one request with a fault and returns what the client saw and the mock's record of it. */
async function run(kind: MockKind, fault: FaultName, stream: boolean, extra: Record<string, string> = {}): Promise<{ o: Observation; gt: GroundTruth }> {
  const tag = `t${++tagN}`;
  // Hangs never answer: the client's own deadline ends them, as a first-token timeout would.
  const signal = HANGS.has(fault) ? AbortSignal.timeout(150) : undefined;
  const { url, init } = buildRequest(mock.baseUrls, kind, { stream, signal, headers: { 'x-mock-fault': fault, 'x-mock-tag': tag, 'x-mock-tokens': '8', ...extra } });
  const o = await observe(url, init);
  // The server sees the socket close a moment after the client does.
  let gt: GroundTruth | undefined;
  for (let i = 0; i < 200; i++) {
    gt = mock.groundTruth().find((r) => r.tag === tag);
    if (gt && gt.outcome !== 'open') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!gt) throw new Error(`no ground truth for ${tag}`);
  return { o, gt };
}

describe.each(MOCK_KINDS)('every fault on %s', (kind) => {
  it.each(FAULTS.flatMap((f) => [[f, true] as const, [f, false] as const]))('%s (stream %s) is told apart as its class', async (fault, stream) => {
    const { o, gt } = await run(kind, fault, stream);
    expect(gt.fault).toBe(fault);
    expect(gt.expect).toBe(expectedClass(kind, fault));
    expect(gt.outcome).not.toBe('open');
    expect(gt.endedAt).not.toBeNull();
    expect(classify(kind, stream, o)).toBe(gt.expect);
  });
});

describe('transport faults', () => {
  it('refuse destroys the socket before any response: fetch rejects', async () => {
    for (const kind of MOCK_KINDS) {
      const { o, gt } = await run(kind, 'refuse', true);
      expect(o.rejected).toBe('network');
      expect(gt.status).toBeNull();
      expect(gt.outcome).toBe('destroyed');
      expect(gt.tokensSent).toBe(0);
    }
  });

  it('reset sends headers and some tokens, then cuts the socket mid-body', async () => {
    for (const kind of MOCK_KINDS) {
      const { o, gt } = await run(kind, 'reset', true);
      expect(o.status).toBe(200);
      expect(o.bodyError).toBe('network');
      expect(gt.outcome).toBe('destroyed');
      expect(gt.tokensSent).toBe(3);
      expect(gt.tokensSent).toBeLessThan(gt.tokensPlanned);
      expect(decode(kind, true, o.body).text.length).toBeGreaterThan(0);
    }
  });

  it('hang sends nothing until the client aborts, then records the client closing', async () => {
    for (const kind of MOCK_KINDS) {
      const { o, gt } = await run(kind, 'hang', true);
      expect(o.rejected).toBe('abort');
      expect(gt.status).toBeNull();
      expect(gt.firstTokenSentAt).toBeNull();
      expect(gt.outcome).toBe('client_closed');
    }
    expect(mock.inFlight()).toBe(0);
  });

  it('hang-after-first sends one token then stalls', async () => {
    for (const kind of MOCK_KINDS) {
      const { o, gt } = await run(kind, 'hang-after-first', true);
      expect(o.status).toBe(200);
      expect(o.bodyError).toBe('abort');
      expect(gt.tokensSent).toBe(1);
      expect(gt.firstTokenSentAt).not.toBeNull();
      expect(gt.outcome).toBe('client_closed');
    }
  });
});

describe('status faults carry provider-shaped bodies', () => {
  it('rate_limit: 429 with retry-after (Gemini: RetryInfo.retryDelay)', async () => {
    for (const kind of MOCK_KINDS) {
      const { o } = await run(kind, 'rate_limit', false, { 'x-mock-retry-after': '7' });
      expect(o.status).toBe(429);
      const body = JSON.parse(o.body);
      if (kind === 'gemini') {
        expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
        expect(body.error.details.find((d: { '@type': string }) => d['@type'].endsWith('RetryInfo')).retryDelay).toBe('7s');
      } else {
        expect(o.headers?.get('retry-after')).toBe('7');
      }
      if (kind === 'anthropic') expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
      if (kind === 'openai') expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
      if (kind === 'openrouter') expect(body.error.code).toBe(429);
      if (kind === 'ollama') expect(typeof body.error).toBe('string');
    }
  });

  it('overloaded: 529 overloaded_error for Anthropic, 503 elsewhere', async () => {
    for (const kind of MOCK_KINDS) {
      const { o } = await run(kind, 'overloaded', true);
      expect(o.status).toBe(kind === 'anthropic' ? 529 : 503);
      if (kind === 'anthropic') expect(JSON.parse(o.body)).toEqual({ type: 'error', error: { details: null, type: 'overloaded_error', message: 'Overloaded' } });
      if (kind === 'gemini') expect(JSON.parse(o.body).error.status).toBe('UNAVAILABLE');
    }
  });

  it('auth: 401 in each shape, Gemini 400 API_KEY_INVALID', async () => {
    for (const kind of MOCK_KINDS) {
      const { o } = await run(kind, 'auth', false);
      const body = JSON.parse(o.body);
      if (kind === 'gemini') {
        expect(o.status).toBe(400);
        expect(body.error.details[0].reason).toBe('API_KEY_INVALID');
      } else expect(o.status).toBe(401);
      if (kind === 'anthropic') expect(body.error.type).toBe('authentication_error');
      if (kind === 'openai') expect(body.error.code).toBe('invalid_api_key');
    }
  });

  it('bad_request and server_error: 400 / 500 with the provider error type', async () => {
    for (const kind of MOCK_KINDS) {
      const bad = await run(kind, 'bad_request', false);
      const srv = await run(kind, 'server_error', false);
      expect(bad.o.status).toBe(400);
      expect(srv.o.status).toBe(500);
      if (kind === 'openai') expect(JSON.parse(bad.o.body).error.type).toBe('invalid_request_error');
      if (kind === 'anthropic') expect(JSON.parse(srv.o.body).error.type).toBe('api_error');
      if (kind === 'gemini') expect(JSON.parse(srv.o.body).error.status).toBe('INTERNAL');
    }
  });
});

describe('in-stream faults', () => {
  it('anthropic overloaded-midstream: text, then event: error overloaded_error, no message_stop', async () => {
    const { o } = await run('anthropic', 'overloaded-midstream', true);
    expect(o.status).toBe(200);
    const events = parseSse(o.body).map((e) => e.event);
    expect(events.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(events.at(-1)).toBe('error');
    expect(events).not.toContain('message_stop');
    expect(JSON.parse(parseSse(o.body).at(-1)!.data).error.type).toBe('overloaded_error');
    expect(decode('anthropic', true, o.body).text).not.toBe('');
  });

  it('stream-error: each format reports the error its own way inside a 200', async () => {
    const oa = await run('openai', 'stream-error', true);
    expect(JSON.parse(parseSse(oa.o.body).at(-1)!.data).error.type).toBe('server_error');
    const an = await run('anthropic', 'stream-error', true);
    expect(parseSse(an.o.body).at(-1)!.event).toBe('error');
    expect(JSON.parse(parseSse(an.o.body).at(-1)!.data).error.type).toBe('api_error');
    const ge = await run('gemini', 'stream-error', true);
    // A bare, pretty-printed object with no data: prefix, as in the recorded Vertex stream.
    expect(ge.o.body).toMatch(/\r\n\r\n\{\n {2}"error": \{/);
    const ol = await run('ollama', 'stream-error', true);
    expect(JSON.parse(ol.o.body.trim().split('\n').at(-1)!)).toEqual({ error: 'an error was encountered while running the model' });
    for (const r of [oa, an, ge, ol]) {
      expect(r.o.status).toBe(200);
      expect(r.gt.tokensSent).toBe(3);
    }
  });

  it('malformed: one unparsable chunk mid-stream, then a normal finish', async () => {
    for (const kind of MOCK_KINDS) {
      const { o, gt } = await run(kind, 'malformed', true);
      const d = decode(kind, true, o.body);
      expect(d.malformed).toBe(true);
      expect(d.done).toBe(true);
      expect(gt.tokensSent).toBe(gt.tokensPlanned);
    }
  });

  it('content_filter: finish_reason content_filter, Gemini SAFETY, Anthropic "Output blocked" error event', async () => {
    expect(decode('openai', true, (await run('openai', 'content_filter', true)).o.body).finish).toBe('content_filter');
    expect(decode('gemini', true, (await run('gemini', 'content_filter', true)).o.body).finish).toBe('SAFETY');
    const an = decode('anthropic', true, (await run('anthropic', 'content_filter', true)).o.body);
    expect(an.errorEvent).toMatchObject({ type: 'invalid_request_error', message: 'Output blocked by content filtering policy' });
    const blocked = decode('gemini', false, (await run('gemini', 'prompt-blocked', false)).o.body);
    expect(blocked.promptBlocked).toBe(true);
    expect(blocked.text).toBe('');
  });

  it('refusal: OpenAI delta.refusal with content null, Anthropic stop_reason refusal', async () => {
    const oa = await run('openai', 'refusal', true);
    const chunks = parseSse(oa.o.body).filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: null, refusal: '' });
    const d = decode('openai', true, oa.o.body);
    expect(d.text).toBe('');
    expect(d.refusal).toBe("I'm sorry, but I can't help with that.");
    const an = await run('anthropic', 'refusal', true);
    expect(parseSse(an.o.body).map((e) => e.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(decode('anthropic', true, an.o.body).finish).toBe('refusal');
  });

  it('length and empty', async () => {
    expect(decode('openai', true, (await run('openai', 'length', true)).o.body).finish).toBe('length');
    expect(decode('anthropic', true, (await run('anthropic', 'length', true)).o.body).finish).toBe('max_tokens');
    expect(decode('gemini', true, (await run('gemini', 'length', true)).o.body).finish).toBe('MAX_TOKENS');
    expect(decode('ollama', true, (await run('ollama', 'length', true)).o.body).finish).toBe('length');
    for (const kind of MOCK_KINDS) {
      const { o, gt } = await run(kind, 'empty', true);
      const d = decode(kind, true, o.body);
      expect(d.text).toBe('');
      expect(d.done).toBe(true);
      expect(gt.tokensSent).toBe(0);
    }
  });
});

describe('fault-rate', () => {
  it('applies the fault to exactly that fraction, evenly, without randomness', async () => {
    mock.resetStats();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { o } = await run('openai', 'server_error', false, { 'x-mock-fault-rate': '0.3' });
      statuses.push(o.status!);
    }
    expect(statuses.filter((s) => s === 500)).toHaveLength(3);
    expect(statuses).toEqual([200, 200, 200, 500, 200, 200, 500, 200, 200, 500]);
  });

  it('rate 0 never applies the fault', async () => {
    const { o, gt } = await run('anthropic', 'rate_limit', false, { 'x-mock-fault-rate': '0' });
    expect(o.status).toBe(200);
    expect(gt.fault).toBeNull();
    expect(gt.expect).toBe('ok');
  });
});
