/**
 * Resuming a run: sends exactly the planned attempts its family never sent —
 * the same prompt versions, cases, models and repeat indexes — as a new run
 * that continues it (`rerunOf`), with its settings. See ./coverage.ts.
 */
import { expandRun, type RunPlan } from '../../../shared/engine';
import type { Attempt, Case, PromptVersion, Run } from '../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db/db';
import { countAttempts, queryAttempts } from '../db/journal';
import { cellKey, coverage, familyOf, isJudgeFamily, isSettled, plannedCells, repeatOffset, type Cell, type Family } from './coverage';
import { launchRun, runControls, type LaunchInput } from './manager';

/** The versions and cases a family's plan is made of. */
export async function planInputs(root: Run, db: TenthDb = getDb()): Promise<{ versions: PromptVersion[]; cases: Case[] }> {
  const [versions, cases] = await Promise.all([db.promptVersions.bulkGet(root.promptVersionIds), db.cases.bulkGet(root.caseIds)]);
  return { versions: versions.filter((v) => v !== undefined), cases: cases.filter((c) => c !== undefined) };
}

export type ResumePlan = { run: LaunchInput['run']; plan: RunPlan; notSent: number; root: Run } | { message: string };

/**
 * The run that would resume this run's family, or why there is none. Nothing
 * is planned while a run of the family is still going: its queued attempts
 * are not in the journal yet and would be sent twice.
 */
export async function planResume(runId: string, db: TenthDb = getDb(), isActive: (id: string) => boolean = runControls.isActive): Promise<ResumePlan> {
  const family = familyOf(runId, await db.runs.toArray());
  if (!family) return { message: 'This run is no longer in the journal.' };
  if (family.members.some((r) => isActive(r.id) || !isSettled(r.status))) return { message: 'A run of this plan is still going; resume it once it has stopped.' };
  const attempts = await queryAttempts({ runIds: family.members.map((r) => r.id) }, {}, db);
  if (isJudgeFamily(family, attempts)) return { message: 'A judge run is run again from its judge panel.' };
  const { root } = family;
  const { versions, cases } = await planInputs(root, db);
  const offset = repeatOffset(attempts);
  const sent = attempts.map((a) => ({ ...cellOf(a), runId: a.runId }));
  const { notSent } = coverage(plannedCells(root, versions, cases, offset), sent, root.id);
  if (notSent.length === 0) return { message: 'Every planned attempt of this run was sent.' };

  const full = expandRun(root, versions, cases, await db.providers.toArray());
  const want = new Set(notSent.map(cellKey));
  const attemptsToRun = full.attempts
    .map((p) => ({ ...p, repeatIndex: p.repeatIndex + offset }))
    .filter((p) => want.has(cellKey({ ...p, providerId: p.provider.id })))
    .map((p, index) => ({ ...p, index }));
  if (attemptsToRun.length === 0) {
    const why = full.problems.filter((p) => p.kind === 'missing_provider' || p.kind === 'missing_version' || p.kind === 'missing_case').map((p) => p.message);
    return { message: `The attempts not sent can no longer be planned. ${[...new Set(why)].join(' ')}`.trim() };
  }
  const { id: _id, status: _s, createdAt: _c, endedAt: _e, schema: _sc, owner: _o, name, ...config } = root;
  return {
    run: { ...config, name: `${name ?? 'Run'} (resumed)`, rerunOf: root.id },
    plan: { ...full, attempts: attemptsToRun },
    notSent: notSent.length,
    root,
  };
}

export type ResumeOutcome = { ok: true; runId: string; attempts: number; notSent: number } | { ok: false; message: string };

/** Plans and launches the resume of a run's family. */
export async function resumeRun(runId: string): Promise<ResumeOutcome> {
  const planned = await planResume(runId);
  if ('message' in planned) return { ok: false, message: planned.message };
  const newId = await launchRun({ run: planned.run, plan: planned.plan });
  return { ok: true, runId: newId, attempts: planned.plan.attempts.length, notSent: planned.notSent };
}

export function cellOf(a: Pick<Attempt, 'promptVersion' | 'caseId' | 'providerId' | 'model' | 'repeatIndex'>): Cell {
  return { promptVersion: a.promptVersion, caseId: a.caseId, providerId: a.providerId, model: a.model, repeatIndex: a.repeatIndex };
}

/** A run's row in the list of runs: its attempts, and what its plan still lacks. */
export interface RunSummary {
  /** Attempts the run journaled (retries included). */
  done: number;
  /** `done` plus, for the run that holds a plan, the planned attempts never sent or sent by later runs. */
  total: number;
  /** Planned attempts no run of the family sent; on the root's row only. */
  notSent: number;
  /** Planned attempts that later runs of the family sent; on the root's row only. */
  sentElsewhere: number;
}

/**
 * Summaries of runs for the list of runs, read from the journal. A run alone
 * in its family that finished with as many attempts as it planned and no
 * failure (so no retry) sent them all — its plan is counted, not compared — so
 * most rows cost a count or two; the attempts are read only for families that
 * stopped early, were continued, had failures, or whose count differs from the
 * plan (attempts cancelled one by one while queued). A family with a run still
 * going is not compared: its queued attempts are not in the journal yet.
 */
export async function runSummaries(ids: readonly string[], db: TenthDb = getDb()): Promise<Map<string, RunSummary>> {
  const runs = await db.runs.toArray();
  const out = new Map<string, RunSummary>();
  const done = new Map<string, number>();
  await Promise.all(ids.map(async (id) => done.set(id, await countAttempts({ runIds: [id] }, db))));
  const families = new Map<string, Family>();
  for (const id of ids) {
    const family = familyOf(id, runs);
    if (!family) continue;
    const n = done.get(id)!;
    out.set(id, { done: n, total: n, notSent: 0, sentElsewhere: 0 });
    if (family.root.id === id && family.members.every((r) => isSettled(r.status))) families.set(id, family);
  }
  await Promise.all(
    [...families.values()].map(async (family) => {
      const { root } = family;
      const { versions, cases } = await planInputs(root, db);
      const own = done.get(root.id)!;
      // Retries follow failures only, so without one each attempt is a planned cell of its own.
      if (family.members.length === 1 && root.status === 'done' && plannedCells(root, versions, cases).length === own && (await countAttempts({ runIds: [root.id], statuses: ['failed'] }, db)) === 0) return;
      const attempts = await queryAttempts({ runIds: family.members.map((r) => r.id) }, {}, db);
      if (isJudgeFamily(family, attempts)) return;
      const sent = attempts.map((a) => ({ ...cellOf(a), runId: a.runId }));
      const c = coverage(plannedCells(root, versions, cases, repeatOffset(attempts)), sent, root.id);
      out.set(root.id, { done: own, total: own + c.notSent.length + c.sentElsewhere, notSent: c.notSent.length, sentElsewhere: c.sentElsewhere });
    }),
  );
  return out;
}
