/**
 * Reads of the attempts journal. Each is a plain async function over Dexie
 * promises, so it can run inside `useLiveQuery` and the page re-renders when
 * what it read changes; scans (async generators) are for workers and exports.
 *
 * The journal is two stores (./cold.ts): attempts a record each (`attempts`,
 * Dexie's indexes) and attempts in pages (the columns in memory). An id is in
 * one of them; every read here answers over both, merging in the order it
 * promises.
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import { compileFilter, isEmptyFilter, type JournalFilter } from '../../../../shared/journal/filter';
import type { PagedRow, PageSlice } from '../../../../shared/journal/pages';
import { getDb, type TenthDb } from '../db';
import { coldAttempts, coldByIds, coldIndex, coldSlices } from './cold';
import { hasIndex, indexFor, timePlan } from './select';

export async function getAttempt(id: string, db: TenthDb = getDb()): Promise<Attempt | undefined> {
  return (await db.attempts.get(id)) ?? (await coldByIds(db, [id])).get(id);
}

/** The attempts with these ids, in the ids' order; ids not in the journal are skipped. */
export async function getAttempts(ids: readonly string[], db: TenthDb = getDb()): Promise<Attempt[]> {
  const list = await db.attempts.bulkGet([...ids]);
  const missing = ids.filter((_, i) => list[i] === undefined);
  const cold = missing.length ? await coldByIds(db, missing) : null;
  const out: Attempt[] = [];
  ids.forEach((id, i) => {
    const a = list[i] ?? cold?.get(id);
    if (a) out.push(a);
  });
  return out;
}

/** Which of these ids the journal already has (an import's merge by id). */
export async function existingAttemptIds(ids: readonly string[], db: TenthDb = getDb()): Promise<string[]> {
  const hot = (await db.attempts.where(':id').anyOf([...ids]).primaryKeys()) as string[];
  const index = await coldIndex(db);
  if (index.size === 0) return hot;
  const have = new Set(hot);
  return ids.filter((id) => have.has(id) || index.has(id));
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

type Keyed = { queuedAt: number; id: string };
const timeOrder = (a: Keyed, b: Keyed) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A page of the filter's attempts in queue-time order (ties by id): an offset
 * and a limit on a time-ordered index when the filter has one. Paged attempts
 * are merged in by their columns; only those on the page are read.
 */
export async function queryAttempts(filter: JournalFilter, opts: QueryOptions = {}, db: TenthDb = getDb()): Promise<Attempt[]> {
  const index = await coldIndex(db);
  if (index.size === 0) return hotQuery(filter, opts, db);
  const { newestFirst = false, offset = 0, limit, where } = opts;
  const want = limit === undefined ? Infinity : offset + limit;
  const hot = await hotQuery(filter, { newestFirst, where, limit: limit === undefined ? undefined : want }, db);
  const rows = index.select(filter);
  if (newestFirst) rows.reverse();
  // With a condition on whole attempts, paged candidates are read (a page at a
  // time) until enough pass; without one, their columns decide.
  let cold: (PagedRow & { attempt?: Attempt })[] = rows;
  if (where) {
    cold = [];
    for (let i = 0; i < rows.length && cold.length < want; i += 500) {
      const part = rows.slice(i, i + 500);
      const list = await coldAttempts(db, part);
      list.forEach((a, j) => {
        if (where(a)) cold.push({ ...part[j]!, attempt: a });
      });
    }
  }
  const dir = newestFirst ? -1 : 1;
  const merged: ({ hot: Attempt } | { cold: PagedRow & { attempt?: Attempt } })[] = [];
  let h = 0;
  let c = 0;
  while (merged.length < want && (h < hot.length || c < cold.length)) {
    const takeHot = c >= cold.length || (h < hot.length && dir * timeOrder(hot[h]!, cold[c]!) <= 0);
    merged.push(takeHot ? { hot: hot[h++]! } : { cold: cold[c++]! });
  }
  const page = merged.slice(offset);
  const unread = page.flatMap((m) => ('cold' in m && !m.cold.attempt ? [m.cold] : []));
  const read = new Map((await coldAttempts(db, unread)).map((a) => [a.id, a]));
  return page.map((m) => ('hot' in m ? m.hot : (m.cold.attempt ?? read.get(m.cold.id)!)));
}

async function hotQuery(filter: JournalFilter, opts: QueryOptions, db: TenthDb): Promise<Attempt[]> {
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
  if ((await coldIndex(db)).size > 0) return (await queryAttempts(filter, opts, db)).map((a) => a.id);
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
  const cold = (await coldIndex(db)).count(filter);
  return cold + (await hotCount(filter, db));
}

async function hotCount(filter: JournalFilter | null | undefined, db: TenthDb): Promise<number> {
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
  const index = await coldIndex(db);
  const hot = hasIndex(db, field) ? ((await db.attempts.orderBy(field).uniqueKeys()) as string[]) : [];
  if (index.size === 0) return hot;
  return [...new Set([...hot, ...index.distinct(field)])].sort();
}

/** Judge calls that graded any of these attempts (by their `judgeOf`); none when an older schema lacks the index. */
export async function attemptsJudging(ids: readonly string[], db: TenthDb = getDb()): Promise<Attempt[]> {
  const index = await coldIndex(db);
  const subjects = new Set(ids);
  const cold = index.size ? await coldAttempts(db, index.select(null).filter((r) => r.judgeOf !== null && subjects.has(r.judgeOf))) : [];
  if (!hasIndex(db, 'judgeOf')) return cold;
  const out: Attempt[] = [...cold];
  // Bounded key lists per read: anyOf sorts its keys and walks one cursor over them.
  for (let i = 0; i < ids.length; i += 5000) out.push(...(await db.attempts.where('judgeOf').anyOf(ids.slice(i, i + 5000)).toArray()));
  return out;
}

// ---------------------------------------------------------------------------
// Scans in id order

export const DEFAULT_PAGE_SIZE = 2000;

export interface Selection {
  /** Sorted, unique ids of the candidates in `attempts`; null for all of them (paged by id). */
  keys: string[] | null;
  /** The paged attempts of the filter (their columns decided exactly), in id order. */
  paged: PagedRow[];
  /** Candidates: exact for the whole journal, an upper bound when conditions remain to check. */
  total: number;
  /** Which index serves the filter, for progress text and benchmarks. */
  access: string;
}

/** The candidates of a filter, found once (keys only), for a scan or two of the same selection. */
export async function selectAttempts(filter: JournalFilter | null | undefined, db: TenthDb = getDb()): Promise<Selection> {
  const paged = (await coldIndex(db)).select(filter).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hot = await hotSelection(filter, db);
  return { ...hot, paged, total: hot.total + paged.length };
}

async function hotSelection(filter: JournalFilter | null | undefined, db: TenthDb): Promise<Omit<Selection, 'paged'>> {
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
  for await (const page of mergedScan(filter, opts, db, (rows) => coldAttempts(db, rows))) yield page;
}

/**
 * `scanAttempts` for an export: a paged attempt comes as a slice of its page's
 * bytes (its canonical line, the interchange format's bytes, with its "\n"),
 * which the exporter writes as it is instead of parsing and writing it again.
 */
export async function* scanAttemptsOrSlices(filter: JournalFilter | null | undefined, opts: ScanOptions = {}, db: TenthDb = getDb()): AsyncGenerator<(Attempt | PageSlice)[]> {
  for await (const page of mergedScan<PageSlice>(filter, opts, db, (rows) => coldSlices(db, rows))) yield page;
}

async function* mergedScan<C extends { id: string }>(
  filter: JournalFilter | null | undefined,
  opts: ScanOptions,
  db: TenthDb,
  read: (rows: PagedRow[]) => Promise<C[]>,
): AsyncGenerator<(Attempt | C)[]> {
  const size = Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE);
  const sel = opts.selection ?? (await selectAttempts(filter, db));
  const paged = sel.paged;
  let p = 0;
  const mergeUpTo = async (rows: Attempt[], last: string | null): Promise<(Attempt | C)[]> => {
    let end = p;
    while (end < paged.length && (last === null || paged[end]!.id <= last)) end++;
    if (end === p) return rows;
    const cold = await read(paged.slice(p, end));
    p = end;
    const out: (Attempt | C)[] = [];
    let h = 0;
    let c = 0;
    while (h < rows.length || c < cold.length) {
      if (c >= cold.length || (h < rows.length && rows[h]!.id < cold[c]!.id)) out.push(rows[h++]!);
      else out.push(cold[c++]!);
    }
    return out;
  };
  for await (const { rows, last } of hotScan(filter, size, sel, opts.signal, db)) {
    const out = await mergeUpTo(rows, last);
    // Paged attempts merged in can make a page longer than asked for.
    for (let i = 0; i < out.length; i += size) {
      if (i > 0) opts.signal?.throwIfAborted();
      yield out.slice(i, i + size);
    }
  }
  while (p < paged.length) {
    opts.signal?.throwIfAborted();
    const out = await mergeUpTo([], paged[Math.min(p + size, paged.length) - 1]!.id);
    if (out.length) yield out;
  }
}

/** Pages of the hot store's attempts in id order, each with the last id it covered (checked rows only). */
async function* hotScan(
  filter: JournalFilter | null | undefined,
  size: number,
  sel: Selection,
  signal: AbortSignal | undefined,
  db: TenthDb,
): AsyncGenerator<{ rows: Attempt[]; last: string }> {
  const keep = compileFilter(filter);
  if (sel.keys === null) {
    let last: string | null = null;
    for (;;) {
      signal?.throwIfAborted();
      const page: Attempt[] = await (last === null ? db.attempts.orderBy(':id').limit(size).toArray() : db.attempts.where(':id').above(last).limit(size).toArray());
      if (page.length === 0) return;
      last = page[page.length - 1]!.id;
      yield { rows: page.filter(keep), last };
      if (page.length < size) return;
    }
  }
  for (let i = 0; i < sel.keys.length; i += size) {
    signal?.throwIfAborted();
    const keys = sel.keys.slice(i, i + size);
    const rows = (await db.attempts.bulkGet(keys)).filter((a): a is Attempt => a !== undefined && keep(a));
    yield { rows, last: keys[keys.length - 1]! };
  }
}
