/**
 * Writes to the attempts journal. Each is atomic on its own; several writes
 * (and writes to other tables) share one transaction inside
 * `journalTransaction`, and the calls made in its callback join it.
 */
import Dexie, { type Table } from 'dexie';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db';

/** Writes an attempt whole, over any record with its id (the run engine's `pending` record). */
export async function putAttempt(a: Attempt, db: TenthDb = getDb()): Promise<void> {
  await db.attempts.put(a);
}

/**
 * Writes an attempt's finished record over its pending one, keeping what a
 * person added while it streamed: their grades (the finished record's own are
 * appended unless already there), notes and tags.
 */
export async function finishAttempt(a: Attempt, db: TenthDb = getDb()): Promise<void> {
  await db.transaction('rw', db.attempts, async () => {
    const stored = await db.attempts.get(a.id);
    const grades = [...(stored?.grades ?? []), ...a.grades.filter((g) => !stored?.grades.some((s) => s.at === g.at && s.name === g.name))];
    await db.attempts.put({
      ...a,
      grades,
      notes: stored?.notes ?? a.notes,
      tags: stored?.tags ?? a.tags,
    });
  });
}

/**
 * Adds attempts in one transaction, skipping ids the journal already has: a
 * merge never overwrites a record. Returns how many were added.
 */
export async function addAttempts(list: readonly Attempt[], db: TenthDb = getDb()): Promise<number> {
  if (list.length === 0) return 0;
  return db.transaction('rw', db.attempts, async () => {
    try {
      await db.attempts.bulkAdd([...list]);
      return list.length;
    } catch (e) {
      // bulkAdd leaves out the records that failed and, caught inside the
      // transaction, commits the rest: an existing id fails with ConstraintError.
      if (!(e instanceof Dexie.BulkError) || e.failures.some((f) => f.name !== 'ConstraintError')) throw e;
      return list.length - e.failures.length;
    }
  });
}

export type AttemptPatch = Partial<Omit<Attempt, 'id'>>;

/** Sets some fields of an attempt. Returns false when the journal does not have it. */
export async function updateAttempt(id: string, patch: AttemptPatch, db: TenthDb = getDb()): Promise<boolean> {
  return (await db.attempts.update(id, patch)) > 0;
}

/**
 * Reads these attempts and writes back what `change` returns for each, in one
 * transaction, so no write lands between the read and the write. `change`
 * returns the new record (same id), or null to leave the attempt as it is;
 * ids not in the journal are skipped. Returns how many attempts were written.
 */
export async function modifyAttempts(ids: readonly string[], change: (a: Attempt) => Attempt | null, db: TenthDb = getDb()): Promise<number> {
  if (ids.length === 0) return 0;
  return db.transaction('rw', db.attempts, async () => {
    const rows = await db.attempts.bulkGet([...ids]);
    const updated: Attempt[] = [];
    for (const a of rows) {
      if (!a) continue;
      const next = change(a);
      if (next === null) continue;
      if (next.id !== a.id) throw new Error(`modifyAttempts: ${a.id} came back as ${next.id}.`);
      updated.push(next);
    }
    if (updated.length) await db.attempts.bulkPut(updated);
    return updated.length;
  });
}

/**
 * Runs `fn` in one read-write transaction over the journal and `others` (other
 * tables of the same database): journal calls made in `fn` with this `db` join
 * it, so the journal and those tables change together or not at all. `fn` may
 * await only database calls (an IndexedDB transaction ends at the first other await).
 */
export function journalTransaction<T>(others: readonly Table[], fn: () => Promise<T>, db: TenthDb = getDb()): Promise<T> {
  return db.transaction('rw', [db.attempts, ...others], fn);
}
