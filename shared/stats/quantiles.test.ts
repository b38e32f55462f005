import { describe, expect, it } from 'vitest';
import { mulberry32 } from './prng';
import { quantile, quantileOfSorted, quantileSelectInPlace, quantilesInPlace, sortedValues } from './quantiles';
import { quantileConfidence, quantileMinN, rateConfidence } from './confidence';

// numpy.quantile(x, q) (method 'linear'): h = (n − 1)q, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
describe('quantiles (type 7, numpy default)', () => {
  const oneToTen = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  it('p10 of 1..10 = 1 + 0.9·1 = 1.9; p90 = 9.1; median = 5.5', () => {
    expect(quantile(oneToTen, 0.1)).toBeCloseTo(1.9, 12);
    expect(quantile(oneToTen, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile(oneToTen, 0.5)).toBeCloseTo(5.5, 12);
  });
  it('p99 of 1..100: h = 98.01 → 99.01', () => {
    expect(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBeCloseTo(99.01, 10);
  });
  it('p10 of [0, 0.5, 1, 1]: h = 0.3 → 0.15', () => {
    expect(quantile([1, 0, 1, 0.5], 0.1)).toBeCloseTo(0.15, 12);
  });
  it('one value is every quantile; no values give null', () => {
    expect(quantile([5], 0.1)).toBe(5);
    expect(quantile([5], 0.99)).toBe(5);
    expect(quantile([], 0.5)).toBeNull();
  });
  it('sortedValues drops non-finite numbers and sorts numerically', () => {
    expect(Array.from(sortedValues([10, NaN, 2, Infinity, 1]))).toEqual([1, 2, 10]);
    expect(quantileOfSorted(sortedValues([10, 2, 1]), 0)).toBe(1);
    expect(quantileOfSorted(sortedValues([10, 2, 1]), 1)).toBe(10);
  });
});

describe('confidence thresholds', () => {
  it('quantiles need 1/tail values, at least 10', () => {
    expect(quantileMinN(0.1)).toBe(10);
    expect(quantileMinN(0.9)).toBe(10);
    expect(quantileMinN(0.99)).toBe(100);
    expect(quantileMinN(0.5)).toBe(10);
    expect(quantileMinN(0)).toBe(10);
    expect(quantileConfidence(0, 0.1)).toBe('none');
    expect(quantileConfidence(9, 0.1)).toBe('low');
    expect(quantileConfidence(10, 0.1)).toBe('ok');
    expect(quantileConfidence(99, 0.99)).toBe('low');
    expect(quantileConfidence(100, 0.99)).toBe('ok');
  });
  it('rates: none at 0, low below 10', () => {
    expect(rateConfidence(0)).toBe('none');
    expect(rateConfidence(9.5)).toBe('low');
    expect(rateConfidence(10)).toBe('ok');
  });
});

describe('quantileSelectInPlace', () => {
  it('agrees with the sorted quantile on random data with and without ties', () => {
    const rng = mulberry32(5);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rng() * 60);
      const ties = trial % 2 === 0;
      const xs = Array.from({ length: n }, () => (ties ? Math.floor(rng() * 3) / 2 : rng()));
      for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
        expect(quantileSelectInPlace(Float64Array.from(xs), q)).toBeCloseTo(quantile(xs, q) ?? NaN, 12);
      }
    }
  });
  it('p10 of 1..10 is 1.9; empty is null', () => {
    expect(quantileSelectInPlace(Float64Array.from([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), 0.1)).toBeCloseTo(1.9, 12);
    expect(quantileSelectInPlace(new Float64Array(0), 0.1)).toBeNull();
  });
});

describe('quantilesInPlace', () => {
  it('equals the sorted type-7 quantiles on random data with ties, small and large n', () => {
    const rng = mulberry32(7);
    const qs = [0, 0.01, 0.1, 0.1, 0.5, 0.9, 0.99, 1];
    for (const n of [1, 2, 3, 5, 10, 11, 99, 100, 101, 1000]) {
      for (let rep = 0; rep < 20; rep++) {
        // Half the trials draw from few distinct values, so ties are common.
        const buf = Float64Array.from({ length: n }, () => (rep % 2 ? Math.floor(rng() * 4) / 4 : rng() * 1000));
        const sorted = buf.slice().sort();
        const got = quantilesInPlace(buf, qs);
        expect(got).toEqual(qs.map((q) => quantileOfSorted(sorted, q)));
      }
    }
  });

  it('is null for an empty buffer and exact for hand-worked values', () => {
    expect(quantilesInPlace(new Float64Array(0), [0.1])).toEqual([null]);
    // n = 5, p10: h = 0.4 → 1 + 0.4·(2 − 1) = 1.4; median 3; p90: h = 3.6 → 4 + 0.6·(5 − 4) = 4.6
    const [p10, med, p90] = quantilesInPlace(Float64Array.from([5, 3, 1, 4, 2]), [0.1, 0.5, 0.9]);
    expect(p10).toBeCloseTo(1.4, 12);
    expect(med).toBe(3);
    expect(p90).toBeCloseTo(4.6, 12);
  });
});
