import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, decode, observe, parseSse, type CallOpts } from './client';
import { MOCK_KINDS, type MockKind } from './knobs';
import { startMock, type MockServer } from './server';
import { WORDS } from './text';

let mock: MockServer;
let tagN = 0;

beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(async () => {
  await mock.close();
});

async function call(kind: MockKind, o: CallOpts = {}) {
  const tag = `s${++tagN}`;
  const { url, init } = buildRequest(mock.baseUrls, kind, { ...o, headers: { 'x-mock-tag': tag, ...o.headers } });
  const obs = await observe(url, init);
  const gt = mock.groundTruth().find((r) => r.tag === tag)!;
  return { obs, gt, d: decode(kind, o.stream ?? true, obs.body) };
}

describe('base URLs', () => {
  it('gives each kind its own prefix on 127.0.0.1, openai at /v1', () => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.baseUrls.openai).toBe(`${mock.url}/v1`);
    expect(mock.baseUrls.ollama).toBe(`${mock.url}/ollama`);
    expect(new Set(Object.values(mock.baseUrls)).size).toBe(MOCK_KINDS.length);
  });
});

describe.each(MOCK_KINDS)('%s success', (kind) => {
  it.each([true, false])('stream %s: text, usage and served model agree with the ground truth', async (stream) => {
    const { obs, gt, d } = await call(kind, { stream, prompt: 'one two three four five', system: 'six seven', headers: { 'x-mock-tokens': '12' } });
    expect(obs.status).toBe(200);
    expect(d.done).toBe(true);
    expect(d.malformed).toBe(false);
    expect(d.errorEvent).toBeNull();
    expect(d.text.split(' ')).toHaveLength(12);
    expect(d.text.endsWith('.')).toBe(true);
    expect(d.finish).toBe({ anthropic: 'end_turn', gemini: 'STOP' }[kind as string] ?? 'stop');
    expect(d.inputTokens).toBe(7);
    expect(d.outputTokens).toBe(12);
    expect(d.servedModel).toBe(gt.model);
    expect(gt).toMatchObject({ kind, stream, status: 200, outcome: 'completed', tokensSent: 12, tokensPlanned: 12, inputTokens: 7, fault: null, expect: 'ok' });
    expect(gt.firstTokenSentAt).toBeGreaterThanOrEqual(gt.receivedAt);
    expect(gt.endedAt).toBeGreaterThanOrEqual(gt.firstTokenSentAt!);
  });

  it('lists models in the provider shape', async () => {
    const url = kind === 'ollama' ? `${mock.baseUrls.ollama}/api/tags` : `${mock.baseUrls[kind]}/models`;
    const headers: Record<string, string> =
      kind === 'anthropic' ? { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } : kind === 'gemini' ? { 'x-goog-api-key': 'k' } : { authorization: 'Bearer k' };
    const res = await fetch(url, { headers });
    expect(res.status).toBe(200);
    const body = await res.json();
    const ids: string[] =
      kind === 'gemini' ? body.models.map((m: { name: string }) => m.name) : kind === 'ollama' ? body.models.map((m: { name: string }) => m.name) : body.data.map((m: { id: string }) => m.id);
    expect(ids.length).toBeGreaterThan(0);
    if (kind === 'gemini') expect(ids[0]).toMatch(/^models\//);
    if (kind === 'openai' || kind === 'openai-compatible') expect(body.object).toBe('list');
    if (kind === 'anthropic') expect(body).toMatchObject({ has_more: false, first_id: ids[0] });
    const gt = mock.groundTruth().at(-1)!;
    expect(gt).toMatchObject({ kind, op: 'models', status: 200 });
  });
});

describe('wire details', () => {
  it('openai stream: role chunk first, usage chunk with choices [] only with include_usage, then [DONE]', async () => {
    const { obs } = await call('openai', { headers: { 'x-mock-tokens': '3' } });
    const events = parseSse(obs.body);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    for (const c of chunks) {
      expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4o-mini' });
      expect(c.id).toBe(chunks[0].id);
      expect(c.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    }
    expect(obs.headers!.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(obs.headers!.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(Number(obs.headers!.get('x-ratelimit-remaining-requests'))).toBeLessThan(Number(obs.headers!.get('x-ratelimit-limit-requests')));

    const noUsage = await call('openai', { includeUsage: false, headers: { 'x-mock-tokens': '3' } });
    expect(parseSse(noUsage.obs.body).some((e) => e.data.includes('"usage"'))).toBe(false);
  });

  it('openrouter: comment keep-alive, provider field, x-generation-id, usage with cost', async () => {
    const { obs } = await call('openrouter', { headers: { 'x-mock-tokens': '2' } });
    const events = parseSse(obs.body);
    expect(events[0].comment).toBe(true);
    const chunks = events.filter((e) => e.data && e.data !== '[DONE]').map((e) => JSON.parse(e.data));
    expect(chunks.every((c) => c.provider === 'Mock')).toBe(true);
    expect(obs.headers!.get('x-generation-id')).toBe(chunks[0].id);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, cost: 0 });
  });

  it('anthropic stream: event order as recorded, with the padded data lines', async () => {
    const { obs } = await call('anthropic', { headers: { 'x-mock-tokens': '2' } });
    const events = parseSse(obs.body);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(events[3].data).toMatch(/\} {2,}\}$/);
    expect(JSON.parse(events[6].data)).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } });
    expect(obs.headers!.get('request-id')).toMatch(/^req_011C/);
    expect(obs.headers!.get('anthropic-ratelimit-requests-remaining')).not.toBeNull();
  });

  it('gemini SSE uses CRLF and carries usageMetadata, modelVersion and responseId', async () => {
    const { obs } = await call('gemini', { headers: { 'x-mock-tokens': '2' } });
    expect(obs.body).toMatch(/^data: \{"candidates": \[/);
    expect(obs.body.split('\r\n\r\n').filter(Boolean)).toHaveLength(3);
    const last = JSON.parse(parseSse(obs.body).at(-1)!.data);
    expect(last).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { candidatesTokenCount: 2 }, modelVersion: 'gemini-2.5-flash' });
    expect(typeof last.responseId).toBe('string');
  });

  it('gemini without alt=sse streams one JSON array', async () => {
    const { obs } = await call('gemini', { query: { alt: 'json' }, headers: { 'x-mock-tokens': '3' } });
    const arr = JSON.parse(obs.body);
    expect(Array.isArray(arr)).toBe(true);
    expect(arr).toHaveLength(4);
    expect(obs.body).toContain('\n,\r\n');
  });

  it('gemini takes the key from ?key= as well', async () => {
    const { url, init } = buildRequest(mock.baseUrls, 'gemini', { key: null, query: { key: 'abc' } });
    expect((await observe(url, init)).status).toBe(200);
  });

  it('ollama streams NDJSON by default with nanosecond durations', async () => {
    const { obs } = await call('ollama', { headers: { 'x-mock-tokens': '2', 'x-mock-ttft': '20' } });
    expect(obs.headers!.get('content-type')).toBe('application/x-ndjson');
    const lines = obs.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).every((l) => l.done === false)).toBe(true);
    expect(lines[2]).toMatchObject({ done: true, done_reason: 'stop', eval_count: 2, prompt_eval_count: 4 });
    // 20 ms of ttft shows up as at least 19 ms (in ns) before the first token.
    expect(lines[2].total_duration).toBeGreaterThanOrEqual(19e6);
  });
});

describe('auth', () => {
  it.each(MOCK_KINDS)('%s: bad-key is rejected; a missing key too, except for ollama', async (kind) => {
    const bad = await call(kind, { key: 'bad-key' });
    expect(bad.obs.status).toBe(kind === 'gemini' ? 400 : 401);
    const missing = await call(kind, { key: null });
    expect(missing.obs.status).toBe(kind === 'ollama' ? 200 : kind === 'gemini' ? 403 : 401);
  });

  it('anthropic requires anthropic-version and max_tokens', async () => {
    const { url, init } = buildRequest(mock.baseUrls, 'anthropic', {});
    const headers = { ...(init.headers as Record<string, string>) };
    delete headers['anthropic-version'];
    const res = await fetch(url, { ...init, headers });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    const body = JSON.parse(init.body as string);
    delete body.max_tokens;
    const res2 = await fetch(url, { ...init, body: JSON.stringify(body) });
    expect(res2.status).toBe(400);
  });

  it('a body of the wrong shape is a provider-shaped 400, not a mock crash', async () => {
    for (const messages of ['hi', 42, [], null]) {
      const res = await fetch(`${mock.baseUrls.openai}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: JSON.stringify({ model: 'm', messages }) });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-mock-internal-error')).toBeNull();
    }
  });

  it('an invalid JSON body is a provider-shaped 400', async () => {
    const res = await fetch(`${mock.baseUrls.openai}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.type).toBe('invalid_request_error');
  });
});

describe('knobs', () => {
  it('the same seed and prompt give the same text on every format; another seed or prompt does not', async () => {
    const texts = await Promise.all(MOCK_KINDS.map(async (k) => (await call(k, { prompt: 'same prompt', headers: { 'x-mock-seed': '42' } })).d.text));
    expect(new Set(texts).size).toBe(1);
    const again = await call('openai', { prompt: 'same prompt', stream: false, headers: { 'x-mock-seed': '42' } });
    expect(again.d.text).toBe(texts[0]);
    expect((await call('openai', { prompt: 'same prompt', headers: { 'x-mock-seed': '43' } })).d.text).not.toBe(texts[0]);
    expect((await call('openai', { prompt: 'other prompt', headers: { 'x-mock-seed': '42' } })).d.text).not.toBe(texts[0]);
    for (const w of texts[0].toLowerCase().replace('.', '').split(' ')) expect(WORDS).toContain(w);
  });

  it('ttft delays the first token; the ground truth shows it', async () => {
    const { gt, obs } = await call('anthropic', { headers: { 'x-mock-ttft': '60', 'x-mock-tokens': '2' } });
    expect(obs.status).toBe(200);
    expect(gt.ttftMs).toBe(60);
    // setTimeout may fire a fraction of a millisecond early on the monotonic clock.
    expect(gt.firstTokenSentAt! - gt.receivedAt).toBeGreaterThanOrEqual(59);
  });

  it('tps paces tokens: the last token goes out no sooner than (n-1)/tps after the first', async () => {
    const { gt, d } = await call('openai', { headers: { 'x-mock-tps': '200', 'x-mock-tokens': '9' } });
    expect(d.text.split(' ')).toHaveLength(9);
    expect(gt.tps).toBe(200);
    expect(gt.endedAt! - gt.firstTokenSentAt!).toBeGreaterThanOrEqual(39);
  });

  it('served replaces the model id and the fingerprint follows it', async () => {
    const a = await call('openai', { stream: false });
    const b = await call('openai', { stream: false, headers: { 'x-mock-served': 'gpt-4o-mini-2099-01-01' } });
    expect(b.d.servedModel).toBe('gpt-4o-mini-2099-01-01');
    expect(b.gt.servedModel).toBe('gpt-4o-mini-2099-01-01');
    expect(JSON.parse(a.obs.body).system_fingerprint).not.toBe(JSON.parse(b.obs.body).system_fingerprint);
  });

  it('knobs also come from the query and from a +knob= model suffix', async () => {
    const q = await call('gemini', { query: { mock_tokens: '4', 'mock_fault-rate': '1' } });
    expect(q.gt.tokensSent).toBe(4);
    const m = await call('openai', { model: 'gpt-4o+tokens=5+served=x-model' });
    expect(m.gt).toMatchObject({ model: 'gpt-4o', servedModel: 'x-model', tokensSent: 5 });
    const f = await call('anthropic', { model: 'claude+fault=rate_limit', stream: false });
    expect(f.obs.status).toBe(429);
  });

  it('a request max token limit below the length truncates with the length finish reason', async () => {
    const { d, gt } = await call('openai', { maxTokens: 3, headers: { 'x-mock-tokens': '10' } });
    expect(d.text.split(' ')).toHaveLength(3);
    expect(d.finish).toBe('length');
    expect(gt.expect).toBe('ok');
    expect((await call('gemini', { maxTokens: 2, stream: false })).d.finish).toBe('MAX_TOKENS');
  });

  it('a bad knob value is a 400, not a silent default', async () => {
    const { obs } = await call('openai', { headers: { 'x-mock-tps': 'fast' } });
    expect(obs.status).toBe(400);
    expect(JSON.parse(obs.body).error.message).toContain('tps');
    expect((await call('openai', { headers: { 'x-mock-fault': 'meteor' } })).obs.status).toBe(400);
  });

  it('server defaults apply when the request sets nothing', async () => {
    mock.setDefaults({ tokens: 2 });
    try {
      expect((await call('ollama')).gt.tokensSent).toBe(2);
    } finally {
      mock.setDefaults({ tokens: 16 });
    }
    expect(() => mock.setDefaults({ tps: -1 })).toThrow();
  });
});

describe('in-flight tracking', () => {
  it('counts concurrent requests and remembers the maximum', async () => {
    mock.resetStats();
    expect(mock.maxInFlight()).toBe(0);
    const calls = Array.from({ length: 5 }, () => call('openai', { headers: { 'x-mock-ttft': '80', 'x-mock-tokens': '1' } }));
    await new Promise((r) => setTimeout(r, 40));
    expect(mock.inFlight()).toBe(5);
    const done = await Promise.all(calls);
    expect(mock.inFlight()).toBe(0);
    expect(mock.maxInFlight()).toBe(5);
    expect(Math.max(...done.map((c) => c.gt.inFlightAtStart))).toBe(5);
    const stats = await (await fetch(`${mock.url}/__mock/stats`)).json();
    expect(stats).toMatchObject({ inFlight: 0, maxInFlight: 5, requests: 5 });
  });
});

describe('ground truth log and control routes', () => {
  it('appends one JSON line per finished request', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tenth-mock-')), 'gt.jsonl');
    const m = await startMock({ groundTruthLog: file, defaults: { tokens: 3 } });
    const { url, init } = buildRequest(m.baseUrls, 'openai', {});
    await (await fetch(url, init)).text();
    const bad = buildRequest(m.baseUrls, 'anthropic', { headers: { 'x-mock-fault': 'overloaded' } });
    await (await fetch(bad.url, bad.init)).text();
    await m.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ seq: 1, kind: 'openai', status: 200, tokensSent: 3 });
    expect(lines[1]).toMatchObject({ seq: 2, kind: 'anthropic', status: 529, fault: 'overloaded', expect: 'overloaded' });
  });

  it('serves its own description and takes defaults over HTTP', async () => {
    const info = await (await fetch(`${mock.url}/`)).json();
    expect(info.baseUrls).toEqual(mock.baseUrls);
    const res = await fetch(`${mock.url}/__mock/defaults`, { method: 'POST', body: JSON.stringify({ ttft: 5 }) });
    expect((await res.json()).ttft).toBe(5);
    expect(mock.defaults().ttft).toBe(5);
    mock.setDefaults({ ttft: 0 });
    expect((await fetch(`${mock.url}/__mock/defaults`, { method: 'POST', body: '{"fault":"nope"}' })).status).toBe(400);
  });

  it('an unknown route is a 404 and is still recorded', async () => {
    const res = await fetch(`${mock.url}/v2/whatever`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(mock.groundTruth().at(-1)).toMatchObject({ path: '/v2/whatever', kind: null, op: 'unknown', status: 404 });
  });

  it('close() ends hanging requests instead of waiting for them', async () => {
    const m = await startMock();
    const { url, init } = buildRequest(m.baseUrls, 'openai', { headers: { 'x-mock-fault': 'hang' } });
    const pending = observe(url, init);
    while (m.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    await m.close();
    expect((await pending).rejected).toBe('network');
    expect(m.groundTruth()[0].outcome).toBe('destroyed');
  });
});
