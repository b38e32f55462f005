/**
 * At start-up: attempts left pending by a page or app that is gone become
 * `interrupted` (PRODUCT.md), and so do the runs they belonged to.
 */
import { recoverInterrupted } from '../../../shared/engine';
import { getDb, type TenthDb } from '../db/db';
import { liveOwners } from './owner';

export async function recoverInterruptedWork(db: TenthDb = getDb()): Promise<{ attempts: number; runs: number }> {
  const alive = await liveOwners();
  const pending = await db.attempts.where('status').equals('pending').toArray();
  const interrupted = recoverInterrupted(pending, (o) => alive.has(o), Date.now());
  const openRuns = (await db.runs.toArray()).filter((r) => r.status === 'running' || r.status === 'paused');
  const deadRuns = openRuns.filter((r) => !r.owner || !alive.has(r.owner));
  let attempts = 0;
  let runs = 0;
  await db.transaction('rw', db.attempts, db.runs, async () => {
    // Re-read inside the transaction: a record finished since the scan above
    // (by a tab that opened meanwhile) must not be overwritten.
    const current = await db.attempts.bulkGet(interrupted.map((a) => a.id));
    const still = interrupted.filter((a, i) => current[i]?.status === 'pending' && current[i]?.owner === a.owner);
    if (still.length) await db.attempts.bulkPut(still);
    attempts = still.length;
    for (const r of deadRuns) {
      const now = await db.runs.get(r.id);
      if (now && (now.status === 'running' || now.status === 'paused') && now.owner === r.owner) {
        await db.runs.put({ ...now, status: 'interrupted', endedAt: now.endedAt ?? Date.now() });
        runs++;
      }
    }
  });
  return { attempts, runs };
}
