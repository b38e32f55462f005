/**
 * The run engine's journal sink in the app: every attempt is put in Dexie as
 * `pending` before its request leaves, then replaced by its finished record.
 * The database is opened with strict durability (db.ts), so a write that
 * resolved survives a crash.
 */
import type { JournalSink } from '../../../shared/engine';
import type { Attempt, Run } from '../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db/db';

export function dexieSink(db: TenthDb = getDb()): JournalSink {
  return {
    writePending: async (a: Attempt) => {
      await db.attempts.put(a);
    },
    writeFinished: async (a: Attempt) => {
      await db.attempts.put(a);
    },
    writeRun: async (run: Run) => {
      await db.runs.put(run);
    },
  };
}
