/**
 * Reads of the attempts journal. Each is a plain async function over Dexie
 * promises, so it can run inside `useLiveQuery` and the page re-renders when
 * what it read changes; scans (async generators) are for workers and exports.
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import { compileFilter, isEmptyFilter, type JournalFilter } from '../../../../shared/journal/filter';
import { getDb, type TenthDb } from '../db';
import { hasIndex, indexFor, timePlan } from './select';

export async function getAttempt(id: string, db: TenthDb = getDb()): Promise<Attempt | undefined> {
  return db.attempts.get(id);
}

/** The attempts with these ids, in the ids' order; ids not in the journal are skipped. */
export async function getAttempts(ids: readonly string[], db: TenthDb = getDb()): Promise<Attempt[]> {
  const list = await db.attempts.bulkGet([...ids]);
  return list.filter((a): a is Attempt => a !== undefined);
}

/** Which of these ids the journal already has (an import's merge by id). */
export async function existingAttemptIds(ids: readonly string[], db: TenthDb = getDb()): Promise<string[]> {
  return (await db.attempts.where(':id').anyOf([...ids]).primaryKeys()) as string[];
}

export interface QueryOptions {
  /** Newest first; oldest first by default. */
  newestFirst?: boolean;
  offset?: number;
  limit?: number;
  /** A condition the filter cannot say (a judge call, a grade), checked before offset and limit. */
  where?: (a: Attempt) => boolean;
}

const byTime = (a: Attempt, b: Attempt) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The filter's attempts (unsorted) for a filter no index reads in time order: by the best index, then checked. */
async function unordered(f: JournalFilter, where: ((a: Attempt) => boolean) | undefined, db: TenthDb): Promise<Attempt[]> {
  const { collection } = indexFor(db, f);
  const keep = compileFilter(f);
  const rows = await (collection ?? db.attempts.toCollection()).toArray();
  const seen = new Set<string>();
  const out: Attempt[] = [];
  for (const a of rows) {
    // A multi-entry index (tags) or overlapping ranges can return a row twice.
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    if (keep(a) && (!where || where(a))) out.push(a);
  }
  return out;
}

/**
 * A page of the filter's attempts in queue-time order (ties by id): an offset
 * and a limit on a time-ordered index when the filter has one.
 */
export async function queryAttempts(filter: JournalFilter, opts: QueryOptions = {}, db: TenthDb = getDb()): Promise<Attempt[]> {
  const { newestFirst = false, offset = 0, limit, where } = opts;
  const plan = timePlan(db, filter);
  if (!plan) {
    const rows = (await unordered(filter, where, db)).sort(byTime);
    if (newestFirst) rows.reverse();
    return rows.slice(offset, limit === undefined ? undefined : offset + limit);
  }
  let c = plan.collection;
  if (!plan.exact || where) {
    const keep = plan.exact ? () => true : compileFilter(filter);
    c = c.filter((a) => keep(a) && (!where || where(a)));
  }
  if (newestFirst) c = c.reverse();
  if (offset) c = c.offset(offset);
  if (limit !== undefined) c = c.limit(limit);
  return c.toArray();
}

/** The ids of `queryAttempts`' answer; key-only reads when the index applies the whole filter. */
export async function attemptIds(filter: JournalFilter, opts: QueryOptions = {}, db: TenthDb = getDb()): Promise<string[]> {
  const plan = timePlan(db, filter);
  if (!plan || !plan.exact || opts.where) return (await queryAttempts(filter, opts, db)).map((a) => a.id);
  let c = plan.collection;
  if (opts.newestFirst) c = c.reverse();
  if (opts.offset) c = c.offset(opts.offset);
  if (opts.limit !== undefined) c = c.limit(opts.limit);
  return (await c.primaryKeys()) as string[];
}

/** How many attempts match the filter (the whole journal without one); counted on the index when it applies the whole filter. */
export async function countAttempts(filter?: JournalFilter | null, db: TenthDb = getDb()): Promise<number> {
  if (!filter || isEmptyFilter(filter)) return db.attempts.count();
  const plan = timePlan(db, filter);
  if (!plan) return (await unordered(filter, undefined, db)).length;
  if (plan.exact) return plan.collection.count();
  const keep = compileFilter(filter);
  return plan.collection.filter(keep).count();
}

/** Fields whose distinct values the filter controls offer. */
export type DistinctField = 'model' | 'tags' | 'promptId' | 'promptVersion';

/** Distinct values of a field, read from index keys alone (no rows); none when an older schema lacks the index. */
export async function distinctValues(field: DistinctField, db: TenthDb = getDb()): Promise<string[]> {
  if (!hasIndex(db, field)) return [];
  return (await db.attempts.orderBy(field).uniqueKeys()) as string[];
}

/** Judge calls that graded any of these attempts (by their `judgeOf`); none when an older schema lacks the index. */
export async function attemptsJudging(ids: readonly string[], db: TenthDb = getDb()): Promise<Attempt[]> {
  if (!hasIndex(db, 'judgeOf')) return [];
  const out: Attempt[] = [];
  // Bounded key lists per read: anyOf sorts its keys and walks one cursor over them.
  for (let i = 0; i < ids.length; i += 5000) out.push(...(await db.attempts.where('judgeOf').anyOf(ids.slice(i, i + 5000)).toArray()));
  return out;
}

// ---------------------------------------------------------------------------
// Scans in id order

export const DEFAULT_PAGE_SIZE = 2000;

export interface Selection {
  /** Sorted, unique ids of the candidates; null for the whole journal (paged by id). */
  keys: string[] | null;
  /** Candidates: exact for the whole journal, an upper bound when conditions remain to check. */
  total: number;
  /** Which index serves the filter, for progress text and benchmarks. */
  access: string;
}

/** The candidates of a filter, found once (keys only), for a scan or two of the same selection. */
export async function selectAttempts(filter: JournalFilter | null | undefined, db: TenthDb = getDb()): Promise<Selection> {
  if (!filter || isEmptyFilter(filter)) return { keys: null, total: await db.attempts.count(), access: 'all attempts' };
  const { collection, access } = indexFor(db, filter);
  if (!collection) return { keys: null, total: await db.attempts.count(), access };
  const raw = (await collection.primaryKeys()) as string[];
  raw.sort();
  // A multi-entry index (tags) or overlapping ranges can return a key twice.
  const keys: string[] = [];
  for (const k of raw) if (keys.length === 0 || keys[keys.length - 1] !== k) keys.push(k);
  return { keys, total: keys.length, access };
}

export interface ScanOptions {
  /** Attempts read per page (default 2000); a page yielded may hold fewer once the filter is checked. */
  pageSize?: number;
  signal?: AbortSignal;
  /** From `selectAttempts` for the same filter, so a second scan does not look for the candidates again. */
  selection?: Selection;
}

/**
 * The filter's attempts (all of them for null), a page at a time in id order:
 * memory holds one page whatever the journal's size, and two scans of the same
 * data give the same order. Each page is read when the consumer asks for it.
 */
export async function* scanAttempts(filter: JournalFilter | null | undefined, opts: ScanOptions = {}, db: TenthDb = getDb()): AsyncGenerator<Attempt[]> {
  const size = Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE);
  const sel = opts.selection ?? (await selectAttempts(filter, db));
  const keep = compileFilter(filter);
  if (sel.keys === null) {
    let last: string | null = null;
    for (;;) {
      opts.signal?.throwIfAborted();
      const page: Attempt[] = await (last === null ? db.attempts.orderBy(':id').limit(size).toArray() : db.attempts.where(':id').above(last).limit(size).toArray());
      if (page.length === 0) return;
      last = page[page.length - 1]!.id;
      const rows = page.filter(keep);
      if (rows.length) yield rows;
      if (page.length < size) return;
    }
  }
  for (let i = 0; i < sel.keys.length; i += size) {
    opts.signal?.throwIfAborted();
    const rows = (await db.attempts.bulkGet(sel.keys.slice(i, i + size))).filter((a): a is Attempt => a !== undefined && keep(a));
    if (rows.length) yield rows;
  }
}
