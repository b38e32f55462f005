/**
 * JSONL reading and writing for the journal interchange format: one record per
 * line, streamed, with errors that name the line, the field and what was expected.
 *
 * Duplicate ids within one file: a line that repeats an earlier line of the
 * same type and id exactly is accepted and ignored (concatenated exports stay
 * importable; importing is idempotent anyway). A later line whose record
 * supersedes a provisional one — an attempt's final line after its `pending`
 * line, a run's `done` after `running`, as `tenth run` writes its write-ahead
 * journal — replaces it: the final version is what a scan hands over. Any other
 * reuse of an id is an error: the file contradicts itself and we cannot tell
 * which one is right. "Exactly" means the same text apart from a trailing CR:
 * files are compared as written (comparing re-serialised records would double
 * the cost of reading, for the rare file whose duplicates were re-formatted).
 * Holding the ids costs roughly 100 bytes per record of memory.
 */
import type { z } from 'zod';
import {
  BACKUP_SCHEMA,
  DATA_RECORD_TYPES,
  JOURNAL_SCHEMA,
  RECORD_SPECS,
  RECORD_TYPES,
  type DataRecordType,
  type JournalHeader,
  type JournalRecord,
  type RecordMap,
  type RecordSpec,
  type RecordType,
  resolveRecord,
  specForSchemaId,
} from './records';
import { compileWriter, redactDeep } from './writer';
import { fastAttempt } from './fastAttempt';

// ---------------------------------------------------------------------------
// Errors

export type JournalErrorCode =
  | 'json' // not parseable JSON, or not an object
  | 'bad_schema' // `schema` missing or malformed
  | 'unknown_type' // `schema` names a record type we don't know
  | 'newer_version' // written by a newer Tenth
  | 'no_upgrader' // an older version we can't lift
  | 'upgrade_failed'
  | 'invalid' // a field failed validation
  | 'too_long' // the line exceeds the maximum length
  | 'utf8' // the line is not valid UTF-8
  | 'duplicate' // an id reused with different content
  | 'header' // a journal header that is not the first record
  | 'not_journal'; // the file as a whole is not a journal: empty, binary, CSV, HTML… (see ScanReport.notJournal)

export interface JournalError {
  /**
   * 1-based line number in the file. A `not_journal` error gives the line that
   * shows it (the first non-blank one), or 0 when no line does (an empty file, a binary format).
   */
  line: number;
  code: JournalErrorCode;
  /** Dotted path of the offending field (`failure.class`, `grades[0].score`), or null for the whole line. */
  field: string | null;
  /** What the field should have been, in words. */
  expected: string | null;
  /** A sentence a person can act on, starting with the line number (a `not_journal` error has none). */
  message: string;
}

function lineError(line: number, code: JournalErrorCode, field: string | null, expected: string | null, detail: string): JournalError {
  return { line, code, field, expected, message: `line ${line}: ${detail}` };
}

// ---------------------------------------------------------------------------
// Writing

const REDACT_PATHS: Partial<Record<RecordType, ReadonlySet<string>>> = {
  // The app stores a redacted request body and chosen headers; mask again in case a
  // caller slipped (a file is where a leaked key would travel furthest).
  attempt: new Set(['request', 'responseMeta.headers']),
  // "Extra headers" may hold a proxy's credential.
  provider: new Set(['headers']),
};

const WRITERS = Object.fromEntries(
  RECORD_TYPES.map((t) => [t, compileRecordWriter(RECORD_SPECS[t])]),
) as Record<RecordType, (record: unknown) => string>;

function compileRecordWriter(spec: RecordSpec): (record: unknown) => string {
  // `schema` is written first and always as the current id, whatever the object holds.
  const rest = (spec.schema as unknown as z.ZodObject).omit({ schema: true });
  const body = compileWriter(rest, REDACT_PATHS[spec.type]);
  const head = `{"schema":${JSON.stringify(spec.schemaId)}`;
  return (record) => {
    const text = body(record);
    return text.length > 2 ? `${head},${text.slice(1)}` : `${head}}`;
  };
}

/**
 * One record as one JSONL line (no trailing newline): `schema` first, then the
 * fields in schema order; only declared fields, defaults filled, credentials masked.
 * Export → import → export of the same data is byte-identical.
 */
export function serializeRecord(record: JournalRecord): string {
  const spec = typeof record.schema === 'string' ? specForSchemaId(record.schema) : undefined;
  if (!spec) throw new Error(`serializeRecord: unknown schema ${JSON.stringify(record.schema)}`);
  return WRITERS[spec.type](record);
}

/**
 * Serialises `value` as a record of `type` whatever its own `schema` field says (or
 * lacks: stored providers have none). Unknown fields are dropped.
 */
export function serializeAs<T extends RecordType>(type: T, value: Omit<RecordMap[T], 'schema'> | RecordMap[T]): string {
  return WRITERS[type](value);
}

export type CheckedLine = { ok: true; line: string } | { ok: false; field: string | null; message: string };

/**
 * Validates `value` as a record of `type` (its own `schema` field is ignored) and
 * serialises what parsing gives. zod's output already lists keys in schema
 * order with defaults filled and undeclared keys gone, so after masking
 * credentials the native JSON.stringify yields exactly `serializeAs`'s bytes,
 * about twice as fast as the generic writer once validation has been paid for.
 */
export function checkAndSerialize(type: RecordType, value: unknown): CheckedLine {
  const spec = RECORD_SPECS[type];
  const v = value as { schema?: unknown };
  const candidate = v !== null && typeof v === 'object' && v.schema !== spec.schemaId ? { ...v, schema: spec.schemaId } : v;
  const result = (spec.schema as z.ZodType).safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, field: formatPath(issue.path) || null, message: issue.message };
  }
  return { ok: true, line: JSON.stringify(maskParsed(type, result.data as Record<string, unknown>)) };
}

/**
 * The canonical line of a record that came out of its schema's parse (an
 * import's records do): zod's output already has the keys in schema order,
 * defaults filled and undeclared keys gone, so masking credentials and the
 * native JSON.stringify give serializeRecord's bytes at about twice its speed.
 */
export function serializeParsed(type: RecordType, record: Record<string, unknown>): string {
  return JSON.stringify(maskParsed(type, record));
}

/** The same masking as REDACT_PATHS, on a parsed record; copies only what changes. */
function maskParsed(type: RecordType, data: Record<string, unknown>): Record<string, unknown> {
  if (type === 'attempt') {
    const req = data.request;
    const maskedReq = redactDeep(req);
    const meta = data.responseMeta as { headers: Record<string, string> } | null;
    const maskedHeaders = meta ? redactDeep(meta.headers) : null;
    if (maskedReq === req && (!meta || maskedHeaders === meta.headers)) return data;
    // Assigning existing keys keeps their position, so the key order survives.
    return { ...data, request: maskedReq, responseMeta: meta ? { ...meta, headers: maskedHeaders } : meta };
  }
  if (type === 'provider') {
    const masked = redactDeep(data.headers);
    return masked === data.headers ? data : { ...data, headers: masked };
  }
  return data;
}

// ---------------------------------------------------------------------------
// Parsing one line

export type ParseResult =
  | { ok: true; type: RecordType; record: JournalRecord }
  | { ok: false; error: JournalError };

/** Parses and validates one line (already split; no newline). Never throws. */
export function parseLine(text: string, lineNo: number): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, error: lineError(lineNo, 'json', null, 'one JSON object', `not valid JSON (${why})`) };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const got = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw;
    return { ok: false, error: lineError(lineNo, 'json', null, 'one JSON object', `expected a JSON object, got ${got}`) };
  }
  const resolved = resolveRecord(raw as Record<string, unknown>);
  if (!resolved.ok) {
    return { ok: false, error: lineError(lineNo, resolved.code, 'schema', resolved.expected, resolved.message) };
  }
  // Attempts, most of any journal, by the hand-written check first (zod for anything it is unsure of, and for the error).
  if (resolved.spec.type === 'attempt') {
    const fast = fastAttempt(resolved.raw);
    if (fast) return { ok: true, type: 'attempt', record: fast };
  }
  const result = resolved.spec.schema.safeParse(resolved.raw);
  if (result.success) return { ok: true, type: resolved.spec.type, record: result.data as JournalRecord };
  return { ok: false, error: issueToError(result.error.issues[0], resolved.raw, resolved.spec, lineNo) };
}

type Issue = z.core.$ZodIssue;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    return v.length > 40 ? `a string of ${v.length} characters starting ${s}` : s;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return 'an object';
}

const TYPE_WORDS: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  nonoptional: 'a value (null allowed)',
  null: 'null',
};

function expectedFor(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'too_small': {
      const op = issue.inclusive === false ? '>' : '≥';
      if (issue.origin === 'string') return `a string of length ${op} ${issue.minimum}`;
      if (issue.origin === 'array') return `an array of length ${op} ${issue.minimum}`;
      return `a number ${op} ${issue.minimum}`;
    }
    case 'too_big': {
      const op = issue.inclusive === false ? '<' : '≤';
      if (issue.origin === 'string') return `a string of length ${op} ${issue.maximum}`;
      if (issue.origin === 'array') return `an array of length ${op} ${issue.maximum}`;
      return `a number ${op} ${issue.maximum}`;
    }
    case 'invalid_format':
      return `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `no other keys than the documented ones`;
    case 'invalid_union':
      return 'one of the allowed shapes';
    case 'invalid_key':
      return 'a valid key';
    default:
      return issue.message;
  }
}

function issueToError(issue: Issue, raw: unknown, spec: RecordSpec, lineNo: number): JournalError {
  const path = issue.path;
  const expected = expectedFor(issue);
  if (issue.code === 'unrecognized_keys') {
    const at = formatPath(path);
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return lineError(lineNo, 'invalid', at || null, expected, `${spec.schemaId}: unknown key ${keys}${at ? ` in ${at}` : ''}`);
  }
  const field = formatPath(path);
  const got = valueAt(raw, path);
  const detail =
    got === undefined && issue.code === 'invalid_type'
      ? `missing required field ${field} (${expected})`
      : `${field}: expected ${expected}, got ${describeValue(got)}`;
  return lineError(lineNo, 'invalid', field || null, expected, `${spec.schemaId} ${detail}`);
}

// ---------------------------------------------------------------------------
// Splitting a stream into lines

export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

export type JournalChunk = string | Uint8Array;
/** A whole file as one string or byte array, or a stream of chunks (strings or bytes). */
export type JournalInput = JournalChunk | AsyncIterable<JournalChunk> | Iterable<JournalChunk>;

export type LineItem =
  /** `raw`: the line's bytes as read (no "\r", no BOM), when asked for and the input was bytes. */
  | { line: number; text: string; raw?: Uint8Array; error?: undefined }
  | { line: number; text?: undefined; raw?: undefined; error: JournalError };

export interface ReadLinesOptions {
  /**
   * Longest accepted line: bytes for byte input, UTF-16 code units for string
   * input. A longer line becomes a `too_long` error and its content is dropped
   * as it streams in, so memory stays bounded by this figure.
   */
  maxLineLength?: number;
  /**
   * Also give each line read from bytes its bytes (`raw`, a copy), so a
   * consumer that writes the line out unchanged needs not encode it again.
   */
  raw?: boolean;
}

async function* chunksOf(input: JournalInput): AsyncGenerator<JournalChunk> {
  // Both are iterable (of characters, of numbers): they are one chunk, not a stream.
  if (typeof input === 'string' || input instanceof Uint8Array) {
    yield input;
    return;
  }
  // for await accepts sync iterables too.
  for await (const chunk of input as AsyncIterable<JournalChunk>) yield chunk;
}

/**
 * Splits chunks into lines across chunk boundaries. `\n` and `\r\n` end a line;
 * a last line without a newline counts; a UTF-8 BOM at the start is dropped.
 * Bytes are split on the newline byte before decoding (it never occurs inside a
 * multi-byte UTF-8 sequence), then each line is decoded with a fatal decoder, so
 * bad UTF-8 is reported for its own line and reading goes on.
 */
export async function* readLines(input: JournalInput, opts: ReadLinesOptions = {}): AsyncGenerator<LineItem> {
  for await (const batch of readLineBatches(input, opts)) yield* batch;
}

/**
 * `readLines`, one array of lines per input chunk: a consumer that loops over
 * arrays pays one await per chunk instead of one per line.
 */
export async function* readLineBatches(input: JournalInput, opts: ReadLinesOptions = {}): AsyncGenerator<LineItem[]> {
  const max = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const encoder = new TextEncoder();
  let lineNo = 0;
  // Pending, incomplete line: strings until the first byte chunk, bytes from then on.
  let byteMode = false;
  let strParts: string[] = [];
  let byteParts: Uint8Array[] = [];
  let pendingLen = 0;
  let oversize = false;

  const tooLong = (): LineItem => ({
    line: lineNo,
    error: lineError(lineNo, 'too_long', null, `a line of at most ${max} ${byteMode ? 'bytes' : 'characters'}`, `line longer than ${max} ${byteMode ? 'bytes' : 'characters'}; skipped`),
  });

  const wantRaw = opts.raw === true;
  const finishText = (text: string): LineItem => {
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { line: lineNo, text };
  };
  /** The line's bytes without a "\r" at the end or a BOM at the start of the file: a view of `bytes`, which must be a copy. */
  const rawOf = (bytes: Uint8Array, start: number, end: number): Uint8Array => {
    if (end > start && bytes[end - 1] === 13) end--;
    if (lineNo === 1 && end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
    return bytes.subarray(start, end);
  };

  const finishBytes = (bytes: Uint8Array): LineItem => {
    try {
      const item = finishText(decoder.decode(bytes));
      if (wantRaw && item.text !== undefined) item.raw = rawOf(bytes.slice(), 0, bytes.length);
      return item;
    } catch {
      const at = firstInvalidUtf8(bytes);
      return {
        line: lineNo,
        error: lineError(lineNo, 'utf8', null, 'UTF-8 text', `not valid UTF-8 (bad byte 0x${bytes[at]?.toString(16).padStart(2, '0') ?? '??'} at byte ${at + 1} of the line)`),
      };
    }
  };

  const takePending = (): LineItem => {
    if (oversize) {
      oversize = false;
      return tooLong();
    }
    if (byteMode) {
      let bytes: Uint8Array;
      if (byteParts.length === 1) bytes = byteParts[0];
      else {
        bytes = new Uint8Array(pendingLen);
        let o = 0;
        for (const p of byteParts) {
          bytes.set(p, o);
          o += p.length;
        }
      }
      byteParts = [];
      pendingLen = 0;
      return finishBytes(bytes);
    }
    const text = strParts.length === 1 ? strParts[0] : strParts.join('');
    strParts = [];
    pendingLen = 0;
    return finishText(text);
  };

  const addPending = (piece: string | Uint8Array): void => {
    if (oversize || piece.length === 0) return;
    if (pendingLen + piece.length > max) {
      oversize = true;
      strParts = [];
      byteParts = [];
      pendingLen = 0;
      return;
    }
    pendingLen += piece.length;
    if (typeof piece === 'string') strParts.push(piece);
    // A subarray may view a buffer the producer reuses: keep a copy.
    else byteParts.push(piece.slice());
  };

  for await (const chunk of chunksOf(input)) {
    let bytes: Uint8Array | null = null;
    if (typeof chunk !== 'string') {
      if (!byteMode) {
        byteMode = true;
        if (strParts.length) byteParts = [encoder.encode(strParts.join(''))];
        strParts = [];
      }
      bytes = chunk;
    } else if (byteMode) {
      bytes = encoder.encode(chunk);
    }

    const out: LineItem[] = [];
    if (bytes) {
      let pos = 0;
      // Lines before this offset take the per-line path (the segment holding them failed to decode).
      let slowUntil = -1;
      while (pos < bytes.length) {
        if (pendingLen === 0 && !oversize && pos > slowUntil) {
          // Fast path: decode every whole line left in the chunk with one call. When
          // the segment fits the limit, no line in it can exceed it.
          const last = bytes.lastIndexOf(10);
          if (last >= pos && last - pos <= max) {
            let text: string | null = null;
            try {
              text = decoder.decode(bytes.subarray(pos, last));
            } catch {
              slowUntil = last;
            }
            if (text !== null) {
              let s = 0;
              // The same lines in the bytes (a newline byte is never inside a UTF-8
              // sequence): one copy of the segment, each line a view of it.
              const seg = wantRaw ? bytes.slice(pos, last) : null;
              // Only one-byte characters: a line's bytes are where its characters are.
              const ascii = seg !== null && seg.length === text.length;
              let b = 0;
              for (;;) {
                const nl = text.indexOf('\n', s);
                lineNo++;
                const item = finishText(nl === -1 ? text.slice(s) : text.slice(s, nl));
                if (seg) {
                  const nb = nl === -1 ? seg.length : ascii ? nl : seg.indexOf(10, b);
                  item.raw = rawOf(seg, b, nb);
                  b = nb + 1;
                }
                out.push(item);
                if (nl === -1) break;
                s = nl + 1;
              }
              pos = last + 1;
              continue;
            }
          }
        }
        const nl = bytes.indexOf(10, pos);
        if (nl === -1) {
          addPending(bytes.subarray(pos));
          break;
        }
        lineNo++;
        if (pendingLen === 0 && !oversize) {
          out.push(nl - pos > max ? tooLong() : finishBytes(bytes.subarray(pos, nl)));
        } else {
          addPending(bytes.subarray(pos, nl));
          out.push(takePending());
        }
        pos = nl + 1;
      }
    } else {
      const text = chunk as string;
      let pos = 0;
      while (pos < text.length) {
        const nl = text.indexOf('\n', pos);
        if (nl === -1) {
          addPending(text.slice(pos));
          break;
        }
        lineNo++;
        if (pendingLen === 0 && !oversize) {
          out.push(nl - pos > max ? tooLong() : finishText(text.slice(pos, nl)));
        } else {
          addPending(text.slice(pos, nl));
          out.push(takePending());
        }
        pos = nl + 1;
      }
    }
    if (out.length) yield out;
  }
  if (pendingLen > 0 || oversize) {
    lineNo++;
    yield [takePending()];
  }
}

/** Offset of the first byte that breaks UTF-8 (only called once the decoder has refused the line). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

const BACKUP_HEAD = `{"schema":${JSON.stringify(BACKUP_SCHEMA)}`;
// The structural lines exportJsonBackup writes between records: `"runs":[`, `"runs":[]`,
// `"attempts":[]}`, `]`, `]}`.
const BACKUP_STRUCTURE = /^(?:"[A-Za-z]+":\[(?:\]\}?)?|\]\}?|\})$/;

function stripComma(text: string): string {
  const t = text.trimEnd();
  return t.endsWith(',') ? t.slice(0, -1) : t;
}

/** A backup line's record text, null for a structural line, undefined for anything else. */
function backupRecordText(text: string): string | null | undefined {
  const t = stripComma(text);
  if (t.charCodeAt(0) === 123 /* { */) return t;
  return BACKUP_STRUCTURE.test(t.trim()) ? null : undefined;
}

function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  // Only a line starting with whitespace can be blank; don't trim a 2 KB record to find out.
  return (c === 32 || c === 9 || c === 13 || c === 0xfeff) && text.trim().length === 0;
}

// ---------------------------------------------------------------------------
// Duplicate ids

/**
 * 53-bit string hash (cyrb53, fed two UTF-16 units per step to halve the work on
 * kilobyte lines). Two different lines collide with probability ~1e-16.
 */
export function hashString(str: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const n = str.length - 1;
  let i = 0;
  for (; i < n; i += 2) {
    const ch = str.charCodeAt(i) | (str.charCodeAt(i + 1) << 16);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  if (i === n) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  // The length goes in last, through the multiply, so "b" and "a\0" don't meet.
  h1 = Math.imul(h1 ^ str.length, 2654435761);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Whether a record is a write-ahead entry that a later line for the same id is
 * expected to replace: an attempt written `pending` before its request left, a
 * run still `running` or `paused`. `tenth run` (and the app's journal) write
 * these first and the final state after, so one file holds both.
 */
export function isProvisional(type: DataRecordType, record: RecordMap[DataRecordType]): boolean {
  if (type === 'attempt') return (record as RecordMap['attempt']).status === 'pending';
  if (type === 'run') {
    const s = (record as RecordMap['run']).status;
    return s === 'running' || s === 'paused';
  }
  return false;
}

/**
 * How a later line that reuses an id with other content is taken:
 *  - 'supersede' (default): it replaces the earlier record when that one was
 *    provisional (see isProvisional); any other reuse is a `duplicate` error.
 *  - 'last-wins': it always replaces the earlier record (what `tenth stats`
 *    documents). Every record is then held until the end of the file, so memory
 *    grows with the file.
 */
export type DuplicatePolicy = 'supersede' | 'last-wins';

export type DuplicateVerdict =
  | { kind: 'new' }
  | { kind: 'same'; firstLine: number }
  | { kind: 'supersede'; previousLine: number }
  /** `line`: the latest version's line, which is what the new line contradicts. */
  | { kind: 'conflict'; firstLine: number; line: number };

interface SeenEntry {
  /** Hash of the latest line for this id. */
  h: number;
  line: number;
  firstLine: number;
  /** Hashes of lines it superseded: a repeat of any of them is ignored (concatenated files). */
  older: number[] | null;
  provisional: boolean;
}

/** Remembers each (type, id) seen in one file with a hash of its line(s). */
export class DuplicateTracker {
  private readonly seen = new Map<DataRecordType, Map<string, SeenEntry>>(DATA_RECORD_TYPES.map((t) => [t, new Map()]));

  constructor(private readonly policy: DuplicatePolicy = 'supersede') {}

  /** `provisional`: whether this line's record may itself be superseded later (isProvisional). */
  see(type: DataRecordType, id: string, text: string, line: number, provisional = false): DuplicateVerdict {
    const byId = this.seen.get(type)!;
    const h = hashString(text);
    const prev = byId.get(id);
    if (!prev) {
      byId.set(id, { h, line, firstLine: line, older: null, provisional });
      return { kind: 'new' };
    }
    if (prev.h === h || (prev.older !== null && prev.older.includes(h))) return { kind: 'same', firstLine: prev.firstLine };
    if (prev.provisional || this.policy === 'last-wins') {
      const previousLine = prev.line;
      (prev.older ??= []).push(prev.h);
      prev.h = h;
      prev.line = line;
      prev.provisional = provisional;
      return { kind: 'supersede', previousLine };
    }
    return { kind: 'conflict', firstLine: prev.firstLine, line: prev.line };
  }
}

// ---------------------------------------------------------------------------
// Files that are not journals

export type NotJournalKind =
  | 'empty'
  | 'binary' // an image, an archive, a database: bytes that are not text
  | 'encoding' // text, but not UTF-8 (UTF-16, Latin-1)
  | 'csv'
  | 'html' // a web page (a Tenth report) or XML
  | 'json' // JSON laid out other than one record per line
  | 'text'; // other text, no line of it a record

export interface NotJournal {
  kind: NotJournalKind;
  /** One sentence for the whole file, saying what it seems to be and what Tenth imports. */
  message: string;
  /** The line that shows it (the first non-blank one), or 0 when none does. */
  line: number;
}

const WHAT_WE_READ = 'Tenth imports its JSONL or JSON export.';

/** How much of the file sniffHead looks at. */
const SNIFF_BYTES = 4096;

// Formats by their first bytes (a string stands for its ASCII bytes). Only
// binary formats: a text file without a journal line is found by its first line.
const SIGNATURES: readonly { bytes: readonly number[]; at?: number; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: ascii('GIF8'), what: 'a GIF image' },
  { bytes: ascii('WEBP'), at: 8, what: 'a WebP image' },
  { bytes: ascii('ftyp'), at: 4, what: 'a video or HEIC image' },
  { bytes: ascii('%PDF-'), what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive, or an Excel or Word file' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Excel or Word file' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a Zstandard archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: ascii('SQLite format 3\0'), what: 'an SQLite database' },
];

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

// Tenth's own CSV export starts with these columns (shared/journal/csv.ts; the
// tests check it against a real export).
const TENTH_CSV_HEAD = 'id,runId,promptId,';

/**
 * Reads the first `n` units of `input` (bytes or UTF-16 units; fewer when the
 * input is shorter) and gives the input again from its start, so a one-shot
 * stream can be looked at before it is read. `close` ends the stream when the
 * caller will not read it.
 */
async function peekHead(
  input: JournalInput,
  n: number,
): Promise<{ head: Uint8Array; input: JournalInput; close: () => Promise<void> }> {
  if (typeof input === 'string') return { head: encodeHead([input], n), input, close: async () => undefined };
  if (input instanceof Uint8Array) return { head: input.subarray(0, n), input, close: async () => undefined };
  const it =
    Symbol.asyncIterator in input
      ? (input as AsyncIterable<JournalChunk>)[Symbol.asyncIterator]()
      : (input as Iterable<JournalChunk>)[Symbol.iterator]();
  const chunks: JournalChunk[] = [];
  let size = 0;
  let ended = false;
  while (size < n) {
    // A producer may reuse the buffer of a chunk once asked for the next: keep a copy of the one held.
    const last = chunks.length - 1;
    if (last >= 0 && typeof chunks[last] !== 'string') chunks[last] = (chunks[last] as Uint8Array).slice();
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.length;
  }
  const close = async (): Promise<void> => {
    if (!ended) await it.return?.();
  };
  async function* replay(): AsyncGenerator<JournalChunk> {
    try {
      for (const c of chunks) yield c;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          ended = true;
          return;
        }
        yield r.value;
      }
    } finally {
      // Stopped early (a sink threw): let the source close its file.
      await close();
    }
  }
  return { head: encodeHead(chunks, n), input: replay(), close };
}

function encodeHead(chunks: readonly JournalChunk[], n: number): Uint8Array {
  const parts = chunks.map((c) => (typeof c === 'string' ? new TextEncoder().encode(c.slice(0, n)) : c));
  const out = new Uint8Array(Math.min(n, parts.reduce((t, p) => t + p.length, 0)));
  let o = 0;
  for (const p of parts) {
    if (o >= out.length) break;
    const take = p.subarray(0, out.length - o);
    out.set(take, o);
    o += take.length;
  }
  return out;
}

/**
 * What the file is when its first bytes show it is not a journal, or null when
 * it may be one (its first line starts with `{`, or nothing can be told yet).
 * A journal line never starts with anything but `{`, so the first line decides;
 * a file that passes here and still holds no record gets wholeFileVerdict.
 */
export function sniffHead(head: Uint8Array): NotJournal | null {
  for (const sig of SIGNATURES) {
    const at = sig.at ?? 0;
    if (head.length >= at + sig.bytes.length && sig.bytes.every((b, i) => head[at + i] === b)) {
      return { kind: 'binary', line: 0, message: `This is not a text file (it looks like ${sig.what}); ${WHAT_WE_READ}` };
    }
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || looksUtf16(head)) {
    return { kind: 'encoding', line: 0, message: `This file is UTF-16 text; ${WHAT_WE_READ} Save it as UTF-8 if it is one of them.` };
  }
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (start < head.length && (head[start] === 0x20 || head[start] === 0x09 || head[start] === 0x0d || head[start] === 0x0a)) start++;
  if (start >= head.length) return null; // empty so far: the scan tells
  const nl = head.indexOf(0x0a, start);
  const line = head.subarray(start, nl === -1 ? head.length : nl);
  let lineNo = 1;
  for (let i = 0; i < start; i++) if (head[i] === 0x0a) lineNo++;
  const verdict = (kind: NotJournalKind, message: string): NotJournal => ({ kind, message, line: lineNo });
  if (line[0] === 0x7b /* { */) {
    if (isOnly(line, '{')) {
      return verdict(
        'json',
        `This is JSON laid out over several lines, not one record per line as Tenth writes it; ${WHAT_WE_READ} (jq -c turns JSON into lines: for a re-formatted backup, jq -c '.providers[], .prompts[], .versions[], .cases[], .runs[], .attempts[]'.)`,
      );
    }
    return null;
  }
  // Controls other than tab, CR and form feed don't occur in text.
  if (line.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0c) || b === 0x7f)) {
    return { kind: 'binary', line: 0, message: `This is not a text file; ${WHAT_WE_READ}` };
  }
  let text: string;
  try {
    // stream: the head may end inside a character.
    text = new TextDecoder('utf-8', { fatal: true }).decode(line, { stream: nl === -1 });
  } catch {
    const bad = line[firstInvalidUtf8(line)].toString(16).padStart(2, '0');
    return verdict('encoding', `This is not a UTF-8 text file (byte 0x${bad} on line ${lineNo}); ${WHAT_WE_READ}`);
  }
  // A replacement character: text that was not UTF-8, decoded leniently on its way here.
  if (text.includes('\ufffd')) return verdict('encoding', `This is not a UTF-8 text file; ${WHAT_WE_READ}`);
  const t = text.trim();
  if (t.startsWith('<')) {
    if (/^<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s)/i.test(t)) {
      return verdict('html', `This is a web page, not a journal (a Tenth report can’t be imported back); ${WHAT_WE_READ}`);
    }
    return verdict('html', `This is an XML or HTML file, not a journal; ${WHAT_WE_READ}`);
  }
  if (t.startsWith(TENTH_CSV_HEAD)) {
    return verdict(
      'csv',
      'This is a CSV export: CSV exports can’t be imported back, they flatten each attempt and leave the other records out. Import the JSONL export or the JSON backup instead.',
    );
  }
  if (t.startsWith('[')) {
    return verdict('json', `This is a JSON array, not one record per line (jq -c '.[]' turns it into JSONL); ${WHAT_WE_READ}`);
  }
  return null;
}

function isOnly(line: Uint8Array, c: string): boolean {
  const t = new TextDecoder().decode(line).trim();
  return t === c;
}

/** ASCII text in UTF-16 without a BOM: every other byte of the first ones is zero. */
function looksUtf16(head: Uint8Array): boolean {
  const n = Math.min(head.length, 64) & ~1;
  if (n < 4) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0 && head[i + 1] !== 0) even++;
    if (head[i + 1] === 0 && head[i] !== 0) odd++;
  }
  return even === n / 2 || odd === n / 2;
}

/**
 * After a scan that found no record at all: what the file is, from its first
 * non-blank line (undefined when every line was blank, null when that line
 * could not be read), or null when the line errors say it better — a file
 * whose first line starts with `{` is a broken journal, not something else.
 */
function wholeFileVerdict(first: { text: string | null; line: number } | undefined, lines: number): NotJournal | null {
  if (first === undefined) {
    return { kind: 'empty', line: 0, message: lines > 1 ? 'The file is empty: it holds only blank lines.' : 'The file is empty.' };
  }
  if (first.text === null) return null;
  const t = first.text.trim();
  if (t.startsWith('{')) return null;
  if (/[,;\t]/.test(t)) return { kind: 'csv', line: first.line, message: `This looks like a CSV file, not a journal; ${WHAT_WE_READ}` };
  const shown = t.length > 60 ? `${t.slice(0, 60)}…` : t;
  return { kind: 'text', line: first.line, message: `This is not a journal: no line is a record (the first reads “${shown}”); ${WHAT_WE_READ}` };
}

function notJournalReport(report: ScanReport, verdict: NotJournal): ScanReport {
  return {
    ...report,
    ok: false,
    counts: emptyCounts(),
    errors: [{ line: verdict.line, code: 'not_journal', field: null, expected: 'a Tenth journal: its JSONL export or JSON backup', message: verdict.message }],
    errorCount: 1,
    duplicateIds: [],
    notJournal: verdict,
  };
}

// ---------------------------------------------------------------------------
// Scanning a whole file

export type RecordCounts = Record<RecordType, number>;

export function emptyCounts(): RecordCounts {
  return Object.fromEntries(RECORD_TYPES.map((t) => [t, 0])) as RecordCounts;
}

export interface ScanOptions extends ReadLinesOptions {
  /** How many errors to keep in the report (all are counted). Default 100. */
  maxErrors?: number;
  /**
   * How repeated ids are judged. 'content' (default) compares lines and reports
   * conflicts; 'id' skips a repeat of an id already handed over without
   * comparing (it still follows supersession of provisional records), which is
   * cheaper and right only once an earlier pass over the same file has shown
   * there are no conflicts (the import's second pass). Only with the
   * 'supersede' policy.
   */
  dedupe?: 'content' | 'id';
  /** See DuplicatePolicy. Default 'supersede'. */
  duplicates?: DuplicatePolicy;
  /**
   * Hand each record over with its canonical line (RecordSink's `canonical`):
   * the line's bytes as read when they already are that line (a file Tenth
   * wrote), else the line as `serializeParsed` writes it.
   */
  canonical?: boolean;
}

export interface DuplicateId {
  type: DataRecordType;
  id: string;
  firstLine: number;
  line: number;
}

export interface ScanReport {
  /** True when no line had an error. */
  ok: boolean;
  /** Lines read, blank ones included. */
  lines: number;
  /** Valid records by type, one per id (identical repeats and superseded versions counted once). */
  counts: RecordCounts;
  /** The first `maxErrors` errors in file order. */
  errors: JournalError[];
  /** All errors, including those not kept. */
  errorCount: number;
  /** Ids reused with different content (the first `maxErrors`). */
  duplicateIds: DuplicateId[];
  /** Lines that repeated an earlier record exactly and were ignored. */
  identicalDuplicates: number;
  /** Lines that replaced an earlier, provisional record of the same id (pending → final). */
  superseded: number;
  header: JournalHeader | null;
  /**
   * Set when the file as a whole is not a journal (see sniffHead and
   * wholeFileVerdict); `errors` then holds this one error instead of one per line.
   */
  notJournal: NotJournal | null;
}

/**
 * Called once per id with its final record (the latest version when a
 * provisional one was superseded). May be async; the scan waits for it.
 * Provisional records are held back until they are superseded or the file
 * ends, so `line` is the line of the version handed over.
 */
export type RecordSink = (type: DataRecordType, record: RecordMap[DataRecordType], line: number, canonical?: CanonicalForm) => void | Promise<void>;

/** A record's canonical line (serializeRecord's): as UTF-8 bytes (no newline), or as text. */
export type CanonicalForm = string | Uint8Array;

interface Held {
  type: DataRecordType;
  /** Null when the canonical line is kept instead (compact; parsed again when handed over). */
  record: RecordMap[DataRecordType] | null;
  line: number;
  canonical?: CanonicalForm;
  /** Hashes of every version seen (only kept in 'id' dedupe mode, to tell a repeat from a supersession). */
  hashes: number[] | null;
}

const heldDecoder = new TextDecoder();

/** A held record kept as its canonical line, parsed again (it was valid when read, so it parses). */
function heldRecord(h: Held): RecordMap[DataRecordType] {
  const text = typeof h.canonical === 'string' ? h.canonical : heldDecoder.decode(h.canonical);
  const parsed = parseLine(text, h.line);
  if (!parsed.ok) throw new Error(`line ${h.line}: a held record no longer parses: ${parsed.error.message}`);
  return parsed.record as RecordMap[DataRecordType];
}

/**
 * Reads a whole journal, validating every line, and hands each valid record to
 * `onRecord`, once per id, in its final version (see RecordSink). Invalid lines
 * and conflicting duplicates go into the report instead.
 */
export async function scanJournal(input: JournalInput, opts: ScanOptions = {}, onRecord?: RecordSink): Promise<ScanReport> {
  const maxErrors = opts.maxErrors ?? 100;
  const policy = opts.duplicates ?? 'supersede';
  const report: ScanReport = {
    ok: true,
    lines: 0,
    counts: emptyCounts(),
    errors: [],
    errorCount: 0,
    duplicateIds: [],
    identicalDuplicates: 0,
    superseded: 0,
    header: null,
    notJournal: null,
  };
  // A file that is not a journal at all (an image, a CSV export, a web page) is
  // said so once, before a line is read, rather than as an error on every line.
  const peeked = await peekHead(input, SNIFF_BYTES);
  const verdict = sniffHead(peeked.head);
  if (verdict) {
    await peeked.close();
    return notJournalReport(report, verdict);
  }
  input = peeked.input;
  // The first non-blank line (null text: unreadable), for the verdict at the end (wholeFileVerdict).
  let firstLine: { text: string | null; line: number } | undefined;
  const idMode = opts.dedupe === 'id' && policy === 'supersede';
  const dups = idMode ? null : new DuplicateTracker(policy);
  // Ids handed over already ('id' mode): a later line for one is a repeat the first pass vouched for.
  const doneIds = idMode ? new Map<DataRecordType, Set<string>>(DATA_RECORD_TYPES.map((t) => [t, new Set()])) : null;
  // Records not handed over yet: provisional ones (and with 'last-wins' all), keyed by type and id.
  const held = new Map<string, Held>();
  let backup = false;
  let sawRecord = false;
  const fail = (e: JournalError): void => {
    report.ok = false;
    report.errorCount++;
    if (report.errors.length < maxErrors) report.errors.push(e);
  };
  const holdAll = policy === 'last-wins';

  const wantCanonical = opts.canonical === true;
  /**
   * What a held (provisional) record keeps until it is superseded or the file
   * ends, which may be long: with canonical lines, only the line (its bytes
   * copied out of the read buffer they view, so no buffer stays alive for
   * them), parsed again when handed over; else the record.
   */
  const keep = (data: RecordMap[DataRecordType], canonical: CanonicalForm | undefined): Pick<Held, 'record' | 'canonical'> =>
    canonical === undefined ? { record: data, canonical } : { record: null, canonical: typeof canonical === 'string' ? canonical : canonical.slice() };
  for await (const batch of readLineBatches(input, { ...opts, raw: wantCanonical })) {
    for (const item of batch) {
      report.lines = item.line;
      if (item.error) {
        fail(item.error);
        sawRecord = true;
        firstLine ??= { text: null, line: item.line };
        continue;
      }
      if (isBlank(item.text)) continue;
      firstLine ??= { text: item.text, line: item.line };
      let text = item.text;
      if (backup) {
        const inner = backupRecordText(text);
        if (inner === null) continue;
        if (inner === undefined) {
          fail(
            lineError(
              item.line,
              'json',
              null,
              'one record per line, as Tenth writes a backup',
              `not a line of a ${BACKUP_SCHEMA} document as Tenth writes it (one record per line); re-export it, or convert it to JSONL (jq -c '.providers[], .prompts[], .versions[], .cases[], .runs[], .attempts[]')`,
            ),
          );
          sawRecord = true;
          continue;
        }
        text = inner;
      } else if (!sawRecord && text.startsWith(BACKUP_HEAD)) {
        // The backup's opening line holds the header fields; read it as a journal header.
        backup = true;
        text = `{"schema":${JSON.stringify(JOURNAL_SCHEMA)}${stripComma(text).slice(BACKUP_HEAD.length)}}`;
      }
      const parsed = parseLine(text, item.line);
      const first = !sawRecord;
      sawRecord = true;
      if (!parsed.ok) {
        fail(parsed.error);
        continue;
      }
      const rec = parsed.record;
      if (rec.schema === JOURNAL_SCHEMA) {
        if (!first) {
          fail(lineError(item.line, 'header', 'schema', 'the journal header only as the first line', `${JOURNAL_SCHEMA} header is only allowed as the first line`));
        } else {
          report.header = rec;
          report.counts.journal++;
        }
        continue;
      }
      const type = parsed.type as DataRecordType;
      const data = rec as RecordMap[DataRecordType];
      const provisional = holdAll || isProvisional(type, data);
      const key = `${type}\u0000${data.id}`;
      let canonical: CanonicalForm | undefined;
      if (wantCanonical) {
        const line = serializeParsed(type, data as unknown as Record<string, unknown>);
        // The bytes read decode to `text` (fatal decoder): when the text is the canonical line, so are they.
        canonical = item.raw && text === item.text && line === text ? item.raw : line;
      }

      if (doneIds) {
        // Second pass: the first one proved there are no conflicts.
        const done = doneIds.get(type)!;
        if (done.has(data.id)) {
          report.identicalDuplicates++;
          continue;
        }
        const h = held.get(key);
        if (h) {
          const hash = hashString(text);
          if (h.hashes!.includes(hash)) {
            report.identicalDuplicates++;
            continue;
          }
          report.superseded++;
          if (provisional) {
            Object.assign(h, keep(data, canonical));
            h.line = item.line;
            h.hashes!.push(hash);
            continue;
          }
          held.delete(key);
          done.add(data.id);
        } else {
          report.counts[type]++;
          if (provisional) {
            held.set(key, { type, ...keep(data, canonical), line: item.line, hashes: [hashString(text)] });
            continue;
          }
          done.add(data.id);
        }
        if (onRecord) {
          const pending = onRecord(type, data, item.line, canonical);
          if (pending) await pending;
        }
        continue;
      }

      const verdict = dups!.see(type, data.id, text, item.line, provisional);
      if (verdict.kind === 'same') {
        report.identicalDuplicates++;
        continue;
      }
      if (verdict.kind === 'conflict') {
        if (report.duplicateIds.length < maxErrors) report.duplicateIds.push({ type, id: data.id, firstLine: verdict.firstLine, line: item.line });
        fail(
          lineError(
            item.line,
            'duplicate',
            'id',
            `a new id, the same content as line ${verdict.line}, or a final version of a pending attempt or running run`,
            `${type} id ${JSON.stringify(data.id)} already appeared on line ${verdict.line} with different content`,
          ),
        );
        continue;
      }
      if (verdict.kind === 'supersede') {
        report.superseded++;
        if (provisional) {
          const h = held.get(key);
          if (h) {
            Object.assign(h, keep(data, canonical));
            h.line = item.line;
          } else held.set(key, { type, ...keep(data, canonical), line: item.line, hashes: null });
          continue;
        }
        held.delete(key);
      } else {
        report.counts[type]++;
        if (provisional) {
          held.set(key, { type, ...keep(data, canonical), line: item.line, hashes: null });
          continue;
        }
      }
      // Await only a real promise: an await per record would cost a microtask each.
      if (onRecord) {
        const pending = onRecord(type, data, item.line, canonical);
        if (pending) await pending;
      }
    }
  }
  // Nothing valid: no record was handed over, so the report can still say what the file is.
  const whole = RECORD_TYPES.every((t) => report.counts[t] === 0) ? wholeFileVerdict(firstLine, report.lines) : null;
  if (whole) return notJournalReport(report, whole);
  // What was never superseded: a killed run's pending attempts, a run cut off while running.
  if (onRecord) {
    for (const h of held.values()) {
      const pending = onRecord(h.type, h.record ?? heldRecord(h), h.line, h.canonical);
      if (pending) await pending;
    }
  }
  return report;
}

/** Validates a whole journal without keeping its records: counts, the first errors, conflicting ids. */
export function validateJournal(input: JournalInput, opts: ScanOptions = {}): Promise<ScanReport> {
  return scanJournal(input, opts);
}

/**
 * The final record of every id in a journal, where a later line for an id
 * replaces an earlier one ('last-wins' by default: how `tenth stats` reads a
 * `tenth run` journal). Invalid lines are reported, not thrown. Holds every
 * record of the requested types in memory.
 */
export async function readLatestRecords<T extends DataRecordType>(
  input: JournalInput,
  types: readonly T[],
  opts: ScanOptions = {},
): Promise<{ records: RecordMap[T][]; report: ScanReport }> {
  const want = new Set<DataRecordType>(types);
  const records: RecordMap[T][] = [];
  const report = await scanJournal(input, { duplicates: 'last-wins', ...opts }, (type, record) => {
    if (want.has(type)) records.push(record as RecordMap[T]);
  });
  return { records, report };
}
