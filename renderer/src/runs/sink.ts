/**
 * The run engine's journal sink in the app: every attempt is put in Dexie as
 * `pending` before its request leaves, then its finished record replaces it.
 * The database is opened with strict durability (db.ts), so a write that
 * resolved survives a crash.
 */
import type { JournalSink } from '../../../shared/engine';
import type { Attempt, Run } from '../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db/db';
import { finishAttempt, putAttempt } from '../db/journal';

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
    writePending: (a: Attempt) => withRetries(() => putAttempt(a, db)),
    // A person may grade, tag or annotate an attempt while it streams: the
    // finished record keeps those rather than the pending snapshot's empty ones.
    writeFinished: (a: Attempt) => withRetries(() => finishAttempt(a, db)),
    writeRun: (run: Run) => withRetries(() => db.runs.put(run)).then(() => undefined),
  };
}
