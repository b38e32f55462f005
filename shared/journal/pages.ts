/**
 * The journal in pages: attempts kept many to a stored record, as the
 * canonical JSONL lines of the interchange format, with their filterable
 * fields beside them in columns.
 *
 * Why: IndexedDB costs per record and per index entry. In this project's
 * Chromium, adding attempts one record each tops out near 5–15k/s (16 indexes
 * to none) and reading them back near 25–50k/s, while 500 attempts a record
 * write at ~100k/s and read at ~160k/s (`npm run bench:io` measures all three
 * in the same run). A page is written once per 500 attempts of an import and
 * read whole by an export, which then needs no serialising at all: its text
 * already is the file's bytes.
 *
 * A page is immutable. The app's own writes (a run's attempts, a grade, a
 * note) go to the one-record-an-attempt store, and a record there overrides
 * the same id in a page; `ColdIndex` answers filters over the pages in memory
 * from the columns alone (about 80 bytes an attempt in Chromium, the id
 * included: tests/bench/coldindex.ts), so the text of a page is read only
 * when its attempts are.
 *
 * Pure and storage-agnostic: the Dexie side is renderer/src/db/journal.
 */
import type { Attempt, AttemptStatus, FailureClass } from '../domain/schemas';
import { isEmptyFilter, type FilterableAttempt, type JournalFilter } from './filter';

/** Attempts a page holds at most. */
export const PAGE_ATTEMPTS = 500;

/**
 * A page's attempts as stored: the UTF-8 bytes of their canonical lines, each
 * followed by "\n", in `ids` order, so a run of consecutive lines is a slice
 * of a JSONL file as it is and an export hands it on without decoding,
 * splitting, joining or encoding anything.
 */
export interface AttemptPage {
  id: string;
  bytes: Uint8Array;
  /** Where each line ends: the byte offset just after line i's "\n". */
  ends: Uint32Array;
}

/**
 * Consecutive lines of one page as bytes: `bytes.subarray(start, end)` (every
 * line with its "\n"). What an export reads for a paged attempt.
 */
export interface PageSlice {
  /** The attempt's id (a slice read for one attempt). */
  id: string;
  bytes: Uint8Array;
  start: number;
  end: number;
}

/** The filterable fields of a page's attempts, a column each, in line order. Never outputs. */
export interface AttemptPageColumns {
  id: string;
  ids: string[];
  queuedAt: number[];
  runId: string[];
  promptId: string[];
  promptVersion: string[];
  caseId: string[];
  model: string[];
  providerId: string[];
  status: AttemptStatus[];
  failureClass: (FailureClass | null)[];
  tags: (string[] | null)[];
  judgeOf: (string | null)[];
  /**
   * The import that wrote the page, while it may still be rolled back: the
   * page counts only once that import is no longer listed as staging.
   */
  staged?: string;
}

/** What a page keeps of an attempt besides its line. */
export type PagedFields = Pick<Attempt, 'id' | 'queuedAt' | 'runId' | 'promptId' | 'promptVersion' | 'caseId' | 'model' | 'providerId' | 'status'> & {
  failure: { class: FailureClass } | null;
  tags?: readonly string[] | null;
  judgeOf?: string | null;
};

/**
 * Builds one page from attempts and their canonical lines (the same order), as
 * text or as UTF-8 bytes. A line must be one line: the canonical writer
 * escapes every newline.
 */
export function buildPage(id: string, attempts: readonly PagedFields[], lines: readonly (string | Uint8Array)[]): { page: AttemptPage; columns: AttemptPageColumns } {
  if (attempts.length !== lines.length) throw new Error(`buildPage: ${attempts.length} attempts but ${lines.length} lines`);
  if (attempts.length === 0) throw new Error('buildPage: a page holds at least one attempt');
  const c: AttemptPageColumns = {
    id,
    ids: [],
    queuedAt: [],
    runId: [],
    promptId: [],
    promptVersion: [],
    caseId: [],
    model: [],
    providerId: [],
    status: [],
    failureClass: [],
    tags: [],
    judgeOf: [],
  };
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i]!;
    const line = lines[i]!;
    if (typeof line === 'string' ? line.includes('\n') : line.indexOf(10) !== -1) throw new Error(`buildPage: the line of ${a.id} holds a newline`);
    c.ids.push(a.id);
    c.queuedAt.push(a.queuedAt);
    c.runId.push(a.runId);
    c.promptId.push(a.promptId);
    c.promptVersion.push(a.promptVersion);
    c.caseId.push(a.caseId);
    c.model.push(a.model);
    c.providerId.push(a.providerId);
    c.status.push(a.status);
    c.failureClass.push(a.failure?.class ?? null);
    c.tags.push(a.tags && a.tags.length ? [...a.tags] : null);
    c.judgeOf.push(a.judgeOf ?? null);
  }
  return { page: { id, ...encodeLines(lines) }, columns: c };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Reused between pages: lines are encoded into it, then the used part copied out once. */
let scratch = new Uint8Array(0);

/** The lines as UTF-8 (text is encoded, bytes copied), each followed by "\n", and where each ends. */
export function encodeLines(lines: readonly (string | Uint8Array)[]): { bytes: Uint8Array; ends: Uint32Array } {
  let max = 0;
  // A UTF-16 code unit is at most 3 UTF-8 bytes.
  for (const l of lines) max += (typeof l === 'string' ? l.length * 3 : l.length) + 1;
  if (scratch.length < max) scratch = new Uint8Array(Math.max(max, scratch.length * 2));
  const ends = new Uint32Array(lines.length);
  let pos = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (typeof line === 'string') pos += encoder.encodeInto(line, scratch.subarray(pos)).written;
    else {
      scratch.set(line, pos);
      pos += line.length;
    }
    scratch[pos++] = 10;
    ends[i] = pos;
  }
  const bytes = scratch.slice(0, pos);
  // A large scratch is not kept past a page of unusually long lines.
  if (scratch.length > 8 << 20) scratch = new Uint8Array(0);
  return { bytes, ends };
}

/** The lines of a page, in `ids` order. */
export function pageLines(page: AttemptPage): string[] {
  const text = decoder.decode(page.bytes);
  // Every line ends in "\n": the last split part is the empty rest.
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** Line i of a page as bytes (with its "\n"). */
export function lineSlice(page: AttemptPage, i: number, id: string): PageSlice {
  return { id, bytes: page.bytes, start: i === 0 ? 0 : page.ends[i - 1]!, end: page.ends[i]! };
}

/** A slice's text, without the last "\n". */
export function sliceText(s: Pick<PageSlice, 'bytes' | 'start' | 'end'>): string {
  const end = s.end > s.start && s.bytes[s.end - 1] === 10 ? s.end - 1 : s.end;
  return decoder.decode(s.bytes.subarray(s.start, end));
}

/** Where an attempt of a page is. */
export interface PagedRef {
  page: AttemptPageColumns;
  line: number;
}

/** One paged attempt's filterable fields, read from its page's columns. */
export interface PagedRow extends FilterableAttempt {
  id: string;
  caseId: string;
  judgeOf: string | null;
  pageId: string;
  line: number;
}

/** A page's attempt at line `i`, from its columns. */
export function rowOf(p: AttemptPageColumns, i: number): PagedRow {
  const fc = p.failureClass[i] ?? null;
  return {
    id: p.ids[i]!,
    queuedAt: p.queuedAt[i]!,
    runId: p.runId[i]!,
    promptId: p.promptId[i]!,
    promptVersion: p.promptVersion[i]!,
    caseId: p.caseId[i]!,
    model: p.model[i]!,
    providerId: p.providerId[i]!,
    status: p.status[i]!,
    failure: fc === null ? null : ({ class: fc } as FilterableAttempt['failure']),
    tags: p.tags[i] ?? [],
    judgeOf: p.judgeOf[i] ?? null,
    pageId: p.id,
    line: i,
  };
}

/** Codes of a column's values, one an attempt, as narrow as the codes a page uses. */
type Codes = Uint8Array | Uint16Array | Uint32Array;

/**
 * The distinct values of a column, shared by every page of an index: a page
 * keeps a code an attempt, so a value read back as its own copy for each
 * attempt (IndexedDB's structured clone) is held once. Code 0 is null. A
 * value no page uses any more is forgotten and its code reused.
 */
class Dictionary<T> {
  /** The value of each code (null: free, or code 0). */
  readonly values: (T | null)[] = [null];
  private readonly keys: (string | null)[] = [null];
  /** How many attempts of the index's pages use each code. */
  private readonly uses: number[] = [0];
  private readonly codes = new Map<string, number>();
  private readonly free: number[] = [];

  /** The code of the value `key` names, counting one more use (`value` is kept when the key is new). */
  intern(key: string, value: T): number {
    let c = this.codes.get(key);
    if (c === undefined) {
      c = this.free.pop() ?? this.values.length;
      this.values[c] = value;
      this.keys[c] = key;
      this.uses[c] = 0;
      this.codes.set(key, c);
    }
    this.uses[c]!++;
    return c;
  }

  /** One more use of a code `intern` gave. */
  use(code: number): void {
    this.uses[code]!++;
  }

  codeOf(key: string): number | undefined {
    return this.codes.get(key);
  }

  /** One use fewer of each non-zero code of a page's `n` attempts. */
  release(codes: Codes, n: number): void {
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      if (c === 0 || --this.uses[c]! > 0) continue;
      this.codes.delete(this.keys[c]!);
      this.values[c] = null;
      this.keys[c] = null;
      this.free.push(c);
    }
  }

  /** The values some page uses. */
  *used(): Generator<T> {
    for (let c = 1; c < this.values.length; c++) if (this.uses[c]! > 0) yield this.values[c]!;
  }

  /** A byte a code, 1 for the codes of these keys (null when none has one): a filter condition over the codes. */
  allowing(keys: Iterable<string>): Uint8Array | null {
    let allow: Uint8Array | null = null;
    for (const k of keys) {
      const c = this.codes.get(k);
      if (c === undefined) continue;
      allow ??= new Uint8Array(this.values.length);
      allow[c] = 1;
    }
    return allow;
  }
}

const STRING_COLUMNS = ['runId', 'promptId', 'promptVersion', 'caseId', 'model', 'providerId', 'status', 'failureClass', 'judgeOf'] as const;
type StringColumn = (typeof STRING_COLUMNS)[number];
type StringDictionaries = Record<StringColumn, Dictionary<string>>;

function dictionaries(): StringDictionaries {
  const d = () => new Dictionary<string>();
  return { runId: d(), promptId: d(), promptVersion: d(), caseId: d(), model: d(), providerId: d(), status: d(), failureClass: d(), judgeOf: d() };
}

/** A page as an index keeps it: its ids as added, the other columns as codes. */
interface CodedPage {
  id: string;
  /** Where the page is in the index's slots: its attempts' refs are slot × span + line. */
  slot: number;
  ids: readonly string[];
  /** queuedAt is t0 + queuedAt[i]: whole milliseconds after the page's first, or (t0 -0) the times as they are. */
  t0: number;
  queuedAt: Uint32Array | Float64Array;
  runId: Codes;
  promptId: Codes;
  promptVersion: Codes;
  caseId: Codes;
  model: Codes;
  providerId: Codes;
  status: Codes;
  failureClass: Codes;
  judgeOf: Codes;
  /** A code a distinct list of tags (0: none). */
  tags: Codes;
}

/** Codes of a page's column are made here, then copied to an array as narrow as the largest. */
let codeScratch = new Uint32Array(0);
/**
 * Per code below 256, a column of pages whose attempts all have that code
 * (a run's model, no judge): shared by those pages, never written.
 */
const sameCodes: Uint8Array[] = [];

/** The first `n` codes in `codeScratch`, kept. */
function narrowed(n: number, max: number): Codes {
  const first = codeScratch[0]!;
  if (max < 0x100 && n > 0) {
    let same = true;
    for (let i = 1; i < n && same; i++) same = codeScratch[i] === first;
    if (same) {
      let col = sameCodes[first];
      if (!col || col.length < n) sameCodes[first] = col = new Uint8Array(Math.max(n, PAGE_ATTEMPTS)).fill(first);
      return col;
    }
  }
  const out = max < 0x100 ? new Uint8Array(n) : max < 0x10000 ? new Uint16Array(n) : new Uint32Array(n);
  out.set(codeScratch.subarray(0, n));
  return out;
}

function encodeStrings(dict: Dictionary<string>, column: readonly (string | null | undefined)[], n: number): Codes {
  let max = 0;
  let last: string | null | undefined;
  let lastCode = 0;
  for (let i = 0; i < n; i++) {
    const v = column[i];
    let c = 0;
    if (v !== null && v !== undefined) {
      // Neighbours share most values: a comparison instead of a hash lookup.
      if (v === last) dict.use((c = lastCode));
      else {
        c = lastCode = dict.intern(v, v);
        last = v;
      }
    }
    codeScratch[i] = c;
    if (c > max) max = c;
  }
  return narrowed(n, max);
}

/**
 * A page's times: whole milliseconds after its first as 4 bytes each when
 * they fit (a page's attempts are mostly minutes apart), else as they are.
 */
function times(column: readonly number[], n: number): { t0: number; queuedAt: Uint32Array | Float64Array } {
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const t = column[i]!;
    if (!Number.isSafeInteger(t) || Object.is(t, -0)) {
      whole = false;
      break;
    }
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (whole && n > 0 && max - min <= 0xffffffff) {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = column[i]! - min;
    return { t0: min, queuedAt: out };
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = column[i]!;
  // -0 + t is t for every t, -0 included.
  return { t0: -0, queuedAt: out };
}

/** A code a distinct list of tags, the list kept frozen (rows share it). */
function encodeTags(dict: Dictionary<readonly string[]>, column: readonly (readonly string[] | null | undefined)[], n: number): Codes {
  let max = 0;
  for (let i = 0; i < n; i++) {
    const t = column[i];
    let c = 0;
    if (t && t.length) {
      const key = JSON.stringify(t);
      const known = dict.codeOf(key);
      if (known === undefined) c = dict.intern(key, Object.freeze([...t]));
      else dict.use((c = known));
    }
    codeScratch[i] = c;
    if (c > max) max = c;
  }
  return narrowed(n, max);
}

/** A filter over coded pages, from a JournalFilter: a condition on a column is a byte a code (1: allowed). */
interface CodedFilter {
  from: number | null;
  to: number | null;
  promptId: Uint8Array | null;
  model: Uint8Array | null;
  runId: Uint8Array | null;
  promptVersion: Uint8Array | null;
  providerId: Uint8Array | null;
  status: Uint8Array | null;
  failureClass: Uint8Array | null;
  tags: Uint8Array | null;
}

function matches(f: CodedFilter, p: CodedPage, i: number): boolean {
  if (f.from !== null && p.t0 + p.queuedAt[i]! < f.from) return false;
  if (f.to !== null && p.t0 + p.queuedAt[i]! > f.to) return false;
  if (f.promptId !== null && f.promptId[p.promptId[i]!] !== 1) return false;
  if (f.model !== null && f.model[p.model[i]!] !== 1) return false;
  if (f.runId !== null && f.runId[p.runId[i]!] !== 1) return false;
  if (f.promptVersion !== null && f.promptVersion[p.promptVersion[i]!] !== 1) return false;
  if (f.providerId !== null && f.providerId[p.providerId[i]!] !== 1) return false;
  if (f.status !== null && f.status[p.status[i]!] !== 1) return false;
  if (f.failureClass !== null && f.failureClass[p.failureClass[i]!] !== 1) return false;
  if (f.tags !== null && f.tags[p.tags[i]!] !== 1) return false;
  return true;
}

const listed = (l: readonly string[] | null | undefined): l is readonly string[] => Array.isArray(l) && l.length > 0;

/**
 * The pages' attempts in memory, by their columns: lookups by id, filters,
 * distinct values. An id in two pages (two imports that raced) is served from
 * the page added last. `skip` on the reads leaves out ids another store
 * overrides.
 *
 * Kept small, as it is proportional to the journal (tests/bench/coldindex.ts
 * measures it): each distinct value of a column is held once and a page keeps
 * a code an attempt (a byte while a column has fewer than 256 values), its
 * times as 4-byte offsets; an attempt is a number (its page's slot and line)
 * in the id map and in the time order; rows are made for what a select
 * returns and held only weakly. A page's `ids` are kept as they were added.
 */
export class ColdIndex {
  private pages = new Map<string, CodedPage>();
  /** Pages by slot; a removed page's slot is reused. */
  private slots: (CodedPage | undefined)[] = [];
  private freeSlots: number[] = [];
  /** A ref is slot × 2^shift + line. */
  private shift = 9;
  private mask = (1 << 9) - 1;
  /** Each id's ref in the page that serves it. */
  private byId = new Map<string, number>();
  /**
   * The refs an id has in the other pages that hold it (races between
   * imports: rare), oldest first: the newest comes back when its page goes.
   */
  private shadowed = new Map<string, number[]>();
  private dicts: StringDictionaries = dictionaries();
  private tagLists = new Dictionary<readonly string[]>();
  /** Every served ref in (queuedAt, id) order; rebuilt lazily after a change. */
  private ordered: Uint32Array | null = null;
  /**
   * The rows of `ordered` selects made (the same place in both), held only
   * weakly: repeated selects share them until the next full garbage
   * collection, which frees them (memory stays the codes between reads).
   */
  private rows: WeakRef<{ rows: PagedRow[]; missing: number }> | null = null;

  get size(): number {
    return this.byId.size;
  }

  get pageCount(): number {
    return this.pages.size;
  }

  hasPage(id: string): boolean {
    return this.pages.has(id);
  }

  pageIds(): string[] {
    return [...this.pages.keys()];
  }

  /** The attempt ids of a page, as it was added. */
  idsOfPage(id: string): readonly string[] | undefined {
    return this.pages.get(id)?.ids;
  }

  addPage(p: AttemptPageColumns): void {
    if (this.pages.has(p.id)) this.removePage(p.id);
    const n = p.ids.length;
    if (n > this.mask + 1) this.widen(n);
    const slot = this.freeSlots.pop() ?? this.slots.length;
    const span = this.mask + 1;
    if ((slot + 1) * span > 2 ** 32) throw new Error(`ColdIndex: no room for page ${p.id} (${slot} pages of up to ${span} attempts)`);
    if (codeScratch.length < n) codeScratch = new Uint32Array(Math.max(n, 512));
    const d = this.dicts;
    const { t0, queuedAt } = times(p.queuedAt, n);
    const page: CodedPage = {
      id: p.id,
      slot,
      ids: p.ids,
      t0,
      queuedAt,
      runId: encodeStrings(d.runId, p.runId, n),
      promptId: encodeStrings(d.promptId, p.promptId, n),
      promptVersion: encodeStrings(d.promptVersion, p.promptVersion, n),
      caseId: encodeStrings(d.caseId, p.caseId, n),
      model: encodeStrings(d.model, p.model, n),
      providerId: encodeStrings(d.providerId, p.providerId, n),
      status: encodeStrings(d.status, p.status, n),
      failureClass: encodeStrings(d.failureClass, p.failureClass, n),
      judgeOf: encodeStrings(d.judgeOf, p.judgeOf, n),
      tags: encodeTags(this.tagLists, p.tags, n),
    };
    this.slots[slot] = page;
    this.pages.set(p.id, page);
    const base = slot * span;
    for (let i = 0; i < n; i++) {
      const id = p.ids[i]!;
      const before = this.byId.get(id);
      if (before !== undefined) {
        const list = this.shadowed.get(id);
        if (list) list.push(before);
        else this.shadowed.set(id, [before]);
      }
      this.byId.set(id, base + i);
    }
    this.changed();
  }

  removePage(id: string): void {
    const page = this.pages.get(id);
    if (!page) return;
    this.pages.delete(id);
    const { slot } = page;
    const base = slot * (this.mask + 1);
    for (let i = 0; i < page.ids.length; i++) {
      const aid = page.ids[i]!;
      const ref = base + i;
      const older = this.shadowed.get(aid);
      if (this.byId.get(aid) === ref) {
        // An id this page shadowed in an earlier page is served by the newest of those again.
        let next: number | undefined;
        if (older) {
          const rest = older.filter((r) => r >>> this.shift !== slot);
          next = rest.pop();
          if (rest.length) this.shadowed.set(aid, rest);
          else this.shadowed.delete(aid);
        }
        if (next === undefined) this.byId.delete(aid);
        else this.byId.set(aid, next);
      } else if (older) {
        const at = older.indexOf(ref);
        if (at !== -1) older.splice(at, 1);
        if (!older.length) this.shadowed.delete(aid);
      }
    }
    const n = page.ids.length;
    for (const c of STRING_COLUMNS) this.dicts[c].release(page[c], n);
    this.tagLists.release(page.tags, n);
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    this.changed();
  }

  clear(): void {
    this.pages.clear();
    this.slots = [];
    this.freeSlots = [];
    this.shift = 9;
    this.mask = (1 << 9) - 1;
    this.byId.clear();
    this.shadowed.clear();
    this.dicts = dictionaries();
    this.tagLists = new Dictionary<readonly string[]>();
    this.changed();
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  locate(id: string): { pageId: string; line: number } | undefined {
    const ref = this.byId.get(id);
    return ref === undefined ? undefined : { pageId: this.slots[ref >>> this.shift]!.id, line: ref & this.mask };
  }

  row(id: string): PagedRow | undefined {
    const ref = this.byId.get(id);
    return ref === undefined ? undefined : this.rowAt(this.slots[ref >>> this.shift]!, ref & this.mask);
  }

  /** Every paged id (for merge-by-id on import). */
  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  /** The rows matching `filter`, oldest first (queuedAt, then id). */
  select(filter: JournalFilter | null | undefined, skip?: (id: string) => boolean): PagedRow[] {
    const f = this.compile(filter);
    if (f === null) return [];
    const order = this.order();
    const { slots, shift, mask } = this;
    const cache = this.cached(order.length);
    const { rows } = cache;
    if (f === undefined) {
      if (cache.missing > 0) {
        for (let k = 0; k < order.length; k++) {
          if (rows[k] !== undefined) continue;
          const ref = order[k]!;
          rows[k] = this.rowAt(slots[ref >>> shift]!, ref & mask);
        }
        cache.missing = 0;
      }
      if (!skip) return rows.slice();
      const out: PagedRow[] = [];
      for (const r of rows) if (!skip(r.id)) out.push(r);
      return out;
    }
    const out: PagedRow[] = [];
    for (let k = 0; k < order.length; k++) {
      const ref = order[k]!;
      const page = slots[ref >>> shift]!;
      const line = ref & mask;
      if (!matches(f, page, line) || (skip && skip(page.ids[line]!))) continue;
      let r = rows[k];
      if (r === undefined) {
        r = rows[k] = this.rowAt(page, line);
        cache.missing--;
      }
      out.push(r);
    }
    return out;
  }

  count(filter: JournalFilter | null | undefined, skip?: (id: string) => boolean): number {
    const f = this.compile(filter);
    if (f === null) return 0;
    if (f === undefined && !skip) return this.byId.size;
    const order = this.order();
    const { slots, shift, mask } = this;
    let n = 0;
    for (let k = 0; k < order.length; k++) {
      const ref = order[k]!;
      const page = slots[ref >>> shift]!;
      const line = ref & mask;
      if ((f && !matches(f, page, line)) || (skip && skip(page.ids[line]!))) continue;
      n++;
    }
    return n;
  }

  /** Distinct values of a column over every paged attempt, sorted. */
  distinct(field: 'model' | 'tags' | 'promptId' | 'runId' | 'providerId' | 'promptVersion'): string[] {
    const seen = new Set<string>();
    if (field === 'tags') {
      for (const list of this.tagLists.used()) for (const t of list) seen.add(t);
    } else for (const v of this.dicts[field].used()) seen.add(v);
    return [...seen].sort();
  }

  /** A page's attempt at line `i`, as `rowOf` gives it from the page's columns. */
  private rowAt(p: CodedPage, i: number): PagedRow {
    const d = this.dicts;
    const fc = d.failureClass.values[p.failureClass[i]!] as FailureClass | null;
    return {
      id: p.ids[i]!,
      queuedAt: p.t0 + p.queuedAt[i]!,
      runId: d.runId.values[p.runId[i]!]!,
      promptId: d.promptId.values[p.promptId[i]!]!,
      promptVersion: d.promptVersion.values[p.promptVersion[i]!]!,
      caseId: d.caseId.values[p.caseId[i]!]!,
      model: d.model.values[p.model[i]!]!,
      providerId: d.providerId.values[p.providerId[i]!]!,
      status: d.status.values[p.status[i]!] as AttemptStatus,
      failure: fc === null ? null : ({ class: fc } as FilterableAttempt['failure']),
      tags: this.tagLists.values[p.tags[i]!] ?? [],
      judgeOf: d.judgeOf.values[p.judgeOf[i]!] ?? null,
      pageId: p.id,
      line: i,
    };
  }

  /**
   * The filter over the codes: undefined when it selects everything, null when
   * it can select nothing (a listed condition none of whose values any page has).
   */
  private compile(filter: JournalFilter | null | undefined): CodedFilter | null | undefined {
    if (!filter || isEmptyFilter(filter)) return undefined;
    const d = this.dicts;
    let none = false;
    const cond = (dict: Dictionary<string>, l: readonly string[] | null | undefined): Uint8Array | null => {
      if (!listed(l)) return null;
      const allow = dict.allowing(l);
      if (!allow) none = true;
      return allow;
    };
    let tags: Uint8Array | null = null;
    if (listed(filter.tags)) {
      const want = new Set(filter.tags);
      const lists = this.tagLists.values;
      for (let c = 1; c < lists.length; c++) {
        if (!lists[c]?.some((t) => want.has(t))) continue;
        tags ??= new Uint8Array(lists.length);
        tags[c] = 1;
      }
      if (!tags) none = true;
    }
    const f: CodedFilter = {
      from: filter.from ?? null,
      to: filter.to ?? null,
      promptId: cond(d.promptId, filter.promptIds),
      model: cond(d.model, filter.models),
      runId: cond(d.runId, filter.runIds),
      promptVersion: cond(d.promptVersion, filter.promptVersions),
      providerId: cond(d.providerId, filter.providerIds),
      status: cond(d.status, filter.statuses),
      failureClass: cond(d.failureClass, filter.failureClasses),
      tags,
    };
    return none ? null : f;
  }

  /** The rows made so far for `ordered` (`missing`: how many are not). */
  private cached(n: number): { rows: PagedRow[]; missing: number } {
    let c = this.rows?.deref();
    if (!c) {
      c = { rows: new Array<PagedRow>(n), missing: n };
      this.rows = new WeakRef(c);
    }
    return c;
  }

  private changed(): void {
    this.ordered = null;
    this.rows = null;
  }

  /** Every served ref in (queuedAt, id) order. */
  private order(): Uint32Array {
    if (this.ordered) return this.ordered;
    const refs: number[] = [];
    for (const ref of this.byId.values()) refs.push(ref);
    const { slots, shift, mask } = this;
    // Pages mostly come in time order: the sort then mostly walks runs.
    refs.sort((a, b) => {
      const pa = slots[a >>> shift]!;
      const pb = slots[b >>> shift]!;
      const ia = a & mask;
      const ib = b & mask;
      const d = pa.t0 + pa.queuedAt[ia]! - (pb.t0 + pb.queuedAt[ib]!);
      if (d) return d;
      const x = pa.ids[ia]!;
      const y = pb.ids[ib]!;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    this.ordered = Uint32Array.from(refs);
    this.rows = null;
    return this.ordered;
  }

  /** Makes room for pages of `n` attempts: every ref is written again with more bits for the line. */
  private widen(n: number): void {
    let shift = this.shift;
    while (2 ** shift < n) shift++;
    const from = this.shift;
    const to = (ref: number) => (ref >>> from) * 2 ** shift + (ref & this.mask);
    for (const [id, ref] of this.byId) this.byId.set(id, to(ref));
    for (const list of this.shadowed.values()) for (let i = 0; i < list.length; i++) list[i] = to(list[i]!);
    this.shift = shift;
    this.mask = 2 ** shift - 1;
    this.changed();
  }
}
