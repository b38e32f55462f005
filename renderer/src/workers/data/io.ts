/**
 * Export from and import into the Dexie journal, in the interchange format of
 * shared/journal. Runs in the data worker (IndexedDB exists in workers) and, for
 * the tests, directly against fake-indexeddb.
 *
 * Attempts are read and written through the journal module (db/journal); the
 * other records through their Dexie tables.
 *
 * Export streams: attempts are read a page at a time and the exporters yield
 * text chunks, so memory stays flat whatever the journal's size. A selection
 * first walks its attempts once to learn which runs, prompts, versions, cases
 * and providers they use (small sets), so the file holds exactly what its
 * attempts need and stays a whole, importable journal.
 *
 * Import validates the whole file before writing anything (all-or-nothing),
 * then writes batches of new records, each batch in its own transaction: the
 * file is read as a stream, and an IndexedDB transaction cannot stay open
 * across the awaits of a stream. A failure mid-way (quota, a closed tab) leaves
 * the batches already written; importing the file again completes it, because
 * records merge by id.
 */
import Dexie, { type Table } from 'dexie';
import { findNameClash } from '../../db/repo/providers';
import { serializeParsed, type CanonicalForm } from '../../../../shared/journal/jsonl';
import { promptNameKey } from '../../db/repo/prompts';
import { ulid } from 'ulid';
import type { Attempt, Case, Prompt, PromptVersion, Provider, Run } from '../../../../shared/domain/schemas';
import { exportCsv, exportJsonBackupParts, exportJsonlParts, partsText, type ChunkParts, type JournalSource } from '../../../../shared/journal/export';
import { filterForHeader, isEmptyFilter, type JournalFilter } from '../../../../shared/journal/filter';
import { planImport, type ImportMode, type ImportReport, type ImportSource } from '../../../../shared/journal/import';
import type { DataRecordType, RecordMap } from '../../../../shared/journal/records';
import { DB_NAME, type TenthDb } from '../../db/db';
import { SCHEMA_VERSIONS } from '../../db/schema';
import {
  addAttempts,
  beginStaging,
  commitStaging,
  discardAbandonedImports,
  discardStaging,
  existingAttemptIds,
  hasPages,
  scanAttempts,
  scanAttemptsOrSlices,
  selectAttempts,
  stagingLock,
  type PageSlice,
  type Selection,
} from '../../db/journal';
import { readAll } from '../../../../shared/providers/decoder';

export type ExportFormat = 'jsonl' | 'csv' | 'json';

/**
 * The journal database as the data worker opens it: the app's schema, with
 * relaxed durability. The app's own connection is strict, because a pending
 * attempt must survive a crash; an import's batches need not (an interrupted
 * import is completed by importing the file again, records merge by id), and a
 * flush to disk per batch costs most of the import's time in Chromium.
 */
export function openDataDb(name = DB_NAME): TenthDb {
  const db = new Dexie(name, { chromeTransactionDurability: 'relaxed' }) as TenthDb;
  for (const v of SCHEMA_VERSIONS) {
    const stage = db.version(v.version).stores(v.stores);
    if (v.upgrade) stage.upgrade(v.upgrade);
  }
  return db;
}

/**
 * Characters per export chunk, i.e. per bridge call: large enough that the
 * per-call cost (a fetch, a JSON envelope, a write) is amortised, well under
 * the bridge's MAX_CHUNK_CHARS and the browser host's body limit.
 */
export const DEFAULT_CHUNK_CHARS = 4 * 1024 * 1024;
/** Attempts per journal read when exporting (one getAll over a primary-key range). */
export const EXPORT_PAGE_SIZE = 5000;

/**
 * Records per import transaction: large batches amortise each commit, and
 * two of them (one committing, one being read) stay a few MB.
 */
export const IMPORT_BATCH_SIZE = 5000;

/**
 * Staged page writes an import lets commit while it reads on: IndexedDB
 * commits them in order in the browser process, so the worker keeps
 * validating instead of waiting on each (about 5 MB a batch in memory).
 */
export const STAGED_WRITES_IN_FLIGHT = 2;

export const FORMAT_EXTENSION: Record<ExportFormat, string> = { jsonl: 'jsonl', csv: 'csv', json: 'json' };

export interface ExportProgress {
  /** Attempts written so far. */
  attempts: number;
  /** Candidate attempts (an upper bound for a selection until it is done). */
  total: number;
  phase: 'scanning' | 'writing';
}

export interface DexieExportOptions {
  format: ExportFormat;
  filter?: JournalFilter | null;
  app: { name: string; version: string };
  exportedAt?: number;
  pageSize?: number;
  /** Characters per yielded chunk (default 4 Mi: each chunk is one bridge call). */
  chunkSize?: number;
  /**
   * Check each record against its zod schema before writing it (default false).
   * Records read from our own Dexie were checked on the way in (import, the
   * engine's typed writes); the allowlist writer still writes only declared
   * fields and masks credentials, so keys stay out either way. Checking costs
   * most of the export's CPU in a browser (zod cannot compile its parsers
   * under the app's CSP, which forbids eval).
   */
  validate?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /** Known key values that must never be written (the exporter stops if one would be). */
  secrets?: readonly string[];
  /** UTF-8 BOM at the start of a CSV, for Excel. */
  bom?: boolean;
}

function sortedIds(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

async function byIds<T>(table: { bulkGet(keys: string[]): PromiseLike<(T | undefined)[]> }, ids: Iterable<string>): Promise<T[]> {
  return (await table.bulkGet(sortedIds(ids))).filter((r): r is T => r !== undefined);
}

/** The records a selection needs besides its attempts: what they reference. */
async function referencedBy(db: TenthDb, filter: JournalFilter, sel: Selection, opts: DexieExportOptions) {
  const runs = new Set<string>();
  const prompts = new Set<string>();
  const versions = new Set<string>();
  const cases = new Set<string>();
  const providers = new Set<string>();
  // Paged attempts by their columns; the others read a page at a time.
  for (const a of sel.paged) {
    runs.add(a.runId);
    prompts.add(a.promptId);
    versions.add(a.promptVersion);
    cases.add(a.caseId);
    providers.add(a.providerId);
  }
  let seen = sel.paged.length;
  for await (const page of scanAttempts(filter, { selection: { ...sel, paged: [] }, pageSize: opts.pageSize, signal: opts.signal }, db)) {
    for (const a of page) {
      runs.add(a.runId);
      prompts.add(a.promptId);
      versions.add(a.promptVersion);
      cases.add(a.caseId);
      providers.add(a.providerId);
    }
    seen += page.length;
    opts.onProgress?.({ attempts: 0, total: sel.total, phase: 'scanning' });
  }
  return { runs, prompts, versions, cases, providers, attempts: seen };
}

/** The journal (or a selection of it) as a JournalSource whose attempts are read page by page. */
export async function dexieSource(
  db: TenthDb,
  opts: DexieExportOptions,
): Promise<{ source: JournalSource; selection: Selection; countAttempt: () => number }> {
  const filter = opts.filter ?? null;
  const selection = await selectAttempts(filter, db);
  let written = 0;
  // Pages go to the exporter whole (no await per attempt); progress is counted per page.
  const counted = async function* <T>(pages: AsyncIterable<T[]>): AsyncGenerator<T[]> {
    for await (const page of pages) {
      written += page.length;
      opts.onProgress?.({ attempts: written, total: selection.total, phase: 'writing' });
      yield page;
    }
  };
  const scan = { selection, pageSize: opts.pageSize ?? EXPORT_PAGE_SIZE, signal: opts.signal };
  // CSV flattens attempts; the JSON formats take a paged attempt's bytes as they are.
  if (opts.format === 'csv') return { source: { attempts: counted(scanAttempts(filter, scan, db)) }, selection, countAttempt: () => written };
  const attempts = counted<Attempt | PageSlice>(scanAttemptsOrSlices(filter, scan, db));
  if (!filter || isEmptyFilter(filter)) {
    return {
      source: {
        providers: (await db.providers.orderBy(':id').toArray()) as Provider[],
        prompts: (await db.prompts.orderBy(':id').toArray()) as Prompt[],
        versions: (await db.promptVersions.orderBy(':id').toArray()) as PromptVersion[],
        cases: (await db.cases.orderBy(':id').toArray()) as Case[],
        runs: (await db.runs.orderBy(':id').toArray()) as Run[],
        attempts,
      },
      selection,
      countAttempt: () => written,
    };
  }
  const refs = await referencedBy(db, filter, selection, opts);
  // Now the exact count: the progress bar's total.
  selection.total = refs.attempts;
  return {
    source: {
      providers: await byIds(db.providers, refs.providers),
      prompts: await byIds(db.prompts, refs.prompts),
      versions: await byIds(db.promptVersions, refs.versions),
      cases: await byIds(db.cases, refs.cases),
      runs: await byIds(db.runs, refs.runs),
      attempts,
    },
    selection,
    countAttempt: () => written,
  };
}

const chunkEncoder = new TextEncoder();

/**
 * A chunk's parts as one run of UTF-8 bytes: page bytes copied, text encoded.
 * Written into `spare` when it is large enough, so an export can cycle a few
 * buffers between the worker and the page (transferred, never copied by the
 * message) instead of leaving a new allocation per chunk to the collector.
 */
export function packChunk(parts: ChunkParts, spare?: ArrayBuffer): Uint8Array {
  let max = 0;
  // A UTF-16 code unit is at most 3 UTF-8 bytes.
  for (const p of parts) max += typeof p === 'string' ? p.length * 3 : p.length;
  const buf = spare && spare.byteLength >= max ? new Uint8Array(spare) : new Uint8Array(Math.max(max, 1));
  let pos = 0;
  for (const p of parts) {
    if (typeof p === 'string') pos += chunkEncoder.encodeInto(p, buf.subarray(pos)).written;
    else {
      buf.set(p, pos);
      pos += p.length;
    }
  }
  return buf.subarray(0, pos);
}

/** Text chunks of the export in the chosen format. */
export async function* exportFromDexie(db: TenthDb, opts: DexieExportOptions): AsyncGenerator<string> {
  for await (const parts of exportPartsFromDexie(db, opts)) yield partsText(parts);
}

/**
 * Chunks of the export in the chosen format, as parts (text, and runs of the
 * journal pages' bytes) for `packChunk`: a JSONL export of paged attempts is
 * their stored bytes, never decoded or encoded on the way.
 */
export async function* exportPartsFromDexie(db: TenthDb, opts: DexieExportOptions): AsyncGenerator<ChunkParts> {
  const { source, selection, countAttempt } = await dexieSource(db, opts);
  const size = opts.chunkSize ?? DEFAULT_CHUNK_CHARS;
  const common = { app: opts.app, exportedAt: opts.exportedAt, filter: filterForHeader(opts.filter), secrets: opts.secrets, chunkSize: size, validate: opts.validate ?? false };
  if (opts.format === 'csv') {
    // CSV batches are small; coalesce them to the chunk size like the JSON formats.
    let buf: string[] = [];
    let len = 0;
    for await (const c of exportCsv(source.attempts!, { secrets: opts.secrets, bom: opts.bom, batchSize: 512 })) {
      buf.push(c);
      len += c.length;
      if (len >= size) {
        yield [buf.join('')];
        buf = [];
        len = 0;
      }
    }
    if (buf.length) yield [buf.join('')];
  } else yield* opts.format === 'json' ? exportJsonBackupParts(source, common) : exportJsonlParts(source, common);
  opts.onProgress?.({ attempts: countAttempt(), total: Math.max(selection.total, countAttempt()), phase: 'writing' });
}

// ---------------------------------------------------------------------------
// Import

/** The Dexie table of a record type other than attempts (those go through the journal). */
function tableOf(db: TenthDb, type: Exclude<DataRecordType, 'attempt'>): Table<{ id: string }, string> {
  const t = {
    provider: db.providers,
    prompt: db.prompts,
    promptVersion: db.promptVersions,
    case: db.cases,
    run: db.runs,
  }[type];
  return t as unknown as Table<{ id: string }, string>;
}

export interface DexieImportOptions {
  mode: ImportMode;
  batchSize?: number;
  maxErrors?: number;
  signal?: AbortSignal;
  /** After each committed batch: records written so far. */
  onWritten?: (records: number) => void;
}

/**
 * Providers have a unique name. An imported provider whose name another
 * provider (another id) already has is renamed, so the import does not fail on
 * a second machine that named its providers the same way.
 */
async function uniqueProviderNames(db: TenthDb, records: Provider[]): Promise<Provider[]> {
  const out: Provider[] = [];
  for (const p of records) {
    let name = p.name;
    for (let n = 1; ; n++) {
      // Trimmed and ignoring case, as the Providers page compares names.
      const clash = await findNameClash(name, p.id, db);
      if (!clash) break;
      name = `${p.name} (imported${n > 1 ? ` ${n}` : ''})`;
    }
    out.push(name === p.name ? p : { ...p, name });
  }
  return out;
}

/**
 * Prompt names differ (trimmed, ignoring case: the Prompts page's rule). An
 * imported prompt whose name another prompt here (or earlier in the same
 * file) has is renamed "… (imported)", "… (imported 2)".
 */
async function uniquePromptNames(db: TenthDb, records: Prompt[]): Promise<Prompt[]> {
  const owner = new Map((await db.prompts.toArray()).map((p) => [promptNameKey(p.name), p.id]));
  return records.map((p) => {
    let name = p.name;
    for (let n = 1; ; n++) {
      const by = owner.get(promptNameKey(name));
      if (by === undefined || by === p.id) break;
      name = `${p.name} (imported${n > 1 ? ` ${n}` : ''})`;
    }
    owner.set(promptNameKey(name), p.id);
    return name === p.name ? p : { ...p, name };
  });
}

/** What an imported batch of one type becomes: providers and prompts renamed where their names clash. */
async function renamed(db: TenthDb, type: DataRecordType, rows: readonly unknown[]): Promise<{ id: string }[]> {
  if (type === 'provider') return uniqueProviderNames(db, rows as Provider[]);
  if (type === 'prompt') return uniquePromptNames(db, rows as Prompt[]);
  return rows as { id: string }[];
}

/**
 * Validates and imports a journal file into Dexie, merging by id. `source` is
 * a string, bytes, or a function opening a fresh stream (`() => file.stream()`).
 *
 * All-or-nothing reads the file once: attempts are written as they are
 * validated, in pages staged under this import's id (invisible to every read,
 * db/journal/cold.ts), and the other records are held; when the whole file is
 * valid, one transaction writes those and makes the pages count. An invalid
 * file, a cancel or a failure discards the staged pages. The import holds a
 * Web Lock while it stages, so pages left by a worker that died are known
 * abandoned and discarded by the next import.
 */
export async function importIntoDexie(db: TenthDb, source: ImportSource, opts: DexieImportOptions): Promise<ImportReport> {
  if (opts.mode !== 'all-or-nothing' || !hasPages(db)) return importDirect(db, source, opts);
  await discardAbandonedImports(db).catch(() => []);
  const importId = ulid();
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? locks.request(stagingLock(importId), () => importStaged(db, source, opts, importId)) : importStaged(db, source, opts, importId);
}

async function importStaged(db: TenthDb, source: ImportSource, opts: DexieImportOptions, importId: string): Promise<ImportReport> {
  let written = 0;
  // Page writes under way, oldest first: up to STAGED_WRITES_IN_FLIGHT commit while the next batch is read.
  const writes: Promise<void>[] = [];
  const held: { type: Exclude<DataRecordType, 'attempt'>; rows: { id: string }[] }[] = [];
  await beginStaging(db, importId);
  try {
    const report = await planImport(
      source,
      {
        // What the journal held before this import: its own staged pages are invisible to this
        // (db/journal/cold.ts), and repeats within the file are the scan's to judge, so no write is awaited.
        existingIds: async (type, ids) => {
          if (type === 'attempt') return existingAttemptIds(ids, db);
          return (await tableOf(db, type).where(':id').anyOf([...ids]).primaryKeys()) as string[];
        },
      },
      {
        mode: 'all-or-nothing',
        onePass: true,
        // Each record comes with its canonical line: the file's own bytes when they already are (a file Tenth wrote).
        canonical: true,
        batchSize: opts.batchSize ?? IMPORT_BATCH_SIZE,
        maxErrors: opts.maxErrors ?? 50,
        onBatch: async <T extends DataRecordType>(type: T, records: RecordMap[T][], canonical?: CanonicalForm[]) => {
          opts.signal?.throwIfAborted();
          if (type !== 'attempt') {
            held.push({ type: type as Exclude<DataRecordType, 'attempt'>, rows: records as { id: string }[] });
            return;
          }
          // Batches of pages commit while the next is read and validated.
          while (writes.length >= STAGED_WRITES_IN_FLIGHT) await writes.shift();
          const lines = canonical ?? (records as Attempt[]).map((r) => serializeParsed('attempt', r as unknown as Record<string, unknown>));
          const write = addAttempts(records as Attempt[], db, { staged: importId, lines }).then((n) => {
            written += n;
            opts.onWritten?.(written);
          });
          writes.push(write);
          write.catch(() => undefined);
        },
      },
    );
    for (const w of writes.splice(0)) await w;
    if (!report.committed) {
      await discardStaging(db, importId);
      return report;
    }
    opts.signal?.throwIfAborted();
    const tables = [...new Set(held.map((h) => tableOf(db, h.type)))];
    await commitStaging(db, importId, tables, async () => {
      for (const h of held) {
        const rows = await renamed(db, h.type, h.rows);
        await addSkippingExisting(tableOf(db, h.type), rows);
        written += rows.length;
      }
    });
    opts.onWritten?.(written);
    return report;
  } catch (e) {
    for (const w of writes.splice(0)) await w.catch(() => undefined);
    await discardStaging(db, importId).catch(() => undefined);
    throw e;
  }
}

/** bulkAdd that leaves out ids written meanwhile by another tab (a merge never overwrites). */
async function addSkippingExisting(table: Table<{ id: string }, string>, rows: readonly { id: string }[]): Promise<void> {
  try {
    await table.bulkAdd([...rows]);
  } catch (e) {
    if (!(e instanceof Dexie.BulkError) || e.failures.some((f) => f.name !== 'ConstraintError')) throw e;
  }
}

/** Import without staging: valid-only mode, or a database without pages. */
async function importDirect(db: TenthDb, source: ImportSource, opts: DexieImportOptions): Promise<ImportReport> {
  let written = 0;
  // One batch commits while the next is read and validated: IndexedDB does its
  // writing in the browser process, so the worker would otherwise sit idle for
  // most of each commit. At most one write is in flight (memory: two batches).
  let inFlight: Promise<void> | null = null;
  const report = await planImport(
    source,
    {
      existingIds: async (type, ids) => {
        // The batch before may still be committing: its ids must count as existing.
        if (inFlight) await inFlight;
        if (type === 'attempt') return existingAttemptIds(ids, db);
        return (await tableOf(db, type).where(':id').anyOf([...ids]).primaryKeys()) as string[];
      },
    },
    {
      mode: opts.mode,
      batchSize: opts.batchSize ?? IMPORT_BATCH_SIZE,
      maxErrors: opts.maxErrors ?? 50,
      onBatch: async <T extends DataRecordType>(type: T, records: RecordMap[T][]) => {
        opts.signal?.throwIfAborted();
        if (inFlight) await inFlight;
        const rows = await renamed(db, type, records);
        // Adds, never puts: merging never overwrites a record the journal already has.
        const add = async (): Promise<void> => {
          if (type === 'attempt') {
            await addAttempts(rows as Attempt[], db);
            return;
          }
          const table = tableOf(db, type as Exclude<DataRecordType, 'attempt'>);
          await db.transaction('rw', table, () => table.bulkAdd(rows as { id: string }[]));
        };
        const write = add().then(() => {
          written += rows.length;
          opts.onWritten?.(written);
        });
        inFlight = write;
        // Seen as handled until the next batch or the end awaits it (which rethrows).
        write.catch(() => undefined);
      },
    },
  );
  if (inFlight) await inFlight;
  return report;
}

/**
 * A re-openable file source that counts bytes read (for the progress bar) and
 * stops at `signal`. `open` returns the file's byte stream, e.g. `() => file.stream()`.
 */
export function watchedSource(
  open: () => ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  opts: { signal?: AbortSignal; onBytes?: (bytesThisPass: number, pass: number) => void } = {},
): () => AsyncIterable<Uint8Array> {
  let pass = 0;
  return () => {
    const thisPass = ++pass;
    return (async function* () {
      let bytes = 0;
      const stream = open();
      const iterable: AsyncIterable<Uint8Array> =
        Symbol.asyncIterator in stream ? (stream as AsyncIterable<Uint8Array>) : readAll(stream as ReadableStream<Uint8Array>);
      for await (const chunk of iterable) {
        opts.signal?.throwIfAborted();
        bytes += chunk.length;
        opts.onBytes?.(bytes, thisPass);
        yield chunk;
      }
    })();
  };
}

