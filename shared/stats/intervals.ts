/**
 * Rate intervals: the Wilson score interval, the design effect of repeats
 * clustered by case, and the two-proportion z-test.
 */
import { type Confidence, rateConfidence } from './confidence';
import { normalTwoSidedP } from './distributions';

export interface WilsonInterval {
  /** k / n; null when n = 0. */
  point: number | null;
  lower: number;
  upper: number;
}

/**
 * Wilson score interval (Wilson 1927) for k successes in n trials:
 *   centre = (p̂ + z²/2n) / (1 + z²/n),
 *   half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
 * `n` and `passes` may be fractional (an effective sample size). With n = 0
 * nothing is known: point null, interval [0, 1]. z = 1.96 gives the 95% interval
 * PRODUCT.md names; its lower bound is the pass-rate floor.
 */
export function wilson(passes: number, n: number, z = 1.96): WilsonInterval {
  if (!(n > 0)) return { point: null, lower: 0, upper: 1 };
  const p = Math.min(1, Math.max(0, passes / n));
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At p̂ = 0 or 1 one bound is exactly 0 or 1 in exact arithmetic; clamp the rounding.
  return {
    point: p,
    lower: p === 0 ? 0 : Math.max(0, centre - half),
    upper: p === 1 ? 1 : Math.min(1, centre + half),
  };
}

/** Running totals of one cluster (one case): count, Σx, Σx². */
export interface ClusterTotals {
  n: number;
  sum: number;
  sumSq: number;
}

export interface DesignEffect {
  n: number;
  clusters: number;
  /** max(1, SE²_clustered / SE²_iid); 1 when it cannot be estimated. */
  deff: number;
  /** n / deff. */
  nEff: number;
  mean: number | null;
  /** √((1/n²)·Σ_i (x_i − x̄)²): the iid standard error with the same (ddof 0) scaling. */
  seIid: number | null;
  /** √((1/n²)·Σ_c (Σ_{i∈c} (x_i − x̄))²): the cluster-robust standard error. */
  seClustered: number | null;
}

/**
 * Design effect of clustering by case (PRODUCT.md; Miller 2024, "Adding Error
 * Bars to Evals", arXiv 2411.00640, §2.2 and Appendix A).
 *
 *   SE²_clustered = (1/n²) · Σ_c (Σ_{i∈c} (x_i − x̄))²     (the paper's sandwich form)
 *   SE²_iid       = (1/n²) · Σ_i (x_i − x̄)²               (the same estimator with every attempt its own cluster)
 *   deff = max(1, SE²_clustered / SE²_iid),  n_eff = n / deff.
 *
 * Choices, and why:
 *  - No small-sample correction (neither the C/(C−1) finite-cluster factor that
 *    inspect_ai adds, nor n/(n−1) on the iid side). Both standard errors use the
 *    same scaling so the ratio measures clustering alone: with one attempt per
 *    case it is exactly 1, as PRODUCT.md requires, and when every case's repeats
 *    agree perfectly (m repeats each) it is exactly m — each case counts once.
 *    A C/(C−1) factor would inflate deff above 1 for unclustered data.
 *  - deff is floored at 1 (PRODUCT.md): negative within-case correlation would
 *    otherwise claim more information than independent attempts carry.
 *  - One case, one attempt, or no variance (all values equal) → deff = 1: the
 *    ratio is undefined or degenerate (with one case Σ_c(…)² is 0 by construction).
 *
 * Runs in O(number of clusters) on per-cluster totals collected in one pass.
 */
export function designEffectFromTotals(totals: Iterable<ClusterTotals>): DesignEffect {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let clusters = 0;
  const list: ClusterTotals[] = [];
  for (const t of totals) {
    if (t.n === 0) continue;
    list.push(t);
    n += t.n;
    sum += t.sum;
    sumSq += t.sumSq;
    clusters++;
  }
  if (n === 0) return { n: 0, clusters: 0, deff: 1, nEff: 0, mean: null, seIid: null, seClustered: null };
  const mean = sum / n;
  const ss = Math.max(0, sumSq - n * mean * mean);
  let between = 0;
  for (const t of list) {
    const s = t.sum - t.n * mean;
    between += s * s;
  }
  const seIid = Math.sqrt(ss) / n;
  const seClustered = Math.sqrt(between) / n;
  // Relative tolerance: an all-equal sample leaves rounding dust in ss.
  const degenerate = clusters < 2 || clusters === n || ss <= 1e-12 * Math.max(1, sumSq);
  const deff = degenerate ? 1 : Math.max(1, between / ss);
  return { n, clusters, deff, nEff: n / deff, mean, seIid, seClustered };
}

/** `designEffectFromTotals` over raw values and their cluster (case) ids. */
export function designEffect(values: ArrayLike<number>, clusters: ArrayLike<string>): DesignEffect {
  if (values.length !== clusters.length) throw new RangeError('designEffect: values and clusters differ in length');
  const byCluster = new Map<string, ClusterTotals>();
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let t = byCluster.get(clusters[i]);
    if (!t) {
      t = { n: 0, sum: 0, sumSq: 0 };
      byCluster.set(clusters[i], t);
    }
    t.n++;
    t.sum += x;
    t.sumSq += x * x;
  }
  return designEffectFromTotals(byCluster.values());
}

/** A rate with its Wilson interval on the effective sample size, and every N behind it. */
export interface RateStat extends WilsonInterval {
  /** Human label, naming the denominator. */
  label: string;
  /** Successes (passes). */
  k: number;
  /** Trials in the denominator. */
  n: number;
  /** Cases (clusters) the trials came from. */
  clusters: number;
  deff: number;
  nEff: number;
  confidence: Confidence;
  method: string;
}

export const CLUSTERED_WILSON_METHOD =
  '95% Wilson score interval at n_eff = n / deff, deff = max(1, SE²_clustered-by-case / SE²_iid) (Miller 2024)';

/**
 * A rate over binary outcomes clustered by case: p̂ = k/n unchanged, interval =
 * Wilson at n_eff with passes_eff = p̂·n_eff (PRODUCT.md "pass rate").
 * Binary data: Σx² = Σx, so per-cluster totals are {n, k, k}.
 */
export function clusteredRate(label: string, perCluster: Iterable<{ n: number; k: number }>, z = 1.96): RateStat {
  const totals: ClusterTotals[] = [];
  let k = 0;
  for (const c of perCluster) {
    if (c.n === 0) continue;
    totals.push({ n: c.n, sum: c.k, sumSq: c.k });
    k += c.k;
  }
  const de = designEffectFromTotals(totals);
  const p = de.n > 0 ? k / de.n : 0;
  const w = wilson(p * de.nEff, de.nEff, z);
  return {
    label,
    k,
    n: de.n,
    clusters: de.clusters,
    deff: de.deff,
    nEff: de.nEff,
    point: de.n > 0 ? p : null,
    lower: w.lower,
    upper: w.upper,
    confidence: rateConfidence(de.nEff),
    method: CLUSTERED_WILSON_METHOD,
  };
}

export interface TwoProportionTest {
  p1: number | null;
  p2: number | null;
  diff: number | null;
  z: number | null;
  /** Two-sided p-value; null when either group is empty. */
  p: number | null;
  method: string;
}

/**
 * Two-proportion z-test with pooled variance:
 *   p̄ = (k1 + k2)/(n1 + n2),  z = (p̂1 − p̂2) / √(p̄(1 − p̄)(1/n1 + 1/n2)),
 * two-sided p from the normal. n may be fractional (effective sizes). When both
 * groups are all-pass or all-fail the difference is 0 and p = 1.
 */
export function twoProportionZTest(k1: number, n1: number, k2: number, n2: number): TwoProportionTest {
  const method = 'two-proportion z-test, pooled variance, two-sided';
  if (!(n1 > 0) || !(n2 > 0)) return { p1: n1 > 0 ? k1 / n1 : null, p2: n2 > 0 ? k2 / n2 : null, diff: null, z: null, p: null, method };
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { p1, p2, diff: p1 - p2, z: 0, p: 1, method };
  const z = (p1 - p2) / se;
  return { p1, p2, diff: p1 - p2, z, p: normalTwoSidedP(z), method };
}
