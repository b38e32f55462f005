/**
 * Quantiles by linear interpolation between order statistics — numpy's default
 * ("linear", Hyndman & Fan type 7) — computed by d3-array's `quantileSorted`.
 * For n sorted values the q-quantile is at index h = (n − 1)·q, interpolated
 * between values[⌊h⌋] and values[⌊h⌋ + 1]; e.g. p10 of 1..10 is 1.9.
 *
 * Values are collected into a Float64Array and sorted once (a typed-array sort
 * is numeric and much faster than Array#sort with a comparator), then every
 * quantile of that figure reads the same sorted array.
 */
import { quantileSorted } from 'd3-array';

/** Copies finite numbers into a sorted Float64Array. */
export function sortedValues(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

/** The q-quantile of an ascending array (type 7); null when it is empty. */
export function quantileOfSorted(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  // d3 only reads `length` and indices, so a typed array is fine; its types ask for number[].
  const v = quantileSorted(sorted as unknown as number[], q);
  return v === undefined ? null : v;
}

/** The q-quantile of unsorted values (sorts a copy). */
export function quantile(values: ArrayLike<number>, q: number): number | null {
  return quantileOfSorted(sortedValues(values), q);
}

/**
 * The type-7 q-quantile of `buf` in O(n) by selection instead of a sort: the
 * lower order statistic by `quantilesInPlace`'s direct-compare selection (several
 * times faster on typed arrays than d3-array's comparator-based quickselect,
 * which it replaced), then the minimum of the part above it for the upper one.
 * REORDERS `buf` in place; for hot loops such as bootstrap replicates. null when
 * empty.
 */
export function quantileSelectInPlace(buf: Float64Array, q: number): number | null {
  return quantilesInPlace(buf, [q])[0];
}

/**
 * Moves the k-th smallest of buf[left..right] to index k, smaller-or-equal ones
 * before it and greater-or-equal ones after (Hoare partition, median-of-three
 * pivot). Compares numbers directly — no comparator call per comparison, which
 * makes it several times faster than a generic quickselect or a typed-array
 * sort for the few quantiles a cell needs. Values must not be NaN.
 */
function selectRange(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left === 1) {
      // Two values: the median-of-three below would read one of them twice.
      if (a[left] > a[right]) {
        const t = a[left];
        a[left] = a[right];
        a[right] = t;
      }
      return;
    }
    const mid = (left + right) >>> 1;
    let x = a[left];
    let y = a[mid];
    let z = a[right];
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    a[left] = x;
    a[mid] = y;
    a[right] = z;
    const pivot = y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/**
 * Several type-7 quantiles of `buf` at once by selection, in O(n) per quantile
 * rather than a sort. `qs` must be ascending. REORDERS `buf` in place. Each
 * selection starts where the previous one left the array partitioned, so later
 * quantiles only search the upper part. Gives the same values as
 * `quantileOfSorted` on the sorted values (tested against it).
 */
export function quantilesInPlace(buf: Float64Array, qs: readonly number[]): (number | null)[] {
  const n = buf.length;
  if (n === 0) return qs.map(() => null);
  const out: number[] = [];
  let left = 0;
  for (const q of qs) {
    const h = (n - 1) * Math.min(1, Math.max(0, q));
    const i = Math.floor(h);
    selectRange(buf, i, left, n - 1);
    left = i;
    const lo = buf[i];
    if (h === i || i + 1 >= n) {
      out.push(lo);
      continue;
    }
    let hi = Infinity;
    for (let j = i + 1; j < n; j++) if (buf[j] < hi) hi = buf[j];
    out.push(lo + (h - i) * (hi - lo));
  }
  return out;
}
