/**
 * A small, independent client for the mock: builds each wire format's request,
 * decodes responses (SSE, CRLF SSE, NDJSON, Gemini's bare error objects) and
 * classifies the outcome with the rules of PRODUCT.md. The mock's own tests use
 * it to check that every fault produces a symptom a client can tell apart;
 * benchmarks can use buildRequest for bare-fetch baselines.
 */
import type { FailureClass } from '../../shared/domain/schemas';
import type { MockKind } from './knobs';

export const DEFAULT_MODELS: Record<MockKind, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  gemini: 'gemini-2.5-flash',
  ollama: 'llama3.2:3b',
  openrouter: 'openai/gpt-4o-mini',
  'openai-compatible': 'mock-small',
};

export interface CallOpts {
  model?: string;
  prompt?: string;
  system?: string;
  stream?: boolean;
  maxTokens?: number;
  /** The API key; null sends none. Default 'test-key'. */
  key?: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  signal?: AbortSignal;
  /** OpenAI family: ask for the final usage chunk (default true). */
  includeUsage?: boolean;
}

export function buildRequest(baseUrls: Record<MockKind, string>, kind: MockKind, o: CallOpts = {}): { url: string; init: RequestInit } {
  const model = o.model ?? DEFAULT_MODELS[kind];
  const prompt = o.prompt ?? 'Say something about floors.';
  const stream = o.stream ?? true;
  const key = o.key === undefined ? 'test-key' : o.key;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
  let url: string;
  let body: Record<string, unknown>;
  const qs = new URLSearchParams(o.query);
  switch (kind) {
    case 'anthropic':
      url = `${baseUrls.anthropic}/messages`;
      if (key !== null) headers['x-api-key'] = key;
      headers['anthropic-version'] ??= '2023-06-01';
      body = { model, max_tokens: o.maxTokens ?? 1024, messages: [{ role: 'user', content: prompt }], stream };
      if (o.system) body.system = o.system;
      break;
    case 'gemini':
      url = `${baseUrls.gemini}/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent' : 'generateContent'}`;
      if (stream && !qs.has('alt')) qs.set('alt', 'sse');
      if (key !== null) headers['x-goog-api-key'] = key;
      body = { contents: [{ role: 'user', parts: [{ text: prompt }] }] };
      if (o.system) body.systemInstruction = { parts: [{ text: o.system }] };
      if (o.maxTokens !== undefined) body.generationConfig = { maxOutputTokens: o.maxTokens };
      break;
    case 'ollama':
      url = `${baseUrls.ollama}/api/chat`;
      if (key !== null && o.key !== undefined) headers.authorization = `Bearer ${key}`;
      body = { model, messages: [...(o.system ? [{ role: 'system', content: o.system }] : []), { role: 'user', content: prompt }], stream };
      if (o.maxTokens !== undefined) body.options = { num_predict: o.maxTokens };
      break;
    default:
      url = `${baseUrls[kind]}/chat/completions`;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      body = { model, messages: [...(o.system ? [{ role: 'system', content: o.system }] : []), { role: 'user', content: prompt }], stream };
      if (stream && o.includeUsage !== false) body.stream_options = { include_usage: true };
      if (o.maxTokens !== undefined) body.max_completion_tokens = o.maxTokens;
  }
  const q = qs.toString();
  return { url: q ? `${url}${url.includes('?') ? '&' : '?'}${q}` : url, init: { method: 'POST', headers, body: JSON.stringify(body), signal: o.signal } };
}

export interface SseEvent {
  event: string | null;
  data: string;
  /** Lines that are neither fields nor comments (Gemini's bare error object). */
  raw: string[];
  comment: boolean;
}

/** Splits an event stream into events; tolerant of CRLF and of lines that are not SSE fields. */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    const ev: SseEvent = { event: null, data: '', raw: [], comment: false };
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      else if (line.startsWith('event:')) ev.event = line.slice(6).trim();
      else if (line.startsWith(':')) ev.comment = true;
      else if (line !== '') ev.raw.push(line);
    }
    ev.data = data.join('\n');
    out.push(ev);
  }
  return out;
}

export interface Decoded {
  text: string;
  refusal: string;
  finish: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  servedModel: string | null;
  /** An error reported inside a 200 response. */
  errorEvent: Record<string, unknown> | null;
  malformed: boolean;
  promptBlocked: boolean;
  /** The stream reached its terminator ([DONE], message_stop, done:true, a finishReason). */
  done: boolean;
  /** Event names (Anthropic) or chunk count markers, in order. */
  events: string[];
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' ? (v as J) : {});

function tryJson(s: string): J | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' ? (v as J) : undefined;
  } catch {
    return undefined;
  }
}

export function decode(kind: MockKind, stream: boolean, body: string): Decoded {
  const d: Decoded = { text: '', refusal: '', finish: null, inputTokens: null, outputTokens: null, servedModel: null, errorEvent: null, malformed: false, promptBlocked: false, done: false, events: [] };
  const openai = (c: J): void => {
    if (c.error) d.errorEvent = obj(c.error);
    if (typeof c.model === 'string') d.servedModel = c.model;
    const ch = obj((c.choices as unknown[] | undefined)?.[0]);
    const delta = obj(ch.delta ?? ch.message);
    if (typeof delta.content === 'string') d.text += delta.content;
    if (typeof delta.refusal === 'string') d.refusal += delta.refusal;
    if (typeof ch.finish_reason === 'string' && ch.finish_reason !== 'error') d.finish = ch.finish_reason;
    if (c.usage) {
      d.inputTokens = obj(c.usage).prompt_tokens as number;
      d.outputTokens = obj(c.usage).completion_tokens as number;
    }
  };
  const gemini = (c: J): void => {
    if (c.error) d.errorEvent = obj(c.error);
    if (typeof c.modelVersion === 'string') d.servedModel = c.modelVersion;
    if (obj(c.promptFeedback).blockReason) d.promptBlocked = true;
    const cand = obj((c.candidates as unknown[] | undefined)?.[0]);
    for (const p of (obj(cand.content).parts as J[] | undefined) ?? []) if (typeof p.text === 'string') d.text += p.text;
    if (typeof cand.finishReason === 'string') {
      d.finish = cand.finishReason;
      d.done = true;
    }
    if (d.promptBlocked) d.done = true;
    const u = obj(c.usageMetadata);
    if (typeof u.promptTokenCount === 'number') d.inputTokens = u.promptTokenCount;
    if (typeof u.candidatesTokenCount === 'number') d.outputTokens = u.candidatesTokenCount;
  };
  const anthropic = (type: string, c: J): void => {
    d.events.push(type);
    if (type === 'message_start') {
      const m = obj(c.message);
      d.servedModel = m.model as string;
      d.inputTokens = obj(m.usage).input_tokens as number;
    } else if (type === 'content_block_delta') {
      const delta = obj(c.delta);
      if (delta.type === 'text_delta') d.text += delta.text as string;
    } else if (type === 'message_delta') {
      d.finish = obj(c.delta).stop_reason as string;
      d.outputTokens = obj(c.usage).output_tokens as number;
    } else if (type === 'message_stop') d.done = true;
    else if (type === 'error') d.errorEvent = obj(c.error);
  };
  const ollama = (c: J): void => {
    if (c.error !== undefined) d.errorEvent = { message: c.error };
    if (typeof c.model === 'string') d.servedModel = c.model;
    const m = obj(c.message);
    if (typeof m.content === 'string') d.text += m.content;
    if (c.done === true) {
      d.done = true;
      d.finish = (c.done_reason as string) ?? 'stop';
      d.inputTokens = c.prompt_eval_count as number;
      d.outputTokens = c.eval_count as number;
    }
  };

  if (!stream) {
    const c = tryJson(body);
    if (!c) {
      d.malformed = true;
      return d;
    }
    d.done = true;
    if (kind === 'anthropic') {
      d.servedModel = c.model as string;
      for (const b of (c.content as J[] | undefined) ?? []) if (b.type === 'text') d.text += b.text as string;
      d.finish = c.stop_reason as string;
      d.inputTokens = obj(c.usage).input_tokens as number;
      d.outputTokens = obj(c.usage).output_tokens as number;
    } else if (kind === 'gemini') gemini(c);
    else if (kind === 'ollama') ollama(c);
    else openai(c);
    return d;
  }

  if (kind === 'ollama') {
    for (const line of body.split('\n')) {
      if (!line.trim()) continue;
      const c = tryJson(line);
      if (!c) d.malformed = true;
      else ollama(c);
    }
    return d;
  }
  if (kind === 'gemini' && !body.startsWith('data:') && body.trimStart().startsWith('[')) {
    // The JSON-array stream (no alt=sse): parse whole.
    const arr = tryJson(body) as unknown;
    if (!Array.isArray(arr)) d.malformed = true;
    else for (const c of arr as J[]) gemini(obj(c));
    return d;
  }
  for (const ev of parseSse(body)) {
    if (ev.raw.length > 0) {
      const c = tryJson(ev.raw.join('\n'));
      if (c && c.error) d.errorEvent = obj(c.error);
      else d.malformed = true;
    }
    if (ev.comment && ev.data === '') continue;
    if (ev.data === '') continue;
    if (ev.data === '[DONE]') {
      d.done = true;
      continue;
    }
    const c = tryJson(ev.data);
    if (!c) {
      d.malformed = true;
      continue;
    }
    if (kind === 'anthropic') anthropic(ev.event ?? (c.type as string), c);
    else if (kind === 'gemini') gemini(c);
    else openai(c);
  }
  return d;
}

/** What a client saw: a rejected fetch, an HTTP error, or a 200 body (maybe cut short). */
export interface Observation {
  /** fetch() itself rejected: 'abort' (our signal) or 'network'. */
  rejected: 'abort' | 'network' | null;
  status: number | null;
  headers: Headers | null;
  body: string;
  /** Reading the body failed part-way: 'abort' or 'network'. */
  bodyError: 'abort' | 'network' | null;
}

export async function observe(url: string, init: RequestInit): Promise<Observation> {
  const o: Observation = { rejected: null, status: null, headers: null, body: '', bodyError: null };
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    o.rejected = (e as Error).name === 'AbortError' || (e as Error).name === 'TimeoutError' ? 'abort' : 'network';
    return o;
  }
  o.status = res.status;
  o.headers = res.headers;
  const reader = res.body?.getReader();
  if (!reader) return o;
  const dec = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      o.body += dec.decode(value, { stream: true });
    }
  } catch (e) {
    o.bodyError = (e as Error).name === 'AbortError' || (e as Error).name === 'TimeoutError' ? 'abort' : 'network';
  }
  return o;
}

/**
 * The failure class of PRODUCT.md for an observation: a reference for what the
 * mock's faults must be distinguishable as, not the app's classifier.
 */
export function classify(kind: MockKind, stream: boolean, o: Observation): FailureClass | 'ok' {
  if (o.rejected) return o.rejected === 'abort' ? 'timeout' : 'network';
  const status = o.status ?? 0;
  if (status >= 400) {
    const b = tryJson(o.body) ?? {};
    const err = obj(b.error);
    const details = (err.details as J[] | undefined) ?? [];
    if (status === 401 || status === 403 || details.some((x) => x.reason === 'API_KEY_INVALID')) return 'auth';
    if (status === 429) return 'rate_limited';
    if (status === 503 || status === 529 || err.type === 'overloaded_error') return 'overloaded';
    if (status >= 500) return 'server_error';
    if (typeof err.message === 'string' && /content filtering policy/i.test(err.message)) return 'content_filter';
    return 'bad_request';
  }
  if (o.bodyError) return o.bodyError === 'abort' ? 'timeout' : 'network';
  const d = decode(kind, stream, o.body);
  if (d.errorEvent) {
    const e = d.errorEvent;
    if (e.type === 'overloaded_error' || e.code === 503 || e.status === 'UNAVAILABLE') return 'overloaded';
    if (typeof e.message === 'string' && /content filtering policy/i.test(e.message)) return 'content_filter';
    return 'server_error';
  }
  if (d.malformed || !d.done) return 'malformed';
  if (d.promptBlocked || d.finish === 'content_filter' || d.finish === 'SAFETY') return 'content_filter';
  if (d.refusal || d.finish === 'refusal') return 'refusal';
  if (d.finish === 'length' || d.finish === 'max_tokens' || d.finish === 'MAX_TOKENS') return 'truncated';
  if (d.text === '') return 'empty';
  return 'ok';
}
