/**
 * The failure classifier: one attempt's HTTP status, headers, error body, stream
 * state and transport outcome → status, failure class and finish reason, as
 * PRODUCT.md ("Attempt status and failure classes") defines them.
 */
import type { Failure, FailureClass } from '../domain/schemas';
import { lowerHeaders, type HeaderSource } from './headers';
import type { StreamError, StreamState } from './state';
import type { WireFormat } from './types';
import { asRecord, errorMessageOf, parseJson } from './util';

/** What went wrong below HTTP, if anything. */
export type TransportOutcome =
  | { kind: 'cancelled' }
  | { kind: 'first_token_timeout'; timeoutMs: number }
  | { kind: 'total_timeout'; timeoutMs: number }
  /** Refused, reset, DNS, TLS — before or during the response. */
  | { kind: 'network'; message: string; code?: string | null };

export interface ClassifyInput {
  format?: WireFormat;
  httpStatus: number | null;
  headers?: HeaderSource | null;
  /** The body of a non-2xx response. */
  errorBody?: string | null;
  state?: StreamState | null;
  transport?: TransportOutcome | null;
  /** Epoch ms, to turn a `retry-after` HTTP date into a delay. */
  now?: number;
}

export interface Classification {
  status: 'ok' | 'failed' | 'cancelled';
  failure: Failure | null;
  finishReason: string | null;
}

export const MAX_ERROR_BODY_CHARS = 16_384;

const LENGTH = new Set(['length', 'max_tokens', 'max_output_tokens', 'model_length', 'model_context_window_exceeded']);
const FILTER = new Set([
  'content_filter',
  'safety',
  'recitation',
  'blocklist',
  'prohibited_content',
  'spii',
  'image_safety',
  'image_prohibited_content',
  'image_recitation',
  'sensitive',
]);
const RATE = new Set(['insufficient_quota', 'rate_limit_exceeded', 'rate_limit_error', 'resource_exhausted', '429', 'rate_limited']);
const OVERLOAD = new Set(['overloaded_error', 'unavailable', '503', '529', 'overloaded']);
const AUTH = new Set(['api_key_invalid', 'invalid_api_key', 'authentication_error', 'permission_error', 'unauthenticated']);

export const isLengthFinish = (reason: string | null): boolean => reason !== null && LENGTH.has(reason.toLowerCase());
export const isFilterFinish = (reason: string | null): boolean => reason !== null && FILTER.has(reason.toLowerCase());

function cap(text: string | null | undefined): string | null {
  if (text == null) return null;
  return text.length > MAX_ERROR_BODY_CHARS ? text.slice(0, MAX_ERROR_BODY_CHARS) : text;
}

/** Every code/type/status/reason string an error body carries, lower-cased. */
function errorCodes(body: string | null | undefined): Set<string> {
  const codes = new Set<string>();
  if (!body) return codes;
  const parsed = parseJson(body);
  if (!parsed.ok) return codes;
  const root = asRecord(parsed.value);
  const err = asRecord(root?.error) ?? root;
  if (!err) return codes;
  for (const key of ['code', 'type', 'status']) {
    const v = err[key];
    if (typeof v === 'string' || typeof v === 'number') codes.add(String(v).toLowerCase());
  }
  if (Array.isArray(err.details)) {
    for (const d of err.details) {
      const reason = asRecord(d)?.reason;
      if (typeof reason === 'string') codes.add(reason.toLowerCase());
    }
  }
  return codes;
}

function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

/**
 * The wait the provider asked for, in ms: `retry-after-ms`, `retry-after` (seconds
 * or an HTTP date), or Google's `RetryInfo.retryDelay` ("34.4s") in the body.
 */
export function retryAfterMsOf(headers: HeaderSource | null | undefined, body: string | null | undefined, now = Date.now()): number | null {
  const h = lowerHeaders(headers);
  const ms = h['retry-after-ms'];
  if (ms !== undefined && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Math.round(Number(ms));
  const ra = h['retry-after'];
  if (ra !== undefined) {
    if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.round(Number(ra) * 1000);
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (body) {
    const parsed = parseJson(body);
    const err = parsed.ok ? asRecord(asRecord(parsed.value)?.error) : null;
    if (err && Array.isArray(err.details)) {
      for (const d of err.details) {
        const delay = asRecord(d)?.retryDelay;
        if (typeof delay === 'string') {
          const v = parseDuration(delay);
          if (v !== null) return v;
        }
      }
    }
  }
  return null;
}

function failure(cls: FailureClass, message: string, extra: Partial<Failure> = {}): Failure {
  return { class: cls, message, httpStatus: null, retryAfterMs: null, body: null, ...extra };
}

/**
 * Anthropic has no content-filter finish reason: a blocked output comes back as an
 * `invalid_request_error` (in the stream, or a 400) whose only tell is this message.
 */
const FILTER_MESSAGE = /output blocked by content filtering policy/i;

function classOfHttp(status: number, codes: Set<string>, message = ''): FailureClass {
  // Gemini answers a bad key with 400 INVALID_ARGUMENT; only details[].reason tells.
  if (status === 401 || status === 403 || [...codes].some((c) => AUTH.has(c))) return 'auth';
  if (FILTER_MESSAGE.test(message)) return 'content_filter';
  if (status === 429 || codes.has('insufficient_quota')) return 'rate_limited';
  if (status === 503 || status === 529 || codes.has('overloaded_error')) return 'overloaded';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'server_error';
}

/** The class of an error reported inside a 2xx stream or body. */
export function classOfStreamError(err: Pick<StreamError, 'code' | 'status'> & { message?: string }): FailureClass {
  const code = (err.code ?? '').toLowerCase();
  if (FILTER_MESSAGE.test(err.message ?? '')) return 'content_filter';
  // Quota exhaustion arrives as an in-stream error on the Responses API; it is a
  // rate limit (one that retrying will not fix), not a server fault.
  if (RATE.has(code) || err.status === 429) return 'rate_limited';
  if (OVERLOAD.has(code) || err.status === 503 || err.status === 529) return 'overloaded';
  if (AUTH.has(code) || err.status === 401 || err.status === 403) return 'auth';
  return 'server_error';
}

const HTTP_WORDS: Record<FailureClass, string> = {
  network: 'Network error',
  timeout: 'Timed out',
  auth: 'The key was missing or rejected',
  bad_request: 'The provider rejected the request',
  rate_limited: 'Rate limited',
  overloaded: 'The provider is overloaded',
  server_error: 'The provider failed',
  malformed: 'The response could not be parsed',
  content_filter: 'The provider blocked the output',
  refusal: 'The model declined',
  truncated: 'The answer was cut off',
  empty: 'The model returned no text',
};

export function classify(input: ClassifyInput): Classification {
  const state = input.state ?? null;
  const finishReason = state?.finishReason ?? null;
  const httpStatus = input.httpStatus;
  const failed = (f: Failure): Classification => ({ status: 'failed', failure: f, finishReason });
  const t = input.transport;

  if (t?.kind === 'cancelled') return { status: 'cancelled', failure: null, finishReason };
  if (t?.kind === 'first_token_timeout')
    return failed(failure('timeout', `No first token within ${t.timeoutMs} ms.`, { httpStatus }));
  if (t?.kind === 'total_timeout')
    return failed(failure('timeout', `Not finished within ${t.timeoutMs} ms.`, { httpStatus }));
  // A reset after a 200 is still a network failure: what happened decides, not the status.
  if (t?.kind === 'network') return failed(failure('network', t.message, { httpStatus }));

  if (httpStatus !== null && (httpStatus < 200 || httpStatus > 299)) {
    const body = input.errorBody ?? '';
    const detail = errorMessageOf(body);
    const cls = classOfHttp(httpStatus, errorCodes(body), detail ?? '');
    return failed(
      failure(cls, `${HTTP_WORDS[cls]} (HTTP ${httpStatus})${detail ? `: ${detail}` : '.'}`, {
        httpStatus,
        retryAfterMs: retryAfterMsOf(input.headers, body, input.now),
        body: cap(body),
      }),
    );
  }

  if (!state) return failed(failure('malformed', 'No response body.', { httpStatus }));

  if (state.blockReason) {
    return failed(failure('content_filter', `The prompt was blocked (${state.blockReason}).`, { httpStatus }));
  }
  // OpenRouter reports a length stop as an in-stream error right after finish_reason
  // "length"; that is a truncation, not a server fault.
  const errors = state.errors.filter((e) => !isLengthFinish(e.afterFinish));
  if (errors.length > 0) {
    const e = errors[0];
    const cls = classOfStreamError(e);
    return failed(
      failure(cls, `${HTTP_WORDS[cls]} (error inside the response${e.code ? `: ${e.code}` : ''}): ${e.message}`, {
        httpStatus,
        retryAfterMs: retryAfterMsOf(input.headers, e.raw, input.now),
        body: cap(e.raw),
      }),
    );
  }
  if (state.malformed.length > 0) {
    const m = state.malformed[0];
    return failed(failure('malformed', `${HTTP_WORDS.malformed}: ${m.message}`, { httpStatus, body: cap(m.raw) }));
  }
  // Gemini may end a stream without a marker, but an answer cut off mid-text (a
  // proxy timeout, a dropped connection closed cleanly) has no finishReason either.
  const cutOff = input.format === 'gemini' && !state.ended && finishReason === null && state.textChars > 0;
  if ((!state.ended && requiresEnd(input.format)) || cutOff) {
    return failed(failure('network', 'The stream ended before the provider finished it.', { httpStatus }));
  }
  if (state.refusal || finishReason === 'refusal') {
    const text = state.refusal.trim();
    return failed(failure('refusal', text ? `${HTTP_WORDS.refusal}: ${text}` : `${HTTP_WORDS.refusal}.`, { httpStatus }));
  }
  if (isFilterFinish(finishReason)) {
    return failed(failure('content_filter', `${HTTP_WORDS.content_filter} (finish reason ${finishReason}).`, { httpStatus }));
  }
  // Any length stop is a truncation, even with text (a JSON answer cut after one
  // token is not usable); the partial output is kept.
  if (isLengthFinish(finishReason)) {
    return failed(failure('truncated', `${HTTP_WORDS.truncated} (finish reason ${finishReason}).`, { httpStatus }));
  }
  if (state.textChars === 0 && state.toolCalls === 0) {
    const why = state.reasoningChars > 0 ? ' (only reasoning came back)' : '';
    return failed(failure('empty', `${HTTP_WORDS.empty}${why}.`, { httpStatus }));
  }
  return { status: 'ok', failure: null, finishReason };
}

/** Gemini streams may end without a marker; every other format says when it is done. */
function requiresEnd(format: WireFormat | undefined): boolean {
  return format !== undefined && format !== 'gemini';
}
