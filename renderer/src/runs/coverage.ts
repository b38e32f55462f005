/**
 * What a run planned against what it sent. A run's plan follows from its
 * record (prompt versions × cases × targets × repeats, `expandRun`). Attempts
 * still queued when the run was cancelled, or when its page went away, were
 * never sent and have no journal record (engine.ts), so the plan minus the
 * journal is what was never sent, and what "Resume" sends.
 *
 * One plan can be spread over several runs: "Re-run interrupted" and "Resume"
 * launch runs that point back with `rerunOf` and copy the settings of the run
 * they continue, so their own records do not say what they planned. The run
 * at the root of those links owns the plan, and the attempts of every run
 * linked to it (its family) count as sent.
 */
import { expandRun } from '../../../shared/engine';
import type { Attempt, Case, Provider, PromptVersion, Run } from '../../../shared/domain/schemas';

/** The identity of a planned attempt: what a resume must send again, and what a retry or a re-run repeats. */
export interface Cell {
  promptVersion: string;
  caseId: string;
  providerId: string;
  model: string;
  repeatIndex: number;
}

export const cellKey = (c: Cell): string => `${c.promptVersion}\u0000${c.caseId}\u0000${c.providerId}\u0000${c.model}\u0000${c.repeatIndex}`;

/** An attempt a run of the family made or has queued (a journal record, or a live attempt not dropped). */
export interface SentCell extends Cell {
  runId: string;
}

export interface Family {
  /** The run whose record holds the plan. */
  root: Run;
  /** The root and every run that continues it, oldest first. */
  members: Run[];
}

/** The family of a run among these runs; null when the run is not among them. */
export function familyOf(runId: string, runs: readonly Run[]): Family | null {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const roots = new Map<string, Run>();
  const rootOf = (run: Run): Run => {
    const known = roots.get(run.id);
    if (known) return known;
    // A parent that is not in the journal (deleted, not imported) ends the
    // chain. A cycle (only a hand-edited import could make one) is rooted at
    // its oldest run, whichever of its runs the walk started from.
    const path: Run[] = [run];
    let at = run;
    while (at.rerunOf) {
      const parent = byId.get(at.rerunOf);
      if (!parent) break;
      const loop = path.indexOf(parent);
      if (loop >= 0) {
        at = path.slice(loop).reduce((a, b) => (b.createdAt < a.createdAt || (b.createdAt === a.createdAt && b.id < a.id) ? b : a));
        break;
      }
      path.push(parent);
      at = parent;
    }
    roots.set(run.id, at);
    return at;
  };
  const run = byId.get(runId);
  if (!run) return null;
  const root = rootOf(run);
  const members = runs.filter((r) => rootOf(r).id === root.id).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  return { root, members };
}

/**
 * The judge runner (features/journal/judgeRunner.ts) plans its calls from the
 * attempts it grades, k each, not from its record's versions × cases, so its
 * runs have no plan to compare with. Its calls carry `judgeOf`; a judge run cut
 * off before its first call was written is known by the name it gives its runs.
 */
export function isJudgeFamily(family: Family, attempts: readonly Pick<Attempt, 'judgeOf'>[]): boolean {
  return attempts.some((a) => a.judgeOf) || family.members.some((r) => r.caseIds.length === 0 && (r.name ?? '').startsWith('Judge “'));
}

/**
 * The repeat index a plan starts at. "Run N more to settle this" (stats/settle.ts)
 * numbers its repeats after the ones already journaled while its record says
 * `repeats: N`, so its plan is shifted; every plan sends its first repeat
 * first, so the lowest repeat index its family sent is where it starts (0 for
 * any other run).
 */
export function repeatOffset(sent: Iterable<Pick<Cell, 'repeatIndex'>>): number {
  let min = Infinity;
  for (const c of sent) min = Math.min(min, c.repeatIndex);
  return min === Infinity ? 0 : min;
}

/**
 * The cells a run's record plans, in plan order. Which providers exist now
 * does not change what was planned, so targets are stood in for by their ids
 * (expandRun reads a provider's id and its model list, for prices, only).
 */
export function plannedCells(run: Pick<Run, 'promptVersionIds' | 'caseIds' | 'targets' | 'repeats'>, versions: readonly PromptVersion[], cases: readonly Case[], offset = 0): Cell[] {
  const standIns: Provider[] = [...new Set(run.targets.map((t) => t.providerId))].map((id) => ({
    id,
    name: id,
    kind: 'openai-compatible',
    baseUrl: 'http://127.0.0.1/',
    headers: {},
    concurrency: 1,
    rpm: null,
    models: [],
  }));
  return expandRun(run, versions, cases, standIns).attempts.map((p) => ({
    promptVersion: p.promptVersion,
    caseId: p.caseId,
    providerId: p.provider.id,
    model: p.model,
    repeatIndex: p.repeatIndex + offset,
  }));
}

export interface Coverage {
  /** Attempts the family's plan holds. */
  planned: number;
  /** Planned cells no run of the family sent or has queued, in plan order. */
  notSent: Cell[];
  /** Planned cells the given run did not send but another run of the family did. */
  sentElsewhere: number;
}

/** The plan against the attempts of the family, from the point of view of one of its runs. */
export function coverage(planned: readonly Cell[], sent: readonly SentCell[], runId: string): Coverage {
  const any = new Set<string>();
  const own = new Set<string>();
  for (const s of sent) {
    const k = cellKey(s);
    any.add(k);
    if (s.runId === runId) own.add(k);
  }
  const notSent: Cell[] = [];
  let sentElsewhere = 0;
  const seen = new Set<string>();
  for (const c of planned) {
    const k = cellKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    if (!any.has(k)) notSent.push(c);
    else if (!own.has(k)) sentElsewhere++;
  }
  return { planned: seen.size, notSent, sentElsewhere };
}

/**
 * A run's interrupted attempts that no later run of its family sent again, so
 * "Re-run interrupted" is not offered for attempts a re-run already covered.
 */
export function interruptedToRerun<T extends Cell>(interrupted: readonly T[], laterRuns: readonly Cell[]): T[] {
  const again = new Set(laterRuns.map(cellKey));
  return interrupted.filter((a) => !again.has(cellKey(a)));
}

/** Run statuses after which nothing more is sent (the engine's `failed` is a journal that could not be written). */
export function isSettled(status: string): boolean {
  return status === 'done' || status === 'cancelled' || status === 'interrupted' || status === 'failed';
}
