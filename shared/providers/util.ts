import type { WireError, WireEvent } from './types';

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

export function malformed(message: string, raw: string): WireEvent {
  return { type: 'malformed', message, raw: raw.slice(0, 4000) };
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Reads the error shapes providers use: `{error:{code,type,status,message}}` (OpenAI,
 * Google, OpenRouter), `{type:'error', error:{type,message}}` (Anthropic),
 * `{error:"text"}` (Ollama). Returns null when the object carries no error.
 */
export function wireErrorOf(value: unknown, raw: string): WireError | null {
  const obj = asRecord(value);
  if (!obj) return null;
  const err = obj.error;
  if (typeof err === 'string') return { code: null, status: null, message: err, raw };
  const e = asRecord(err);
  if (!e) return null;
  const numeric = typeof e.code === 'number' ? e.code : null;
  const code =
    (typeof e.code === 'string' && e.code) ||
    (typeof e.status === 'string' && e.status) ||
    (typeof e.type === 'string' && e.type) ||
    (numeric !== null ? String(numeric) : null);
  const message = typeof e.message === 'string' ? e.message : JSON.stringify(e).slice(0, 500);
  return { code: code || null, status: numeric, message, raw };
}

/** Pulls a human message out of an error body, or its first characters. */
export function errorMessageOf(body: string): string {
  const parsed = parseJson(body);
  if (parsed.ok) {
    const err = wireErrorOf(parsed.value, body);
    if (err) return err.message;
    const obj = asRecord(parsed.value);
    if (obj && typeof obj.message === 'string') return obj.message;
  }
  return body.trim().slice(0, 300);
}

export { asRecord };
