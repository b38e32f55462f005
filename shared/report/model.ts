/**
 * What a shareable report says, computed once and rendered twice (HTML and
 * Markdown): for a selection of attempts (prompt(s) × models), the floors table
 * with Ns and intervals (shared/stats), the distributions, and every attempt's
 * output under its model, failures included, the worst first. It names the
 * prompt versions, the models requested and served, the dates and the app
 * version, so a reader can tell exactly what was measured.
 */
import type { Attempt, Case, Prompt, PromptVersion } from '../domain/schemas';
import { describeFilter, type JournalFilter } from '../journal/filter';
import { type CellStats, groupCells, verdictOf, type VerdictKind } from '../stats';
import { caseName, nameTargets, type NamingProvider, targetKey, type TargetName } from './names';

export interface ReportInput {
  title?: string;
  app: { name: string; version: string };
  /** Epoch ms. */
  generatedAt: number;
  filter?: JournalFilter | null;
  /** The selection's attempts, judge calls included (they count towards cost). */
  attempts: readonly Attempt[];
  prompts?: readonly Pick<Prompt, 'id' | 'name'>[];
  versions?: readonly Pick<PromptVersion, 'id' | 'promptId' | 'createdAt'>[];
  /** For provider names and model display names; a provider not given is named by its id. */
  providers?: readonly NamingProvider[];
  /** For case names; a case not given is named by its id. */
  cases?: readonly Pick<Case, 'id' | 'label' | 'vars'>[];
  /** Characters of each output kept in the report (default 20,000); the cut is stated. */
  maxOutputChars?: number;
}

/**
 * What attempts were sent to: a model on a provider. The same model id on two
 * providers is two targets, each with its own row and section.
 */
export type ReportTarget = Pick<TargetName, 'key' | 'providerId' | 'model' | 'label' | 'providerName' | 'displayName'>;

export interface ReportCell {
  promptId: string;
  promptName: string;
  target: ReportTarget;
  stats: CellStats;
  /** Scores (graded ok + failed; failed = 0) and ok latencies, for the distributions. */
  scores: number[];
  latencies: number[];
}

export interface ReportAttempt {
  id: string;
  promptId: string;
  promptVersion: string;
  caseId: string;
  caseName: string;
  repeatIndex: number;
  status: Attempt['status'];
  verdict: VerdictKind;
  score: number | null;
  failureClass: string | null;
  failureMessage: string | null;
  servedModel: string | null;
  latencyMs: number | null;
  queuedAt: number;
  output: string;
  /** Characters cut from the output for the report (0 when whole). */
  cut: number;
}

export interface ReportModelSection {
  target: ReportTarget;
  served: string[];
  attempts: ReportAttempt[];
}

export interface ReportModel {
  title: string;
  app: { name: string; version: string };
  generatedAt: number;
  selection: string;
  span: { from: number; to: number } | null;
  prompts: { id: string; name: string; versions: { id: string; createdAt: number | null; attempts: number }[] }[];
  models: { target: ReportTarget; served: string[] }[];
  cells: ReportCell[];
  outputs: ReportModelSection[];
  /** Judge calls left out of the outputs (their cost is in the table). */
  judgeCalls: number;
}

/** Worst first: failures, then graded answers by score, then ungraded answers, then attempts with no outcome. */
function rank(a: ReportAttempt): [number, number] {
  if (a.verdict === 'fail' && a.status === 'failed') return [0, 0];
  if (a.score !== null) return [1, a.score];
  if (a.verdict === 'ungraded') return [2, 0];
  return [3, 0];
}

function compareWorstFirst(a: ReportAttempt, b: ReportAttempt): number {
  const [ra, sa] = rank(a);
  const [rb, sb] = rank(b);
  return ra - rb || sa - sb || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const uniqueSorted = (xs: Iterable<string | null | undefined>): string[] => [...new Set([...xs].filter((x): x is string => !!x))].sort();

export function buildReport(input: ReportInput): ReportModel {
  const maxChars = input.maxOutputChars ?? 20_000;
  const promptName = new Map((input.prompts ?? []).map((p) => [p.id, p.name]));
  const cases = new Map((input.cases ?? []).map((c) => [c.id, c]));
  const versionInfo = new Map((input.versions ?? []).map((v) => [v.id, v]));
  const subjects = input.attempts.filter((a) => !a.judgeOf);

  let from = Infinity;
  let to = -Infinity;
  for (const a of subjects) {
    from = Math.min(from, a.queuedAt);
    to = Math.max(to, a.endedAt ?? a.queuedAt);
  }

  const targets = nameTargets(subjects, input.providers ?? []);
  const targetOf = (providerId: string, model: string): ReportTarget => {
    const { key, label, providerName, displayName } = targets.get(targetKey(providerId, model))!;
    return { key, providerId, model, label, providerName, displayName };
  };
  const byLabel = (a: ReportTarget, b: ReportTarget) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

  const cells: ReportCell[] = groupCells(input.attempts, ['prompt', 'provider', 'model']).map((c) => {
    const scores: number[] = [];
    const latencies: number[] = [];
    for (const a of c.attempts) {
      if (a.judgeOf) continue;
      const v = verdictOf(a);
      if (v.score !== null && (v.verdict === 'pass' || v.verdict === 'fail')) scores.push(v.score);
      if (a.status === 'ok' && a.latencyMs !== null && a.latencyMs !== undefined) latencies.push(a.latencyMs);
    }
    const promptId = c.key.prompt ?? '';
    return { promptId, promptName: promptName.get(promptId) ?? promptId, target: targetOf(c.key.provider ?? '', c.key.model ?? ''), stats: c.stats, scores, latencies };
  });
  cells.sort((a, b) => (a.promptName < b.promptName ? -1 : a.promptName > b.promptName ? 1 : byLabel(a.target, b.target)));

  const byTarget = new Map<string, Attempt[]>();
  for (const a of subjects) {
    const key = targetKey(a.providerId, a.model);
    let list = byTarget.get(key);
    if (!list) byTarget.set(key, (list = []));
    list.push(a);
  }
  const outputs: ReportModelSection[] = [...byTarget.values()]
    .map((list) => ({
      target: targetOf(list[0].providerId, list[0].model),
      served: uniqueSorted(list.map((a) => a.servedModel)),
      attempts: list
        .map((a): ReportAttempt => {
          const v = verdictOf(a);
          const output = a.output.length > maxChars ? a.output.slice(0, maxChars) : a.output;
          return {
            id: a.id,
            promptId: a.promptId,
            promptVersion: a.promptVersion,
            caseId: a.caseId,
            caseName: caseName(cases.get(a.caseId), a.caseId, a.promptId),
            repeatIndex: a.repeatIndex,
            status: a.status,
            verdict: v.verdict,
            score: v.score,
            failureClass: a.failure?.class ?? null,
            failureMessage: a.failure?.message ?? null,
            servedModel: a.servedModel,
            latencyMs: a.latencyMs,
            queuedAt: a.queuedAt,
            output,
            cut: a.output.length - output.length,
          };
        })
        .sort(compareWorstFirst),
    }))
    .sort((a, b) => byLabel(a.target, b.target));

  const versionsByPrompt = new Map<string, Map<string, number>>();
  for (const a of subjects) {
    let m = versionsByPrompt.get(a.promptId);
    if (!m) versionsByPrompt.set(a.promptId, (m = new Map()));
    m.set(a.promptVersion, (m.get(a.promptVersion) ?? 0) + 1);
  }
  const prompts = [...versionsByPrompt.entries()]
    .map(([id, vs]) => ({
      id,
      name: promptName.get(id) ?? id,
      versions: [...vs.entries()]
        .map(([vid, n]) => ({ id: vid, createdAt: versionInfo.get(vid)?.createdAt ?? null, attempts: n }))
        .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || (a.id < b.id ? -1 : 1)),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  return {
    title: input.title ?? `Tenth report: ${prompts.map((p) => p.name).join(', ') || 'no attempts'}`,
    app: input.app,
    generatedAt: input.generatedAt,
    selection: describeFilter(input.filter),
    span: Number.isFinite(from) ? { from, to } : null,
    prompts,
    models: outputs.map((o) => ({ target: o.target, served: o.served })),
    cells,
    outputs,
    judgeCalls: input.attempts.length - subjects.length,
  };
}

/** Equal-width histogram counts of `values` over [lo, hi] in `bins` bins (the top edge is inclusive). */
export function histogram(values: readonly number[], lo: number, hi: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  if (!(hi > lo)) {
    if (values.length) out[0] = values.length;
    return out;
  }
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const i = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
    out[i]++;
  }
  return out;
}
