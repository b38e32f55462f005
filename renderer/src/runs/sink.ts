/**
 * The run engine's journal sink in the app: every attempt is put in Dexie as
 * `pending` before its request leaves, then its finished record replaces it.
 * The database is opened with strict durability (db.ts), so a write that
 * resolved survives a crash.
 */
import type { JournalSink } from '../../../shared/engine';
import type { Attempt, Run } from '../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db/db';

/**
 * A short IndexedDB failure (an aborted transaction, a busy disk) must not lose
 * an answer that came back and was paid for: try a few times before giving up.
 */
async function withRetries<T>(write: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await write();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((r) => setTimeout(r, 50 * 4 ** (i - 1)));
    }
  }
}

export function dexieSink(db: TenthDb = getDb()): JournalSink {
  return {
    writePending: (a: Attempt) => withRetries(() => db.attempts.put(a)).then(() => undefined),
    // A person may grade, tag or annotate an attempt while it streams: the
    // finished record keeps those rather than the pending snapshot's empty ones.
    writeFinished: (a: Attempt) =>
      withRetries(() =>
        db.transaction('rw', db.attempts, async () => {
          const stored = await db.attempts.get(a.id);
          const grades = [...(stored?.grades ?? []), ...a.grades.filter((g) => !stored?.grades.some((s) => s.at === g.at && s.name === g.name))];
          await db.attempts.put({
            ...a,
            grades,
            notes: stored?.notes ?? a.notes,
            tags: stored?.tags ?? a.tags,
          });
        }),
      ),
    writeRun: (run: Run) => withRetries(() => db.runs.put(run)).then(() => undefined),
  };
}
