import { describe, expect, it } from 'vitest';
import { classify, retryAfterMsOf } from './classify';
import { createDecoder } from './decoder';
import { applyEvent, createStreamState, type StreamState } from './state';
import type { WireFormat } from './types';

function decode(format: WireFormat, body: string): StreamState {
  const state = createStreamState();
  const d = createDecoder(format);
  for (const ev of [...d.push(body), ...d.end()]) applyEvent(state, ev);
  return state;
}
const ok = (format: WireFormat, body: string) => classify({ format, httpStatus: 200, state: decode(format, body) });
const http = (status: number, body = '', headers: Record<string, string> = {}) =>
  classify({ format: 'openai-chat', httpStatus: status, errorBody: body, headers, now: Date.parse('2026-01-01T00:00:00Z') });

const chat = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('classify: HTTP statuses', () => {
  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [400, 'bad_request'],
    [404, 'bad_request'],
    [408, 'bad_request'],
    [422, 'bad_request'],
    [429, 'rate_limited'],
    [503, 'overloaded'],
    [529, 'overloaded'],
    [500, 'server_error'],
    [502, 'server_error'],
  ] as const)('%i → %s', (status, cls) => {
    const r = http(status, '{"error":{"message":"boom"}}');
    expect(r.status).toBe('failed');
    expect(r.failure?.class).toBe(cls);
    expect(r.failure?.httpStatus).toBe(status);
    expect(r.failure?.message).toContain('boom');
  });

  it('an overloaded_error body is overloaded whatever the 5xx', () => {
    expect(http(500, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}').failure?.class).toBe('overloaded');
  });

  it('caps the stored error body at 16 KB', () => {
    const r = http(500, 'x'.repeat(40_000));
    expect(r.failure?.body?.length).toBe(16_384);
  });
});

describe('retry-after', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds, HTTP dates, retry-after-ms and Google RetryInfo', () => {
    expect(retryAfterMsOf({ 'Retry-After': '20' }, null)).toBe(20_000);
    expect(retryAfterMsOf({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, null, now)).toBe(30_000);
    expect(retryAfterMsOf({ 'retry-after-ms': '1500.4', 'retry-after': '9' }, null)).toBe(1500);
    expect(retryAfterMsOf({}, '{"error":{"details":[{"retryDelay":"2s"}]}}')).toBe(2000);
    expect(retryAfterMsOf({}, 'not json')).toBeNull();
  });
  it('is attached to a 429', () => {
    expect(http(429, '', { 'retry-after': '5' }).failure?.retryAfterMs).toBe(5000);
  });
});

describe('classify: transport outcomes', () => {
  it('cancel, timeouts and network win over whatever the stream said', () => {
    const state = decode('openai-chat', chat({ content: 'hi' }, 'stop'));
    expect(classify({ httpStatus: 200, state, transport: { kind: 'cancelled' } })).toMatchObject({ status: 'cancelled', failure: null });
    expect(classify({ httpStatus: 200, state, transport: { kind: 'first_token_timeout', timeoutMs: 10 } }).failure?.class).toBe('timeout');
    expect(classify({ httpStatus: 200, state, transport: { kind: 'total_timeout', timeoutMs: 10 } }).failure?.class).toBe('timeout');
    const reset = classify({ httpStatus: 200, state, transport: { kind: 'network', message: 'reset' } });
    expect(reset.failure).toMatchObject({ class: 'network', httpStatus: 200 });
  });
});

describe('classify: stream content', () => {
  it('a malformed chunk fails the attempt even when the stream then says stop', () => {
    const r = ok('openai-chat', chat({ content: 'a' }) + 'data: {not json\n\n' + chat({ content: 'b' }, 'stop') + 'data: [DONE]\n\n');
    expect(r.failure?.class).toBe('malformed');
    expect(r.finishReason).toBe('stop');
  });

  it('a stream that stops before its end marker is network', () => {
    expect(ok('openai-chat', chat({ content: 'a' })).failure?.class).toBe('network');
    expect(ok('anthropic', 'event: message_start\ndata: {"type":"message_start","message":{"id":"x","model":"c"}}\n\n').failure?.class).toBe('network');
  });

  it('an empty 200 body is malformed; a normal finish with no text is empty', () => {
    expect(ok('openai-chat', '').failure?.class).toBe('malformed');
    const r = ok('openai-chat', chat({ content: '' }, 'stop') + 'data: [DONE]\n\n');
    expect(r.failure?.class).toBe('empty');
  });

  it('reasoning without an answer is empty, and says so', () => {
    const r = ok('openai-chat', chat({ reasoning_content: 'hmm' }) + chat({}, 'stop'));
    expect(r.failure?.class).toBe('empty');
    expect(r.failure?.message).toContain('reasoning');
  });

  it('content_filter finish is content_filter', () => {
    expect(ok('openai-chat', chat({ content: 'x' }, 'content_filter')).failure?.class).toBe('content_filter');
  });

  it('an in-stream error after a non-length finish is still a failure', () => {
    const body = chat({ content: 'x' }, 'stop') + 'data: {"error":{"code":502,"message":"upstream"}}\n\n';
    expect(ok('openai-chat', body).failure?.class).toBe('server_error');
    const quota = chat({ content: 'x' }) + 'data: {"error":{"code":429,"message":"slow"}}\n\n';
    expect(ok('openai-chat', quota).failure?.class).toBe('rate_limited');
  });

  it('Ollama /api/chat: NDJSON answer, and an error line', () => {
    const good = [
      { model: 'llama3', message: { role: 'assistant', content: 'Hi' }, done: false },
      { model: 'llama3', message: { role: 'assistant', content: '!' }, done: true, done_reason: 'stop', prompt_eval_count: 3, eval_count: 2 },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const state = decode('ollama', good);
    expect(state.text).toBe('Hi!');
    expect(classify({ format: 'ollama', httpStatus: 200, state }).status).toBe('ok');
    const bad = JSON.stringify({ model: 'llama3', message: { content: 'Hi' }, done: false }) + '\n{"error":"out of memory"}\n';
    expect(ok('ollama', bad).failure).toMatchObject({ class: 'server_error' });
    const length = JSON.stringify({ model: 'l', message: { content: 'a' }, done: true, done_reason: 'length' });
    expect(ok('ollama', length).failure?.class).toBe('truncated');
  });

  it('Anthropic overloaded_error and api_error events', () => {
    const start = 'event: message_start\ndata: {"type":"message_start","message":{"id":"x","model":"c"}}\n\n';
    const err = (type: string) => `event: error\ndata: {"type":"error","error":{"type":"${type}","message":"m"}}\n\n`;
    expect(ok('anthropic', start + err('overloaded_error')).failure?.class).toBe('overloaded');
    expect(ok('anthropic', start + err('api_error')).failure?.class).toBe('server_error');
  });
});

describe('classify: Anthropic content filtering', () => {
  const blocked = '{"type":"error","error":{"type":"invalid_request_error","message":"Output blocked by content filtering policy"}}';
  it('a 400 whose message says the output was blocked is content_filter, not bad_request', () => {
    const r = classify({ format: 'anthropic', httpStatus: 400, errorBody: blocked });
    expect(r.failure?.class).toBe('content_filter');
    expect(http(400, '{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: too large"}}').failure?.class).toBe('bad_request');
  });
  it('the same error inside a stream is content_filter, not server_error', () => {
    const body = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"stop_reason":null,"usage":{"input_tokens":3,"output_tokens":0}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Some"}}\n\n',
      `event: error\ndata: ${blocked}\n\n`,
    ].join('');
    expect(ok('anthropic', body).failure?.class).toBe('content_filter');
  });
});

describe('classify: a Gemini stream cut off mid-answer', () => {
  it('is network, not ok, when text came but no finishReason', () => {
    const chunk = (text: string, finish?: string) =>
      `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finish ? { finishReason: finish } : {}) }], modelVersion: 'gemini-x' })}\r\n\r\n`;
    expect(ok('gemini', chunk('The capital') + chunk(' of France')).failure?.class).toBe('network');
    expect(ok('gemini', chunk('The capital') + chunk(' is Paris.', 'STOP')).status).toBe('ok');
  });
});
