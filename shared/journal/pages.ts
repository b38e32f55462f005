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
 * from the columns alone (about 100 bytes an attempt), so the text of a page
 * is read only when its attempts are.
 *
 * Pure and storage-agnostic: the Dexie side is renderer/src/db/journal.
 */
import type { Attempt, AttemptStatus, FailureClass } from '../domain/schemas';
import { compileFilter, isEmptyFilter, type FilterableAttempt, type JournalFilter } from './filter';

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

/**
 * The pages' attempts in memory, by their columns: lookups by id, filters,
 * distinct values. An id in two pages (two imports that raced) is served from
 * the page added last. `skip` on the reads leaves out ids another store
 * overrides.
 */
export class ColdIndex {
  private pages = new Map<string, AttemptPageColumns>();
  private byId = new Map<string, PagedRef>();
  /** Every attempt's row in (queuedAt, id) order; rebuilt lazily after a change. */
  private ordered: PagedRow[] | null = null;

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
    this.pages.set(p.id, p);
    for (let i = 0; i < p.ids.length; i++) this.byId.set(p.ids[i]!, { page: p, line: i });
    this.ordered = null;
  }

  removePage(id: string): void {
    const p = this.pages.get(id);
    if (!p) return;
    this.pages.delete(id);
    for (const aid of p.ids) if (this.byId.get(aid)?.page === p) this.byId.delete(aid);
    // An id this page shadowed in an earlier page is served by that page again.
    for (const other of this.pages.values()) for (let i = 0; i < other.ids.length; i++) if (!this.byId.has(other.ids[i]!)) this.byId.set(other.ids[i]!, { page: other, line: i });
    this.ordered = null;
  }

  clear(): void {
    this.pages.clear();
    this.byId.clear();
    this.ordered = null;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  locate(id: string): { pageId: string; line: number } | undefined {
    const r = this.byId.get(id);
    return r ? { pageId: r.page.id, line: r.line } : undefined;
  }

  row(id: string): PagedRow | undefined {
    const r = this.byId.get(id);
    return r ? rowOf(r.page, r.line) : undefined;
  }

  /** Every paged id (for merge-by-id on import). */
  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  private all(): PagedRow[] {
    if (this.ordered) return this.ordered;
    const rows: PagedRow[] = [];
    for (const [id, ref] of this.byId) if (ref.page.ids[ref.line] === id) rows.push(rowOf(ref.page, ref.line));
    rows.sort((a, b) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.ordered = rows;
    return rows;
  }

  /** The rows matching `filter`, oldest first (queuedAt, then id). */
  select(filter: JournalFilter | null | undefined, skip?: (id: string) => boolean): PagedRow[] {
    const keep = compileFilter(filter);
    const all = this.all();
    if ((!filter || isEmptyFilter(filter)) && !skip) return all.slice();
    const out: PagedRow[] = [];
    for (const r of all) if ((!skip || !skip(r.id)) && keep(r)) out.push(r);
    return out;
  }

  count(filter: JournalFilter | null | undefined, skip?: (id: string) => boolean): number {
    if ((!filter || isEmptyFilter(filter)) && !skip) return this.byId.size;
    return this.select(filter, skip).length;
  }

  /** Distinct values of a column over every paged attempt, sorted. */
  distinct(field: 'model' | 'tags' | 'promptId' | 'runId' | 'providerId' | 'promptVersion'): string[] {
    const seen = new Set<string>();
    for (const p of this.pages.values()) {
      if (field === 'tags') {
        for (const t of p.tags) if (t) for (const x of t) seen.add(x);
      } else for (const v of p[field]) seen.add(v);
    }
    return [...seen].sort();
  }
}
