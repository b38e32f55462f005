import { describe, expect, it } from 'vitest';
import { clusteredRate, designEffect, twoProportionZTest, wilson } from './intervals';

describe('wilson', () => {
  // z² = 3.8416; 8/10: centre = (0.8 + 0.19208)/1.38416 = 0.716738,
  // half = 1.96/1.38416 · √(0.016 + 0.009604) = 0.226580.
  it('8/10 → [0.4902, 0.9433]', () => {
    const w = wilson(8, 10);
    expect(w.point).toBe(0.8);
    expect(w.lower).toBeCloseTo(0.4902, 4);
    expect(w.upper).toBeCloseTo(0.9433, 4);
  });
  it('0/10 → [0, 0.2775]; 10/10 → [0.7225, 1]', () => {
    expect(wilson(0, 10)).toEqual({ point: 0, lower: 0, upper: expect.closeTo(0.2775, 4) });
    expect(wilson(10, 10)).toEqual({ point: 1, lower: expect.closeTo(0.7225, 4), upper: 1 });
  });
  it('0/0 knows nothing: point null, [0, 1]', () => {
    expect(wilson(0, 0)).toEqual({ point: null, lower: 0, upper: 1 });
  });
  it('1/1 → [0.2065, 1]', () => {
    expect(wilson(1, 1).lower).toBeCloseTo(0.2065, 4);
  });
  it('accepts fractional (effective) counts and another z', () => {
    const w = wilson(2.5, 5, 1);
    // p = 0.5, n = 5, z = 1: centre 0.5, half = (1/1.2)·√(0.05 + 0.01) = 0.204124
    expect(w.lower).toBeCloseTo(0.5 - 0.204124, 6);
    expect(w.upper).toBeCloseTo(0.5 + 0.204124, 6);
  });
});

describe('designEffect (clustered by case)', () => {
  it('hand-worked: A = 1,1,1,0  B = 0,0,0,0  C = 1,1,1,1', () => {
    // n = 12, x̄ = 7/12, Σ(x − x̄)² = 7 − 49/12 = 35/12.
    // Cluster sums of deviations: A = 3 − 4·7/12 = 2/3, B = −7/3, C = 5/3; Σ² = 78/9.
    // deff = (78/9)/(35/12) = 936/315 = 2.971429; n_eff = 12/deff = 4.038462.
    const values = [1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    const clusters = ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B', 'C', 'C', 'C', 'C'];
    const de = designEffect(values, clusters);
    expect(de.deff).toBeCloseTo(936 / 315, 10);
    expect(de.nEff).toBeCloseTo(12 / (936 / 315), 10);
    expect(de.seIid).toBeCloseTo(Math.sqrt(35 / 12) / 12, 10);
    expect(de.seClustered).toBeCloseTo(Math.sqrt(78 / 9) / 12, 10);
    expect(de.clusters).toBe(3);
  });
  it('perfectly consistent cases: deff = repeats per case', () => {
    const values = [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1];
    const clusters = values.map((_, i) => `c${Math.floor(i / 4)}`);
    expect(designEffect(values, clusters).deff).toBeCloseTo(4, 12);
  });
  it('one attempt per case, one case, or no variance: deff = 1', () => {
    expect(designEffect([1, 0, 1, 0], ['a', 'b', 'c', 'd']).deff).toBe(1);
    expect(designEffect([1, 0, 1, 0], ['a', 'a', 'a', 'a']).deff).toBe(1);
    expect(designEffect([1, 1, 1, 1], ['a', 'a', 'b', 'b']).deff).toBe(1);
    expect(designEffect([], []).nEff).toBe(0);
  });
  it('negative within-case correlation is floored at 1', () => {
    expect(designEffect([1, 0, 1, 0], ['a', 'a', 'b', 'b']).deff).toBe(1);
  });
  it('works on continuous scores too', () => {
    // x̄ = 0.5; deviations a: (−0.4, −0.3) sum −0.7; b: (0.3, 0.4) sum 0.7; SS = 0.5; Σ² = 0.98
    const de = designEffect([0.1, 0.2, 0.8, 0.9], ['a', 'a', 'b', 'b']);
    expect(de.deff).toBeCloseTo(0.98 / 0.5, 12);
  });
});

describe('clusteredRate', () => {
  it('uses Wilson at n_eff with p̂ unchanged', () => {
    // Same data as the hand-worked deff: 7 passes of 12.
    const r = clusteredRate('pass', [
      { n: 4, k: 3 },
      { n: 4, k: 0 },
      { n: 4, k: 4 },
    ]);
    const nEff = 12 / (936 / 315);
    const w = wilson((7 / 12) * nEff, nEff);
    expect(r.point).toBeCloseTo(7 / 12, 12);
    expect(r.k).toBe(7);
    expect(r.n).toBe(12);
    expect(r.nEff).toBeCloseTo(nEff, 10);
    expect(r.lower).toBeCloseTo(w.lower, 12);
    expect(r.upper).toBeCloseTo(w.upper, 12);
    expect(r.confidence).toBe('low');
  });
  it('one attempt per case is the plain Wilson interval', () => {
    const r = clusteredRate('pass', Array.from({ length: 10 }, (_, i) => ({ n: 1, k: i < 8 ? 1 : 0 })));
    expect(r.deff).toBe(1);
    expect(r.lower).toBeCloseTo(0.4902, 4);
    expect(r.confidence).toBe('ok');
  });
  it('empty: none', () => {
    const r = clusteredRate('pass', []);
    expect(r).toMatchObject({ n: 0, point: null, lower: 0, upper: 1, confidence: 'none' });
  });
});

describe('twoProportionZTest', () => {
  it('45/100 vs 30/100: z = 0.15/√(0.375·0.625·0.02) = 2.19089, p = 0.02846', () => {
    const t = twoProportionZTest(45, 100, 30, 100);
    expect(t.z).toBeCloseTo(2.19089, 5);
    expect(t.p).toBeCloseTo(0.02846, 5);
  });
  it('equal all-pass groups: p = 1; an empty group: null', () => {
    expect(twoProportionZTest(10, 10, 5, 5).p).toBe(1);
    expect(twoProportionZTest(1, 0, 5, 5).p).toBeNull();
  });
});
