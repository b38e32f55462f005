import { describe, expect, it } from 'vitest';
import {
  binomialTwoSidedHalfP,
  normalCdf,
  normalTwoSidedP,
  probit,
  regularizedBeta,
  studentTCdf,
  studentTQuantile,
} from './distributions';

// Reference values are standard table values (scipy.stats.norm / t give the same digits).
describe('normal distribution', () => {
  it('probit matches the normal quantiles to 1e-6', () => {
    expect(probit(0.975)).toBeCloseTo(1.959964, 6);
    expect(probit(0.8)).toBeCloseTo(0.841621, 6);
    expect(probit(0.01)).toBeCloseTo(-2.326348, 6);
    expect(probit(0.999)).toBeCloseTo(3.090232, 6);
    expect(probit(0.5)).toBe(0);
    expect(probit(0)).toBe(-Infinity);
    expect(probit(1)).toBe(Infinity);
    expect(probit(1.5)).toBeNaN();
  });

  it('normalCdf inverts probit', () => {
    for (const p of [0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999]) expect(normalCdf(probit(p))).toBeCloseTo(p, 6);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
  });

  it('two-sided p of z = 1.959964 is 0.05', () => {
    expect(normalTwoSidedP(1.959964)).toBeCloseTo(0.05, 6);
    expect(normalTwoSidedP(-1.959964)).toBeCloseTo(0.05, 6);
    expect(normalTwoSidedP(0)).toBeCloseTo(1, 6);
  });
});

describe('exact binomial at p = 1/2 (McNemar)', () => {
  it('b = 10, c = 2: p = 2·(1 + 12 + 66)/4096 = 0.038574', () => {
    expect(binomialTwoSidedHalfP(10, 12)).toBeCloseTo(79 / 2048, 12);
    expect(binomialTwoSidedHalfP(2, 12)).toBeCloseTo(79 / 2048, 12);
  });
  it('balanced or empty tables give p = 1', () => {
    expect(binomialTwoSidedHalfP(5, 10)).toBe(1);
    expect(binomialTwoSidedHalfP(0, 0)).toBe(1);
  });
  it('all discordant pairs one way: 0 of 6 → 2/64', () => {
    expect(binomialTwoSidedHalfP(0, 6)).toBeCloseTo(2 / 64, 12);
  });
});

describe('Student t', () => {
  it('quantiles match t tables', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 4);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 5);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 5);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.962339, 5);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262157, 5);
    expect(studentTQuantile(0.5, 3)).toBe(0);
  });
  it('CDF: df = 1 is the Cauchy distribution, ½ + atan(t)/π', () => {
    for (const t of [-3, -0.5, 0, 1, 4]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 10);
    expect(studentTCdf(2, 5)).toBeCloseTo(0.949030, 6);
  });
  it('regularized beta: I_x(1, 1) = x and I_x(a, 1) = x^a', () => {
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedBeta(0.6, 3, 1)).toBeCloseTo(0.216, 12);
    expect(regularizedBeta(0, 2, 2)).toBe(0);
    expect(regularizedBeta(1, 2, 2)).toBe(1);
  });
});
