/**
 * Marking attempts left `pending` by a process that is gone (PRODUCT.md:
 * `interrupted` = the app stopped before it finished; set at the next start).
 */
import type { Attempt } from '../domain/schemas';

/**
 * Given journal records (several records of one id allowed: the last one
 * wins, as in the JSONL journal), returns the attempts to rewrite as
 * `interrupted`: those whose latest record is `pending` and whose owner is not
 * alive. A pending record with no owner has no process that could still
 * finish it, so it counts as orphaned too.
 *
 * The returned records keep everything the pending record had (queue time,
 * target, price) and add `endedAt` = `now` when given, so the journal shows
 * when the interruption was noticed; timings stay null because nothing was
 * measured.
 */
export function recoverInterrupted(
  records: readonly Attempt[],
  isOwnerAlive: (owner: string) => boolean,
  now: number | null = null,
): Attempt[] {
  const latest = new Map<string, Attempt>();
  for (const a of records) latest.set(a.id, a);
  const verdicts = new Map<string, boolean>();
  const out: Attempt[] = [];
  for (const a of latest.values()) {
    if (a.status !== 'pending') continue;
    if (a.owner !== undefined) {
      let alive = verdicts.get(a.owner);
      if (alive === undefined) {
        alive = isOwnerAlive(a.owner);
        verdicts.set(a.owner, alive);
      }
      if (alive) continue;
    }
    out.push({ ...a, status: 'interrupted', failure: null, endedAt: now ?? a.endedAt });
  }
  return out;
}
