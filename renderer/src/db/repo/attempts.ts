/**
 * Helpers for the attempt detail (retry chain, judge calls), the grading queue
 * and a person's notes and tags, over the attempts journal (../journal).
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import { getAttempt, getAttempts, attemptIds, queryAttempts, updateAttempt } from '../journal';

// The change feed lives in the journal; features/stats still imports it from here until it is ported.

/** The retry chain around an attempt: the ones it retried (oldest first) and the retries of it. */
export async function retryChain(a: Attempt): Promise<{ before: Attempt[]; after: Attempt[] }> {
  const before: Attempt[] = [];
  let cur = a.retryOf;
  while (cur && before.length < 20) {
    const prev = await getAttempt(cur);
    if (!prev) break;
    before.unshift(prev);
    cur = prev.retryOf;
  }
  // Retries live in the same run; no index on retryOf, so walk the run's attempts.
  const sameRun = await queryAttempts({ runIds: [a.runId] });
  const byRetryOf = new Map<string, Attempt[]>();
  for (const x of sameRun) if (x.retryOf) (byRetryOf.get(x.retryOf) ?? byRetryOf.set(x.retryOf, []).get(x.retryOf)!).push(x);
  const after: Attempt[] = [];
  const queue = [a.id];
  while (queue.length && after.length < 20) {
    for (const r of byRetryOf.get(queue.shift()!) ?? []) {
      after.push(r);
      queue.push(r.id);
    }
  }
  return { before, after };
}

/** Judge calls that graded this attempt, found through its judge grades. */
export async function judgeCallsOf(a: Attempt): Promise<Attempt[]> {
  const ids = a.grades.flatMap((g) => g.judgeAttemptIds ?? []);
  return ids.length ? getAttempts(ids) : [];
}

export interface QueueScope {
  runId?: string;
  promptId?: string;
}

/** `ok` attempts of a run or prompt with no human grade yet, oldest first: the hand-grading queue. */
export async function ungradedQueue(scope: QueueScope, limit = 500): Promise<string[]> {
  const filter = scope.runId ? { runIds: [scope.runId] } : { promptIds: [scope.promptId ?? ''] };
  const ungraded = (a: Attempt) => a.status === 'ok' && !a.judgeOf && !a.grades.some((g) => g.source === 'human' && (g.pass !== null || g.score !== null));
  return attemptIds(filter, { where: ungraded, limit });
}

export async function setNotes(id: string, notes: string): Promise<void> {
  await updateAttempt(id, { notes });
}

export async function setTags(id: string, tags: string[]): Promise<void> {
  const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  await updateAttempt(id, { tags: clean });
}
