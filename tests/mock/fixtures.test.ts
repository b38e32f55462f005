/**
 * The mock's bodies have the shape of the recorded ones: every key path in a
 * fixture (shared/fixtures/provider-streams) appears in the mock's equivalent
 * message, apart from a few fields that only some model versions send.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, observe, parseSse, type CallOpts } from './client';
import type { MockKind } from './knobs';
import { startMock, type MockServer } from './server';

function findFixtures(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures', 'provider-streams');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
const ROOT = findFixtures();

/** Key paths of a JSON value: `choices[].delta.content`. */
function paths(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) paths(x, prefix + '[]', out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      paths(x, p, out);
    }
  }
  return out;
}

/** Fields some recordings have and the mock leaves out on purpose (thinking, logprobs, newer-model extras). */
const OPTIONAL = [/avgLogprobs/, /serviceTier/, /reasoning/, /thinking/, /citationMetadata/, /output_tokens_details/, /native_finish_reason/];

function missing(fixture: unknown, mock: unknown): string[] {
  const have = paths(mock);
  return [...paths(fixture)].filter((p) => !have.has(p) && !OPTIONAL.some((r) => r.test(p)));
}

const fixture = (f: string): string => readFileSync(join(ROOT!, f), 'utf8');
const sseJson = (text: string) => parseSse(text).filter((e) => e.data && e.data !== '[DONE]').map((e) => ({ event: e.event, json: JSON.parse(e.data) }));

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ defaults: { tokens: 4 } });
});
afterAll(async () => {
  await mock.close();
});

async function body(kind: MockKind, o: CallOpts = {}) {
  const { url, init } = buildRequest(mock.baseUrls, kind, o);
  return observe(url, init);
}

describe.skipIf(!ROOT)('shapes match the recorded fixtures', () => {
  it('openai: stream chunks, JSON body, headers', async () => {
    const fx = sseJson(fixture('openai/chat-stream-text-usage.sse')).map((e) => e.json);
    const mk = sseJson((await body('openai')).body).map((e) => e.json);
    for (const [f, m] of [[fx[0], mk[0]], [fx[1], mk[1]], [fx.at(-2), mk.at(-2)], [fx.at(-1), mk.at(-1)]]) expect(missing(f, m)).toEqual([]);
    const json = await body('openai', { stream: false });
    expect(missing(JSON.parse(fixture('openai/chat-text.json')), JSON.parse(json.body))).toEqual([]);
    const hdr = JSON.parse(fixture('openai/chat-text.headers.json')).headers as Record<string, string>;
    for (const name of Object.keys(hdr)) expect(json.headers!.get(name), name).not.toBeNull();
    const refusal = JSON.parse((await body('openai', { stream: false, headers: { 'x-mock-fault': 'refusal' } })).body);
    expect(missing(JSON.parse(fixture('openai/chat-refusal.json')), refusal)).toEqual([]);
  });

  it('openrouter: chunk envelope, usage with cost, 429 body', async () => {
    const fx = sseJson(fixture('openrouter/stream-reasoning-usage.sse')).map((e) => e.json);
    const mk = sseJson((await body('openrouter')).body).map((e) => e.json);
    expect(missing(fx.at(-1), mk.at(-1))).toEqual([]);
    expect(missing({ ...fx[0], choices: [] }, { ...mk[0], choices: [] })).toEqual([]);
    const err = await body('openrouter', { stream: false, headers: { 'x-mock-fault': 'rate_limit' } });
    expect(missing(JSON.parse(fixture('openrouter/error-429-upstream-rate-limited.json')), JSON.parse(err.body))).toEqual([]);
  });

  it('anthropic: every event type, JSON body, refusal, 529, headers', async () => {
    const byType = (evs: { json: { type: string } }[]) => new Map(evs.map((e) => [e.json.type, e.json]));
    const res = await body('anthropic');
    const fx = byType(sseJson(fixture('anthropic/messages-stream-text.sse')));
    const mk = byType(sseJson(res.body));
    expect([...mk.keys()]).toEqual([...fx.keys()]);
    for (const [type, f] of fx) expect(missing(f, mk.get(type)), type).toEqual([]);
    const hdr = JSON.parse(fixture('anthropic/messages-stream-text.headers.json')).headers as Record<string, string>;
    for (const name of Object.keys(hdr)) expect(res.headers!.get(name), name).not.toBeNull();
    expect(missing(JSON.parse(fixture('anthropic/messages-text.json')), JSON.parse((await body('anthropic', { stream: false })).body))).toEqual([]);
    const refusal = byType(sseJson((await body('anthropic', { headers: { 'x-mock-fault': 'refusal' } })).body));
    expect(missing(byType(sseJson(fixture('anthropic/messages-stream-refusal.sse'))).get('message_delta'), refusal.get('message_delta'))).toEqual([]);
    expect(missing(JSON.parse(fixture('anthropic/messages-refusal.json')), JSON.parse((await body('anthropic', { stream: false, headers: { 'x-mock-fault': 'refusal' } })).body))).toEqual(['stop_details.recommended_model']);
    const overloaded = await body('anthropic', { stream: false, headers: { 'x-mock-fault': 'overloaded' } });
    expect(overloaded.body).toBe(fixture('anthropic/error-529-overloaded.json'));
  });

  it('gemini: stream chunks, safety, prompt block, max tokens, errors', async () => {
    const fx = sseJson(fixture('gemini/stream-text.sse')).map((e) => e.json);
    const res = await body('gemini');
    expect(res.body.includes('\r\n\r\n')).toBe(true);
    const mk = sseJson(res.body).map((e) => e.json);
    expect(missing(fx[0], mk[0])).toEqual([]);
    expect(missing(fx.at(-1), mk.at(-1))).toEqual([]);
    const unary = async (fault: string) => JSON.parse((await body('gemini', { stream: false, headers: { 'x-mock-fault': fault } })).body);
    expect(missing(JSON.parse(fixture('gemini/finish-reason-safety.json')), await unary('content_filter'))).toEqual([]);
    expect(missing(JSON.parse(fixture('gemini/prompt-blocked-safety.json')), await unary('prompt-blocked'))).toEqual([]);
    expect(missing(JSON.parse(fixture('gemini/max-tokens.json')), await unary('length'))).toEqual([]);
    expect(missing(JSON.parse(fixture('gemini/error-400-api-key-invalid.json')), await unary('auth'))).toEqual([]);
    expect(missing(JSON.parse(fixture('gemini/error-429-retry-info.json')), await unary('rate_limit'))).toEqual([]);
  });

  it('ollama: unstreamed chat and the stream error line', async () => {
    expect(missing(JSON.parse(fixture('ollama/chat.json')), JSON.parse((await body('ollama', { stream: false })).body))).toEqual([]);
    const lines = (await body('ollama', { headers: { 'x-mock-fault': 'stream-error' } })).body.trim().split('\n');
    const fxLines = fixture('ollama/generate-stream-error-midstream.ndjson').trim().split('\n');
    expect(lines.at(-1)).toBe(fxLines.at(-1));
  });
});
