/**
 * The verdict of one attempt (PRODUCT.md "Metric definitions"), and the light
 * projection of an attempt the statistics read — so a worker can be sent small
 * objects rather than whole attempts with their outputs and request bodies.
 */
import type { Attempt, Failure, Grade, GradeSource, Usage } from '../domain/schemas';

/** The fields of an Attempt the statistics read. A full `Attempt` is assignable to it. */
export type StatsAttempt = Pick<
  Attempt,
  | 'id'
  | 'promptId'
  | 'promptVersion'
  | 'caseId'
  | 'repeatIndex'
  | 'providerId'
  | 'model'
  | 'servedModel'
  | 'systemFingerprint'
  | 'status'
  | 'queuedAt'
  | 'startedAt'
  | 'firstTokenAt'
  | 'endedAt'
  | 'ttftMs'
  | 'latencyMs'
  | 'tokensPerSec'
  | 'costUsd'
> & {
  retryOf?: Attempt['retryOf'];
  judgeOf?: Attempt['judgeOf'];
  failure: Pick<Failure, 'class'> | null;
  usage: Pick<Usage, 'outputTokens'> | null;
  grades: readonly StatsGrade[];
};

export type StatsGrade = Pick<Grade, 'source' | 'name' | 'pass' | 'score' | 'at'>;

/**
 * `excluded`: cancelled, interrupted and pending attempts — listed, never counted
 * in rates (PRODUCT.md "eligible").
 */
export type VerdictKind = 'pass' | 'fail' | 'ungraded' | 'excluded';

/** Read-only: the common verdicts are shared frozen objects. */
export interface Verdict {
  readonly verdict: VerdictKind;
  /** 0..1; null when ungraded or excluded. */
  readonly score: number | null;
  /** What decided: a grade source, `failure` for failed attempts, null when nothing did. */
  readonly source: GradeSource | 'failure' | null;
}

/** Eligible attempts are `ok` and `failed` (PRODUCT.md). */
export function isEligible(a: Pick<Attempt, 'status'>): boolean {
  return a.status === 'ok' || a.status === 'failed';
}

/** A grade carries a judgement when it has a pass flag or a score. */
function informative(g: StatsGrade): boolean {
  return g.pass !== null || g.score !== null;
}

/** Pass from `pass`; when a grader left only a score, score ≥ 0.5 passes. */
export function gradePasses(g: StatsGrade): boolean {
  if (g.pass !== null) return g.pass;
  return (g.score ?? 0) >= 0.5;
}

/** Score from `score`; a pass/fail-only grade scores 1 or 0. */
export function gradeScore(g: StatsGrade): number {
  if (g.score !== null) return g.score;
  return g.pass ? 1 : 0;
}

/**
 * Latest informative grade of each name for one source: a re-run check or a
 * re-graded judge replaces its earlier grade instead of voting twice. Ties on
 * `at` go to the grade later in the list (the later write).
 */
function latestByName(grades: readonly StatsGrade[], source: GradeSource): StatsGrade[] {
  const byName = new Map<string, StatsGrade>();
  for (const g of grades) {
    if (g.source !== source || !informative(g)) continue;
    const prev = byName.get(g.name);
    if (!prev || g.at >= prev.at) byName.set(g.name, g);
  }
  return [...byName.values()];
}

/**
 * Verdict of one attempt (PRODUCT.md "verdict"):
 *
 *  1. cancelled / interrupted / pending → `excluded` (not eligible).
 *  2. failed → `fail`, score 0, source `failure`.
 *  3. ok with a human grade → the latest informative human grade (greatest `at`,
 *     ties to the later in the list; a grade with neither pass nor score is a
 *     note and is skipped) decides alone: pass from `pass`, or score ≥ 0.5 when
 *     `pass` is null; score from `score`, or 1/0 from `pass`.
 *  4. ok with check grades → pass only if every check passes (latest grade per
 *     check name); score = mean of those checks' scores (a pass/fail check
 *     scores 1/0), i.e. the fraction of checks passed for boolean checks.
 *  5. ok with judge grades → EXTENSION to PRODUCT.md, which names only human
 *     and checks: a judge decides only when there is neither a human grade nor
 *     a check, by the same all-must-pass rule over the latest grade per judge
 *     name, score = mean. The order human > check > judge keeps a model-made
 *     grade from overriding a deterministic check or a person. Callers that want
 *     the strict PRODUCT.md reading pass `{ judges: false }`.
 *  6. otherwise → `ungraded`, score null.
 */
export function verdictOf(attempt: Pick<StatsAttempt, 'status' | 'grades'>, opts: { judges?: boolean } = {}): Verdict {
  if (attempt.status === 'failed') return FAILED;
  if (attempt.status !== 'ok') return EXCLUDED;
  const grades = attempt.grades;
  if (grades.length === 0) return UNGRADED;

  // One scan finds the deciding human grade and counts the others, so the common
  // case (a few grades with distinct names) allocates nothing but the result.
  let human: StatsGrade | null = null;
  let checks = 0;
  let judges = 0;
  for (const g of grades) {
    if (!informative(g)) continue;
    if (g.source === 'human') {
      if (!human || g.at >= human.at) human = g;
    } else if (g.source === 'check') checks++;
    else judges++;
  }
  if (human) return { verdict: gradePasses(human) ? 'pass' : 'fail', score: gradeScore(human), source: 'human' };
  if (checks > 0) return allMustPass(grades, 'check', checks);
  if (judges > 0 && opts.judges !== false) return allMustPass(grades, 'judge', judges);
  return UNGRADED;
}

const FAILED: Verdict = Object.freeze({ verdict: 'fail', score: 0, source: 'failure' });
const EXCLUDED: Verdict = Object.freeze({ verdict: 'excluded', score: null, source: null });
const UNGRADED: Verdict = Object.freeze({ verdict: 'ungraded', score: null, source: null });

/** All of the latest grades per name of `source` must pass; score = their mean. */
function allMustPass(grades: readonly StatsGrade[], source: GradeSource, count: number): Verdict {
  let allPass = true;
  let sum = 0;
  let n = 0;
  if (count === 1) {
    for (const g of grades) {
      if (g.source !== source || !informative(g)) continue;
      allPass = gradePasses(g);
      sum = gradeScore(g);
      n = 1;
    }
  } else {
    for (const g of latestByName(grades, source)) {
      if (!gradePasses(g)) allPass = false;
      sum += gradeScore(g);
      n++;
    }
  }
  return { verdict: allPass ? 'pass' : 'fail', score: sum / n, source };
}
