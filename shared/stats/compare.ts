/**
 * Comparing two models on the same prompt (PRODUCT.md "A comparison of two
 * models …"): paired differences by case, McNemar's exact test, a cluster
 * bootstrap for the difference in score floors, and the sample size that would
 * give 80% power for the observed difference.
 */
import { type Confidence, rateConfidence } from './confidence';
import { binomialTwoSidedHalfP, probit, studentTQuantile } from './distributions';
import { clusteredRate, type RateStat, type TwoProportionTest, twoProportionZTest } from './intervals';
import { mulberry32 } from './prng';
import { quantileOfSorted, quantileSelectInPlace } from './quantiles';
import { type StatsAttempt, verdictOf } from './verdict';

export type ComparisonVerdict = 'a-higher' | 'b-higher' | 'not-distinguishable-yet' | 'insufficient-data';

/** The mean per-case difference A − B of one metric, with its interval. */
export interface PairedDifference {
  metric: 'score' | 'pass';
  /** Cases scored for both models. */
  cases: number;
  /** Mean over cases of each model's per-case mean. */
  meanA: number | null;
  meanB: number | null;
  /** d̄: mean over cases of (A's case mean − B's case mean). */
  mean: number | null;
  /** Sample standard deviation of the per-case differences (n − 1). */
  sd: number | null;
  /** sd / √cases. */
  se: number | null;
  df: number | null;
  lower: number | null;
  upper: number | null;
  verdict: ComparisonVerdict;
  confidence: Confidence;
  method: string;
}

export interface McNemarTest {
  method: 'mcnemar-exact';
  pairs: number;
  /** Both pass. */
  bothPass: number;
  /** A passes, B fails. */
  b: number;
  /** A fails, B passes. */
  c: number;
  bothFail: number;
  p: number;
}

export interface UnpairedPassTest extends TwoProportionTest {
  method: string;
  /** Why McNemar could not be used. */
  reason: string;
  a: RateStat;
  b: RateStat;
}

export interface FloorBootstrap {
  /** p10 score of A and B on the shared cases. */
  a: number | null;
  b: number | null;
  /** a − b. */
  diff: number | null;
  /** 2.5% and 97.5% percentiles of the bootstrap differences. */
  lower: number | null;
  upper: number | null;
  replicates: number;
  seed: number;
  method: string;
}

export interface SampleSizeAdvice {
  /** More repeats of every shared case, per model, for 80% power on the score difference; null when repeats alone cannot get there or the within-case variance is unknown. */
  moreRepeatsPerCase: number | null;
  /** More cases (at the current repeats) for the same power. */
  moreCases: number | null;
  /** More scored attempts per model for the pass-rate difference (two-proportion formula × design effect). */
  moreAttemptsPerModel: number | null;
  alpha: number;
  power: number;
  method: string;
}

/** One shared case: each model's scored attempts, mean score and pass fraction on it. */
export interface CaseDifference {
  caseId: string;
  nA: number;
  nB: number;
  scoreA: number;
  scoreB: number;
  passA: number;
  passB: number;
  /** scoreA − scoreB. */
  scoreDiff: number;
  /** passA − passB. */
  passDiff: number;
}

export interface PairComparison {
  cases: { shared: number; onlyA: number; onlyB: number };
  /** The paired differences behind `score` and `pass`, in order of first appearance in A. */
  perCase: CaseDifference[];
  /** Scored attempts (graded ok + failed) on the shared cases. */
  attempts: { a: number; b: number };
  score: PairedDifference;
  pass: PairedDifference;
  passTest: McNemarTest | UnpairedPassTest | null;
  floor: FloorBootstrap;
  /** null when the observed differences are 0 or undefined (no power calculation is possible). */
  sampleSize: SampleSizeAdvice | null;
  /** The headline: from the score difference's interval. */
  verdict: ComparisonVerdict;
}

export interface CompareOptions {
  alpha?: number;
  power?: number;
  /** Bootstrap replicates (default 2000). */
  replicates?: number;
  /** Bootstrap seed (default 1). */
  seed?: number;
  judges?: boolean;
}

interface Scored {
  caseId: string;
  repeatIndex: number;
  pass: boolean;
  score: number;
}

function scoredAttempts(attempts: readonly StatsAttempt[], judges: boolean | undefined): Scored[] {
  const out: Scored[] = [];
  for (const a of attempts) {
    if (a.judgeOf) continue;
    const v = verdictOf(a, { judges });
    if (v.verdict !== 'pass' && v.verdict !== 'fail') continue;
    out.push({ caseId: a.caseId, repeatIndex: a.repeatIndex, pass: v.verdict === 'pass', score: v.score ?? 0 });
  }
  return out;
}

function byCase(scored: Scored[]): Map<string, Scored[]> {
  const m = new Map<string, Scored[]>();
  for (const s of scored) {
    const list = m.get(s.caseId);
    if (list) list.push(s);
    else m.set(s.caseId, [s]);
  }
  return m;
}

const PAIRED_METHOD =
  'mean of per-case differences (each model averaged over its repeats of the case), SE = sd/√cases, 95% Student t interval with cases − 1 df';

/**
 * Paired difference over cases: d_c = mean_A(c) − mean_B(c), d̄ ± t_{1−α/2, k−1}·s_d/√k.
 * Student t rather than normal because comparisons usually rest on few cases
 * (5–30), where z would give intervals that are too narrow. "Not distinguishable
 * yet" when the interval contains 0; fewer than 2 cases give no interval.
 */
export function pairedDifference(
  metric: 'score' | 'pass',
  perCaseA: readonly number[],
  perCaseB: readonly number[],
  alpha = 0.05,
): PairedDifference {
  const k = Math.min(perCaseA.length, perCaseB.length);
  const base = { metric, cases: k, method: PAIRED_METHOD };
  if (k === 0) {
    return { ...base, meanA: null, meanB: null, mean: null, sd: null, se: null, df: null, lower: null, upper: null, verdict: 'insufficient-data', confidence: 'none' };
  }
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < k; i++) {
    sumA += perCaseA[i];
    sumB += perCaseB[i];
  }
  const mean = (sumA - sumB) / k;
  if (k < 2) {
    return { ...base, meanA: sumA, meanB: sumB, mean, sd: null, se: null, df: null, lower: null, upper: null, verdict: 'insufficient-data', confidence: 'low' };
  }
  let ss = 0;
  for (let i = 0; i < k; i++) {
    const d = perCaseA[i] - perCaseB[i] - mean;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / (k - 1));
  const se = sd / Math.sqrt(k);
  const df = k - 1;
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  const lower = mean - half;
  const upper = mean + half;
  const verdict: ComparisonVerdict = lower > 0 ? 'a-higher' : upper < 0 ? 'b-higher' : 'not-distinguishable-yet';
  return { ...base, meanA: sumA / k, meanB: sumB / k, mean, sd, se, df, lower, upper, verdict, confidence: rateConfidence(k) };
}

/**
 * McNemar's exact test on a 2×2 table of paired binary outcomes: only the
 * discordant pairs carry information; under H0 each is A-wins with probability
 * ½, so p = the exact two-sided binomial test of b successes in b + c trials.
 */
export function mcnemarExact(b: number, c: number): number {
  return binomialTwoSidedHalfP(b, b + c);
}

/**
 * Scored attempts per model needed to detect p1 vs p2 with a two-sided test at
 * `alpha` with the given power (Fleiss's formula without continuity correction):
 *   n = (z_{1−α/2}·√(2p̄q̄) + z_{1−β}·√(p1q1 + p2q2))² / (p1 − p2)²,  p̄ = (p1+p2)/2.
 * null when p1 = p2. Not rounded.
 */
export function twoProportionSampleSize(p1: number, p2: number, alpha = 0.05, power = 0.8): number | null {
  const delta = Math.abs(p1 - p2);
  if (!(delta > 0) || !Number.isFinite(delta)) return null;
  const za = probit(1 - alpha / 2);
  const zb = probit(power);
  const pbar = (p1 + p2) / 2;
  const num = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (num * num) / (delta * delta);
}

/**
 * Cases needed for a paired comparison (normal approximation to the paired
 * t-test): k = ((z_{1−α/2} + z_{1−β})·s_d / |d̄|)². null when d̄ = 0. Not rounded.
 */
export function pairedSampleSize(meanDiff: number, sdDiff: number, alpha = 0.05, power = 0.8): number | null {
  const d = Math.abs(meanDiff);
  if (!(d > 0) || !Number.isFinite(d) || !Number.isFinite(sdDiff)) return null;
  const zsum = probit(1 - alpha / 2) + probit(power);
  return ((zsum * sdDiff) / d) ** 2;
}

const BOOTSTRAP_METHOD =
  'paired cluster bootstrap: resample shared cases with replacement (each drawn case brings all its attempts of both models), p10 (type 7) per model, percentile 95% interval of the difference; mulberry32 PRNG';

/**
 * Bootstrap interval for p10(A) − p10(B). Cases, not attempts, are resampled —
 * repeats of a case are correlated, so resampling attempts would understate the
 * spread — and the same drawn cases serve both models, keeping the pairing.
 * Deterministic for a seed, so the same journal always shows the same interval.
 */
export function bootstrapFloorDifference(
  casesA: readonly (readonly number[])[],
  casesB: readonly (readonly number[])[],
  opts: { replicates?: number; seed?: number; q?: number } = {},
): FloorBootstrap {
  const replicates = opts.replicates ?? 2000;
  const seed = opts.seed ?? 1;
  const q = opts.q ?? 0.1;
  const k = Math.min(casesA.length, casesB.length);
  const flat = (cases: readonly (readonly number[])[]) => Float64Array.from(cases.slice(0, k).flat()).sort();
  const a = quantileOfSorted(flat(casesA), q);
  const b = quantileOfSorted(flat(casesB), q);
  const empty = { replicates: 0, seed, method: BOOTSTRAP_METHOD };
  if (a === null || b === null || k === 0) return { a, b, diff: null, lower: null, upper: null, ...empty };
  let maxA = 0;
  let maxB = 0;
  for (let c = 0; c < k; c++) {
    maxA = Math.max(maxA, casesA[c].length);
    maxB = Math.max(maxB, casesB[c].length);
  }
  const bufA = new Float64Array(maxA * k);
  const bufB = new Float64Array(maxB * k);
  const diffs = new Float64Array(replicates);
  const rng = mulberry32(seed);
  let kept = 0;
  for (let r = 0; r < replicates; r++) {
    let na = 0;
    let nb = 0;
    for (let j = 0; j < k; j++) {
      const c = Math.floor(rng() * k);
      for (const x of casesA[c]) bufA[na++] = x;
      for (const x of casesB[c]) bufB[nb++] = x;
    }
    // Shared cases always hold scores of both models, but stay safe if a caller passes an empty case.
    const qa = quantileSelectInPlace(bufA.subarray(0, na), q);
    const qb = quantileSelectInPlace(bufB.subarray(0, nb), q);
    if (qa === null || qb === null) continue;
    diffs[kept++] = qa - qb;
  }
  const sorted = diffs.subarray(0, kept).sort();
  return {
    a,
    b,
    diff: a - b,
    lower: quantileOfSorted(sorted, 0.025),
    upper: quantileOfSorted(sorted, 0.975),
    replicates: kept,
    seed,
    method: BOOTSTRAP_METHOD,
  };
}

function meanOf(xs: readonly number[], f: (x: number) => number = (x) => x): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s / xs.length;
}

/**
 * Sample sizes for `power` at `alpha` given the observed differences.
 *
 * - moreCases: `pairedSampleSize(d̄, s_d)` − current cases.
 * - moreRepeatsPerCase: splits the variance of a per-case difference into a
 *   between-case part σ²_b (which repeats cannot shrink) and a within-case part
 *   (wA + wB)/m that falls with m repeats: Var(d_c) ≈ σ²_b + wA/mA + wB/mB, with
 *   wA, wB the pooled within-case variances of each model's scores. The target is
 *   Var* = k·d̄²/(z_{1−α/2} + z_{1−β})²; then m' = (wA + wB)/(Var* − σ²_b), and
 *   null when σ²_b ≥ Var* (more cases are needed, not more repeats) or when no
 *   case has two repeats to estimate wA, wB.
 * - moreAttemptsPerModel: `twoProportionSampleSize(pA, pB)` × the larger design
 *   effect of the two pass rates (clustering inflates the attempts needed by
 *   deff), minus the smaller current count.
 */
function sampleSizeAdvice(
  score: PairedDifference,
  casesA: readonly (readonly number[])[],
  casesB: readonly (readonly number[])[],
  rateA: RateStat,
  rateB: RateStat,
  alpha: number,
  power: number,
): SampleSizeAdvice | null {
  const k = score.cases;
  let moreCases: number | null = null;
  let moreRepeatsPerCase: number | null = null;
  if (score.mean !== null && score.sd !== null && score.mean !== 0) {
    const needCases = pairedSampleSize(score.mean, score.sd, alpha, power);
    if (needCases !== null) moreCases = Math.max(0, Math.ceil(needCases - k - 1e-9));

    const pooledWithin = (cases: readonly (readonly number[])[]) => {
      let ss = 0;
      let df = 0;
      for (const xs of cases) {
        if (xs.length < 2) continue;
        const m = meanOf(xs);
        for (const x of xs) ss += (x - m) ** 2;
        df += xs.length - 1;
      }
      return df > 0 ? ss / df : null;
    };
    const wA = pooledWithin(casesA);
    const wB = pooledWithin(casesB);
    if (wA !== null && wB !== null) {
      let withinNow = 0;
      let repeatsNow = 0;
      for (let c = 0; c < k; c++) {
        withinNow += wA / casesA[c].length + wB / casesB[c].length;
        repeatsNow += (casesA[c].length + casesB[c].length) / 2;
      }
      withinNow /= k;
      repeatsNow /= k;
      const between = Math.max(0, score.sd * score.sd - withinNow);
      const zsum = probit(1 - alpha / 2) + probit(power);
      const target = (k * score.mean * score.mean) / (zsum * zsum);
      if (score.sd * score.sd <= target) moreRepeatsPerCase = 0;
      else if (between < target) {
        const needRepeats = (wA + wB) / (target - between);
        moreRepeatsPerCase = Math.max(0, Math.ceil(needRepeats - repeatsNow - 1e-9));
      }
    }
  }
  let moreAttemptsPerModel: number | null = null;
  if (rateA.point !== null && rateB.point !== null) {
    const n = twoProportionSampleSize(rateA.point, rateB.point, alpha, power);
    if (n !== null) moreAttemptsPerModel = Math.max(0, Math.ceil(n * Math.max(rateA.deff, rateB.deff) - Math.min(rateA.n, rateB.n) - 1e-9));
  }
  if (moreCases === null && moreRepeatsPerCase === null && moreAttemptsPerModel === null) return null;
  return {
    moreRepeatsPerCase,
    moreCases,
    moreAttemptsPerModel,
    alpha,
    power,
    method:
      'normal-approximation power: paired cases k = ((z₁₋α/₂ + z₁₋β)·s_d/d̄)², repeats from the within/between-case variance split; attempts per model by the two-proportion formula × deff',
  };
}

/**
 * Compares model A with model B on the same prompt. Only cases both models have
 * scored attempts on (graded ok + failed) are used — "the same inputs for both";
 * `cases.onlyA` / `onlyB` count what was left out.
 *
 * - score / pass: paired differences by case (`pairedDifference`).
 * - passTest: McNemar's exact test when the binary outcomes pair one to one by
 *   (caseId, repeatIndex) — every key appears exactly once on each side and the
 *   key sets are equal; otherwise (uneven repeats, retries sharing a repeat
 *   index) a two-proportion z-test on the pass rates at their effective sample
 *   sizes (p̂ unchanged, n → n_eff), so repeats of a case are not counted as
 *   independent. The z-test was chosen over Fisher's exact test because Fisher
 *   needs integer counts and n_eff is fractional.
 * - floor: `bootstrapFloorDifference` (B = 2000, seed 1 by default).
 * - sampleSize: `sampleSizeAdvice` above.
 */
export function comparePair(a: readonly StatsAttempt[], b: readonly StatsAttempt[], opts: CompareOptions = {}): PairComparison {
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  const byA = byCase(scoredAttempts(a, opts.judges));
  const byB = byCase(scoredAttempts(b, opts.judges));
  const shared = [...byA.keys()].filter((c) => byB.has(c));
  const sharedSet = new Set(shared);
  const onlyB = [...byB.keys()].filter((c) => !sharedSet.has(c)).length;
  const listA = shared.map((c) => byA.get(c) ?? []);
  const listB = shared.map((c) => byB.get(c) ?? []);
  const scoresA = listA.map((xs) => xs.map((x) => x.score));
  const scoresB = listB.map((xs) => xs.map((x) => x.score));
  const passesA: number[][] = listA.map((xs) => xs.map((x) => (x.pass ? 1 : 0)));
  const passesB: number[][] = listB.map((xs) => xs.map((x) => (x.pass ? 1 : 0)));

  const perCase: CaseDifference[] = shared.map((caseId, i) => {
    const scoreA = meanOf(scoresA[i]);
    const scoreB = meanOf(scoresB[i]);
    const passA = meanOf(passesA[i]);
    const passB = meanOf(passesB[i]);
    return { caseId, nA: scoresA[i].length, nB: scoresB[i].length, scoreA, scoreB, passA, passB, scoreDiff: scoreA - scoreB, passDiff: passA - passB };
  });
  const score = pairedDifference('score', perCase.map((c) => c.scoreA), perCase.map((c) => c.scoreB), alpha);
  const pass = pairedDifference('pass', perCase.map((c) => c.passA), perCase.map((c) => c.passB), alpha);

  const rateA = clusteredRate('A pass rate on shared cases', passesA.map((xs) => ({ n: xs.length, k: xs.reduce((s, x) => s + x, 0) })));
  const rateB = clusteredRate('B pass rate on shared cases', passesB.map((xs) => ({ n: xs.length, k: xs.reduce((s, x) => s + x, 0) })));

  let passTest: PairComparison['passTest'] = null;
  if (shared.length > 0) {
    const pairing = pairOneToOne(listA.flat(), listB.flat());
    if (pairing.ok) {
      passTest = { method: 'mcnemar-exact', ...pairing.table, p: mcnemarExact(pairing.table.b, pairing.table.c) };
    } else {
      const t = twoProportionZTest(rateA.k * (rateA.nEff / rateA.n), rateA.nEff, rateB.k * (rateB.nEff / rateB.n), rateB.nEff);
      passTest = { ...t, method: `${t.method}, at effective sample sizes (clustered by case)`, reason: pairing.reason, a: rateA, b: rateB };
    }
  }

  const floor = bootstrapFloorDifference(scoresA, scoresB, { replicates: opts.replicates, seed: opts.seed });
  const sampleSize = sampleSizeAdvice(score, scoresA, scoresB, rateA, rateB, alpha, power);

  return {
    cases: { shared: shared.length, onlyA: byA.size - shared.length, onlyB },
    perCase,
    attempts: { a: rateA.n, b: rateB.n },
    score,
    pass,
    passTest,
    floor,
    sampleSize,
    verdict: score.verdict,
  };
}

type Pairing =
  | { ok: true; table: { pairs: number; bothPass: number; b: number; c: number; bothFail: number } }
  | { ok: false; reason: string };

function pairOneToOne(a: Scored[], b: Scored[]): Pairing {
  const key = (s: Scored) => `${s.caseId}\u0000${s.repeatIndex}`;
  const mapA = new Map<string, boolean>();
  for (const s of a) {
    if (mapA.has(key(s))) return { ok: false, reason: `model A has more than one scored attempt for case ${s.caseId}, repeat ${s.repeatIndex}` };
    mapA.set(key(s), s.pass);
  }
  if (a.length !== b.length) return { ok: false, reason: `the models have different numbers of scored attempts (${a.length} vs ${b.length})` };
  const table = { pairs: 0, bothPass: 0, b: 0, c: 0, bothFail: 0 };
  const seen = new Set<string>();
  for (const s of b) {
    const k = key(s);
    if (seen.has(k)) return { ok: false, reason: `model B has more than one scored attempt for case ${s.caseId}, repeat ${s.repeatIndex}` };
    seen.add(k);
    const pa = mapA.get(k);
    if (pa === undefined) return { ok: false, reason: `case ${s.caseId}, repeat ${s.repeatIndex} has no scored attempt from model A` };
    table.pairs++;
    if (pa && s.pass) table.bothPass++;
    else if (pa) table.b++;
    else if (s.pass) table.c++;
    else table.bothFail++;
  }
  return { ok: true, table };
}
