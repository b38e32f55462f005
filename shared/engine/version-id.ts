/**
 * Content-hash ids for prompt versions (PRODUCT.md glossary: "an immutable
 * snapshot of a prompt, identified by a content hash"). Uses Web Crypto, which
 * Node 20 and every browser provide as `globalThis.crypto`, so the app and the
 * CLI give the same text the same id.
 */
import type { Message, Params } from '../domain/schemas';

/** JSON with object keys sorted and undefined members dropped, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The id of a prompt version: `pv_` and the first 24 hex digits (96 bits) of the
 * SHA-256 of the canonical JSON of {promptId, system, messages, params}. The
 * prompt id is part of it so two prompts with the same text keep apart versions.
 */
export async function promptVersionId(content: {
  promptId: string;
  system: string;
  messages: readonly Message[];
  params: Params;
}): Promise<string> {
  const text = canonicalJson({
    promptId: content.promptId,
    system: content.system,
    messages: content.messages.map((m) => ({ role: m.role, content: m.content })),
    params: content.params,
  });
  return `pv_${(await sha256Hex(text)).slice(0, 24)}`;
}
