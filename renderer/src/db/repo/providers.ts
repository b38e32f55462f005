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

/** Checks a draft; returns the errors by field (empty when it can be saved). */
export async function validateProvider(draft: ProviderDraft, db: TenthDb = getDb()): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = 'Give the provider a name.';
  else {
    const clash = await db.providers.where('name').equals(name).first();
    if (clash && clash.id !== draft.id) errors.name = `A provider named “${name}” already exists.`;
  }
  try {
    const url = new URL(draft.baseUrl.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') errors.baseUrl = 'The base URL must start with http:// or https://.';
  } catch {
    errors.baseUrl = 'That is not a valid URL (for example https://api.openai.com/v1).';
  }
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
