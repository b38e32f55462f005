/**
 * Exporters: the JSONL journal (lossless, re-importable), CSV (attempts only,
 * for spreadsheets) and a single JSON document (`tenth.backup/1`). All three
 * stream text chunks from async sources, so a 100,000-attempt journal never
 * becomes one giant string, and none can carry a key: records are written by
 * the schema allowlist writer (a Provider's stray `key` field is not in the
 * schema), and `secrets` lets a caller assert that known key values never
 * appear in any chunk.
 */
import type { Attempt, Case, Prompt, PromptVersion, Provider, Run } from '../domain/schemas';
import { attemptsToCsvRows, csvHeader } from './csv';
import { checkAndSerialize, serializeAs } from './jsonl';
import { sliceText, type PageSlice } from './pages';
import { BACKUP_SCHEMA, DATA_RECORD_TYPES, JOURNAL_SCHEMA, type DataRecordType, type JournalHeader } from './records';

type Source<T> = AsyncIterable<T> | Iterable<T>;

/** What to export. Every list is optional; each is read once, in dependency order. */
export interface JournalSource {
  /** As stored (no `schema` field needed). Keys are never part of a provider. */
  providers?: Source<Provider>;
  prompts?: Source<Prompt>;
  versions?: Source<PromptVersion>;
  cases?: Source<Case>;
  runs?: Source<Run>;
  /**
   * Attempts, or their canonical lines (as text, or as slices of the bytes the
   * journal's pages keep: written as they are); an item may be a page of them
   * (an array), which is written without an await per attempt.
   */
  attempts?: Source<AttemptItem | readonly AttemptItem[]>;
}

/**
 * An attempt as its canonical line: `serializeRecord`'s bytes, which the
 * journal's pages keep (shared/journal/pages.ts). An export writes it as is.
 */
export interface CanonicalLine {
  id: string;
  line: string;
}

/**
 * An attempt as a slice of a journal page's bytes: its canonical line's UTF-8
 * with its "\n" (shared/journal/pages.ts). A JSONL export hands consecutive
 * slices of one page on as one run of bytes.
 */
export type CanonicalBytes = PageSlice;

export type AttemptItem = Attempt | CanonicalLine | CanonicalBytes;

/** A source's items one by one, a page (array) taken apart. Records are never arrays. */
function* itemsOf<T>(item: T | readonly T[]): Generator<T> {
  if (Array.isArray(item)) yield* item as readonly T[];
  else yield item as T;
}

export function isCanonicalLine(v: unknown): v is CanonicalLine {
  return v !== null && typeof v === 'object' && typeof (v as CanonicalLine).line === 'string' && !('schema' in v);
}

export function isCanonicalBytes(v: unknown): v is CanonicalBytes {
  // ArrayBuffer.isView, not instanceof: bytes read back from IndexedDB may come from another realm (a test DOM).
  return v !== null && typeof v === 'object' && ArrayBuffer.isView((v as CanonicalBytes).bytes) && !('schema' in v);
}

/** A canonical line's record, parsed (for CSV, or when asked to check it). */
function parsedItem(v: unknown): unknown {
  if (isCanonicalLine(v)) return JSON.parse(v.line) as unknown;
  if (isCanonicalBytes(v)) return JSON.parse(sliceText(v)) as unknown;
  return v;
}

const SOURCE_KEY: Record<DataRecordType, keyof JournalSource> = {
  provider: 'providers',
  prompt: 'prompts',
  promptVersion: 'versions',
  case: 'cases',
  run: 'runs',
  attempt: 'attempts',
};

export interface InvalidRecord {
  type: DataRecordType;
  id: string | null;
  field: string | null;
  message: string;
}

export class ExportError extends Error {
  constructor(
    message: string,
    readonly invalid?: InvalidRecord,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

export interface ExportOptions {
  app: { name: string; version: string };
  /** Epoch ms for the header; pass it to make two exports byte-comparable. Default: now. */
  exportedAt?: number;
  /** Describes the selection, copied into the header. */
  filter?: Record<string, unknown>;
  /** Key values that must never appear in the output; a hit throws `SecretLeakError`. */
  secrets?: readonly string[];
  /**
   * Check each record against its schema before writing it (default true), so
   * the export is importable. An invalid record throws `ExportError`, or with
   * `invalid: 'skip'` is left out and reported to `onInvalid`.
   */
  validate?: boolean;
  invalid?: 'throw' | 'skip';
  onInvalid?: (info: InvalidRecord) => void;
  /** Coalesce lines into chunks of about this many characters (default 64 KiB; 0 = one line per chunk). */
  chunkSize?: number;
}

export class SecretLeakError extends Error {
  constructor(readonly secretIndex: number) {
    // Never put the secret itself in the message: messages end up in logs.
    super(`export blocked: secret #${secretIndex} would have been written`);
    this.name = 'SecretLeakError';
  }
}

/**
 * Throws `SecretLeakError` when any non-empty secret occurs in `text`, raw or
 * in its JSON-escaped or CSV-quoted form.
 */
export function assertNoSecrets(text: string, secrets: readonly string[]): void {
  for (let i = 0; i < secrets.length; i++) {
    const s = secrets[i];
    if (!s) continue;
    if (text.includes(s)) throw new SecretLeakError(i);
    const json = JSON.stringify(s).slice(1, -1);
    if (json !== s && text.includes(json)) throw new SecretLeakError(i);
    const csv = s.replaceAll('"', '""');
    if (csv !== s && text.includes(csv)) throw new SecretLeakError(i);
  }
}

/** The record's line, or null when it is invalid and the options say to skip it. */
function recordLine(type: DataRecordType, value: unknown, opts: ExportOptions): string | null {
  if (isCanonicalLine(value) || isCanonicalBytes(value)) {
    // Written by serializeRecord on the way in; checked again only when asked.
    if (opts.validate === false) return isCanonicalLine(value) ? value.line : sliceText(value);
    value = parsedItem(value);
  }
  if (opts.validate === false) return serializeAs(type, value as never);
  const checked = checkAndSerialize(type, value);
  if (checked.ok) return checked.line;
  const rawId = (value as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : null;
  const info: InvalidRecord = { type, id, field: checked.field, message: `${type} ${JSON.stringify(id)}: ${checked.field ?? 'record'}: ${checked.message}` };
  if ((opts.invalid ?? 'throw') === 'throw') throw new ExportError(`cannot export an invalid record: ${info.message}`, info);
  opts.onInvalid?.(info);
  return null;
}

/**
 * A chunk of an export as parts: text, and runs of journal-page bytes (UTF-8)
 * — what `new Blob(parts)` takes without joining or encoding anything.
 */
export type ChunkParts = (string | Uint8Array)[];

const decoder = new TextDecoder();

/** A chunk's text (runs of page bytes are whole lines, so each decodes alone). */
export function partsText(parts: ChunkParts): string {
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : decoder.decode(p);
  return out;
}

/**
 * Collects lines into chunks of about `size` characters (bytes, for page
 * slices) and checks each chunk for secrets. Consecutive text is joined into
 * one part; slices of one page that follow each other end to start become one
 * run of its bytes.
 */
class Chunker {
  private parts: ChunkParts = [];
  private text: string[] = [];
  private runBytes: Uint8Array | null = null;
  private runStart = 0;
  private runEnd = 0;
  private len = 0;
  constructor(
    private readonly size: number,
    private readonly secrets: readonly string[],
  ) {}

  /** Adds text; returns a full chunk to yield, or null. */
  push(text: string): ChunkParts | null {
    if (this.runBytes) this.closeRun();
    this.text.push(text);
    this.len += text.length;
    return this.len >= this.size ? this.flush() : null;
  }

  /** Adds a page slice (a line with its "\n"); returns a full chunk to yield, or null. */
  pushSlice(s: PageSlice): ChunkParts | null {
    if (this.runBytes === s.bytes && this.runEnd === s.start) this.runEnd = s.end;
    else {
      if (this.runBytes) this.closeRun();
      else if (this.text.length) this.closeText();
      this.runBytes = s.bytes;
      this.runStart = s.start;
      this.runEnd = s.end;
    }
    this.len += s.end - s.start;
    return this.len >= this.size ? this.flush() : null;
  }

  private closeText(): void {
    this.parts.push(this.text.length === 1 ? this.text[0]! : this.text.join(''));
    this.text = [];
  }

  private closeRun(): void {
    this.parts.push(this.runBytes!.subarray(this.runStart, this.runEnd));
    this.runBytes = null;
  }

  flush(): ChunkParts | null {
    if (this.text.length) this.closeText();
    if (this.runBytes) this.closeRun();
    if (this.parts.length === 0) return null;
    const out = this.parts;
    this.parts = [];
    this.len = 0;
    if (this.secrets.length) assertNoSecrets(partsText(out), this.secrets);
    return out;
  }
}

/** Text chunks of a parts export. */
async function* asText(chunks: AsyncIterable<ChunkParts>): AsyncGenerator<string> {
  for await (const c of chunks) yield partsText(c);
}

export function journalHeader(opts: ExportOptions): JournalHeader {
  return {
    schema: JOURNAL_SCHEMA,
    exportedAt: opts.exportedAt ?? Date.now(),
    app: { name: opts.app.name, version: opts.app.version },
    ...(opts.filter ? { filter: opts.filter } : {}),
  };
}

/**
 * The journal as JSONL text: the `tenth.journal/1` header, then providers,
 * prompts, prompt versions, cases, runs and attempts, one record per line.
 * Yields chunks of one or more whole lines, each ending in `\n`.
 */
export function exportJsonl(source: JournalSource, opts: ExportOptions): AsyncGenerator<string> {
  return asText(exportJsonlParts(source, opts));
}

/**
 * `exportJsonl` as chunk parts: attempts given as page slices stay bytes
 * (unless asked to check them), so the chunk goes to a Blob or a file as
 * stored.
 */
export async function* exportJsonlParts(source: JournalSource, opts: ExportOptions): AsyncGenerator<ChunkParts> {
  const chunker = new Chunker(opts.chunkSize ?? 65536, opts.secrets ?? []);
  const first = chunker.push(serializeAs('journal', journalHeader(opts)) + '\n');
  if (first !== null) yield first;
  const asStored = opts.validate === false;
  for (const type of DATA_RECORD_TYPES) {
    const list = source[SOURCE_KEY[type]] as Source<unknown> | undefined;
    if (!list) continue;
    for await (const item of list) {
      for (const record of itemsOf(item)) {
        let out: ChunkParts | null;
        if (asStored && isCanonicalBytes(record)) out = chunker.pushSlice(record);
        else {
          const line = recordLine(type, record, opts);
          if (line === null) continue;
          out = chunker.push(line + '\n');
        }
        if (out !== null) yield out;
      }
    }
  }
  const last = chunker.flush();
  if (last !== null) yield last;
}

export interface CsvExportOptions {
  secrets?: readonly string[];
  /** Start with a UTF-8 byte order mark, which Excel needs to read UTF-8 (pandas and DuckDB don't). */
  bom?: boolean;
  /** Rows per `unparse` call (default 256). */
  batchSize?: number;
}

function isSource<T>(x: unknown): x is Source<T> {
  return x !== null && typeof x === 'object' && (Symbol.asyncIterator in x || Symbol.iterator in x);
}

/**
 * Attempts as CSV: the header row, then one row per attempt, CRLF line ends.
 * Takes the attempts, or a whole `JournalSource` (only its attempts are used).
 */
export async function* exportCsv(input: Source<AttemptItem | readonly AttemptItem[]> | JournalSource, opts: CsvExportOptions = {}): AsyncGenerator<string> {
  const attempts: Source<AttemptItem | readonly AttemptItem[]> = isSource<AttemptItem>(input) ? input : ((input as JournalSource).attempts ?? []);
  const secrets = opts.secrets ?? [];
  const batchSize = Math.max(1, opts.batchSize ?? 256);
  const emit = (text: string): string => {
    if (secrets.length) assertNoSecrets(text, secrets);
    return text;
  };
  yield emit((opts.bom ? '\uFEFF' : '') + csvHeader() + '\r\n');
  let batch: Attempt[] = [];
  for await (const item of attempts) for (const a of itemsOf(item)) {
    batch.push(parsedItem(a) as Attempt);
    if (batch.length >= batchSize) {
      yield emit(attemptsToCsvRows(batch));
      batch = [];
    }
  }
  if (batch.length) yield emit(attemptsToCsvRows(batch));
}

const BACKUP_KEY: Record<DataRecordType, string> = {
  provider: 'providers',
  prompt: 'prompts',
  promptVersion: 'versions',
  case: 'cases',
  run: 'runs',
  attempt: 'attempts',
};

/**
 * The journal as one JSON document, for tools that want a single object:
 * `{"schema":"tenth.backup/1","exportedAt","app","filter"?,"providers":[…],
 * "prompts":[…],"versions":[…],"cases":[…],"runs":[…],"attempts":[…]}`.
 * Each element is the same record (with its `schema`) as its JSONL line, and
 * sits on its own line, so the document streams out in chunks and the importer
 * can read it back line by line like a JSONL journal.
 */
export function exportJsonBackup(source: JournalSource, opts: ExportOptions): AsyncGenerator<string> {
  return asText(exportJsonBackupParts(source, opts));
}

/** `exportJsonBackup` as chunk parts (every record as text: the document puts a comma between them). */
export async function* exportJsonBackupParts(source: JournalSource, opts: ExportOptions): AsyncGenerator<ChunkParts> {
  const chunker = new Chunker(opts.chunkSize ?? 65536, opts.secrets ?? []);
  const header = serializeAs('journal', journalHeader(opts));
  // The header's fields, with the backup schema instead of the journal one.
  const head = `{"schema":${JSON.stringify(BACKUP_SCHEMA)}${header.slice(`{"schema":${JSON.stringify(JOURNAL_SCHEMA)}`.length, -1)}`;
  let out = chunker.push(head);
  if (out !== null) yield out;
  for (const type of DATA_RECORD_TYPES) {
    out = chunker.push(`,\n${JSON.stringify(BACKUP_KEY[type])}:[`);
    if (out !== null) yield out;
    const list = source[SOURCE_KEY[type]] as Source<unknown> | undefined;
    let n = 0;
    if (list) {
      for await (const item of list) {
        for (const record of itemsOf(item)) {
          const line = recordLine(type, record, opts);
          if (line === null) continue;
          out = chunker.push((n++ ? ',\n' : '\n') + line);
          if (out !== null) yield out;
        }
      }
    }
    out = chunker.push(n ? '\n]' : ']');
    if (out !== null) yield out;
  }
  out = chunker.push('}\n');
  if (out !== null) yield out;
  const last = chunker.flush();
  if (last !== null) yield last;
}

/** Drains a text stream into one string (tests and small exports). */
export async function collectText(chunks: AsyncIterable<string>): Promise<string> {
  const parts: string[] = [];
  for await (const c of chunks) parts.push(c);
  return parts.join('');
}
