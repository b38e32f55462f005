/**
 * The line records of the journal interchange format (PRODUCT.md, "Journal
 * interchange format"): one JSON object per line, told apart by its `schema`
 * field, `<name>/<version>`.
 *
 * The domain schemas (../domain/schemas.ts) are the source of truth for each
 * record's fields; this module adds the header record, the lookup from a schema
 * string to its zod schema, and the version policy:
 *  - unknown name            → refused ("unknown record type")
 *  - newer version than ours → refused ("written by a newer Tenth: upgrade the app")
 *  - older version           → lifted step by step through registered upgraders
 */
import { z } from 'zod';
import {
  ATTEMPT_SCHEMA,
  Attempt,
  CASE_SCHEMA,
  Case,
  PROMPT_SCHEMA,
  PROMPT_VERSION_SCHEMA,
  PROVIDER_SCHEMA,
  Prompt,
  PromptVersion,
  Provider,
  RUN_SCHEMA,
  Run,
} from '../domain/schemas';

export const JOURNAL_SCHEMA = 'tenth.journal/1';
/** The single-document JSON backup (exportJsonBackup); importable as written, one record per line. */
export const BACKUP_SCHEMA = 'tenth.backup/1';

/** First line of an exported file: where it came from and what was selected. */
export const JournalHeader = z.object({
  schema: z.literal(JOURNAL_SCHEMA),
  /** Epoch ms. */
  exportedAt: z.number(),
  app: z.object({ name: z.string(), version: z.string() }),
  /** What the export selected (run ids, prompt ids, a date range…), as the exporter described it. */
  filter: z.record(z.string(), z.unknown()).optional(),
});
export type JournalHeader = z.infer<typeof JournalHeader>;

/**
 * A provider line. The domain `Provider` has `schema` optional (it is also the
 * stored shape); on a line it is required. zod objects strip unknown keys, so a
 * stray `key` / `apiKey` on input never survives parsing.
 */
export const ProviderRecord = Provider.extend({ schema: z.literal(PROVIDER_SCHEMA) });
export type ProviderRecord = z.infer<typeof ProviderRecord>;

/** Record types in dependency order: the order an export writes them and an import commits them. */
export const RECORD_TYPES = ['journal', 'provider', 'prompt', 'promptVersion', 'case', 'run', 'attempt'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
/** The types that carry an `id` and are written to the journal store. */
export const DATA_RECORD_TYPES = ['provider', 'prompt', 'promptVersion', 'case', 'run', 'attempt'] as const;
export type DataRecordType = (typeof DATA_RECORD_TYPES)[number];

export interface RecordMap {
  journal: JournalHeader;
  provider: ProviderRecord;
  prompt: Prompt;
  promptVersion: PromptVersion;
  case: Case;
  run: Run;
  attempt: Attempt;
}
/** Any line of a journal file, discriminated by `schema`. */
export type JournalRecord = RecordMap[RecordType];
export type DataRecord = RecordMap[DataRecordType];

export interface RecordSpec<T extends RecordType = RecordType> {
  type: T;
  /** e.g. `tenth.attempt` */
  name: string;
  /** The version this build writes and reads natively. */
  version: number;
  /** `${name}/${version}` */
  schemaId: string;
  schema: z.ZodType<RecordMap[T]>;
}

function spec<T extends RecordType>(type: T, schemaId: string, schema: z.ZodType<RecordMap[T]>): RecordSpec<T> {
  const parsed = splitSchemaId(schemaId);
  if (!parsed) throw new Error(`bad schema id ${schemaId}`);
  return { type, name: parsed.name, version: parsed.version, schemaId, schema };
}

// Built once at module load: parsing a line reuses these (rebuilding zod schemas per line is slow).
export const RECORD_SPECS: { readonly [T in RecordType]: RecordSpec<T> } = {
  journal: spec('journal', JOURNAL_SCHEMA, JournalHeader),
  provider: spec('provider', PROVIDER_SCHEMA, ProviderRecord),
  prompt: spec('prompt', PROMPT_SCHEMA, Prompt),
  promptVersion: spec('promptVersion', PROMPT_VERSION_SCHEMA, PromptVersion),
  case: spec('case', CASE_SCHEMA, Case),
  run: spec('run', RUN_SCHEMA, Run),
  attempt: spec('attempt', ATTEMPT_SCHEMA, Attempt),
};

const SPEC_BY_NAME = new Map<string, RecordSpec>(RECORD_TYPES.map((t) => [RECORD_SPECS[t].name, RECORD_SPECS[t]]));
const SPEC_BY_ID = new Map<string, RecordSpec>(RECORD_TYPES.map((t) => [RECORD_SPECS[t].schemaId, RECORD_SPECS[t]]));

export function splitSchemaId(schemaId: string): { name: string; version: number } | null {
  const slash = schemaId.lastIndexOf('/');
  if (slash <= 0 || slash === schemaId.length - 1) return null;
  const digits = schemaId.slice(slash + 1);
  // Plain decimal only: "/1", "/10"; not "/01", "/1.0", "/+1".
  if (!/^(0|[1-9][0-9]{0,8})$/.test(digits)) return null;
  return { name: schemaId.slice(0, slash), version: Number(digits) };
}

/** The spec for a current schema id (`tenth.attempt/1`), or undefined. */
export function specForSchemaId(schemaId: string): RecordSpec | undefined {
  return SPEC_BY_ID.get(schemaId);
}

export function specForName(name: string): RecordSpec | undefined {
  return SPEC_BY_NAME.get(name);
}

// ---------------------------------------------------------------------------
// Upgraders: how an older line (`tenth.attempt/0`) becomes the current shape.

/**
 * Lifts a raw record from version `from` to `from + 1`. It receives the parsed
 * JSON (not yet validated) and returns the object for the next version; the
 * `schema` field is rewritten for it afterwards.
 */
export type Upgrader = (raw: Record<string, unknown>) => Record<string, unknown>;

const upgraders = new Map<string, Map<number, Upgrader>>();

/**
 * Registers the step from `name/from` to `name/(from+1)`. Returns a function
 * that removes it (tests register synthetic steps and clean up after).
 */
export function registerUpgrader(name: string, from: number, upgrade: Upgrader): () => void {
  const target = SPEC_BY_NAME.get(name);
  if (!target) throw new Error(`registerUpgrader: unknown record name ${name}`);
  if (!Number.isInteger(from) || from < 0 || from >= target.version) {
    throw new Error(`registerUpgrader: ${name}/${from} is not older than ${target.schemaId}`);
  }
  let steps = upgraders.get(name);
  if (!steps) upgraders.set(name, (steps = new Map()));
  if (steps.has(from)) throw new Error(`registerUpgrader: ${name}/${from} already has an upgrader`);
  steps.set(from, upgrade);
  return () => {
    if (steps.get(from) === upgrade) steps.delete(from);
  };
}

export type SchemaResolution =
  | { ok: true; spec: RecordSpec; raw: Record<string, unknown> }
  | { ok: false; code: 'bad_schema' | 'unknown_type' | 'newer_version' | 'no_upgrader' | 'upgrade_failed'; message: string; expected: string };

/**
 * Finds the spec for a raw object by its `schema` field and brings it to the
 * current version. Does not validate the fields; the caller parses with `spec.schema`.
 */
export function resolveRecord(raw: Record<string, unknown>): SchemaResolution {
  const schemaId = raw.schema;
  if (typeof schemaId === 'string') {
    // Fast path: every line of a file we wrote ourselves.
    const current = SPEC_BY_ID.get(schemaId);
    if (current) return { ok: true, spec: current, raw };
  }
  const expected = 'a record type such as "tenth.attempt/1"';
  if (typeof schemaId !== 'string') {
    return {
      ok: false,
      code: 'bad_schema',
      expected,
      message: schemaId === undefined ? 'missing "schema" field' : `"schema" must be a string, got ${typeof schemaId}`,
    };
  }
  const parts = splitSchemaId(schemaId);
  if (!parts) return { ok: false, code: 'bad_schema', expected, message: `malformed schema ${JSON.stringify(schemaId)}` };
  const target = SPEC_BY_NAME.get(parts.name);
  if (!target) {
    return { ok: false, code: 'unknown_type', expected, message: `unknown record type ${JSON.stringify(schemaId)}` };
  }
  if (parts.version > target.version) {
    return {
      ok: false,
      code: 'newer_version',
      expected: target.schemaId,
      message: `${schemaId} was written by a newer Tenth (this one reads up to ${target.schemaId}): upgrade the app`,
    };
  }
  const steps = upgraders.get(parts.name);
  let current: Record<string, unknown> = raw;
  for (let v = parts.version; v < target.version; v++) {
    const step = steps?.get(v);
    if (!step) {
      return {
        ok: false,
        code: 'no_upgrader',
        expected: target.schemaId,
        message: `${parts.name}/${v} is an older format this Tenth cannot read (no upgrader to /${v + 1})`,
      };
    }
    try {
      const next = step(current);
      if (next === null || typeof next !== 'object' || Array.isArray(next)) throw new Error('upgrader returned a non-object');
      current = { ...next, schema: `${parts.name}/${v + 1}` };
    } catch (e) {
      return {
        ok: false,
        code: 'upgrade_failed',
        expected: target.schemaId,
        message: `upgrading ${parts.name}/${v} to /${v + 1} failed: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }
  return { ok: true, spec: target, raw: current };
}

/** The id that identifies a data record for merge-by-id and duplicate checks. */
export function recordId(record: JournalRecord): string | null {
  return record.schema === JOURNAL_SCHEMA ? null : (record as DataRecord).id;
}
