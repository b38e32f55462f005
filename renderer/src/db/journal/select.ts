/**
 * Which Dexie index serves a filter. Two shapes of read need two choices:
 *
 * - In time order (a journal page, a run's attempts): an index whose order is
 *   queue time for the filter — a compound `[x+queuedAt]` for one value of x,
 *   a single-field index for one value (equal keys are in primary-key order:
 *   ULIDs, i.e. queue time), `queuedAt` itself — so a page is an offset and a
 *   limit on the index, never the whole set.
 * - In id order (exports, reports, a worker's index): the most selective index,
 *   whose primary keys are then read back in pages. True cursor paging on a
 *   non-unique index would need the primary key in the index
 *   (IDBCursor.continuePrimaryKey); ours don't carry it, and a run queues many
 *   attempts in the same millisecond, so paging on `[runId+queuedAt]` alone
 *   could not tell where a page ended.
 *
 * Conditions an index does not apply are checked on each row it returns.
 */
import Dexie from 'dexie';
import type { JournalFilter } from '../../../../shared/journal/filter';
import type { TenthDb } from '../db';

export type AttemptCollection = ReturnType<TenthDb['attempts']['toCollection']>;

type ListField = 'promptIds' | 'models' | 'runIds' | 'statuses' | 'promptVersions' | 'providerIds' | 'failureClasses' | 'tags';

/** Fields with a compound `[field+queuedAt]` index, in the order the journal has always preferred them. */
const COMPOUND: readonly [ListField, string, string][] = [
  ['promptIds', 'promptId', '[promptId+queuedAt]'],
  ['models', 'model', '[model+queuedAt]'],
  ['runIds', 'runId', '[runId+queuedAt]'],
  ['statuses', 'status', '[status+queuedAt]'],
];
/** Fields with a single-field index only. */
const SINGLE: readonly [ListField, string][] = [
  ['promptVersions', 'promptVersion'],
  ['providerIds', 'providerId'],
  ['failureClasses', 'failure.class'],
  ['tags', 'tags'],
];
const LIST_FIELDS: readonly ListField[] = [...COMPOUND.map(([f]) => f), ...SINGLE.map(([f]) => f)];

export function hasIndex(db: TenthDb, name: string): boolean {
  return Boolean(db.attempts.schema.idxByName[name]);
}

const has = (l: readonly string[] | null | undefined): l is readonly string[] => Array.isArray(l) && l.length > 0;
const isDated = (f: JournalFilter) => (f.from ?? null) !== null || (f.to ?? null) !== null;

/** How many conditions the filter sets (each list, and the date range as one). */
function conditions(f: JournalFilter): number {
  return LIST_FIELDS.filter((k) => has(f[k])).length + (isDated(f) ? 1 : 0);
}

export interface TimePlan {
  /** Oldest first. */
  collection: AttemptCollection;
  /** True when the index applies the whole filter (no row needs checking). */
  exact: boolean;
}

/**
 * A collection in queue-time order holding every attempt of the filter (and,
 * unless `exact`, others to check), or null when no index gives time order for
 * it (lists of several values only: those are read by id and sorted).
 */
export function timePlan(db: TenthDb, f: JournalFilter): TimePlan | null {
  const t = db.attempts;
  const dated = isDated(f);
  const lo = f.from ?? -Infinity;
  const hi = f.to ?? Infinity;
  const n = conditions(f);
  const one = (k: ListField): string | undefined => {
    const l = f[k];
    return l && l.length === 1 ? l[0] : undefined;
  };
  for (const [field, , index] of COMPOUND) {
    const v = one(field);
    if (v === undefined || !hasIndex(db, index)) continue;
    const collection = t.where(index).between([v, dated ? lo : Dexie.minKey], [v, dated ? hi : Dexie.maxKey], true, true);
    return { collection, exact: n === 1 + (dated ? 1 : 0) };
  }
  for (const [field, index] of SINGLE) {
    const v = one(field);
    if (v === undefined || !hasIndex(db, index)) continue;
    return { collection: t.where(index).equals(v), exact: n === 1 };
  }
  if (n === 0) return { collection: t.orderBy('queuedAt'), exact: true };
  if (n === 1 && dated) return { collection: t.where('queuedAt').between(lo, hi, true, true), exact: true };
  return null;
}

/**
 * The index that serves a filter read in id order, most selective first: runs,
 * prompt versions, prompts, models, failure classes, statuses (each with the
 * date range through its compound `[x+queuedAt]` index where there is one),
 * tags, providers, dates. An index missing from an older schema falls back to
 * the next choice; null is the whole journal.
 */
export function indexFor(db: TenthDb, f: JournalFilter): { collection: AttemptCollection | null; access: string } {
  const t = db.attempts;
  const lo = f.from ?? -Infinity;
  const hi = f.to ?? Infinity;
  const dated = isDated(f);
  const ranged = (index: string, values: readonly string[]) => {
    const ranges = values.map((v) => [[v, lo], [v, hi]] as [[string, number], [string, number]]);
    return { collection: t.where(index).inAnyRange(ranges, { includeLowers: true, includeUppers: true }), access: `index ${index}` };
  };
  const byValues = (field: string, values: readonly string[], compound: string) => {
    if (dated && hasIndex(db, compound)) return ranged(compound, values);
    if (hasIndex(db, field)) return { collection: t.where(field).anyOf([...values]), access: `index ${field}` };
    return null;
  };
  const byIndex = (index: string, values: readonly string[] | null | undefined) =>
    has(values) && hasIndex(db, index) ? { collection: t.where(index).anyOf([...values]), access: `index ${index}` } : null;
  const choices: (() => { collection: AttemptCollection | null; access: string } | null)[] = [
    () => (has(f.runIds) ? byValues('runId', f.runIds, '[runId+queuedAt]') : null),
    () => byIndex('promptVersion', f.promptVersions),
    () => (has(f.promptIds) ? byValues('promptId', f.promptIds, '[promptId+queuedAt]') : null),
    () => (has(f.models) ? byValues('model', f.models, '[model+queuedAt]') : null),
    () => byIndex('failure.class', f.failureClasses),
    () => (has(f.statuses) ? byValues('status', f.statuses, '[status+queuedAt]') : null),
    () => byIndex('tags', f.tags),
    () => byIndex('providerId', f.providerIds),
    () => (dated ? { collection: t.where('queuedAt').between(lo, hi, true, true), access: 'index queuedAt' } : null),
  ];
  for (const choose of choices) {
    const c = choose();
    if (c) return c;
  }
  return { collection: null, access: 'all attempts' };
}
