/**
 * The journal's change feed: which attempts a committed transaction created,
 * changed or deleted, from Dexie hooks on this connection. The journal page's
 * worker and the automatic checks are kept current with it.
 */
import { liveQuery } from 'dexie';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db';
import { coldIndex, PAGES_VERSION_KEY, STAGING_KEY } from './cold';

type ChangeListener = (ids: string[], finished: string[]) => void;
const listeners = new Set<ChangeListener>();
const hooked = new WeakSet<TenthDb>();

/**
 * Calls `fn` after each committed transaction that created, changed or deleted
 * attempts, with their ids and the ids that went from `pending` to a final
 * status (finished attempts, for automatic checks). Returns an unsubscribe.
 *
 * Hooks see this connection's writes only. Pages written or rewritten in
 * another context (an import in the data worker, another tab) are seen
 * through a live query on the page ids, which Dexie re-runs after any
 * context's commit: their attempts are reported as changed.
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
    // Attempts added in pages (an import): each new page's ids. A page
    // rewritten without a moved attempt lists the rest again, which only makes
    // a listener read them once more.
    if (db.tables.some((t) => t.name === 'attemptColumns')) {
      db.attemptColumns.hook('creating', function (_primKey, obj, tx) {
        for (const id of obj.ids) note(tx, id, false);
      });
      watchPages(db);
    }
  }
  return () => listeners.delete(fn);
}

/** Reports the attempts of pages that became visible in any context (see onAttemptsChanged). */
function watchPages(db: TenthDb): void {
  let known: Set<string> | null = null;
  // Re-runs after any context commits new or removed pages (the pages version), or an import's commit (the staging list).
  liveQuery(async () => {
    await db.meta.bulkGet([PAGES_VERSION_KEY, STAGING_KEY]);
    return Date.now();
  }).subscribe({
    next: () => {
      void (async () => {
        const index = await coldIndex(db).catch(() => null);
        if (!index) return;
        const visible = new Set(index.pageIds());
        const before = known;
        known = visible;
        if (before === null) return;
        // A page that went was rewritten or emptied by a write that moved its
        // attempts to records of their own; that write's context reports them.
        const ids = [...visible].filter((k) => !before.has(k)).flatMap((k) => [...(index.idsOfPage(k) ?? [])]);
        if (ids.length) for (const l of listeners) l(ids, []);
      })();
    },
    error: () => undefined,
  });
}
