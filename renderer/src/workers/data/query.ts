/**
 * Reading the attempts of a JournalFilter from Dexie in pages, through an index.
 *
 * Whole journal: pages walk the primary key (`id > last` limit N), so memory
 * holds one page whatever the journal's size. A selection: the best index for
 * the filter gives the matching primary keys (strings only, ~40 bytes each),
 * which are then read back in pages with bulkGet and checked against the rest
 * of the filter. True cursor paging on a non-unique index would need the
 * primary key in the index (IDBCursor.continuePrimaryKey); our indexes don't
 * carry it, and a run queues many attempts in the same millisecond, so paging
 * on `[runId+queuedAt]` alone could not tell where a page ended.
 *
 * Either way the order is the primary key's (ULIDs: time order), so two
 * exports of the same data are the same bytes.
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import { compileFilter, isEmptyFilter, type JournalFilter } from '../../../../shared/journal/filter';
import type { TenthDb } from '../../db/db';

export const DEFAULT_PAGE_SIZE = 2000;

type AttemptCollection = ReturnType<TenthDb['attempts']['toCollection']>;

function hasIndex(db: TenthDb, name: string): boolean {
  return Boolean(db.attempts.schema.idxByName[name]);
}

const has = (l: readonly string[] | null | undefined): l is readonly string[] => Array.isArray(l) && l.length > 0;

/**
 * The index that serves a filter, most selective first: runs, prompt versions,
 * prompts, models, failure classes, statuses (each with the date range through
 * its compound `[x+queuedAt]` index where there is one), tags, providers, dates.
 * The conditions not applied here are checked on each row afterwards.
 */
export function indexFor(db: TenthDb, f: JournalFilter): { collection: AttemptCollection | null; access: string } {
  const t = db.attempts;
  const lo = f.from ?? -Infinity;
  const hi = f.to ?? Infinity;
  const dated = (f.from ?? null) !== null || (f.to ?? null) !== null;
  const ranged = (index: string, values: readonly string[]) => {
    const ranges = values.map((v) => [[v, lo], [v, hi]] as [[string, number], [string, number]]);
    return { collection: t.where(index).inAnyRange(ranges, { includeLowers: true, includeUppers: true }), access: `index ${index}` };
  };
  const byValues = (field: string, values: readonly string[], compound: string) => {
    if (dated && hasIndex(db, compound)) return ranged(compound, values);
    if (hasIndex(db, field)) return { collection: t.where(field).anyOf([...values]), access: `index ${field}` };
    return null;
  };
  const choices: (() => { collection: AttemptCollection | null; access: string } | null)[] = [
    () => (has(f.runIds) ? byValues('runId', f.runIds, '[runId+queuedAt]') : null),
    () => (has(f.promptVersions) && hasIndex(db, 'promptVersion') ? { collection: t.where('promptVersion').anyOf([...f.promptVersions]), access: 'index promptVersion' } : null),
    () => (has(f.promptIds) ? byValues('promptId', f.promptIds, '[promptId+queuedAt]') : null),
    () => (has(f.models) ? byValues('model', f.models, '[model+queuedAt]') : null),
    () => (has(f.failureClasses) && hasIndex(db, 'failure.class') ? { collection: t.where('failure.class').anyOf([...f.failureClasses]), access: 'index failure.class' } : null),
    () => (has(f.statuses) ? byValues('status', f.statuses, '[status+queuedAt]') : null),
    () => (has(f.tags) && hasIndex(db, 'tags') ? { collection: t.where('tags').anyOf([...f.tags]), access: 'index tags' } : null),
    () => (has(f.providerIds) && hasIndex(db, 'providerId') ? { collection: t.where('providerId').anyOf([...f.providerIds]), access: 'index providerId' } : null),
    () => (dated ? { collection: t.where('queuedAt').between(lo, hi, true, true), access: 'index queuedAt' } : null),
  ];
  for (const choose of choices) {
    const c = choose();
    if (c) return c;
  }
  return { collection: null, access: 'all attempts' };
}

export interface Selection {
  /** Sorted, unique primary keys of the candidates; null for the whole journal (paged by primary key). */
  keys: string[] | null;
  /** Candidates: exact for the whole journal, an upper bound when conditions remain to check. */
  total: number;
  access: string;
}

export async function selectAttempts(db: TenthDb, filter: JournalFilter | null | undefined): Promise<Selection> {
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

export interface PageOptions {
  pageSize?: number;
  signal?: AbortSignal;
}

/** The filter's attempts, one page (≤ pageSize) at a time, in primary-key order. */
export async function* attemptPages(db: TenthDb, filter: JournalFilter | null | undefined, selection?: Selection, opts: PageOptions = {}): AsyncGenerator<Attempt[]> {
  const size = Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE);
  const sel = selection ?? (await selectAttempts(db, filter));
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

/** Every attempt of the pages, one by one (what the exporters take). */
export async function* attemptsOf(pages: AsyncIterable<Attempt[]>): AsyncGenerator<Attempt> {
  for await (const page of pages) yield* page;
}
