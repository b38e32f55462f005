import { describe, expect, it } from 'vitest';
import { mulberry32, mulberry32Indexes, randomInt } from './prng';

describe('mulberry32', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('gives floats in [0, 1) with a mean near ½ and integers in range', () => {
    const r = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[randomInt(r, 3)]++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
  });
});

describe('mulberry32Indexes', () => {
  it('fills with ⌊next() · n⌋ of the same sequence as mulberry32, continuing across fills', () => {
    for (const seed of [1, 42, 2 ** 32 - 1]) {
      const r = mulberry32(seed);
      const fill = mulberry32Indexes(seed);
      for (const [len, n] of [
        [7, 3],
        [50, 50],
        [1, 1],
        [300, 1000],
      ]) {
        const out = new Int32Array(len);
        fill(out, n);
        expect([...out]).toEqual(Array.from({ length: len }, () => Math.floor(r() * n)));
      }
    }
  });
});
