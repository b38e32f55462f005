/**
 * Every recorded provider response in shared/fixtures/provider-streams goes
 * through the decoder and the classifier, and lands in the class its README
 * table gives. Bodies are fed whole and in small pieces: framing must not
 * depend on where the network splits the bytes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FailureClass } from '../domain/schemas';
import { classify, type Classification } from './classify';
import { createDecoder } from './decoder';
import { applyEvent, createStreamState, type StreamState } from './state';
import type { WireFormat } from './types';

/** The fixtures live in the sibling `shared/` folder of the checkout (or any ancestor's). */
function findFixtures(): string {
  const fromEnv = process.env.TENTH_PROVIDER_FIXTURES;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures', 'provider-streams');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('shared/fixtures/provider-streams not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
const ROOT = findFixtures();

type Expected = 'ok' | FailureClass;
/** file, HTTP status (from the README; 200 unless the file is an error body), expected class. */
const TABLE: [string, number, Expected][] = [
  ['openai/chat-stream-text-usage.sse', 200, 'ok'],
  ['openai/chat-stream-refusal.sse', 200, 'refusal'],
  ['openai/chat-stream-length.sse', 200, 'truncated'],
  ['openai/chat-refusal.json', 200, 'refusal'],
  ['openai/chat-text.json', 200, 'ok'],
  ['openai/responses-stream-text.sse', 200, 'ok'],
  ['openai/responses-reasoning.json', 200, 'ok'],
  ['openai/responses-stream-error-insufficient-quota.chunks.jsonl', 200, 'rate_limited'],
  ['openai/responses-error-429-insufficient-quota.json', 429, 'rate_limited'],
  ['openai/responses-error-400-unsupported-temperature.json', 400, 'bad_request'],
  ['openai/chat-error-400-unsupported-parameter.json', 400, 'bad_request'],
  ['openai/chat-error-404-model-not-found.json', 404, 'bad_request'],
  ['anthropic/messages-stream-text.sse', 200, 'ok'],
  ['anthropic/messages-stream-thinking.sse', 200, 'ok'],
  ['anthropic/messages-stream-refusal.sse', 200, 'refusal'],
  ['anthropic/messages-stream-max-tokens.sse', 200, 'truncated'],
  ['anthropic/messages-text.json', 200, 'ok'],
  ['anthropic/messages-refusal.json', 200, 'refusal'],
  ['anthropic/messages-stream-spliced-message-start.chunks.jsonl', 200, 'malformed'],
  ['anthropic/error-529-overloaded.json', 529, 'overloaded'],
  ['anthropic/messages-stream-overloaded-midstream.sse', 200, 'overloaded'],
  ['anthropic/error-404-not-found.json', 404, 'bad_request'],
  ['anthropic/error-400-invalid-request.json', 400, 'bad_request'],
  ['gemini/stream-text.sse', 200, 'ok'],
  ['gemini/stream-thinking.sse', 200, 'ok'],
  ['gemini/stream-json-array-thinking.json', 200, 'ok'],
  ['gemini/stream-prompt-blocked-safety.sse', 200, 'content_filter'],
  ['gemini/stream-finish-reason-safety.sse', 200, 'content_filter'],
  ['gemini/finish-reason-safety.json', 200, 'content_filter'],
  ['gemini/prompt-blocked-safety.json', 200, 'content_filter'],
  ['gemini/stream-recitation.sse', 200, 'content_filter'],
  ['gemini/max-tokens.json', 200, 'truncated'],
  ['gemini/max-tokens-thinking-no-text.json', 200, 'truncated'],
  ['gemini/stream-empty-content.sse', 200, 'empty'],
  ['gemini/stream-error-mid-stream.sse', 200, 'server_error'],
  ['gemini/stream-invalid-json.sse', 200, 'malformed'],
  ['gemini/error-400-api-key-invalid.json', 400, 'auth'],
  ['gemini/error-403-service-disabled.json', 403, 'auth'],
  ['gemini/error-429-quota-exceeded.json', 429, 'rate_limited'],
  ['gemini/error-429-retry-info.json', 429, 'rate_limited'],
  ['gemini/error-404-model-not-found.json', 404, 'bad_request'],
  ['ollama/generate-stream.ndjson', 200, 'ok'],
  ['ollama/generate-stream-error-midstream.ndjson', 200, 'server_error'],
  ['ollama/error.json', 500, 'server_error'],
  ['ollama/chat.json', 200, 'ok'],
  ['ollama/openai-compat-chat-reasoning.json', 200, 'ok'],
  ['openrouter/stream-reasoning-usage.sse', 200, 'ok'],
  ['openrouter/stream-length-then-error.sse', 200, 'truncated'],
  ['openrouter/error-429-upstream-rate-limited.json', 429, 'rate_limited'],
  ['openai-compatible/deepseek-stream-reasoning.chunks.jsonl', 200, 'ok'],
];

function formatOf(file: string): WireFormat {
  const [dir, name] = file.split('/');
  if (dir === 'anthropic') return 'anthropic';
  if (dir === 'gemini') return 'gemini';
  if (dir === 'ollama') return name.startsWith('openai-compat') ? 'openai-chat' : 'ollama';
  if (dir === 'openai' && name.startsWith('responses')) return 'openai-responses';
  return 'openai-chat';
}

/** The bytes the client would have received: chunks.jsonl turned back into SSE. */
function bodyOf(file: string): string {
  const raw = readFileSync(join(ROOT, file), 'utf8');
  if (!file.endsWith('.chunks.jsonl')) return raw;
  return raw
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => `data: ${line}\n\n`)
    .join('');
}

function sidecar(file: string): { status: number; headers: Record<string, string> } | null {
  const path = join(ROOT, file.replace(/\.(sse|json)$/, '.headers.json'));
  return path !== join(ROOT, file) && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

function decode(format: WireFormat, body: string, pieceSize: number): StreamState {
  const state = createStreamState();
  const decoder = createDecoder(format);
  for (let i = 0; i < body.length; i += pieceSize) {
    for (const ev of decoder.push(body.slice(i, i + pieceSize))) applyEvent(state, ev);
  }
  for (const ev of decoder.end()) applyEvent(state, ev);
  return state;
}

function run(file: string, status: number, pieceSize = Number.MAX_SAFE_INTEGER): { result: Classification; state: StreamState | null } {
  const format = formatOf(file);
  const body = bodyOf(file);
  const side = sidecar(file);
  const httpStatus = side?.status ?? status;
  const headers = side?.headers ?? {};
  if (httpStatus < 200 || httpStatus > 299) {
    return { result: classify({ format, httpStatus, headers, errorBody: body }), state: null };
  }
  const state = decode(format, body, pieceSize);
  return { result: classify({ format, httpStatus, headers, state }), state };
}

describe('provider fixtures', () => {
  it('the table covers every fixture file', () => {
    const files = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
      .map((f) => f.split('\\').join('/'))
      .filter((f) => f.includes('/') && !f.endsWith('.headers.json') && !f.endsWith('README.md'))
      .sort();
    expect(files).toHaveLength(50);
    expect(TABLE.map(([f]) => f).sort()).toEqual(files);
  });

  it.each(TABLE)('%s (HTTP %i) → %s', (file, status, expected) => {
    const { result } = run(file, status);
    expect(result.failure?.class ?? result.status).toBe(expected);
    expect(result.status).toBe(expected === 'ok' ? 'ok' : 'failed');
    // The same bytes split into 7-character pieces must decode to the same outcome.
    const split = run(file, status, 7);
    expect(split.result).toEqual(result);
    expect(split.state?.text).toEqual(run(file, status).state?.text);
  });
});

describe('facts extracted from fixtures', () => {
  it('OpenAI chat stream: text, served model, fingerprint, usage', () => {
    const { state, result } = run('openai/chat-stream-text-usage.sse', 200);
    expect(state?.text).toMatch(/^I'm unable to provide real-time weather updates/);
    expect(state?.servedModel).toBe('gpt-4o-2024-08-06');
    expect(state?.systemFingerprint).toBe('fp_5050236cbd');
    expect(state?.usage).toEqual({ inputTokens: 14, outputTokens: 30, reasoningTokens: 0, cachedInputTokens: null });
    expect(result.finishReason).toBe('stop');
  });

  it('OpenAI refusal text is kept and is not output', () => {
    const { state, result } = run('openai/chat-stream-refusal.sse', 200);
    expect(state?.refusal).toBe("I'm sorry, I can't assist with that request.");
    expect(state?.text).toBe('');
    expect(result.failure?.message).toContain("I can't assist with that request.");
  });

  it('a length stop keeps the partial output', () => {
    const { state, result } = run('openai/chat-stream-length.sse', 200);
    expect(state?.text).toBe('{"');
    expect(result.finishReason).toBe('length');
  });

  it('Gemini RetryInfo gives retryAfterMs 34400', () => {
    const { result } = run('gemini/error-429-retry-info.json', 429);
    expect(result.failure).toMatchObject({ class: 'rate_limited', httpStatus: 429, retryAfterMs: 34400 });
    expect(result.failure?.body).toContain('RetryInfo');
  });

  it('Gemini 400 API_KEY_INVALID is auth, with the provider message', () => {
    const { result } = run('gemini/error-400-api-key-invalid.json', 400);
    expect(result.failure?.httpStatus).toBe(400);
    expect(result.failure?.message).toContain('API key not valid');
  });

  it('Gemini thinking: reasoning is counted apart; output tokens include thoughts', () => {
    const { state } = run('gemini/stream-json-array-thinking.json', 200);
    expect(state?.text).toBe('Scoop');
    expect(state?.reasoningChars).toBeGreaterThan(100);
    expect(state?.servedModel).toBe('gemini-3.6-flash');
    expect(state?.usage).toEqual({ inputTokens: 11, outputTokens: 293, reasoningTokens: 291, cachedInputTokens: null });
  });

  it('Gemini mid-stream error keeps the text before it and the raw error', () => {
    const { state, result } = run('gemini/stream-error-mid-stream.sse', 200);
    expect(state?.text).toBe('First Second ');
    expect(result.failure?.body).toContain('"CANCELLED"');
  });

  it('Anthropic stream: text, model, usage summed over cache fields, sidecar headers', () => {
    const { state, result } = run('anthropic/messages-stream-text.sse', 200);
    expect(state?.text).toBe('Hello');
    expect(state?.servedModel).toBe('claude-haiku-4-5-20251001');
    expect(state?.usage).toMatchObject({ inputTokens: 10, outputTokens: 4, cachedInputTokens: 0 });
    expect(result.finishReason).toBe('end_turn');
  });

  it('Anthropic refusal carries the stop_details explanation', () => {
    const { result } = run('anthropic/messages-stream-refusal.sse', 200);
    expect(result.finishReason).toBe('refusal');
    expect(result.failure?.message).toContain('reverse engineering');
  });

  it('Responses in-stream insufficient_quota: rate_limited with the raw event', () => {
    const { result, state } = run('openai/responses-stream-error-insufficient-quota.chunks.jsonl', 200);
    expect(state?.servedModel).toBe('gpt-5-nano-2025-08-07');
    expect(result.failure?.body).toContain('"insufficient_quota"');
  });

  it('Responses stream: text, usage with reasoning tokens', () => {
    const { state } = run('openai/responses-stream-text.sse', 200);
    expect(state?.text).toBe('pong');
    expect(state?.usage).toEqual({ inputTokens: 11, outputTokens: 5, reasoningTokens: 0, cachedInputTokens: 0 });
  });

  it('DeepSeek reasoning_content is reasoning, content is the answer; cache hits are cached tokens', () => {
    const { state } = run('openai-compatible/deepseek-stream-reasoning.chunks.jsonl', 200);
    expect(state?.reasoningChars).toBeGreaterThan(0);
    expect(state?.text.length).toBeGreaterThan(0);
    expect(state?.text).not.toContain('We need');
    expect(state?.usage?.reasoningTokens).toBe(205);
    expect(state?.usage?.cachedInputTokens).not.toBeNull();
  });

  it('OpenRouter: the error after a length stop is kept as truncated, reasoning only', () => {
    const { state, result } = run('openrouter/stream-length-then-error.sse', 200);
    expect(state?.errors).toHaveLength(1);
    expect(state?.text).toBe('');
    expect(result.finishReason).toBe('length');
    expect(state?.usage?.reasoningTokens).toBe(11);
  });

  it('Ollama native: model, done_reason, eval counts', () => {
    const { state, result } = run('ollama/chat.json', 200);
    expect(state?.servedModel).toBe('llama3:8b');
    expect(state?.usage).toMatchObject({ inputTokens: 17, outputTokens: 358 });
    expect(result.finishReason).toBe('stop');
    const gen = run('ollama/generate-stream.ndjson', 200);
    expect(gen.state?.text).toBe("That's a fantastic question!");
  });

  it('Ollama /v1: reasoning field and fp_ollama fingerprint', () => {
    const { state } = run('ollama/openai-compat-chat-reasoning.json', 200);
    expect(state?.text).toBe('{ "city": "Paris", "country": "France" }');
    expect(state?.systemFingerprint).toBe('fp_ollama');
    expect(state?.reasoningChars).toBeGreaterThan(0);
  });
});
