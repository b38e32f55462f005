/**
 * At start-up: attempts left pending by a page or app that is gone become
 * `interrupted` (PRODUCT.md), and so do the runs they belonged to.
 */
import { recoverInterrupted } from '../../../shared/engine';
import { getDb, type TenthDb } from '../db/db';
import { journalTransaction, modifyAttempts, queryAttempts } from '../db/journal';
import { liveOwners } from './owner';

export async function recoverInterruptedWork(db: TenthDb = getDb()): Promise<{ attempts: number; runs: number }> {
  const alive = await liveOwners();
  const pending = await queryAttempts({ statuses: ['pending'] }, {}, db);
  const interrupted = recoverInterrupted(pending, (o) => alive.has(o), Date.now());
  const openRuns = (await db.runs.toArray()).filter((r) => r.status === 'running' || r.status === 'paused');
  const deadRuns = openRuns.filter((r) => !r.owner || !alive.has(r.owner));
  let attempts = 0;
  let runs = 0;
  const byId = new Map(interrupted.map((a) => [a.id, a]));
  await journalTransaction(
    [db.runs],
    async () => {
      // Re-read inside the transaction: a record finished since the scan above
      // (by a tab that opened meanwhile) must not be overwritten.
      attempts = await modifyAttempts(
        [...byId.keys()],
        (current) => {
          const a = byId.get(current.id)!;
          return current.status === 'pending' && current.owner === a.owner ? a : null;
        },
        db,
      );
      for (const r of deadRuns) {
        const now = await db.runs.get(r.id);
        if (now && (now.status === 'running' || now.status === 'paused') && now.owner === r.owner) {
          await db.runs.put({ ...now, status: 'interrupted', endedAt: now.endedAt ?? Date.now() });
          runs++;
        }
      }
    },
    db,
  );
  return { attempts, runs };
}
