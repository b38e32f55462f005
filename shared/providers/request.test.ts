import { describe, expect, it } from 'vitest';
import { ModelCallRequest } from '../domain/model-call';
import type { Params, ProviderKind } from '../domain/schemas';
import { ANTHROPIC_VERSION, buildRequest, listModelsRequest, parseModelList, scrubKey } from './request';

const KEY = 'secret-key-abcdef123456';
const BASES: Record<ProviderKind, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  ollama: 'http://127.0.0.1:11434',
  openrouter: 'https://openrouter.ai/api/v1/',
  'openai-compatible': 'http://127.0.0.1:1234/v1',
};

function req(kind: ProviderKind, params: Params = {}, headers: Record<string, string> = {}): ModelCallRequest {
  return ModelCallRequest.parse({
    attemptId: 'a',
    provider: { id: 'p', name: 'P', kind, baseUrl: BASES[kind], headers },
    model: kind === 'gemini' ? 'models/gemini-2.5-flash' : 'm-1',
    system: 'sys',
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'again' },
    ],
    params,
    firstTokenTimeoutMs: 1000,
    totalTimeoutMs: 2000,
  });
}

const ALL: Params = { temperature: 0.5, topP: 0.9, maxOutputTokens: 100, seed: 7, stop: ['END'], responseFormat: 'json' };

describe('buildRequest', () => {
  it.each(Object.keys(BASES) as ProviderKind[])('%s: the key is in a header only, and the request streams', (kind) => {
    const built = buildRequest(req(kind, ALL), KEY);
    expect(built.url).not.toContain(KEY);
    expect(built.init.body).not.toContain(KEY);
    expect(JSON.stringify(built.redactedBody)).not.toContain(KEY);
    expect(Object.values(built.init.headers).some((v) => v.includes(KEY))).toBe(true);
    expect(JSON.parse(built.init.body!)).toEqual(built.redactedBody);
    if (kind === 'gemini') expect(built.url).toMatch(/:streamGenerateContent\?alt=sse$/);
    else expect(built.redactedBody).toMatchObject({ stream: true });
  });

  it('openai: Chat Completions with include_usage and max_completion_tokens', () => {
    const built = buildRequest(req('openai', ALL), KEY);
    expect(built.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(built.init.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(built.redactedBody).toEqual({
      model: 'm-1',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'again' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.5,
      top_p: 0.9,
      max_completion_tokens: 100,
      seed: 7,
      stop: ['END'],
      response_format: { type: 'json_object' },
    });
  });

  it('openrouter and openai-compatible use max_tokens; a trailing slash in the base is dropped', () => {
    const built = buildRequest(req('openrouter', { maxOutputTokens: 5 }), KEY);
    expect(built.url).toBe('https://openrouter.ai/api/v1/chat/completions');
    expect(built.redactedBody).toMatchObject({ max_tokens: 5 });
    expect(buildRequest(req('openai-compatible', { maxOutputTokens: 5 }), null).redactedBody).toMatchObject({ max_tokens: 5 });
  });

  it('anthropic: x-api-key, version header, max_tokens default, system apart, stop_sequences', () => {
    const built = buildRequest(req('anthropic', { temperature: 1, stop: ['X'] }), KEY);
    expect(built.url).toBe('https://api.anthropic.com/v1/messages');
    expect(built.init.headers['x-api-key']).toBe(KEY);
    expect(built.init.headers['anthropic-version']).toBe(ANTHROPIC_VERSION);
    expect(built.init.headers.authorization).toBeUndefined();
    expect(built.redactedBody).toEqual({
      model: 'm-1',
      max_tokens: 4096,
      system: 'sys',
      messages: req('anthropic').messages,
      stream: true,
      temperature: 1,
      stop_sequences: ['X'],
    });
  });

  it('gemini: model path, x-goog-api-key, contents with model role, generationConfig', () => {
    const built = buildRequest(req('gemini', ALL), KEY);
    expect(built.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(built.init.headers['x-goog-api-key']).toBe(KEY);
    expect(built.redactedBody).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'hi' }] },
        { role: 'model', parts: [{ text: 'hello' }] },
        { role: 'user', parts: [{ text: 'again' }] },
      ],
      systemInstruction: { parts: [{ text: 'sys' }] },
      generationConfig: {
        temperature: 0.5,
        topP: 0.9,
        maxOutputTokens: 100,
        seed: 7,
        stopSequences: ['END'],
        responseMimeType: 'application/json',
      },
    });
  });

  it('ollama: /api/chat with options and format json; no auth header without a key', () => {
    const built = buildRequest(req('ollama', ALL), null);
    expect(built.url).toBe('http://127.0.0.1:11434/api/chat');
    expect(built.init.headers.authorization).toBeUndefined();
    expect(built.redactedBody).toMatchObject({
      model: 'm-1',
      stream: true,
      options: { temperature: 0.5, top_p: 0.9, num_predict: 100, seed: 7, stop: ['END'] },
      format: 'json',
    });
  });

  it("provider headers are sent, and the stored key's header wins over them", () => {
    const built = buildRequest(req('openai', {}, { 'X-Custom': 'yes', Authorization: 'Bearer other' }), KEY);
    expect(built.init.headers['x-custom']).toBe('yes');
    expect(built.init.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('a key pasted into a prompt is removed from the journaled body', () => {
    const r = req('openai');
    r.messages[0].content = `my key is ${KEY}`;
    const built = buildRequest(r, KEY);
    expect(JSON.stringify(built.redactedBody)).not.toContain(KEY);
    expect(JSON.stringify(built.redactedBody)).toContain('[redacted]');
    expect(scrubKey({ a: 'x' }, null)).toEqual({ a: 'x' });
  });
});

describe('model lists', () => {
  it('builds the list URL per kind', () => {
    const p = (kind: ProviderKind) => req(kind).provider;
    expect(listModelsRequest(p('openai'), KEY).url).toBe('https://api.openai.com/v1/models');
    expect(listModelsRequest(p('ollama'), null).url).toBe('http://127.0.0.1:11434/api/tags');
    expect(listModelsRequest(p('gemini'), KEY).url).toMatch(/\/v1beta\/models\?/);
    expect(listModelsRequest(p('gemini'), KEY).url).not.toContain(KEY);
    expect(listModelsRequest(p('anthropic'), KEY).init.headers['anthropic-version']).toBe(ANTHROPIC_VERSION);
  });

  it('parses each shape and rejects what is not a list', () => {
    expect(parseModelList('openai', { data: [{ id: 'a' }, { id: 'b' }] })).toEqual(['a', 'b']);
    expect(parseModelList('anthropic', { data: [{ id: 'claude-x', type: 'model' }] })).toEqual(['claude-x']);
    expect(parseModelList('gemini', { models: [{ name: 'models/gemini-2.5-pro' }] })).toEqual(['gemini-2.5-pro']);
    expect(parseModelList('ollama', { models: [{ name: 'llama3:8b' }] })).toEqual(['llama3:8b']);
    expect(parseModelList('openai', { hello: 'world' })).toBeNull();
    expect(parseModelList('ollama', [1, 2])).toBeNull();
  });
});

describe('scrubKey', () => {
  it('removes a key in raw and JSON-escaped form', async () => {
    const { scrubKey } = await import('./request');
    const key = 'sk-live-ABC\n123"456';
    const value = { message: `bad header "Bearer ${key}"`, nested: [key] };
    const out = JSON.stringify(scrubKey(value, key));
    expect(out).not.toContain('ABC');
    expect(out).toContain('[redacted]');
  });
});

describe('scrubKey never breaks the value', () => {
  it('handles a key that only meets the text across an escape sequence', async () => {
    const { scrubKey } = await import('./request');
    // In JSON text "a\nb" is a\\nb: a key starting with "n" would have cut an escape.
    const value = { message: 'line1\nnkey-secret-1234 end', body: '{"error":"bad key nkey-secret-1234"}' };
    const out = scrubKey(value, 'nkey-secret-1234');
    expect(out).toEqual({ message: 'line1\n[redacted] end', body: '{"error":"bad key [redacted]"}' });
    expect(scrubKey(value, 'absent-key-000')).toBe(value);
  });
});
