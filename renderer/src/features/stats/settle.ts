/**
 * "Run N more to settle this": plans exactly the attempts a comparison asked for
 * — the same prompt version, cases and targets, `repeats` more of each — and
 * launches them as a new run with the settings of the run they extend.
 */
import { DEFAULT_RETRY_POLICY, type Run } from '../../../../shared/domain/schemas';
import { nameTargets } from '../../../../shared/report/names';
import { expandRun, type RunPlan } from '../../../../shared/engine';
import { getDb } from '../../db/db';
import { launchRun } from '../../runs/manager';
import type { SettlePlan } from '../../workers/stats/protocol';

export type SettleOutcome = { ok: true; runId: string; attempts: number } | { ok: false; message: string };

/**
 * The run plan for a settle request, or why there is none. Repeat indexes
 * continue after the ones already journaled, so the new attempts pair with
 * nothing old by (case, repeat) and McNemar's pairing stays one to one.
 */
export async function planSettle(s: SettlePlan): Promise<{ run: LaunchRun; plan: RunPlan } | { message: string }> {
  const db = getDb();
  const [version, cases, providers, from, prompt] = await Promise.all([
    db.promptVersions.get(s.promptVersion),
    db.cases.bulkGet(s.caseIds),
    db.providers.toArray(),
    db.runs.get(s.fromRunId),
    db.prompts.get(s.prompt),
  ]);
  if (!version) return { message: `Prompt version ${s.promptVersion} is no longer in the journal.` };
  const runCases = cases.filter((c) => c !== undefined);
  const config = {
    promptVersionIds: [version.id],
    caseIds: runCases.map((c) => c.id),
    targets: s.targets,
    repeats: s.repeats,
  };
  const plan = expandRun(config, [version], runCases, providers);
  const blocking = plan.problems.filter((p) => p.kind === 'missing_provider' || p.kind === 'missing_version');
  if (blocking.length) return { message: [...new Set(blocking.map((p) => p.message))].join(' ') };
  if (runCases.length < s.caseIds.length) return { message: `${s.caseIds.length - runCases.length} of the compared cases are no longer in the journal.` };
  const shifted = { ...plan, attempts: plan.attempts.map((p) => ({ ...p, repeatIndex: p.repeatIndex + s.firstRepeatIndex })) };
  // Named as the Stats page names them: display names, the provider's where the same model id is on both sides.
  const names = nameTargets(s.targets, providers);
  const run: LaunchRun = {
    ...config,
    name: `Settle ${[...names.values()].map((n) => n.label).join(' vs ')} on ${prompt?.name ?? s.prompt}`,
    concurrency: from?.concurrency ?? 4,
    firstTokenTimeoutMs: from?.firstTokenTimeoutMs ?? 30_000,
    totalTimeoutMs: from?.totalTimeoutMs ?? 120_000,
    retry: from?.retry ?? DEFAULT_RETRY_POLICY,
    rerunOf: null,
  };
  return { run, plan: shifted };
}

type LaunchRun = Omit<Run, 'id' | 'status' | 'createdAt' | 'endedAt' | 'schema' | 'owner'>;

export async function launchSettle(s: SettlePlan): Promise<SettleOutcome> {
  const planned = await planSettle(s);
  if ('message' in planned) return { ok: false, message: planned.message };
  const runId = await launchRun(planned);
  return { ok: true, runId, attempts: planned.plan.attempts.length };
}
