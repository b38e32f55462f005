import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCallRequest, type ModelCallEvent, type ModelCallResult } from '../../shared/domain/model-call';
import type { Provider, ProviderKind } from '../../shared/domain/schemas';
import { startMock } from '../../tests/mock/server';
import { scrubKey } from '../../shared/providers';
import { DEFAULT_LOCAL_PROBES, MOCK_PROVIDER_PORT, createModelService, mayCarryKey, type ModelServiceDeps } from './models';

const KEY = 'sk-test-0123456789abcdef';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const seen: Seen[] = [];

/** A clock the test server moves, so timing facts are checked without wall-clock asserts. */
let fakeClock = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function chunk(content: string | null, finish: string | null = null): string {
  const delta = content === null ? {} : { content };
  return `data: ${JSON.stringify({ id: 'c1', model: 'served-model-1', system_fingerprint: 'fp_test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}
const usage = `data: ${JSON.stringify({ id: 'c1', model: 'served-model-1', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } })}\n\n`;

function sse(res: ServerResponse, extra: Record<string, string> = {}) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'x-request-id': 'req_123',
    'x-ratelimit-remaining-requests': '99',
    'set-cookie': 'session=secret',
    'www-authenticate': `Bearer ${KEY}`,
    ...extra,
  });
}

async function route(req: IncomingMessage, res: ServerResponse, body: string) {
  const path = req.url ?? '';
  seen.push({ url: path, headers: req.headers, body });
  if (path.startsWith('/ok/')) {
    sse(res);
    for (const piece of ['Hel', 'lo', ', ', 'world']) {
      res.write(chunk(piece));
      await sleep(5);
    }
    res.write(chunk(null, 'stop'));
    res.write(usage);
    res.end('data: [DONE]\n\n');
  } else if (path.startsWith('/reasoning-then-text/')) {
    sse(res);
    fakeClock = 1000;
    res.write(`data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: { reasoning_content: 'thinking…' } }] })}\n\n`);
    await sleep(30);
    fakeClock = 2000;
    res.write(chunk('answer', 'stop'));
    res.end('data: [DONE]\n\n');
  } else if (path.startsWith('/stall/')) {
    sse(res);
    // Headers, then nothing: only the first-token timeout can end this.
    res.write(': keep-alive\n\n');
  } else if (path.startsWith('/trickle/')) {
    sse(res);
    for (let i = 0; i < 400 && !res.destroyed; i++) {
      res.write(chunk(`t${i} `));
      await sleep(10);
    }
    res.end();
  } else if (path.startsWith('/redirect/')) {
    res.writeHead(307, { location: '/ok/v1/chat/completions' });
    res.end();
  } else if (path.startsWith('/reset/')) {
    sse(res);
    res.write(chunk('partial '));
    await sleep(20);
    res.socket?.destroy();
  } else if (path.startsWith('/big/')) {
    sse(res);
    for (let i = 0; i < 10; i++) res.write(chunk('0123456789'));
    res.write(chunk(null, 'stop'));
    res.end('data: [DONE]\n\n');
  } else if (path.startsWith('/echo-key/')) {
    // Gemini puts the key it rejected into DebugInfo; the journal must not get it.
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid.', details: [{ reason: 'API_KEY_INVALID' }, { detail: `Invalid API key: ${req.headers['x-goog-api-key']}` }] } }));
  } else if (path.startsWith('/limited/')) {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
    res.end(JSON.stringify({ error: { message: 'Slow down', type: 'requests', code: 'rate_limit_exceeded' } }));
  } else if (path === '/list/v1/models') {
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'model-a' }, { id: 'model-b' }] }));
  } else if (path === '/api/tags') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ models: [{ name: 'llama3:8b', model: 'llama3:8b' }] }));
  } else if (path === '/html/models') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>a web page</html>');
  } else if (path === '/hang/models') {
    // never answers
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
}

let server: Server;
let base: string;
let closedPort: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => void route(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free: connecting to it is refused.
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function provider(path: string, kind: ProviderKind = 'openai'): Provider {
  return { id: 'p1', name: 'Test', kind, baseUrl: `${base}${path}`, headers: {}, concurrency: 1, rpm: null, models: [] };
}

function request(path: string, over: Partial<ModelCallRequest> = {}, kind: ProviderKind = 'openai'): ModelCallRequest {
  return ModelCallRequest.parse({
    attemptId: 'a1',
    provider: provider(path, kind),
    model: 'gpt-test',
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Say hello' }],
    params: { temperature: 0, maxOutputTokens: 50 },
    firstTokenTimeoutMs: 5_000,
    totalTimeoutMs: 10_000,
    ...over,
  });
}

function service(over: Partial<ModelServiceDeps> = {}) {
  return createModelService({ getKey: async () => KEY, ...over });
}

async function run(
  req: ModelCallRequest,
  opts: { signal?: AbortSignal; coalesceMs?: number; now?: () => number; onEvent?: (e: ModelCallEvent) => void } = {},
) {
  const events: ModelCallEvent[] = [];
  await service({ coalesceMs: opts.coalesceMs, now: opts.now }).call(
    req,
    (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
    opts.signal ?? new AbortController().signal,
  );
  const done = events.filter((e) => e.type === 'done');
  expect(done).toHaveLength(1);
  expect(events[0].type).toBe('started');
  expect(events.at(-1)?.type).toBe('done');
  const result = (done[0] as { result: ModelCallResult }).result;
  const deltas = events.filter((e): e is { type: 'delta'; text: string } => e.type === 'delta');
  return { events, result, deltas };
}

describe('model service: call', () => {
  it('streams an answer with ordered timings, usage, served model and chosen headers', async () => {
    const { result, deltas, events } = await run(request('/ok/v1'), { coalesceMs: 0 });
    expect(result.status).toBe('ok');
    expect(result.failure).toBeNull();
    expect(result.output).toBe('Hello, world');
    expect(deltas.map((d) => d.text).join('')).toBe('Hello, world');
    expect(result.finishReason).toBe('stop');
    expect(result.servedModel).toBe('served-model-1');
    expect(result.systemFingerprint).toBe('fp_test');
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 3, reasoningTokens: null, cachedInputTokens: null });
    const started = events[0] as { startedAt: number };
    expect(result.startedAt).toBe(started.startedAt);
    expect(result.firstTokenAt).not.toBeNull();
    expect(result.startedAt).toBeLessThanOrEqual(result.firstTokenAt!);
    expect(result.firstTokenAt!).toBeLessThanOrEqual(result.endedAt);
    expect(result.ttftMs).toBeCloseTo(result.firstTokenAt! - result.startedAt, 6);
    expect(result.latencyMs).toBeCloseTo(result.endedAt - result.startedAt, 6);
    expect(result.ttftMs!).toBeLessThanOrEqual(result.latencyMs);
    expect(result.responseMeta?.status).toBe(200);
    expect(result.responseMeta?.headers).toMatchObject({ 'x-request-id': 'req_123', 'x-ratelimit-remaining-requests': '99' });
    expect(result.responseMeta?.headers).not.toHaveProperty('set-cookie');
    expect(result.responseMeta?.headers).not.toHaveProperty('www-authenticate');
  });

  it('sends the key only in a header, and the request body as journaled', async () => {
    seen.length = 0;
    const { result } = await run(request('/ok/v1'));
    const sent = seen.find((s) => s.url === '/ok/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.url).not.toContain(KEY);
    expect(JSON.parse(sent!.body)).toEqual(result.request);
    expect(result.request).toMatchObject({ model: 'gpt-test', stream: true, stream_options: { include_usage: true }, max_completion_tokens: 50 });
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('removes a key the provider echoes in its error body', async () => {
    const { result } = await run(request('/echo-key/v1beta', {}, 'gemini'));
    expect(result.failure?.class).toBe('auth');
    expect(result.failure?.httpStatus).toBe(400);
    expect(result.failure?.body).toContain('[redacted]');
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('coalesces deltas: at most one per window, the rest flushed at the end', async () => {
    const { result, deltas } = await run(request('/ok/v1'), { coalesceMs: 60_000 });
    expect(deltas.length).toBeLessThanOrEqual(2);
    expect(deltas.map((d) => d.text).join('')).toBe(result.output);
  });

  it('reasoning does not count as the first token', async () => {
    fakeClock = 0;
    const { result } = await run(request('/reasoning-then-text/v1'), { now: () => fakeClock });
    expect(result.status).toBe('ok');
    expect(result.output).toBe('answer');
    // The server moved the clock to 1000 before the reasoning and to 2000 before the answer.
    expect(result.startedAt).toBe(0);
    expect(result.firstTokenAt).toBe(2000);
    expect(result.ttftMs).toBe(2000);
  });

  it('no first token within the first-token timeout is a timeout', async () => {
    const { result } = await run(request('/stall/v1', { firstTokenTimeoutMs: 150 }));
    expect(result.status).toBe('failed');
    expect(result.failure?.class).toBe('timeout');
    expect(result.failure?.message).toContain('first token');
    expect(result.firstTokenAt).toBeNull();
    expect(result.responseMeta?.status).toBe(200);
  });

  it('not finished within the total timeout is a timeout, keeping the partial output', async () => {
    const { result } = await run(request('/trickle/v1', { firstTokenTimeoutMs: 2_000, totalTimeoutMs: 250 }));
    expect(result.failure?.class).toBe('timeout');
    expect(result.failure?.message).toContain('Not finished');
    expect(result.firstTokenAt).not.toBeNull();
    expect(result.output).toMatch(/^t0 /);
  });

  it("the caller's abort is cancelled, not failed", async () => {
    const ctrl = new AbortController();
    const { result } = await run(request('/trickle/v1'), {
      signal: ctrl.signal,
      coalesceMs: 0,
      onEvent: (e) => {
        if (e.type === 'delta') ctrl.abort();
      },
    });
    expect(result.status).toBe('cancelled');
    expect(result.failure).toBeNull();
    expect(result.output.length).toBeGreaterThan(0);
  });

  it('an already-aborted signal still gives started and done', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    const { result } = await run(request('/ok/v1'), { signal: ctrl.signal });
    expect(result.status).toBe('cancelled');
  });

  it('a reset mid-stream is network even after a 200', async () => {
    const { result } = await run(request('/reset/v1'));
    expect(result.status).toBe('failed');
    expect(result.failure?.class).toBe('network');
    expect(result.responseMeta?.status).toBe(200);
    expect(result.output).toBe('partial ');
  });

  it('a redirect is not followed: the call fails as network, naming it, and nothing is re-sent', async () => {
    const before = seen.length;
    const { result } = await run(request('/redirect/v1'));
    expect(result.status).toBe('failed');
    expect(result.failure?.class).toBe('network');
    expect(result.failure?.message).toContain('redirect');
    expect(seen.length - before).toBe(1);
  });

  it('a refused connection is network, with no response meta', async () => {
    const req = request('/x');
    req.provider.baseUrl = `http://127.0.0.1:${closedPort}/v1`;
    const { result } = await run(req);
    expect(result.failure?.class).toBe('network');
    expect(result.failure?.message).toContain('refused');
    expect(result.responseMeta).toBeNull();
  });

  it('caps stored output at maxStoredChars and says where it was cut', async () => {
    const { result, deltas } = await run(request('/big/v1', { maxStoredChars: 25 }), { coalesceMs: 0 });
    expect(result.status).toBe('ok');
    expect(result.output).toBe('0123456789012345678901234');
    expect(result.outputTruncatedAt).toBe(25);
    expect(deltas.map((d) => d.text).join('')).toBe(result.output);
  });

  it('a 429 is rate_limited with retry-after in ms and the error body', async () => {
    const { result } = await run(request('/limited/v1'));
    expect(result.failure).toMatchObject({ class: 'rate_limited', httpStatus: 429, retryAfterMs: 3000 });
    expect(result.failure?.body).toContain('Slow down');
    expect(result.responseMeta?.headers['retry-after']).toBe('3');
  });
});

describe('model service: testConnection', () => {
  it('lists models with a good key', async () => {
    const report = await service().testConnection(provider('/list/v1'));
    expect(report).toMatchObject({ ok: true, httpStatus: 200, models: ['model-a', 'model-b'] });
  });

  it('says the key was rejected on 401', async () => {
    const report = await service({ getKey: async () => 'sk-wrong-key-000' }).testConnection(provider('/list/v1'));
    expect(report.ok).toBe(false);
    expect(report.httpStatus).toBe(401);
    expect(report.message).toMatch(/key was rejected/);
  });

  it('says when nothing is listening', async () => {
    const p = provider('/v1');
    p.baseUrl = `http://127.0.0.1:${closedPort}/v1`;
    const report = await service().testConnection(p);
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/connection refused/);
  });

  it('says the base URL looks wrong on 404 or a non-JSON answer', async () => {
    const missing = await service().testConnection(provider('/nowhere/v1'));
    expect(missing.httpStatus).toBe(404);
    expect(missing.message).toMatch(/base URL/);
    const html = await service().testConnection(provider('/html'));
    expect(html.ok).toBe(false);
    expect(html.message).toMatch(/not with JSON/);
  });

  it('gives up after its timeout', async () => {
    const report = await service({ testTimeoutMs: 200 }).testConnection(provider('/hang'));
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/No answer/);
  });
});

describe('model service: detectLocal', () => {
  it('reports the servers that answer and skips the rest', async () => {
    const found = await service({
      localProbes: [
        { name: 'Ollama', kind: 'ollama', baseUrl: base },
        { name: 'LM Studio', kind: 'openai-compatible', baseUrl: `${base}/list/v1` },
        { name: 'vLLM', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${closedPort}/v1` },
      ],
    }).detectLocal();
    expect(found).toEqual([{ name: 'Ollama', kind: 'ollama', baseUrl: base, models: ['llama3:8b'] }]);
  });

  it('finds the Tenth mock provider with its default probe, moved to the port the mock got', async () => {
    const mock = await startMock({ port: 0 });
    try {
      const probe = DEFAULT_LOCAL_PROBES.find((p) => p.name === 'Tenth mock provider');
      expect(probe?.baseUrl).toBe(`http://127.0.0.1:${MOCK_PROVIDER_PORT}/v1`);
      const moved = { ...probe!, baseUrl: probe!.baseUrl.replace(`:${MOCK_PROVIDER_PORT}/`, `:${mock.port}/`) };
      const found = await service({ localProbes: [moved] }).detectLocal();
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ name: 'Tenth mock provider', kind: 'openai-compatible', baseUrl: `${mock.url}/v1` });
      expect(found[0].models.length).toBeGreaterThan(0);
      // Without the placeholder key the mock answers 401, as OpenAI does, and nothing is found.
      expect(await service({ localProbes: [{ ...moved, probeKey: undefined }] }).detectLocal()).toEqual([]);
      const listing = mock.groundTruth().filter((g) => g.op === 'models');
      expect(listing.map((g) => g.status)).toEqual([200, 401]);
    } finally {
      await mock.close();
    }
  });
});

describe('model service: keys that cannot go in a header', () => {
  // fetch's error for a bad header quotes the value; such a key must never reach it.
  const badKeys = ['sk-live-ABCDEF\n0123456789', 'sk-live-ABCDEF0123456789\r', 'sk live ABCDEF 0123456789', 'sk-live-é-0123456789'];
  it.each(badKeys)('%j fails as auth with no trace of the key', async (bad) => {
    const events: ModelCallEvent[] = [];
    await createModelService({ getKey: async () => bad }).call(request('/v1'), (e) => events.push(e), new AbortController().signal);
    const done = events.find((e) => e.type === 'done') as { result: ModelCallResult };
    expect(done.result.failure?.class).toBe('auth');
    const text = JSON.stringify(events);
    expect(text).not.toContain('ABCDEF');
    const report = await createModelService({ getKey: async () => bad }).testConnection(provider('/v1', 'openai'));
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).not.toContain('ABCDEF');
  });
});

describe('mayCarryKey: skips scrubKey only when scrubKey would change nothing', () => {
  const key = 'sk-test-Zq9';
  const clean = { output: 'hello', request: { messages: [{ role: 'user', content: 'hi\n' }] }, usage: { n: 12 }, ok: true, none: null };

  it('is false for a result without the key, and scrubKey agrees', () => {
    expect(mayCarryKey(clean, key)).toBe(false);
    expect(scrubKey(clean, key)).toBe(clean);
    expect(mayCarryKey(clean, null)).toBe(false);
  });

  it('finds the key in nested strings, array items and property names', () => {
    expect(mayCarryKey({ a: { b: [`x${key}y`] } }, key)).toBe(true);
    expect(mayCarryKey({ headers: { [`x-${key}`]: '1' } }, key)).toBe(true);
  });

  it('finds a match that takes in part of an escape sequence in the JSON text', () => {
    // "\n" in the JSON text of a newline followed by "sk-…" makes "nsk-…".
    const tricky = 'nsk-test-Zq9';
    const value = { body: `a\n${tricky.slice(1)}` };
    expect(JSON.stringify(value)).toContain(tricky);
    expect(mayCarryKey(value, tricky)).toBe(true);
  });

  it('leaves keys that could match JSON punctuation, numbers or literals to scrubKey', () => {
    expect(mayCarryKey({ n: 12345 }, '1234')).toBe(true);
    expect(mayCarryKey({ ok: true }, 'true')).toBe(true);
    expect(mayCarryKey({ a: 'x' }, 'ab"cd')).toBe(true);
    expect(mayCarryKey({ at: new Date(0) }, key)).toBe(true);
  });
});
