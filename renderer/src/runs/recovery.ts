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
  await db.transaction('rw', db.attempts, db.runs, async () => {
    if (interrupted.length) await db.attempts.bulkPut(interrupted);
    for (const r of deadRuns) await db.runs.put({ ...r, status: 'interrupted', endedAt: r.endedAt ?? Date.now() });
  });
  return { attempts: interrupted.length, runs: deadRuns.length };
}
