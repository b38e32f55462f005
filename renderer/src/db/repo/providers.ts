/**
 * Writes to the providers table. Providers hold no keys: a key goes to the main
 * process's secret store through the bridge and never touches IndexedDB.
 */
import { ulid } from 'ulid';
import { Provider, type Model, type ProviderKind } from '../../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db';
import { isSensitiveName } from '../../../../shared/journal/writer';

export interface ProviderDraft {
  id?: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  headers: Record<string, string>;
  concurrency: number;
  rpm: number | null;
  models: Model[];
}

export type FieldErrors = Partial<Record<'name' | 'baseUrl' | 'headers' | 'concurrency' | 'rpm' | 'models', string>>;

/**
 * How two provider names are compared: trimmed and ignoring case. The Dexie
 * `&name` index is exact, so "tenth mock" would sit beside "Tenth mock"; two
 * names that read the same in a picker are one name.
 */
export function providerNameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/** Another provider (not `exceptId`) whose name is the same as `name` by providerNameKey. */
export async function findNameClash(name: string, exceptId: string | undefined, db: TenthDb = getDb()): Promise<Provider | undefined> {
  const key = providerNameKey(name);
  // A full scan: a journal holds a handful of providers, and the index can't fold case.
  return (await db.providers.toArray()).find((p) => p.id !== exceptId && providerNameKey(p.name) === key);
}

// A DNS label as resolvers take it: letters, digits, hyphens, and the underscore
// Docker and Compose service names use; no hyphen at either end. (The URL parser
// has already lowercased the host and turned an international name into xn--.)
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Why `hostname` (as URL gives it) can't be a host to connect to, or null when it can. */
export function hostProblem(hostname: string): string | null {
  if (hostname.startsWith('[')) return null; // IPv6, checked by the parser
  // An IPv4 address fits the label rule; a trailing dot is a fully qualified name.
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (!name) return 'The base URL has no host name (for example https://api.openai.com/v1).';
  if (name.length > 253 || !name.split('.').every((label) => HOST_LABEL.test(label))) {
    return `“${decodeURIComponentSafe(hostname)}” can’t be a host name: use letters, digits, dots and hyphens (for example api.openai.com or 127.0.0.1).`;
  }
  return null;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Why `text` is not a usable base URL, or null when it is. Surrounding spaces are ignored (saving trims them). */
export function baseUrlProblem(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return 'Give the base URL (for example https://api.openai.com/v1).';
  // Chromium's URL parser takes "https://exa mple.com" and escapes the space as
  // %20; a space anywhere in a URL someone typed is a typo, not something to escape.
  // (Without a scheme it is not a URL at all, which is the clearer thing to say.)
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && /\s/.test(trimmed)) {
    return 'The base URL contains a space; remove it (for example https://api.openai.com/v1).';
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return 'That is not a valid URL (for example https://api.openai.com/v1).';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The base URL must start with http:// or https://.';
  return hostProblem(url.hostname);
}

/** Checks a draft; returns the errors by field (empty when it can be saved). */
export async function validateProvider(draft: ProviderDraft, db: TenthDb = getDb()): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = 'Give the provider a name.';
  else {
    const clash = await findNameClash(name, draft.id, db);
    if (clash) {
      errors.name =
        clash.name.trim() === name
          ? `A provider named “${name}” already exists.`
          : `A provider named “${clash.name.trim()}” already exists; names that differ only in case are the same name.`;
    }
  }
  const urlProblem = baseUrlProblem(draft.baseUrl);
  if (urlProblem) errors.baseUrl = urlProblem;
  if (!Number.isInteger(draft.concurrency) || draft.concurrency < 1 || draft.concurrency > 256) {
    errors.concurrency = 'Concurrency is a whole number from 1 to 256.';
  }
  if (draft.rpm !== null && (!Number.isInteger(draft.rpm) || draft.rpm < 1)) errors.rpm = 'Requests per minute is a whole number above 0, or empty for no limit.';
  const ids = draft.models.map((m) => m.id.trim());
  if (ids.some((id) => !id)) errors.models = 'Every model needs an id.';
  else if (new Set(ids).size !== ids.length) errors.models = 'A model id appears twice.';
  return errors;
}

/** Parses "Name: value" lines into headers; throws with the line number on a bad one. */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`Line ${i + 1}: expected “Header-Name: value”.`);
    // Any credential-like header (the same rule the CLI and the exporter use):
    // headers are stored with the provider, in the journal database.
    if (isSensitiveName(name)) {
      throw new Error(`Line ${i + 1}: put the key in the API key field, not in a header, so it stays out of the journal.`);
    }
    headers[name] = line.slice(colon + 1).trim();
  });
  return headers;
}

export function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

export async function saveProvider(draft: ProviderDraft, db: TenthDb = getDb()): Promise<Provider> {
  const existing = draft.id ? await db.providers.get(draft.id) : undefined;
  const provider = Provider.parse({
    id: draft.id ?? ulid(),
    name: draft.name.trim(),
    kind: draft.kind,
    baseUrl: draft.baseUrl.trim().replace(/\/+$/, ''),
    headers: draft.headers,
    concurrency: draft.concurrency,
    rpm: draft.rpm,
    models: draft.models.map((m) => ({ ...m, id: m.id.trim() })),
    createdAt: existing?.createdAt ?? Date.now(),
  });
  await db.providers.put(provider);
  return provider;
}

export async function deleteProvider(id: string, db: TenthDb = getDb()): Promise<void> {
  await db.providers.delete(id);
}

export async function addModels(providerId: string, ids: string[], db: TenthDb = getDb()): Promise<void> {
  await db.transaction('rw', db.providers, async () => {
    const p = await db.providers.get(providerId);
    if (!p) return;
    const have = new Set(p.models.map((m) => m.id));
    const added = ids.filter((id) => !have.has(id)).map((id): Model => ({ id, price: null, contextWindow: null }));
    await db.providers.put({ ...p, models: [...p.models, ...added] });
  });
}
