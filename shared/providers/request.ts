/**
 * Request building per wire format. The key goes in a header only — never the URL
 * and never the body the journal keeps. Every call streams.
 */
import { z } from 'zod';
import type { ModelCallRequest } from '../domain/model-call';
import type { Params, Provider, ProviderKind } from '../domain/schemas';
import { wireFormatOf, type WireFormat } from './types';

export interface BuiltRequest {
  url: string;
  init: { method: 'POST' | 'GET'; headers: Record<string, string>; body?: string };
  /** The body as sent, for the journal. */
  redactedBody: unknown;
  format: WireFormat;
}

export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; this is used when the prompt sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

export function baseUrlOf(provider: Pick<Provider, 'baseUrl'>): string {
  return provider.baseUrl.replace(/\/+$/, '');
}

function authHeaders(kind: ProviderKind, key: string | null): Record<string, string> {
  if (!key) return kind === 'anthropic' ? { 'anthropic-version': ANTHROPIC_VERSION } : {};
  switch (kind) {
    case 'anthropic':
      return { 'x-api-key': key, 'anthropic-version': ANTHROPIC_VERSION };
    case 'gemini':
      return { 'x-goog-api-key': key };
    default:
      return { authorization: `Bearer ${key}` };
  }
}

/** Provider extra headers first, so a user can add headers but our auth header wins when a key is stored. */
function headersFor(provider: Provider, key: string | null, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(provider.headers ?? {})) out[k.toLowerCase()] = v;
  Object.assign(out, extra, authHeaders(provider.kind, key));
  return out;
}

function defined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function openaiBody(req: ModelCallRequest, p: Params): Record<string, unknown> {
  const messages = [...(req.system ? [{ role: 'system', content: req.system }] : []), ...req.messages];
  return defined({
    model: req.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    temperature: p.temperature,
    top_p: p.topP,
    // OpenAI's reasoning models reject max_tokens; OpenAI-style servers elsewhere
    // (vLLM, llama.cpp, older Ollama) know only max_tokens.
    ...(req.provider.kind === 'openai' ? { max_completion_tokens: p.maxOutputTokens } : { max_tokens: p.maxOutputTokens }),
    seed: p.seed,
    stop: p.stop && p.stop.length > 0 ? p.stop : undefined,
    response_format: p.responseFormat === 'json' ? { type: 'json_object' } : undefined,
  });
}

function anthropicBody(req: ModelCallRequest, p: Params): Record<string, unknown> {
  // No seed and no JSON mode exist in the Messages API; they are left out rather than faked.
  return defined({
    model: req.model,
    max_tokens: p.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    system: req.system || undefined,
    messages: req.messages,
    stream: true,
    temperature: p.temperature,
    top_p: p.topP,
    stop_sequences: p.stop && p.stop.length > 0 ? p.stop : undefined,
  });
}

function geminiBody(req: ModelCallRequest, p: Params): Record<string, unknown> {
  const generationConfig = defined({
    temperature: p.temperature,
    topP: p.topP,
    maxOutputTokens: p.maxOutputTokens,
    seed: p.seed,
    stopSequences: p.stop && p.stop.length > 0 ? p.stop : undefined,
    responseMimeType: p.responseFormat === 'json' ? 'application/json' : undefined,
  });
  return defined({
    contents: req.messages.map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] })),
    systemInstruction: req.system ? { parts: [{ text: req.system }] } : undefined,
    generationConfig: Object.keys(generationConfig).length > 0 ? generationConfig : undefined,
  });
}

function ollamaBody(req: ModelCallRequest, p: Params): Record<string, unknown> {
  const options = defined({
    temperature: p.temperature,
    top_p: p.topP,
    num_predict: p.maxOutputTokens,
    seed: p.seed,
    stop: p.stop && p.stop.length > 0 ? p.stop : undefined,
  });
  return defined({
    model: req.model,
    messages: [...(req.system ? [{ role: 'system', content: req.system }] : []), ...req.messages],
    stream: true,
    options: Object.keys(options).length > 0 ? options : undefined,
    format: p.responseFormat === 'json' ? 'json' : undefined,
  });
}

/** Removes the key wherever it might appear in a value (a user could paste it into a prompt). */
export function scrubKey<T>(value: T, key: string | null): T {
  if (!key || key.length < 4) return value;
  // Strings that hold JSON text (an error body) carry a key with control
  // characters or quotes in its escaped form: replace both forms.
  const escaped = JSON.stringify(key).slice(1, -1);
  const clean = (s: string) => (s.includes(key) || s.includes(escaped) ? s.split(key).join('[redacted]').split(escaped).join('[redacted]') : s);
  // A walk over the value, not a replace over its JSON text: cutting JSON text
  // inside an escape sequence could leave text that no longer parses.
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return clean(v);
    if (v === null || typeof v !== 'object' || depth > 64) return v;
    if (Array.isArray(v)) {
      let copy: unknown[] | null = null;
      v.forEach((item, i) => {
        const next = walk(item, depth + 1);
        if (next !== item) (copy ??= v.slice())[i] = next;
      });
      return copy ?? v;
    }
    // A copy only once something changed: a clean result allocates nothing.
    const entries = Object.entries(v as Record<string, unknown>);
    let out: Record<string, unknown> | null = null;
    entries.forEach(([k, item], i) => {
      const nk = clean(k);
      const next = walk(item, depth + 1);
      if (!out && (nk !== k || next !== item)) out = Object.fromEntries(entries.slice(0, i));
      if (out) out[nk] = next;
    });
    return out ?? v;
  };
  return walk(value, 0) as T;
}

/**
 * Why a key can't be sent in an HTTP header, or null when it can. Keys are
 * printable ASCII; anything else (a CR from a Windows .env file, a pasted
 * newline) would make fetch throw an error that quotes the header, key and all.
 */
export function invalidKeyReason(key: string): string | null {
  if (key.length === 0) return 'The key is empty.';
  if (key.length > 4096) return 'The key is longer than 4096 characters.';
  if (/[^\x21-\x7e]/.test(key)) return 'The key contains spaces, line breaks or other characters that cannot be sent in a header.';
  return null;
}

export function buildRequest(req: ModelCallRequest, key: string | null): BuiltRequest {
  const provider = req.provider;
  const base = baseUrlOf(provider);
  const format = wireFormatOf(provider.kind);
  let url: string;
  let body: Record<string, unknown>;
  switch (format) {
    case 'anthropic':
      url = `${base}/messages`;
      body = anthropicBody(req, req.params);
      break;
    case 'gemini': {
      const model = req.model.replace(/^models\//, '');
      url = `${base}/models/${encodeURIComponent(model)}:streamGenerateContent?alt=sse`;
      body = geminiBody(req, req.params);
      break;
    }
    case 'ollama':
      url = `${base}/api/chat`;
      body = ollamaBody(req, req.params);
      break;
    default:
      url = `${base}/chat/completions`;
      body = openaiBody(req, req.params);
  }
  const accept = format === 'ollama' ? 'application/x-ndjson' : 'text/event-stream';
  return {
    url,
    init: {
      method: 'POST',
      headers: headersFor(provider, key, { 'content-type': 'application/json', accept }),
      body: JSON.stringify(body),
    },
    redactedBody: scrubKey(body, key),
    format,
  };
}

/** GET the provider's model list ("test connection", local server detection). */
export function listModelsRequest(provider: Provider, key: string | null): BuiltRequest {
  const base = baseUrlOf(provider);
  const format = wireFormatOf(provider.kind);
  let url: string;
  switch (provider.kind) {
    case 'ollama':
      url = `${base}/api/tags`;
      break;
    case 'gemini':
      url = `${base}/models?pageSize=1000`;
      break;
    case 'anthropic':
      url = `${base}/models?limit=1000`;
      break;
    default:
      url = `${base}/models`;
  }
  return { url, init: { method: 'GET', headers: headersFor(provider, key, { accept: 'application/json' }) }, redactedBody: null, format };
}

const OpenAIList = z.object({ data: z.array(z.object({ id: z.string() })) });
const GeminiList = z.object({ models: z.array(z.object({ name: z.string() })).default([]) });
const OllamaList = z.object({ models: z.array(z.object({ name: z.string().optional(), model: z.string().optional() })) });

/** Model ids from a list response, or null when the JSON is not a model list. */
export function parseModelList(kind: ProviderKind, json: unknown): string[] | null {
  switch (kind) {
    case 'ollama': {
      const r = OllamaList.safeParse(json);
      return r.success ? r.data.models.map((m) => m.name ?? m.model ?? '').filter(Boolean) : null;
    }
    case 'gemini': {
      const r = GeminiList.safeParse(json);
      return r.success ? r.data.models.map((m) => m.name.replace(/^models\//, '')) : null;
    }
    default: {
      const r = OpenAIList.safeParse(json);
      return r.success ? r.data.data.map((m) => m.id) : null;
    }
  }
}
