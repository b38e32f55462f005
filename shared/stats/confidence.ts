/**
 * How much a figure can be trusted, from its sample size alone. Every figure the
 * product shows carries one, so the UI can grey out or annotate weak numbers
 * ("Floors first … With too few attempts, say so", PRODUCT.md).
 *
 * Thresholds (documented here, used everywhere):
 *  - `none`: no data at all (n = 0); the value is null or uninformative.
 *  - rates (Wilson intervals, on n_eff where clustered): `low` when n < 10.
 *    Wilson is valid at any n ≥ 1, but below ten trials the interval is so wide
 *    that the floor mostly reflects the sample size, not the model.
 *  - quantiles: `low` when n < max(10, ⌈1 / min(q, 1 − q)⌉): a p10 needs ≥ 10
 *    values, a p90 ≥ 10, a p99 ≥ 100 — below that the "quantile" is just the
 *    extreme value (or an interpolation towards it) of a tiny sample. Median,
 *    worst and best use the floor of 10.
 *  - means and ratios (cost): `low` when n < 10.
 */
export type Confidence = 'none' | 'low' | 'ok';

/** Below this many trials (or values) a figure is `low`. */
export const FEW = 10;

export function rateConfidence(n: number): Confidence {
  if (!(n > 0)) return 'none';
  return n < FEW ? 'low' : 'ok';
}

/** Values needed before the q-quantile is `ok`. */
export function quantileMinN(q: number): number {
  const tail = Math.min(q, 1 - q);
  // Round before ceil: 1 / 0.01 is 100.00000000000001 in some spellings of 0.01.
  return tail > 0 ? Math.max(FEW, Math.ceil(Math.round((1 / tail) * 1e9) / 1e9)) : FEW;
}

export function quantileConfidence(n: number, q: number): Confidence {
  if (!(n > 0)) return 'none';
  return n < quantileMinN(q) ? 'low' : 'ok';
}

export function countConfidence(n: number): Confidence {
  return rateConfidence(n);
}
