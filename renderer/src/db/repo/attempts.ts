/**
 * Journal reads through Dexie's indexes: a page of attempts in time order for
 * the filters one index can serve, without loading the rest; helpers for the
 * attempt detail (retry chain, judge calls) and the grading queue; and a
 * change feed (Dexie hooks) the journal's worker is kept current with.
 */
import Dexie from 'dexie';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db';
import type { JournalFilter } from '../../workers/journal/query';

type AttemptCollection = ReturnType<TenthDb['attempts']['toCollection']>;

/**
 * The collection for a filter that `needsWorker` says indexes can serve (one
 * equality filter at most, time order). Ordered oldest first; reverse for newest.
 */
export function indexedCollection(f: JournalFilter, newestFirst: boolean, db: TenthDb = getDb()): AttemptCollection {
  const lo = f.from ?? -Infinity;
  const hi = f.to ?? Infinity;
  const ranged = f.from !== undefined || f.to !== undefined;
  const compound = (
    [
      ['promptId', '[promptId+queuedAt]'],
      ['model', '[model+queuedAt]'],
      ['runId', '[runId+queuedAt]'],
      ['status', '[status+queuedAt]'],
    ] as const
  ).find(([k]) => f[k] !== undefined);
  let c: AttemptCollection;
  if (compound) {
    const v = f[compound[0]]!;
    c = db.attempts.where(compound[1]).between([v, ranged ? lo : Dexie.minKey], [v, ranged ? hi : Dexie.maxKey], true, true);
  } else if (f.promptVersion !== undefined) c = db.attempts.where('promptVersion').equals(f.promptVersion);
  else if (f.providerId !== undefined) c = db.attempts.where('providerId').equals(f.providerId);
  else if (f.failureClass !== undefined) c = db.attempts.where('failure.class').equals(f.failureClass);
  else if (f.tag !== undefined) c = db.attempts.where('tags').equals(f.tag);
  else if (ranged) c = db.attempts.where('queuedAt').between(lo, hi, true, true);
  else c = db.attempts.orderBy('queuedAt');
  // Single-field indexes order equal keys by primary key: ULIDs, i.e. queue time.
  return newestFirst ? c.reverse() : c;
}

export async function indexedCount(f: JournalFilter): Promise<number> {
  return indexedCollection(f, true).count();
}

export async function indexedPage(f: JournalFilter, newestFirst: boolean, offset: number, limit: number): Promise<Attempt[]> {
  return indexedCollection(f, newestFirst).offset(offset).limit(limit).toArray();
}

export async function attemptsByIds(ids: readonly string[]): Promise<Attempt[]> {
  const list = await getDb().attempts.bulkGet([...ids]);
  return list.filter((a): a is Attempt => a !== undefined);
}

/** Distinct values of an index, for filter choices (key-only reads). */
export async function distinctModels(): Promise<string[]> {
  return (await getDb().attempts.orderBy('model').uniqueKeys()) as string[];
}
export async function distinctTags(): Promise<string[]> {
  return (await getDb().attempts.orderBy('tags').uniqueKeys()) as string[];
}

/** The retry chain around an attempt: the ones it retried (oldest first) and the retries of it. */
export async function retryChain(a: Attempt): Promise<{ before: Attempt[]; after: Attempt[] }> {
  const db = getDb();
  const before: Attempt[] = [];
  let cur = a.retryOf;
  while (cur && before.length < 20) {
    const prev = await db.attempts.get(cur);
    if (!prev) break;
    before.unshift(prev);
    cur = prev.retryOf;
  }
  // Retries live in the same run; no index on retryOf, so walk the run's attempts.
  const sameRun = await db.attempts.where('runId').equals(a.runId).toArray();
  const byRetryOf = new Map<string, Attempt[]>();
  for (const x of sameRun) if (x.retryOf) (byRetryOf.get(x.retryOf) ?? byRetryOf.set(x.retryOf, []).get(x.retryOf)!).push(x);
  const after: Attempt[] = [];
  const queue = [a.id];
  while (queue.length && after.length < 20) {
    for (const r of byRetryOf.get(queue.shift()!) ?? []) {
      after.push(r);
      queue.push(r.id);
    }
  }
  return { before, after };
}

/** Judge calls that graded this attempt, found through its judge grades. */
export async function judgeCallsOf(a: Attempt): Promise<Attempt[]> {
  const ids = a.grades.flatMap((g) => g.judgeAttemptIds ?? []);
  return ids.length ? attemptsByIds(ids) : [];
}

export interface QueueScope {
  runId?: string;
  promptId?: string;
}

/** `ok` attempts of a run or prompt with no human grade yet, oldest first: the hand-grading queue. */
export async function ungradedQueue(scope: QueueScope, limit = 500): Promise<string[]> {
  const db = getDb();
  const coll = scope.runId
    ? db.attempts.where('[runId+queuedAt]').between([scope.runId, Dexie.minKey], [scope.runId, Dexie.maxKey])
    : db.attempts.where('[promptId+queuedAt]').between([scope.promptId ?? '', Dexie.minKey], [scope.promptId ?? '', Dexie.maxKey]);
  const list = await coll.filter((a) => a.status === 'ok' && !a.judgeOf && !a.grades.some((g) => g.source === 'human' && (g.pass !== null || g.score !== null))).limit(limit).toArray();
  return list.map((a) => a.id);
}

export async function setNotes(id: string, notes: string): Promise<void> {
  await getDb().attempts.update(id, { notes });
}

export async function setTags(id: string, tags: string[]): Promise<void> {
  const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  await getDb().attempts.update(id, { tags: clean });
}

type ChangeListener = (ids: string[], finished: string[]) => void;
const listeners = new Set<ChangeListener>();
const hooked = new WeakSet<TenthDb>();

/**
 * Calls `fn` after each committed transaction that created, changed or deleted
 * attempts, with their ids and the ids that went from `pending` to a final
 * status (finished attempts, for automatic checks). Returns an unsubscribe.
 */
export function onAttemptsChanged(fn: ChangeListener, db: TenthDb = getDb()): () => void {
  listeners.add(fn);
  if (!hooked.has(db)) {
    hooked.add(db);
    const pendingByTx = new WeakMap<object, { ids: Set<string>; finished: Set<string> }>();
    const note = (tx: { on(event: 'complete', fn: () => void): void }, id: string, finished: boolean) => {
      let entry = pendingByTx.get(tx);
      if (!entry) {
        const fresh = { ids: new Set<string>(), finished: new Set<string>() };
        entry = fresh;
        pendingByTx.set(tx, fresh);
        tx.on('complete', () => {
          const ids = [...fresh.ids];
          const done = [...fresh.finished];
          for (const l of listeners) l(ids, done);
        });
      }
      entry.ids.add(id);
      if (finished) entry.finished.add(id);
    };
    db.attempts.hook('creating', function (primKey, obj, tx) {
      note(tx, (primKey as string) ?? obj.id, false);
    });
    db.attempts.hook('updating', function (mods, primKey, obj, tx) {
      const next = (mods as Partial<Attempt>).status;
      const finished = obj.status === 'pending' && next !== undefined && next !== 'pending';
      note(tx, primKey as string, finished);
    });
    db.attempts.hook('deleting', function (primKey, _obj, tx) {
      note(tx, primKey as string, false);
    });
  }
  return () => listeners.delete(fn);
}
