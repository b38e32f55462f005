/**
 * Importing a journal file: validate every line, merge by id (records whose id
 * the journal already holds are skipped, so importing the same file twice adds
 * nothing), and hand the new records to the caller in batches to commit.
 *
 * Modes:
 *  - 'all-or-nothing' (default for the app): a first pass validates the whole
 *    file; any error → an error report and no batch at all. Only then a second
 *    pass reads the file again and emits batches. Needs a re-readable source: a
 *    string, an array of chunks, or a function returning a fresh stream.
 *  - 'valid-only': one pass; valid records are committed, invalid lines and
 *    conflicting duplicates are reported and left out.
 *
 * Write-ahead journals (`tenth run` output): an attempt's `pending` line
 * followed by its final line, or a run's `running` line followed by `done`, is
 * one record; the final version is what gets committed (see jsonl.ts).
 *
 * A file that is not a journal at all (empty, an image, a CSV export, a web
 * page) gets one whole-file error, `notJournal`, in either mode, and nothing is
 * handed over (see sniffHead in jsonl.ts).
 *
 * planImport guarantees nothing is handed over when validation fails; whether a
 * failure of the caller's own store mid-import rolls back is the caller's
 * transaction to decide (onBatch errors propagate and stop the import).
 */
import {
  emptyCounts,
  scanJournal,
  type CanonicalForm,
  type JournalInput,
  type RecordCounts,
  type ScanOptions,
  type ScanReport,
} from './jsonl';
import { DATA_RECORD_TYPES, type DataRecord, type DataRecordType, type RecordMap } from './records';

/** What the journal already holds. Provide `existingIds` for batched lookups (one query per batch). */
export interface ExistingIds {
  hasId?(type: DataRecordType, id: string): Promise<boolean> | boolean;
  /** The subset of `ids` that already exist. */
  existingIds?(type: DataRecordType, ids: readonly string[]): Promise<Iterable<string>> | Iterable<string>;
}

export type ImportMode = 'all-or-nothing' | 'valid-only';

/** `canonical`: with ScanOptions.canonical, each record's canonical line (bytes as read, or text), in the records' order. */
export type BatchSink = <T extends DataRecordType>(type: T, records: RecordMap[T][], canonical?: CanonicalForm[]) => void | Promise<void>;

export interface ImportOptions extends Omit<ScanOptions, 'dedupe'> {
  mode: ImportMode;
  /**
   * All-or-nothing in one pass: batches are handed over while the file is
   * still being validated, and the caller keeps what it writes invisible until
   * the report says `committed` (and discards it otherwise). Halves the work of
   * an import (each line parsed and validated once) for a caller that can
   * stage its writes; needs no re-readable source.
   */
  onePass?: boolean;
  /** Records per `onBatch` call (default 500). */
  batchSize?: number;
  /** Commits one batch of new records of one type. Awaited before reading on. */
  onBatch?: BatchSink;
}

export type ImportSource = JournalInput | (() => JournalInput);

export interface ImportReport extends ScanReport {
  mode: ImportMode;
  /** Whether any batch was handed over (false when all-or-nothing validation failed, or the file is not a journal). */
  committed: boolean;
  /** New records handed to onBatch, by type. */
  added: RecordCounts;
  addedTotal: number;
  /** Valid records skipped because their id already exists. */
  skippedExisting: number;
  /** Lines rejected (invalid, too long, bad UTF-8, conflicting duplicates): equals errorCount. */
  invalid: number;
}

export class JournalChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalChangedError';
  }
}

function reader(source: ImportSource, mode: ImportMode, onePass = false): () => JournalInput {
  if (typeof source === 'function') return source;
  if (typeof source === 'string' || source instanceof Uint8Array || Array.isArray(source)) return () => source;
  if (mode === 'all-or-nothing' && !onePass) {
    throw new TypeError('all-or-nothing import reads the file twice: pass a string, bytes, an array of chunks, or a function that opens the file');
  }
  let used = false;
  return () => {
    if (used) throw new TypeError('this import source can be read only once');
    used = true;
    return source;
  };
}

/** Buffers records per type, drops those that already exist, and hands the rest to onBatch. */
class Batcher {
  private readonly buffers = new Map<DataRecordType, DataRecord[]>(DATA_RECORD_TYPES.map((t) => [t, []]));
  /** Each buffered record's canonical line, when the scan gives them. */
  private readonly canon = new Map<DataRecordType, CanonicalForm[]>(DATA_RECORD_TYPES.map((t) => [t, []]));
  readonly added = emptyCounts();
  skippedExisting = 0;

  constructor(
    private readonly existing: ExistingIds | null,
    private readonly size: number,
    private readonly onBatch: BatchSink | undefined,
  ) {}

  /** Returns a promise only when a batch is flushed, so the common case stays synchronous. */
  add(type: DataRecordType, record: DataRecord, canonical?: CanonicalForm): Promise<void> | undefined {
    const buf = this.buffers.get(type)!;
    buf.push(record);
    if (canonical !== undefined) this.canon.get(type)!.push(canonical);
    return buf.length >= this.size ? this.flush(type) : undefined;
  }

  async flushAll(): Promise<void> {
    for (const t of DATA_RECORD_TYPES) await this.flush(t);
  }

  private async flush(type: DataRecordType): Promise<void> {
    const buf = this.buffers.get(type)!;
    if (buf.length === 0) return;
    const canon = this.canon.get(type)!;
    this.buffers.set(type, []);
    this.canon.set(type, []);
    const exists = await this.existingOf(type, buf);
    const keep = exists.size ? buf.map((r) => !exists.has(r.id)) : null;
    const fresh = keep ? buf.filter((_, i) => keep[i]) : buf;
    const freshCanon = canon.length === buf.length ? (keep ? canon.filter((_, i) => keep[i]) : canon) : undefined;
    this.skippedExisting += buf.length - fresh.length;
    if (fresh.length === 0) return;
    this.added[type] += fresh.length;
    if (this.onBatch) await this.onBatch(type, fresh as never, freshCanon);
  }

  private async existingOf(type: DataRecordType, records: DataRecord[]): Promise<Set<string>> {
    const ex = this.existing;
    if (!ex) return new Set();
    if (ex.existingIds) return new Set(await ex.existingIds(type, records.map((r) => r.id)));
    const out = new Set<string>();
    if (ex.hasId) for (const r of records) if (await ex.hasId(type, r.id)) out.add(r.id);
    return out;
  }
}

/**
 * Validates and imports a journal file. See the module comment for the modes.
 * Returns the report; in all-or-nothing mode with errors, `committed` is false
 * and onBatch was never called.
 */
export async function planImport(source: ImportSource, existing: ExistingIds | null, opts: ImportOptions): Promise<ImportReport> {
  const open = reader(source, opts.mode, opts.onePass);
  const batcher = new Batcher(existing, Math.max(1, opts.batchSize ?? 500), opts.onBatch);
  const scanOpts: ScanOptions = { maxErrors: opts.maxErrors, maxLineLength: opts.maxLineLength, duplicates: opts.duplicates, canonical: opts.canonical };
  const sink = (type: DataRecordType, record: DataRecord, _line: number, canonical?: CanonicalForm): Promise<void> | undefined => batcher.add(type, record, canonical);

  let report: ScanReport;
  let committed: boolean;
  if (opts.mode === 'valid-only') {
    report = await scanJournal(open(), scanOpts, sink);
    await batcher.flushAll();
    // A file that is not a journal handed nothing over: there is nothing to call committed.
    committed = report.notJournal === null;
  } else if (opts.onePass) {
    report = await scanJournal(open(), scanOpts, sink);
    committed = report.ok;
    if (committed) await batcher.flushAll();
  } else {
    report = await scanJournal(open(), scanOpts);
    committed = report.ok;
    if (report.ok) {
      // The first pass proved every line valid and every repeated id identical or a
      // supersession, so this pass can dedupe by id alone.
      const second = await scanJournal(open(), { ...scanOpts, dedupe: 'id' }, sink);
      if (!second.ok || second.lines !== report.lines || !sameCounts(second.counts, report.counts)) {
        throw new JournalChangedError(
          `the file changed between validation and import (${second.errorCount} new errors, ${second.lines} lines instead of ${report.lines}); some batches may already have been committed`,
        );
      }
      await batcher.flushAll();
    }
  }
  return {
    ...report,
    mode: opts.mode,
    committed,
    added: batcher.added,
    addedTotal: DATA_RECORD_TYPES.reduce((n, t) => n + batcher.added[t], 0),
    skippedExisting: batcher.skippedExisting,
    invalid: report.errorCount,
  };
}

function sameCounts(a: RecordCounts, b: RecordCounts): boolean {
  for (const k of Object.keys(a) as (keyof RecordCounts)[]) if (a[k] !== b[k]) return false;
  return true;
}
