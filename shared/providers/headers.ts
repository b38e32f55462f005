/**
 * The response headers an attempt keeps (PRODUCT.md: "responseMeta (status, chosen
 * headers)"): request ids, rate-limit state, retry hints, processing time and what
 * was served. An allow-list, so auth and cookies can never slip in.
 */
const EXACT = new Set([
  'x-request-id',
  'request-id',
  'x-goog-request-id',
  'cf-ray',
  'retry-after',
  'retry-after-ms',
  'openai-processing-ms',
  'openai-version',
  'openai-model',
  'x-generation-id',
  'content-type',
  'server',
]);
const PREFIXES = ['x-ratelimit-', 'anthropic-ratelimit-', 'x-openrouter-', 'openrouter-'];
const NEVER = /authorization|api-key|cookie|token$|secret/i;

export type HeaderSource = Headers | Record<string, string> | Iterable<[string, string]>;

export function headerEntries(headers: HeaderSource | null | undefined): [string, string][] {
  if (!headers) return [];
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    const out: [string, string][] = [];
    (headers as Headers).forEach((value, key) => out.push([key, value]));
    return out;
  }
  if (Symbol.iterator in (headers as object)) return [...(headers as Iterable<[string, string]>)];
  return Object.entries(headers as Record<string, string>);
}

/** Lower-cased copy of every header. */
export function lowerHeaders(headers: HeaderSource | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headerEntries(headers)) out[k.toLowerCase()] = v;
  return out;
}

export function pickResponseHeaders(headers: HeaderSource | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headerEntries(headers)) {
    const key = name.toLowerCase();
    // x-ratelimit-*-tokens is a count, not a credential; the NEVER test must not drop it.
    const allowed = EXACT.has(key) || PREFIXES.some((p) => key.startsWith(p));
    if (!allowed) continue;
    if (NEVER.test(key) && !key.includes('ratelimit')) continue;
    out[key] = value;
  }
  return out;
}
