/**
 * The HTTP client model calls go out through: undici's `request` (the
 * Dispatcher API of the library Node's own fetch is built on) over one
 * keep-alive agent.
 *
 * Why not fetch: measured against the mock at concurrency 8 (tests/bench), a
 * fetch call costs about 2.5 times the CPU of `request` (WHATWG Request,
 * Response, Headers and three web streams per call), which showed as latency
 * on the attempts' clocks (p50 3.1 vs 1.1 ms over the server's own duration)
 * and as RSS that grew with the number of attempts (117 → 152 vs 97 → 108 MB
 * over 3,000 calls). `request` hands back the status, headers as a plain
 * object and the body as a Node stream, which is all the journal needs.
 */
import { Agent, request } from 'undici';
import type { Readable } from 'node:stream';

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased names; a repeated header's values joined with ", " as fetch's Headers does. */
  headers: Record<string, string>;
  /** The body, chunk by chunk (leaving the loop early drops the rest). */
  body: AsyncIterable<Uint8Array>;
  /** Reads the body as text, at most `maxBytes` of it (the rest is discarded). */
  text(maxBytes?: number): Promise<string>;
}

export type HttpTransport = (url: string, req: HttpRequest) => Promise<HttpResponse>;

let shared: Agent | null = null;

/** One agent for the process: connections to a provider are kept alive between attempts. */
function agent(): Agent {
  shared ??= new Agent({
    keepAliveTimeout: 10_000,
    // The run's own first-token and total timeouts decide; a reasoning model may
    // think for longer than undici's 300 s defaults.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return shared;
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in raw) {
    const v = raw[k];
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** A redirect of a model call: not followed (it would turn a POST into a GET without its body), a network failure. */
export class RedirectError extends Error {
  readonly code = 'REDIRECT';
  constructor(status: number, location: string | null) {
    super(`the server answered with a redirect (${status}${location ? ` to ${location}` : ''}); model APIs do not redirect, so it was not followed`);
    this.name = 'RedirectError';
  }
}

/**
 * Destroys a body that is no longer wanted. Destroying an unfinished undici
 * body emits an abort error; nobody is listening for it by then.
 */
function drop(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function readText(body: Readable, maxBytes: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (bytes >= maxBytes) {
      drop(body);
      break;
    }
  }
  return text + decoder.decode();
}

export const undiciTransport: HttpTransport = async (url, req) => {
  const res = await request(url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    signal: req.signal,
    dispatcher: agent(),
  });
  const body = res.body as unknown as Readable;
  const headers = flatHeaders(res.headers);
  if (res.statusCode >= 300 && res.statusCode < 400) {
    drop(body);
    throw new RedirectError(res.statusCode, headers.location ?? null);
  }
  return {
    status: res.statusCode,
    headers,
    body: body as AsyncIterable<Uint8Array>,
    text: (maxBytes = Number.POSITIVE_INFINITY) => readText(body, maxBytes),
  };
};
