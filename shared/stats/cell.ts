/**
 * Every figure of one cell (a set of attempts: one prompt × model, one case, …),
 * each with its N and a confidence, per PRODUCT.md "Metric definitions".
 */
import { ATTEMPT_STATUSES, type AttemptStatus, FAILURE_CLASSES, type FailureClass } from '../domain/schemas';
import { type Confidence, countConfidence, quantileConfidence, quantileMinN, FEW } from './confidence';
import { clusteredRate, type RateStat } from './intervals';
import { quantilesInPlace } from './quantiles';
import { type StatsAttempt, verdictOf } from './verdict';

/** One scalar figure with the number of values behind it. */
export interface Stat {
  value: number | null;
  n: number;
  confidence: Confidence;
}

export interface ScoreStats {
  /** Graded ok + failed attempts (failed score 0). */
  n: number;
  /** p10: the score floor. */
  p10: Stat;
  worst: Stat;
  median: Stat;
  best: Stat;
  mean: Stat;
}

export interface TimingStats {
  /** ok attempts with this timing recorded. */
  n: number;
  p50: Stat;
  p90: Stat;
  p99: Stat;
}

export interface ThroughputStats {
  n: number;
  /** The tokens/s floor. */
  p10: Stat;
  median: Stat;
}

export interface CostStats {
  /** Mean cost of an eligible (non-judge) attempt with a known cost. */
  perAttempt: Stat;
  /** Cost of every eligible attempt in the cell, judge calls and the extra judge cost included. */
  totalUsd: number;
  /** Of which judge calls (judge attempts + `judgeCostUsd`). */
  judgeUsd: number;
  /** Eligible attempts (subject or judge) whose cost is unknown: `totalUsd` is then a lower bound. */
  unknown: number;
  /** totalUsd / passes; null with no passes. */
  perPass: Stat;
}

export type StatusCounts = Record<AttemptStatus, number>;

export interface CellCounts extends StatusCounts {
  /** Attempts given, judge calls excluded. */
  total: number;
  eligible: number;
  gradedOk: number;
  ungradedOk: number;
  passes: number;
  /** Verdict fails: failed attempts + graded ok attempts that failed. */
  fails: number;
  cases: number;
  /** Judge calls (attempts with `judgeOf`), counted for cost only. */
  judgeAttempts: number;
  /** Failed attempts that carry no failure record (malformed journal lines). */
  failedUnclassified: number;
}

export interface Warning {
  figure: string;
  message: string;
}

export interface CellStats {
  counts: CellCounts;
  failuresByClass: Record<FailureClass, number>;
  /** ok / eligible. */
  successRate: RateStat;
  /**
   * PRODUCT.md's pass rate, labelled *end-to-end reliability*: passes / (graded
   * ok + failed), a failure counting as a fail. Ungraded ok attempts have no
   * verdict and sit in neither denominator (see `counts.ungradedOk`).
   */
  passRate: RateStat;
  /** *Quality given an answer*: passes / graded ok attempts. */
  quality: RateStat;
  score: ScoreStats;
  ttftMs: TimingStats;
  latencyMs: TimingStats;
  tokensPerSec: ThroughputStats;
  cost: CostStats;
  warnings: Warning[];
}

export interface CellOptions {
  /** Judge cost not present as judge attempts in the input (USD). */
  judgeCostUsd?: number;
  /** Let judge grades decide when there is no human grade and no check (default true; see verdictOf). */
  judges?: boolean;
  /** z for the intervals; 1.96 (95%) by default. */
  z?: number;
}

export const RELIABILITY_LABEL = 'end-to-end reliability: passes / (graded ok + failed)';
export const QUALITY_LABEL = 'quality given an answer: passes / graded ok';
export const SUCCESS_LABEL = 'success rate: ok / eligible (ok + failed)';

interface CaseTally {
  eligible: number;
  ok: number;
  decided: number;
  passes: number;
  gradedOk: number;
}

/**
 * The q-quantiles of `values` as Stats, by selection rather than a sort (same
 * type-7 values, about twice as fast for a cell's few quantiles). REORDERS
 * `values`; `qs` ascending.
 */
function quantileStats(values: Float64Array, qs: readonly number[]): Stat[] {
  const v = quantilesInPlace(values, qs);
  return qs.map((q, i) => ({ value: v[i], n: values.length, confidence: quantileConfidence(values.length, q) }));
}

/** Tokens per second of one attempt: its own figure, else outputTokens / (endedAt − firstTokenAt). */
export function tokensPerSecOf(a: Pick<StatsAttempt, 'tokensPerSec' | 'usage' | 'endedAt' | 'firstTokenAt'>): number | null {
  if (a.tokensPerSec !== null && a.tokensPerSec !== undefined) return a.tokensPerSec;
  const out = a.usage?.outputTokens;
  if (out === null || out === undefined || a.endedAt === null || a.firstTokenAt === null) return null;
  const ms = a.endedAt - a.firstTokenAt;
  return ms > 0 ? out / (ms / 1000) : null;
}

function emptyRecord<K extends string>(keys: readonly K[]): Record<K, number> {
  const r = {} as Record<K, number>;
  for (const k of keys) r[k] = 0;
  return r;
}

/**
 * All figures of one cell in one pass over the attempts, then one sort per
 * numeric array. Judge calls (attempts with `judgeOf`) in the input add to cost
 * only. Methods:
 *  - rates: Wilson 95% at n_eff, clustered by case (see `clusteredRate`);
 *  - quantiles: type 7 linear interpolation (numpy default) via d3-array;
 *  - scores: verdict scores (`verdictOf`) of graded ok attempts, 0 for failed;
 *  - timings: ttftMs / latencyMs of ok attempts as recorded; tokens/s p10 and median over ok attempts;
 *  - cost per pass: total cost of all eligible attempts incl. retries and judge calls / passes.
 */
export function cellStats(attempts: readonly StatsAttempt[], opts: CellOptions = {}): CellStats {
  const z = opts.z ?? 1.96;
  const verdictOpts = { judges: opts.judges };
  const counts: CellCounts = {
    ...emptyRecord(ATTEMPT_STATUSES),
    total: 0,
    eligible: 0,
    gradedOk: 0,
    ungradedOk: 0,
    passes: 0,
    fails: 0,
    cases: 0,
    judgeAttempts: 0,
    failedUnclassified: 0,
  };
  const failuresByClass = emptyRecord(FAILURE_CLASSES);
  const byCase = new Map<string, CaseTally>();
  const size = attempts.length;
  const scores = new Float64Array(size);
  const ttft = new Float64Array(size);
  const latency = new Float64Array(size);
  const tps = new Float64Array(size);
  let nScores = 0;
  let nTtft = 0;
  let nLatency = 0;
  let nTps = 0;
  let scoreSum = 0;
  let subjectCost = 0;
  let subjectCostKnown = 0;
  let judgeCost = opts.judgeCostUsd ?? 0;
  let unknownCost = 0;

  for (const a of attempts) {
    const eligible = a.status === 'ok' || a.status === 'failed';
    if (a.judgeOf) {
      counts.judgeAttempts++;
      if (eligible) {
        if (a.costUsd === null || a.costUsd === undefined) unknownCost++;
        else judgeCost += a.costUsd;
      }
      continue;
    }
    counts.total++;
    counts[a.status]++;
    if (!eligible) continue;
    counts.eligible++;
    if (a.costUsd === null || a.costUsd === undefined) unknownCost++;
    else {
      subjectCost += a.costUsd;
      subjectCostKnown++;
    }
    let tally = byCase.get(a.caseId);
    if (!tally) {
      tally = { eligible: 0, ok: 0, decided: 0, passes: 0, gradedOk: 0 };
      byCase.set(a.caseId, tally);
    }
    tally.eligible++;

    const v = verdictOf(a, verdictOpts);
    if (a.status === 'failed') {
      if (a.failure) failuresByClass[a.failure.class]++;
      else counts.failedUnclassified++;
    } else {
      tally.ok++;
      if (a.ttftMs !== null && Number.isFinite(a.ttftMs)) ttft[nTtft++] = a.ttftMs;
      if (a.latencyMs !== null && Number.isFinite(a.latencyMs)) latency[nLatency++] = a.latencyMs;
      const t = tokensPerSecOf(a);
      if (t !== null && Number.isFinite(t)) tps[nTps++] = t;
      if (v.verdict === 'ungraded') counts.ungradedOk++;
      else {
        counts.gradedOk++;
        tally.gradedOk++;
      }
    }
    if (v.verdict === 'pass' || v.verdict === 'fail') {
      tally.decided++;
      if (v.verdict === 'pass') {
        tally.passes++;
        counts.passes++;
      } else counts.fails++;
      const s = v.score ?? 0;
      scores[nScores++] = s;
      scoreSum += s;
    }
  }
  counts.cases = byCase.size;

  const tallies = [...byCase.values()];
  const successRate = clusteredRate(SUCCESS_LABEL, tallies.map((t) => ({ n: t.eligible, k: t.ok })), z);
  const passRate = clusteredRate(RELIABILITY_LABEL, tallies.map((t) => ({ n: t.decided, k: t.passes })), z);
  const quality = clusteredRate(QUALITY_LABEL, tallies.map((t) => ({ n: t.gradedOk, k: t.passes })), z);

  const [worst, p10, median, best] = quantileStats(scores.subarray(0, nScores), [0, 0.1, 0.5, 1]);
  const score: ScoreStats = {
    n: nScores,
    p10,
    worst,
    median,
    best,
    mean: { value: nScores > 0 ? scoreSum / nScores : null, n: nScores, confidence: countConfidence(nScores) },
  };
  const timing = (values: Float64Array): TimingStats => {
    const [p50, p90, p99] = quantileStats(values, [0.5, 0.9, 0.99]);
    return { n: values.length, p50, p90, p99 };
  };
  const [tpsP10, tpsMedian] = quantileStats(tps.subarray(0, nTps), [0.1, 0.5]);
  const totalUsd = subjectCost + judgeCost;
  const cost: CostStats = {
    perAttempt: {
      value: subjectCostKnown > 0 ? subjectCost / subjectCostKnown : null,
      n: subjectCostKnown,
      confidence: countConfidence(subjectCostKnown),
    },
    totalUsd,
    judgeUsd: judgeCost,
    unknown: unknownCost,
    perPass: {
      value: counts.passes > 0 ? totalUsd / counts.passes : null,
      n: counts.passes,
      confidence: counts.passes === 0 ? 'none' : countConfidence(counts.eligible),
    },
  };

  const stats: CellStats = {
    counts,
    failuresByClass,
    successRate,
    passRate,
    quality,
    score,
    ttftMs: timing(ttft.subarray(0, nTtft)),
    latencyMs: timing(latency.subarray(0, nLatency)),
    tokensPerSec: { n: nTps, p10: tpsP10, median: tpsMedian },
    cost,
    warnings: [],
  };
  stats.warnings = warningsFor(stats);
  return stats;
}

function quantileWarning(figure: string, s: Stat, q: number, what: string): Warning | null {
  if (s.confidence === 'ok') return null;
  if (s.confidence === 'none') return { figure, message: `no ${what} yet` };
  return { figure, message: `${figure} from ${s.n} ${what}; needs at least ${quantileMinN(q)} to mean much` };
}

function rateWarning(figure: string, r: RateStat): Warning | null {
  if (r.confidence === 'ok') return null;
  if (r.confidence === 'none') return { figure, message: `no attempts in the denominator yet (${r.label})` };
  const eff = r.deff > 1 ? ` (n = ${r.n}, effective ${r.nEff.toFixed(1)} after clustering by case)` : ` (n = ${r.n})`;
  return { figure, message: `few attempts${eff}: fewer than ${FEW}, the interval is mostly sample size` };
}

/** Plain-language warnings for every figure whose confidence is not `ok`, plus data caveats. */
function warningsFor(s: CellStats): Warning[] {
  const out: (Warning | null)[] = [
    rateWarning('success rate', s.successRate),
    rateWarning('pass rate', s.passRate),
    rateWarning('quality', s.quality),
    quantileWarning('p10 score', s.score.p10, 0.1, 'scored attempts'),
    quantileWarning('p99 TTFT', s.ttftMs.p99, 0.99, 'ok attempts with a TTFT'),
    quantileWarning('p99 latency', s.latencyMs.p99, 0.99, 'ok attempts with a latency'),
    quantileWarning('p10 tokens/s', s.tokensPerSec.p10, 0.1, 'ok attempts with a throughput'),
  ];
  if (s.counts.ungradedOk > 0) {
    out.push({ figure: 'pass rate', message: `${s.counts.ungradedOk} ok attempts are ungraded and in neither pass-rate denominator` });
  }
  if (s.cost.unknown > 0) {
    out.push({ figure: 'cost', message: `cost unknown for ${s.cost.unknown} attempts; totals are a lower bound` });
  }
  if (s.counts.failedUnclassified > 0) {
    out.push({ figure: 'failures', message: `${s.counts.failedUnclassified} failed attempts carry no failure class` });
  }
  return out.filter((w): w is Warning => w !== null);
}
