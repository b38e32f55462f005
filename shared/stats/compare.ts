/**
 * Comparing two models on the same prompt (PRODUCT.md "A comparison of two
 * models …"): paired differences by case, McNemar's exact test, a cluster
 * bootstrap for the difference in score floors, and the sample size that would
 * give 80% power for the observed difference.
 */
import { type Confidence, rateConfidence } from './confidence';
import { binomialTwoSidedHalfP, probit, studentTQuantile } from './distributions';
import { clusteredRate, type RateStat, type TwoProportionTest, twoProportionZTest } from './intervals';
import { mulberry32Indexes } from './prng';
import { quantileOfSorted } from './quantiles';
import { type StatsAttempt, type Verdict, verdictOf } from './verdict';

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
  /** Draws shared by a batch of comparisons (see `BootstrapDraws`); without, each comparison draws its own. */
  draws?: BootstrapDraws;
  judges?: boolean;
}

/**
 * One model's scored attempts on one case, as parallel arrays: a model is in
 * many pairs, and reading fields of 100,000 attempt objects (scattered in
 * memory, not all of one shape) again for each pair cost more than the
 * arithmetic.
 */
export interface CaseGroup {
  scores: number[];
  /** 1 for a pass, 0 for a fail. */
  passes: number[];
  repeats: number[];
}

/** One model's scored attempts grouped by case, cases in order of first appearance. */
export type CaseScores = ReadonlyMap<string, CaseGroup>;

/**
 * The verdict of an attempt a comparison counts — not a judge call, and graded
 * ok or failed (failures score 0) — or null.
 */
export function comparedVerdict(a: StatsAttempt, judges?: boolean): Verdict | null {
  if (a.judgeOf) return null;
  const v = verdictOf(a, { judges });
  return v.verdict === 'pass' || v.verdict === 'fail' ? v : null;
}

/** Adds one scored attempt to its case's group. */
export function addToCase(byCase: Map<string, CaseGroup>, caseId: string, repeatIndex: number, v: Verdict): void {
  let g = byCase.get(caseId);
  if (!g) byCase.set(caseId, (g = { scores: [], passes: [], repeats: [] }));
  g.scores.push(v.score ?? 0);
  g.passes.push(v.verdict === 'pass' ? 1 : 0);
  g.repeats.push(repeatIndex);
}

/** The attempts a comparison counts (`comparedVerdict`), by case, in order. */
export function scoresByCase(attempts: readonly StatsAttempt[], judges?: boolean): Map<string, CaseGroup> {
  const m = new Map<string, CaseGroup>();
  for (const a of attempts) {
    const v = comparedVerdict(a, judges);
    if (v) addToCase(m, a.caseId, a.repeatIndex, v);
  }
  return m;
}

/**
 * One model's side of comparisons, prepared once by `comparisonSide` and read
 * by every pair it is in: what depends on this model alone — each case's mean
 * score and pass fraction, and all its scores sorted with their case for the
 * bootstrap — is not recomputed per pair.
 */
export interface ComparisonSide {
  /** Case ids, in order of first appearance. */
  cases: string[];
  groups: CaseGroup[];
  /** Position of each case in `cases`. */
  index: Map<string, number>;
  meanScore: Float64Array;
  meanPass: Float64Array;
  /** Passes per case. */
  passCount: Int32Array;
  sorted: SortedByCase;
}

export function comparisonSide(byCase: CaseScores): ComparisonSide {
  const cases = [...byCase.keys()];
  const groups = [...byCase.values()];
  const n = groups.length;
  const meanScore = new Float64Array(n);
  const meanPass = new Float64Array(n);
  const passCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    meanScore[i] = meanOf(groups[i].scores);
    meanPass[i] = meanOf(groups[i].passes);
    passCount[i] = groups[i].passes.reduce((s, x) => s + x, 0);
  }
  return {
    cases,
    groups,
    index: new Map(cases.map((c, i) => [c, i])),
    meanScore,
    meanPass,
    passCount,
    sorted: sortedByCase(
      groups.map((g) => g.scores),
      n,
    ),
  };
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
 * One model's scores on the shared cases, sorted once, each with the index of
 * its case: a resample is then these same values weighted by how often their
 * case was drawn, and its order statistics are read off this array without
 * copying or re-selecting (see `weightedQuantile`).
 */
interface SortedByCase {
  /** Ascending. */
  values: Float64Array;
  /** The case of values[i]. */
  caseOf: Int32Array;
  /** Attempts of each case. */
  sizes: Int32Array;
}

function sortedByCase(cases: readonly (readonly number[])[], k: number): SortedByCase {
  const sizes = new Int32Array(k);
  let n = 0;
  for (let c = 0; c < k; c++) n += sizes[c] = cases[c].length;
  const values = new Float64Array(n);
  let i = 0;
  for (let c = 0; c < k; c++) for (const x of cases[c]) values[i++] = x;
  // A numeric typed-array sort (no comparator call per comparison), then each
  // score's case goes into the next free slot of its value's run of equal
  // values, found by binary search. Which of equal values carries which case
  // does not matter: they weigh the same wherever they stand.
  values.sort();
  let finite = n;
  while (finite > 0 && Number.isNaN(values[finite - 1])) finite--;
  const caseOf = new Int32Array(n);
  const filled = new Int32Array(n);
  for (let c = 0; c < k; c++) {
    for (const x of cases[c]) {
      let start = finite;
      if (!Number.isNaN(x)) {
        let lo = 0;
        let hi = finite;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (values[mid] < x) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      caseOf[start + filled[start]++] = c;
    }
  }
  return { values, caseOf, sizes };
}

/**
 * The case draws of bootstrap replicates, shared by comparisons: they depend
 * only on the seed and the number of shared cases k, so every comparison with
 * the same k draws the same cases — 200 per-prompt comparisons of 50 cases
 * each draw the same 50 × 2000 indexes. Pass one instance in
 * `CompareOptions.draws` to a batch of comparisons and each (seed, k) is drawn
 * once. Holds at most `maxValues` counts in all; past that a comparison draws
 * as it goes, as without one.
 */
export class BootstrapDraws {
  private readonly entries = new Map<string, { fill: (out: Int32Array, n: number) => void; counts: Int32Array; replicates: number }>();
  private held = 0;

  constructor(private readonly maxValues = 1 << 23) {}

  /**
   * Draw counts of the first `replicates` replicates for (seed, k): replicate
   * r drew case c counts[r·(k + 1) + c] times (slot k stays 0, the count of
   * cases not shared). null past the limit.
   */
  counts(seed: number, k: number, replicates: number): Int32Array | null {
    const key = `${seed >>> 0}:${k}`;
    let e = this.entries.get(key);
    const stride = k + 1;
    const have = e?.replicates ?? 0;
    if (have >= replicates) return e!.counts;
    const grow = (replicates - have) * stride;
    if (this.held + grow > this.maxValues) return null;
    this.held += grow;
    const counts = new Int32Array(replicates * stride);
    if (e) counts.set(e.counts);
    else this.entries.set(key, (e = { fill: mulberry32Indexes(seed), counts, replicates: 0 }));
    e.counts = counts;
    const drawn = new Int32Array(k);
    for (let r = have; r < replicates; r++) {
      e.fill(drawn, k);
      const row = r * stride;
      for (let j = 0; j < k; j++) counts[row + drawn[j]]++;
    }
    e.replicates = replicates;
    return counts;
  }
}

/** One model's sorted scores with each score's case as a shared-case index (k where not shared), and the shared cases' sizes. */
interface DrawnSide {
  values: Float64Array;
  shared: Int32Array;
  sizes: Int32Array;
  /** The size every shared case has, or −1 when they differ. */
  uniform: number;
}

function drawnSide(s: SortedByCase, local: Int32Array): DrawnSide {
  const k = local.length;
  const m = s.sizes.length;
  let identity = k === m;
  for (let j = 0; j < k && identity; j++) identity = local[j] === j;
  let shared = s.caseOf;
  if (!identity) {
    const sharedOf = new Int32Array(m).fill(k);
    for (let j = 0; j < k; j++) sharedOf[local[j]] = j;
    shared = new Int32Array(s.caseOf.length);
    for (let e = 0; e < shared.length; e++) shared[e] = sharedOf[s.caseOf[e]];
  }
  const sizes = new Int32Array(k);
  let uniform = k > 0 ? s.sizes[local[0]] : -1;
  for (let j = 0; j < k; j++) {
    sizes[j] = s.sizes[local[j]];
    if (sizes[j] !== uniform) uniform = -1;
  }
  return { values: s.values, shared, sizes, uniform };
}

/**
 * The type-7 q-quantile of the multiset in which value e appears
 * `counts[row + shared[e]]` times (n in all), by the same arithmetic as
 * `quantilesInPlace` on that multiset written out: the order statistics at ⌊h⌋
 * and ⌊h⌋ + 1, h = (n − 1)·q, found by walking the sorted values and summing
 * counts — O(q·N) reads, no copy. null when n = 0.
 */
function weightedQuantile(side: DrawnSide, counts: Int32Array, row: number, n: number, q: number): number | null {
  if (n === 0) return null;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const i = Math.floor(h);
  const { values, shared } = side;
  // seen: how many of the multiset's smallest values lie at or before index e − 1.
  let seen = 0;
  let e = 0;
  while (seen <= i) seen += counts[row + shared[e++]];
  const lo = values[e - 1];
  if (h === i || i + 1 >= n) return lo;
  // Often the same value again: its case was drawn more than once.
  while (seen <= i + 1) seen += counts[row + shared[e++]];
  const hi = values[e - 1];
  return lo + (h - i) * (hi - lo);
}

/** Scores in one replicate's resample of a side: Σ draws × case size. */
function drawnSize(side: DrawnSide, counts: Int32Array, row: number, k: number): number {
  if (side.uniform >= 0) return k * side.uniform;
  let n = 0;
  for (let c = 0; c < k; c++) n += counts[row + c] * side.sizes[c];
  return n;
}

/**
 * Bootstrap interval for p10(A) − p10(B). Cases, not attempts, are resampled —
 * repeats of a case are correlated, so resampling attempts would understate the
 * spread — and the same drawn cases serve both models, keeping the pairing.
 * Deterministic for a seed, so the same journal always shows the same interval.
 *
 * Each replicate draws k cases (one PRNG call each, in order) and takes p10 of
 * the attempts they bring. Rather than copying those attempts and selecting in
 * the copy — O(N) per replicate, which made a 5-model comparison of a large
 * journal take tens of seconds — both models' scores are sorted once and each
 * replicate only counts how often each case was drawn and walks the sorted
 * scores up to the p10 (`weightedQuantile`). Same draws, same order statistics,
 * same interpolation: the same numbers as the copy (tested against it).
 */
export function bootstrapFloorDifference(
  casesA: readonly (readonly number[])[],
  casesB: readonly (readonly number[])[],
  opts: { replicates?: number; seed?: number; q?: number; draws?: BootstrapDraws } = {},
): FloorBootstrap {
  const q = opts.q ?? 0.1;
  const k = Math.min(casesA.length, casesB.length);
  const sa = sortedByCase(casesA, k);
  const sb = sortedByCase(casesB, k);
  const same = Int32Array.from({ length: k }, (_, i) => i);
  return bootstrapSorted(sa, same, sb, same, quantileOfSorted(sa.values, q), quantileOfSorted(sb.values, q), opts);
}

/**
 * `bootstrapFloorDifference` over presorted scores: the k shared cases are
 * `caseA[j]` in `sa` and `caseB[j]` in `sb`; scores of other cases in them are
 * never drawn. `a` and `b` are the point p10s of the shared scores.
 */
function bootstrapSorted(
  sa: SortedByCase,
  caseA: Int32Array,
  sb: SortedByCase,
  caseB: Int32Array,
  a: number | null,
  b: number | null,
  opts: { replicates?: number; seed?: number; q?: number; draws?: BootstrapDraws },
): FloorBootstrap {
  const replicates = opts.replicates ?? 2000;
  const seed = opts.seed ?? 1;
  const q = opts.q ?? 0.1;
  const k = caseA.length;
  const empty = { replicates: 0, seed, method: BOOTSTRAP_METHOD };
  if (a === null || b === null || k === 0) return { a, b, diff: null, lower: null, upper: null, ...empty };
  const A = drawnSide(sa, caseA);
  const B = drawnSide(sb, caseB);
  const stride = k + 1;
  const shared = opts.draws?.counts(seed, k, replicates) ?? null;
  // Without shared counts: one replicate's counts at a time, drawn here.
  const counts = shared ?? new Int32Array(stride);
  const fill = shared ? null : mulberry32Indexes(seed);
  const drawn = shared ? null : new Int32Array(k);
  const diffs = new Float64Array(replicates);
  let kept = 0;
  for (let r = 0; r < replicates; r++) {
    let row = 0;
    if (shared) row = r * stride;
    else {
      counts.fill(0);
      fill!(drawn!, k);
      for (let j = 0; j < k; j++) counts[drawn![j]]++;
    }
    // Shared cases always hold scores of both models, but stay safe if a caller passes an empty case.
    const qa = weightedQuantile(A, counts, row, drawnSize(A, counts, row, k), q);
    const qb = weightedQuantile(B, counts, row, drawnSize(B, counts, row, k), q);
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
  meansA: readonly number[],
  meansB: readonly number[],
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

    // means[c] is each case's mean score (meanOf(cases[c])).
    const pooledWithin = (cases: readonly (readonly number[])[], means: readonly number[]) => {
      let ss = 0;
      let df = 0;
      for (let c = 0; c < cases.length; c++) {
        const xs = cases[c];
        if (xs.length < 2) continue;
        const m = means[c];
        for (const x of xs) ss += (x - m) ** 2;
        df += xs.length - 1;
      }
      return df > 0 ? ss / df : null;
    };
    const wA = pooledWithin(casesA, meansA);
    const wB = pooledWithin(casesB, meansB);
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
  const side = (xs: readonly StatsAttempt[]) => comparisonSide(scoresByCase(xs, opts.judges));
  return compareSides(side(a), side(b), opts);
}

/**
 * `comparePair` on prepared sides (`comparisonSide`), so a caller comparing many
 * pairs prepares each model once, not once per pair. The sides' case ids are
 * the pairing unit (a caller may key by (prompt, case) to pool prompts).
 * `opts.judges` is not read here: it applies when scoring.
 */
export function compareSides(A: ComparisonSide, B: ComparisonSide, opts: CompareOptions = {}): PairComparison {
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  // The shared cases in A's order, and where each is in A and in B.
  const shared: string[] = [];
  const inA: number[] = [];
  const inB: number[] = [];
  for (let i = 0; i < A.cases.length; i++) {
    const j = B.index.get(A.cases[i]);
    if (j === undefined) continue;
    shared.push(A.cases[i]);
    inA.push(i);
    inB.push(j);
  }
  const listA = inA.map((i) => A.groups[i]);
  const listB = inB.map((j) => B.groups[j]);
  const scoresA = listA.map((g) => g.scores);
  const scoresB = listB.map((g) => g.scores);
  const meansA = inA.map((i) => A.meanScore[i]);
  const meansB = inB.map((j) => B.meanScore[j]);

  const perCase: CaseDifference[] = shared.map((caseId, c) => {
    const scoreA = meansA[c];
    const scoreB = meansB[c];
    const passA = A.meanPass[inA[c]];
    const passB = B.meanPass[inB[c]];
    return { caseId, nA: scoresA[c].length, nB: scoresB[c].length, scoreA, scoreB, passA, passB, scoreDiff: scoreA - scoreB, passDiff: passA - passB };
  });
  const score = pairedDifference('score', meansA, meansB, alpha);
  const pass = pairedDifference('pass', perCase.map((c) => c.passA), perCase.map((c) => c.passB), alpha);

  const rateA = clusteredRate('A pass rate on shared cases', inA.map((i) => ({ n: A.groups[i].passes.length, k: A.passCount[i] })));
  const rateB = clusteredRate('B pass rate on shared cases', inB.map((j) => ({ n: B.groups[j].passes.length, k: B.passCount[j] })));

  let passTest: PairComparison['passTest'] = null;
  if (shared.length > 0) {
    const pairing = pairOneToOne(shared, listA, listB);
    if (pairing.ok) {
      passTest = { method: 'mcnemar-exact', ...pairing.table, p: mcnemarExact(pairing.table.b, pairing.table.c) };
    } else {
      const t = twoProportionZTest(rateA.k * (rateA.nEff / rateA.n), rateA.nEff, rateB.k * (rateB.nEff / rateB.n), rateB.nEff);
      passTest = { ...t, method: `${t.method}, at effective sample sizes (clustered by case)`, reason: pairing.reason, a: rateA, b: rateB };
    }
  }

  // p10 of the shared scores: a side's presorted scores when all its cases are shared (the usual case).
  const q = 0.1;
  const p10 = (side: ComparisonSide, scores: readonly (readonly number[])[]) =>
    quantileOfSorted(scores.length === side.cases.length ? side.sorted.values : Float64Array.from(scores.flat()).sort(), q);
  const floor = bootstrapSorted(A.sorted, Int32Array.from(inA), B.sorted, Int32Array.from(inB), p10(A, scoresA), p10(B, scoresB), {
    replicates: opts.replicates,
    seed: opts.seed,
    q,
    draws: opts.draws,
  });
  const sampleSize = sampleSizeAdvice(score, scoresA, scoresB, meansA, meansB, rateA, rateB, alpha, power);

  return {
    cases: { shared: shared.length, onlyA: A.cases.length - shared.length, onlyB: B.cases.length - shared.length },
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

/**
 * Whether the shared cases' attempts pair one to one by (case, repeat), and
 * their 2×2 table if so. A (case, repeat) key never spans two cases, so each
 * case is checked on its own; the cases are walked in the same order as one
 * flat list of all attempts would be, so the first problem found (and its
 * reason) is the same. The usual case — A's repeats ascending and B's the same
 * sequence — is settled by one aligned pass, without a map per case.
 */
function pairOneToOne(cases: readonly string[], listA: readonly CaseGroup[], listB: readonly CaseGroup[]): Pairing {
  // Per case: whether A's repeat indexes are strictly ascending (so distinct).
  const ascending: boolean[] = [];
  let nA = 0;
  let nB = 0;
  for (let i = 0; i < cases.length; i++) {
    const ra = listA[i].repeats;
    let up = true;
    for (let j = 1; j < ra.length && up; j++) up = ra[j - 1] < ra[j];
    ascending.push(up);
    if (!up) {
      const seen = new Set<number>();
      for (const r of ra) {
        if (seen.has(r)) return { ok: false, reason: `model A has more than one scored attempt for case ${cases[i]}, repeat ${r}` };
        seen.add(r);
      }
    }
    nA += ra.length;
    nB += listB[i].repeats.length;
  }
  if (nA !== nB) return { ok: false, reason: `the models have different numbers of scored attempts (${nA} vs ${nB})` };
  const table = { pairs: 0, bothPass: 0, b: 0, c: 0, bothFail: 0 };
  const count = (pa: number, pb: number) => {
    table.pairs++;
    if (pa && pb) table.bothPass++;
    else if (pa) table.b++;
    else if (pb) table.c++;
    else table.bothFail++;
  };
  for (let i = 0; i < cases.length; i++) {
    const ra = listA[i].repeats;
    const rb = listB[i].repeats;
    const pa = listA[i].passes;
    const pb = listB[i].passes;
    let aligned = ascending[i] && ra.length === rb.length;
    for (let j = 0; j < rb.length && aligned; j++) aligned = ra[j] === rb[j];
    if (aligned) {
      for (let j = 0; j < rb.length; j++) count(pa[j], pb[j]);
      continue;
    }
    const passOfRepeat = new Map<number, number>();
    for (let j = 0; j < ra.length; j++) passOfRepeat.set(ra[j], pa[j]);
    const seen = new Set<number>();
    for (let j = 0; j < rb.length; j++) {
      const r = rb[j];
      if (seen.has(r)) return { ok: false, reason: `model B has more than one scored attempt for case ${cases[i]}, repeat ${r}` };
      seen.add(r);
      const passA = passOfRepeat.get(r);
      if (passA === undefined) return { ok: false, reason: `case ${cases[i]}, repeat ${r} has no scored attempt from model A` };
      count(passA, pb[j]);
    }
  }
  return { ok: true, table };
}
