/**
 * Automatic checks in the app: run on every attempt that finishes in this
 * window (a Dexie hook sees it go from `pending` to final) and, on demand,
 * over past attempts. Results are appended as new grades; older grades stay.
 */
import type { Attempt, Prompt } from '../../../../shared/domain/schemas';
import { checksApply, outcomesToGrades, readChecks, runChecks, workerJsRunner, type Check, type WorkerJsRunner, type WorkerPort } from '../../../../shared/checks';
import type { ExprResponse } from '../../../../shared/checks';
import { getDb } from '../../db/db';
import { attemptIds, getAttempts, onAttemptsChanged } from '../../db/journal';
import { appendGrades, newGradeId } from '../../db/repo/grades';

function webWorkerPort(): WorkerPort {
  const w = new Worker(new URL('../../workers/checks.worker.ts', import.meta.url), { type: 'module', name: 'checks' });
  return {
    post: (m) => w.postMessage(m),
    listen: (onMessage, onError) => {
      w.onmessage = (e: MessageEvent<ExprResponse>) => onMessage(e.data);
      w.onerror = (e) => {
        e.preventDefault();
        onError(e.message || 'worker error');
      };
    },
    terminate: () => w.terminate(),
  };
}

let runner: WorkerJsRunner | null = null;
export const jsRunner = (): WorkerJsRunner => (runner ??= workerJsRunner(webWorkerPort));

export function checksOf(prompt: Pick<Prompt, 'checks'> | undefined): Check[] {
  return prompt ? readChecks(prompt.checks).checks.filter((c) => c.enabled) : [];
}

/** Runs `checks` over attempts and appends the grades in one transaction per batch. Returns how many attempts were graded. */
export async function gradeWithChecks(attempts: readonly Attempt[], checks: readonly Check[], at = Date.now()): Promise<number> {
  if (checks.length === 0) return 0;
  const db = getDb();
  const caseIds = [...new Set(attempts.map((a) => a.caseId))];
  const cases = new Map((await db.cases.bulkGet(caseIds)).flatMap((c) => (c ? [[c.id, c.vars] as const] : [])));
  const grades = new Map<string, ReturnType<typeof outcomesToGrades>>();
  for (const a of attempts) {
    if (!checksApply(a)) continue;
    const outcomes = await runChecks(checks, { ...a, vars: cases.get(a.caseId) }, jsRunner());
    grades.set(a.id, outcomesToGrades(outcomes, at, newGradeId));
  }
  await appendGrades(grades);
  return grades.size;
}

/** Re-runs a prompt's current checks over all its past answered attempts. */
export async function rerunChecks(promptId: string, onProgress?: (done: number, total: number) => void): Promise<number> {
  const db = getDb();
  const prompt = await db.prompts.get(promptId);
  const checks = checksOf(prompt);
  if (checks.length === 0) return 0;
  const ids = await attemptIds({ promptIds: [promptId] }, { where: (a) => checksApply(a) && !a.judgeOf });
  const at = Date.now();
  let done = 0;
  for (let i = 0; i < ids.length; i += 200) {
    const batch = await getAttempts(ids.slice(i, i + 200));
    done += await gradeWithChecks(batch, checks, at);
    onProgress?.(done, ids.length);
  }
  return done;
}

let started = false;

/**
 * Subscribes to finished attempts and checks each against its prompt's checks.
 * Idempotent. Judge calls are not checked (their prompt's checks are for answers).
 */
export function startAutoChecks(): () => void {
  if (started) return () => undefined;
  started = true;
  let chain: Promise<unknown> = Promise.resolve();
  const off = onAttemptsChanged((_ids, finished) => {
    if (finished.length === 0) return;
    chain = chain
      .then(async () => {
        const db = getDb();
        const list = (await getAttempts(finished)).filter((a) => checksApply(a) && !a.judgeOf);
        const byPrompt = new Map<string, Attempt[]>();
        for (const a of list) (byPrompt.get(a.promptId) ?? byPrompt.set(a.promptId, []).get(a.promptId)!).push(a);
        for (const [promptId, attempts] of byPrompt) await gradeWithChecks(attempts, checksOf(await db.prompts.get(promptId)));
      })
      .catch((e: unknown) => console.warn('Automatic checks failed:', e));
  });
  return () => {
    off();
    started = false;
  };
}
