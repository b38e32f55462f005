/**
 * The Dexie database. Opened with strict durability: an attempt written as
 * `pending` before its request leaves must survive a crash (STYLE.md; Cherry
 * Studio does the same).
 */
import Dexie, { type EntityTable } from 'dexie';
import type { Attempt, Case, Prompt, PromptVersion, Provider, Run } from '../../../shared/domain/schemas';
import type { AttemptPage, AttemptPageColumns } from '../../../shared/journal/pages';
import { SCHEMA_VERSIONS, type SchemaVersion } from './schema';

export interface MetaRow {
  key: string;
  value: unknown;
}

export type TenthDb = Dexie & {
  providers: EntityTable<Provider, 'id'>;
  prompts: EntityTable<Prompt, 'id'>;
  promptVersions: EntityTable<PromptVersion, 'id'>;
  cases: EntityTable<Case, 'id'>;
  runs: EntityTable<Run, 'id'>;
  attempts: EntityTable<Attempt, 'id'>;
  /** Attempts in pages (db/journal/cold.ts): the lines as bytes, and the columns filters read. */
  attemptPages: EntityTable<AttemptPage, 'id'>;
  attemptColumns: EntityTable<AttemptPageColumns, 'id'>;
  meta: EntityTable<MetaRow, 'key'>;
};

export const DB_NAME = 'tenth';

/** Opens the database with the given schema history (all of it by default). */
export function createDb(name = DB_NAME, versions: SchemaVersion[] = SCHEMA_VERSIONS): TenthDb {
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as TenthDb;
  for (const v of versions) {
    const stage = db.version(v.version).stores(v.stores);
    if (v.upgrade) stage.upgrade(v.upgrade);
  }
  return db;
}

let shared: TenthDb | null = null;
export function getDb(): TenthDb {
  return (shared ??= createDb());
}
