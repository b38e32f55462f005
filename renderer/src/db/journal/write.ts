/**
 * Writes to the attempts journal. Each is atomic on its own; several writes
 * (and writes to other tables) share one transaction inside
 * `journalTransaction`, and the calls made in its callback join it.
 */
import Dexie, { type Table } from 'dexie';
import type { Attempt } from '../../../../shared/domain/schemas';
import type { CanonicalForm } from '../../../../shared/journal/jsonl';
import { getDb, type TenthDb } from '../db';
import { coldByIds, coldIndex, journalTables, unpage, writePages } from './cold';

/**
 * Writes an attempt whole, over any record with its id (the run engine's
 * `pending` record). An attempt in a page leaves it (./cold.ts: an id is in
 * one store).
 */
export async function putAttempt(a: Attempt, db: TenthDb = getDb()): Promise<void> {
  await db.transaction('rw', journalTables(db), async () => {
    if ((await coldIndex(db)).has(a.id)) await unpage(db, [a.id]);
    await db.attempts.put(a);
  });
}

/**
 * Writes an attempt's finished record over its pending one, keeping what a
 * person added while it streamed: their grades (the finished record's own are
 * appended unless already there), notes and tags.
 */
export async function finishAttempt(a: Attempt, db: TenthDb = getDb()): Promise<void> {
  await db.transaction('rw', journalTables(db), async () => {
    const stored = (await db.attempts.get(a.id)) ?? ((await coldIndex(db)).has(a.id) ? (await unpage(db, [a.id]))[0] : undefined);
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
 * merge never overwrites a record. They are written in pages of up to 500
 * (an import's batch is a few page writes instead of thousands of records
 * with 16 index entries each). `lines`, when given, are their canonical lines
 * (the import has them from validation: text, or UTF-8 bytes as read from the
 * file when they already were canonical); `staged`, an import staging them
 * (./cold.ts beginStaging). Returns how many were added.
 */
export async function addAttempts(list: readonly Attempt[], db: TenthDb = getDb(), opts: { lines?: readonly CanonicalForm[]; staged?: string } = {}): Promise<number> {
  const lines = opts.lines;
  if (list.length === 0) return 0;
  if (!journalTables(db).includes(db.attemptColumns)) return addHot(list, db);
  return db.transaction('rw', journalTables(db), async () => {
    const ids = list.map((a) => a.id);
    const hot = new Set((await db.attempts.where(':id').anyOf(ids).primaryKeys()) as string[]);
    const index = await coldIndex(db);
    const seen = new Set<string>();
    const fresh: Attempt[] = [];
    const freshLines: CanonicalForm[] = [];
    list.forEach((a, i) => {
      if (hot.has(a.id) || index.has(a.id) || seen.has(a.id)) return;
      seen.add(a.id);
      fresh.push(a);
      if (lines) freshLines.push(lines[i]!);
    });
    if (fresh.length) await writePages(db, fresh, lines ? freshLines : undefined, opts.staged);
    return fresh.length;
  });
}

/** addAttempts for a database without pages (an older schema in a test). */
async function addHot(list: readonly Attempt[], db: TenthDb): Promise<number> {
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
  return (await modifyAttempts([id], (a) => ({ ...a, ...patch, id: a.id }), db)) > 0;
}

/**
 * Reads these attempts and writes back what `change` returns for each, in one
 * transaction, so no write lands between the read and the write. `change`
 * returns the new record (same id), or null to leave the attempt as it is;
 * ids not in the journal are skipped. Returns how many attempts were written.
 */
export async function modifyAttempts(ids: readonly string[], change: (a: Attempt) => Attempt | null, db: TenthDb = getDb()): Promise<number> {
  if (ids.length === 0) return 0;
  return db.transaction('rw', journalTables(db), async () => {
    const rows = await db.attempts.bulkGet([...ids]);
    const missing = ids.filter((_, i) => rows[i] === undefined);
    const cold = missing.length ? await coldByIds(db, missing) : new Map<string, Attempt>();
    const updated: Attempt[] = [];
    const moved: string[] = [];
    ids.forEach((id, i) => {
      const a = rows[i] ?? cold.get(id);
      if (!a) return;
      const next = change(a);
      if (next === null) return;
      if (next.id !== a.id) throw new Error(`modifyAttempts: ${a.id} came back as ${next.id}.`);
      updated.push(next);
      if (!rows[i]) moved.push(id);
    });
    // A changed paged attempt leaves its page for a record of its own.
    if (moved.length) await unpage(db, moved);
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
  return db.transaction('rw', [...new Set([...journalTables(db), ...others])], fn);
}
