/**
 * What every wire format implements: response headers, a stream encoder, the
 * non-streaming body, error bodies and the model list. Encoders return strings;
 * the server decides when to write them, so pacing and faults live in one place.
 */
import type { MockKind } from './knobs';

export interface WireCtx {
  kind: MockKind;
  seq: number;
  /** Response id in the provider's style. */
  id: string;
  requestId: string;
  requestedModel: string;
  servedModel: string;
  /** Epoch seconds of the response. */
  created: number;
  inputTokens: number;
  /** OpenAI family: the client asked for `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Gemini: `sse` with `alt=sse`, else the JSON-array stream. Others: always `sse`. */
  framing: 'sse' | 'json-array';
}

/** How a response ends. `prompt_blocked` means nothing was generated (Gemini's promptFeedback). */
export type Finish = 'stop' | 'length' | 'content_filter' | 'refusal' | 'prompt_blocked';
/** The kind of error event sent inside a 200 stream. */
export type MidError = 'server' | 'overloaded' | 'content_filter';
/** What the stream's pieces carry: answer text, or (OpenAI) the refusal field. */
export type StreamMode = 'text' | 'refusal';

/** Epoch-ms instants an encoder may report (Ollama's *_duration fields). */
export interface Timing {
  receivedAt: number;
  firstTokenAt: number | null;
  endAt: number;
}

export interface StreamEncoder {
  /** Bytes sent before the first content token (role chunk, message_start, ...); may be ''. */
  open(): string;
  /** One content token. */
  piece(text: string): string;
  /** A frame that does not parse. */
  malformed(): string;
  /** Closing frames: finish reason, usage, terminator. */
  finish(reason: Finish, outputTokens: number, timing: Timing): string;
  /** An error frame inside the 200 stream; the server ends the response after it. */
  midError(e: MidError): string;
}

export type ErrorKind =
  | 'auth_missing'
  | 'auth_bad'
  | 'bad_request'
  | 'rate_limit'
  | 'overloaded'
  | 'server_error'
  | 'not_found'
  | 'content_filter';

export interface HttpError {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface ErrorOpts {
  model: string;
  retryAfter: number;
  message?: string;
  requestId: string;
}

export interface WireFormat {
  /** Provider headers for any response (ids, rate-limit figures, content type). */
  headers(ctx: WireCtx, stream: boolean): Record<string, string>;
  stream(ctx: WireCtx, mode: StreamMode): StreamEncoder;
  /** The whole non-streaming body. `pieces` are the tokens, already joined by the caller. */
  json(ctx: WireCtx, mode: StreamMode, text: string, finish: Finish, outputTokens: number, timing: Timing): string;
  error(kind: ErrorKind, opts: ErrorOpts): HttpError;
  models(): string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export function randomChars(n: number, alphabet = ALNUM): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

export function randomHex(n: number): string {
  return randomChars(n, HEX);
}

/** Retry-after as HTTP wants it: whole seconds when whole, else the decimal (documented in README). */
export function retryAfterHeader(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : String(Number(seconds.toFixed(3)));
}
