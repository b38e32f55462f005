/**
 * The journal's paged attempts ("cold"): imported attempts, 500 to a record as
 * their canonical lines (`attemptPages`), with the columns filters read in
 * `attemptColumns` (shared/journal/pages.ts says why). Every other attempt —
 * a run's, or one a person graded — is a record of its own in `attempts`
 * ("hot"). An id is in exactly one of the two: writing to a paged attempt
 * moves it to `attempts` and rewrites its page without it, under a new page id.
 *
 * Each connection keeps the pages' columns in memory (a ColdIndex, about 80
 * bytes an attempt). Every write that adds or removes pages bumps a version
 * in `meta` in its transaction; each read gets that row and the staging list
 * (one request, which also makes a live query re-run when pages come or go,
 * in this context or another) and lists the page ids again only when either
 * changed. Pages (UTF-8 bytes) are read when their attempts are, and the last
 * few are kept, as bytes and split.
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import { buildPage, ColdIndex, lineSlice, pageLines, PAGE_ATTEMPTS, rowOf, type AttemptPage, type AttemptPageColumns, type PagedRow, type PageSlice } from '../../../../shared/journal/pages';
import { serializeRecord, type CanonicalForm } from '../../../../shared/journal/jsonl';
import { ulid } from 'ulid';
import type { Table } from 'dexie';
import type { TenthDb } from '../db';

interface ColdState {
  index: ColdIndex;
  /** The pages version and staging list the index was last brought up to date with (null: never). */
  seen: { version: number; staging: string } | null;
  /** Split page texts, most recently used last. */
  lines: Map<string, string[]>;
  /** Pages as stored (bytes), most recently used last: an export's reads. */
  pages: Map<string, AttemptPage>;
}

/** The `meta` row listing the imports whose pages do not count yet. */
export const STAGING_KEY = 'journal:stagingImports';
/** The `meta` row counting writes that added or removed pages. */
export const PAGES_VERSION_KEY = 'journal:pagesVersion';

/** Bumps the pages version; call inside the transaction that adds or removes pages (it spans `meta`). */
async function bumpPagesVersion(db: TenthDb): Promise<void> {
  const row = await db.meta.get(PAGES_VERSION_KEY);
  await db.meta.put({ key: PAGES_VERSION_KEY, value: (typeof row?.value === 'number' ? row.value : 0) + 1 });
}

const states = new WeakMap<TenthDb, ColdState>();
/** Pages' columns read per request when the index loads. */
const LOAD_PAGES = 16;
/** Page texts kept split per connection (a page is about 0.5 MB). */
const CACHED_PAGES = 8;

function stateOf(db: TenthDb): ColdState {
  let s = states.get(db);
  if (!s) {
    s = { index: new ColdIndex(), seen: null, lines: new Map(), pages: new Map() };
    states.set(db, s);
  }
  return s;
}

/** Whether this database has the paged stores (an older schema in a test may not). */
export function hasPages(db: TenthDb): boolean {
  return db.tables.some((t) => t.name === 'attemptColumns');
}

/** The tables a journal transaction spans: the hot store, the pages and `meta` (which imports are staging). */
export function journalTables(db: TenthDb): Table[] {
  return hasPages(db) ? [db.attempts, db.attemptPages, db.attemptColumns, db.meta] : [db.attempts];
}

async function stagingImports(db: TenthDb): Promise<Set<string>> {
  const row = await db.meta.get(STAGING_KEY);
  return stagingSet(row?.value);
}

function stagingSet(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? (value as string[]) : []);
}

/**
 * The pages' index, brought up to date with the stored pages: pages that came
 * are added, pages that went are dropped, and pages of an import still
 * staging are held back until it commits. Lists the pages only when the pages
 * version or the staging list changed since the last call.
 */
export async function coldIndex(db: TenthDb): Promise<ColdIndex> {
  const s = stateOf(db);
  if (!hasPages(db)) return s.index;
  const [versionRow, stagingRow] = await db.meta.bulkGet([PAGES_VERSION_KEY, STAGING_KEY]);
  const version = typeof versionRow?.value === 'number' ? versionRow.value : 0;
  const stagingKey = Array.isArray(stagingRow?.value) ? (stagingRow.value as string[]).join(',') : '';
  if (s.seen && s.seen.version === version && s.seen.staging === stagingKey) return s.index;
  const staging = stagingSet(stagingRow?.value);
  const ids = (await db.attemptColumns.toCollection().primaryKeys()) as string[];
  const stored = new Set(ids);
  for (const id of s.index.pageIds()) {
    if (!stored.has(id)) {
      s.index.removePage(id);
      s.lines.delete(id);
      s.pages.delete(id);
    }
  }
  // Pages of an import still staging are not even read: they are loaded once it commits.
  const staged = staging.size ? new Set(await stagedPageIds(db, [...staging])) : null;
  const missing = ids.filter((id) => !s.index.hasPage(id) && !staged?.has(id));
  // A few pages at a time: each read's clones are garbage once indexed, so loading a big
  // journal's index does not hold every page's columns at once (the heap stays near the index's size).
  for (let i = 0; i < missing.length; i += LOAD_PAGES) {
    const cols = await db.attemptColumns.bulkGet(missing.slice(i, i + LOAD_PAGES));
    for (const c of cols) {
      if (c && !(c.staged && staging.has(c.staged))) s.index.addPage(c);
    }
  }
  s.seen = { version, staging: stagingKey };
  return s.index;
}

/** The pages these imports staged (by the `staged` index; a scan on a schema without it). */
async function stagedPageIds(db: TenthDb, importIds: readonly string[]): Promise<string[]> {
  if (db.attemptColumns.schema.idxByName.staged) return (await db.attemptColumns.where('staged').anyOf([...importIds]).primaryKeys()) as string[];
  const want = new Set(importIds);
  return (await db.attemptColumns.toArray()).filter((c) => c.staged !== undefined && want.has(c.staged)).map((c) => c.id);
}

/** Starts staging an import: pages written with `staged: importId` stay invisible until `commitStaging`. */
export async function beginStaging(db: TenthDb, importId: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const set = await stagingImports(db);
    set.add(importId);
    await db.meta.put({ key: STAGING_KEY, value: [...set] });
  });
}

/**
 * Makes an import's pages count, together with `alsoWrite` (the import's
 * other records), in one transaction: all of it appears at once or none.
 */
export async function commitStaging(db: TenthDb, importId: string, tables: readonly Table[] = [], alsoWrite: () => Promise<void> = async () => undefined): Promise<void> {
  await db.transaction('rw', [db.meta, ...tables], async () => {
    await alsoWrite();
    const set = await stagingImports(db);
    set.delete(importId);
    await db.meta.put({ key: STAGING_KEY, value: [...set] });
  });
}

/** Deletes what an import staged and forgets it. */
export async function discardStaging(db: TenthDb, importId: string): Promise<void> {
  const pages = await stagedPageIds(db, [importId]);
  await db.transaction('rw', [db.attemptPages, db.attemptColumns, db.meta], async () => {
    await db.attemptPages.bulkDelete(pages);
    await db.attemptColumns.bulkDelete(pages);
    await bumpPagesVersion(db);
    const set = await stagingImports(db);
    set.delete(importId);
    await db.meta.put({ key: STAGING_KEY, value: [...set] });
  });
  stateOf(db).seen = null;
}

/**
 * Discards imports left staging by a page or worker that died mid-import:
 * those whose Web Lock (held for an import's whole length, see `stagingLock`)
 * nobody holds. Without Web Locks (tests in Node) nothing is discarded.
 */
export async function discardAbandonedImports(db: TenthDb): Promise<string[]> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks || !hasPages(db)) return [];
  const gone: string[] = [];
  for (const id of await stagingImports(db)) {
    const free = await locks.request(stagingLock(id), { ifAvailable: true }, async (lock) => lock !== null);
    if (free) {
      await discardStaging(db, id);
      gone.push(id);
    }
  }
  return gone;
}

/** The Web Lock an import holds while it stages. */
export function stagingLock(importId: string): string {
  return `tenth-import-${importId}`;
}

/** Most recently used last; at most CACHED_PAGES kept. */
function remember<T>(cache: Map<string, T>, id: string, value: T): T {
  cache.delete(id);
  cache.set(id, value);
  while (cache.size > CACHED_PAGES) cache.delete(cache.keys().next().value!);
  return value;
}

async function pageOf(db: TenthDb, pageId: string): Promise<AttemptPage> {
  const s = stateOf(db);
  const hit = s.pages.get(pageId);
  if (hit) return remember(s.pages, pageId, hit);
  const page = await db.attemptPages.get(pageId);
  if (!page) throw new Error(`the journal page ${pageId} is missing`);
  return remember(s.pages, pageId, page);
}

async function linesOf(db: TenthDb, pageId: string): Promise<string[]> {
  const s = stateOf(db);
  const hit = s.lines.get(pageId);
  if (hit) return remember(s.lines, pageId, hit);
  return remember(s.lines, pageId, pageLines(await pageOf(db, pageId)));
}

function parseAttempt(line: string): Attempt {
  return JSON.parse(line) as Attempt;
}

/** The canonical lines of these paged rows, in the rows' order. */
export async function coldLines(db: TenthDb, rows: readonly Pick<PagedRow, 'pageId' | 'line'>[]): Promise<string[]> {
  const out: string[] = new Array<string>(rows.length);
  // Grouped by page, so each page is read once however the rows interleave.
  const byPage = new Map<string, number[]>();
  rows.forEach((r, i) => (byPage.get(r.pageId) ?? byPage.set(r.pageId, []).get(r.pageId)!).push(i));
  for (const [pageId, idx] of byPage) {
    const lines = await linesOf(db, pageId);
    for (const i of idx) out[i] = lines[rows[i]!.line]!;
  }
  return out;
}

/**
 * These paged rows as slices of their pages' bytes (each line with its "\n"),
 * in the rows' order: what an export writes. Rows of the same page that
 * follow each other are slices of the same buffer, end to start, so a writer
 * can hand a run of them on as one.
 */
export async function coldSlices(db: TenthDb, rows: readonly Pick<PagedRow, 'id' | 'pageId' | 'line'>[]): Promise<PageSlice[]> {
  const out: PageSlice[] = new Array<PageSlice>(rows.length);
  let page: AttemptPage | null = null;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (page?.id !== r.pageId) page = await pageOf(db, r.pageId);
    out[i] = lineSlice(page, r.line, r.id);
  }
  return out;
}

/** The paged attempts of these rows, in the rows' order. */
export async function coldAttempts(db: TenthDb, rows: readonly Pick<PagedRow, 'pageId' | 'line'>[]): Promise<Attempt[]> {
  return (await coldLines(db, rows)).map(parseAttempt);
}

/** The paged attempts with these ids (those that are paged), by id. */
export async function coldByIds(db: TenthDb, ids: readonly string[]): Promise<Map<string, Attempt>> {
  const index = await coldIndex(db);
  const rows: PagedRow[] = [];
  for (const id of ids) {
    const r = index.row(id);
    if (r) rows.push(r);
  }
  const list = await coldAttempts(db, rows);
  return new Map(list.map((a) => [a.id, a]));
}

/**
 * Writes attempts as new pages of up to 500 (the caller has left out the ids
 * the journal has). Runs in the caller's transaction when there is one.
 */
export async function writePages(db: TenthDb, attempts: readonly Attempt[], lines?: readonly CanonicalForm[], staged?: string): Promise<void> {
  const texts = lines ?? attempts.map((a) => serializeRecord(a));
  const pages = [];
  const columns: AttemptPageColumns[] = [];
  for (let i = 0; i < attempts.length; i += PAGE_ATTEMPTS) {
    const built = buildPage(ulid(), attempts.slice(i, i + PAGE_ATTEMPTS), texts.slice(i, i + PAGE_ATTEMPTS));
    pages.push(built.page);
    columns.push(staged ? { ...built.columns, staged } : built.columns);
  }
  await db.attemptPages.bulkAdd(pages);
  await db.attemptColumns.bulkAdd(columns);
  await bumpPagesVersion(db);
  const s = stateOf(db);
  // Changed in place before the commit: the next read lists the pages again (an abort leaves none behind).
  s.seen = null;
  // A staged import's pages are read back once it commits (memory stays flat while it stages).
  if (!staged) for (const c of columns) s.index.addPage(c);
}

/**
 * Takes these ids out of their pages (each page rewritten without them under
 * a new id, or deleted when nothing is left) and returns their attempts: the
 * caller writes them to `attempts` in the same transaction.
 */
export async function unpage(db: TenthDb, ids: readonly string[]): Promise<Attempt[]> {
  const index = await coldIndex(db);
  const byPage = new Map<string, Set<number>>();
  for (const id of ids) {
    const at = index.locate(id);
    if (at) (byPage.get(at.pageId) ?? byPage.set(at.pageId, new Set()).get(at.pageId)!).add(at.line);
  }
  const out: Attempt[] = [];
  const s = stateOf(db);
  for (const [pageId, taken] of byPage) {
    const [cols, lines] = await Promise.all([db.attemptColumns.get(pageId), linesOf(db, pageId)]);
    if (!cols) throw new Error(`the journal page ${pageId} has no columns`);
    const keepRows: PagedRow[] = [];
    const keepLines: string[] = [];
    lines.forEach((line, i) => {
      if (taken.has(i)) out.push(parseAttempt(line));
      else {
        keepRows.push(rowOf(cols, i));
        keepLines.push(line);
      }
    });
    await db.attemptPages.delete(pageId);
    await db.attemptColumns.delete(pageId);
    s.index.removePage(pageId);
    s.lines.delete(pageId);
    s.pages.delete(pageId);
    if (keepRows.length) {
      const built = buildPage(ulid(), keepRows, keepLines);
      await db.attemptPages.add(built.page);
      await db.attemptColumns.add(built.columns);
      s.index.addPage(built.columns);
    }
  }
  if (byPage.size) {
    await bumpPagesVersion(db);
    // Changed in place before the commit: the next read lists the pages again (an abort leaves none behind).
    s.seen = null;
  }
  return out;
}
