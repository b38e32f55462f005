import { describe, expect, it } from 'vitest';
import {
  BootstrapDraws,
  bootstrapFloorDifference,
  comparePair,
  mcnemarExact,
  pairedDifference,
  pairedSampleSize,
  twoProportionSampleSize,
} from './compare';
import { mulberry32, type Rng } from './prng';
import { quantileOfSorted } from './quantiles';
import { attempt, check, outcome } from './testing';
import { type StatsAttempt, verdictOf } from './verdict';

describe('pairedDifference', () => {
  it('hand-worked: d = 0.5, 0.2, 0 → mean 0.2333, interval spans 0', () => {
    // deviations 0.26667, −0.03333, −0.23333; Σ² = 0.126667; sd = √(0.126667/2) = 0.251661;
    // se = 0.145297; t(0.975, 2) = 4.302653; half = 0.625162.
    const d = pairedDifference('score', [1, 0.8, 0.6], [0.5, 0.6, 0.6]);
    expect(d.mean).toBeCloseTo(0.233333, 6);
    expect(d.sd).toBeCloseTo(0.251661, 6);
    expect(d.se).toBeCloseTo(0.145297, 6);
    expect(d.lower).toBeCloseTo(0.233333 - 0.625162, 5);
    expect(d.upper).toBeCloseTo(0.233333 + 0.625162, 5);
    expect(d.verdict).toBe('not-distinguishable-yet');
    expect(d.confidence).toBe('low');
  });
  it('a consistent difference is distinguishable, either way round', () => {
    const a = [0.9, 0.8, 0.95, 0.85, 0.9, 0.8, 0.9, 0.85, 0.95, 0.9];
    const b = a.map((x, i) => x - 0.3 - (i % 2) * 0.05);
    expect(pairedDifference('score', a, b).verdict).toBe('a-higher');
    expect(pairedDifference('score', b, a).verdict).toBe('b-higher');
  });
  it('no cases or one case: insufficient data', () => {
    expect(pairedDifference('pass', [], []).verdict).toBe('insufficient-data');
    const one = pairedDifference('pass', [1], [0]);
    expect(one).toMatchObject({ verdict: 'insufficient-data', mean: 1, se: null, lower: null });
  });
});

describe('McNemar exact', () => {
  it('b = 10, c = 2 → p = 0.0386', () => {
    expect(mcnemarExact(10, 2)).toBeCloseTo(0.0386, 4);
    expect(mcnemarExact(0, 0)).toBe(1);
  });
});

describe('sample sizes', () => {
  it('two proportions 0.6 vs 0.4: 96.92 → 97 per group', () => {
    // p̄ = 0.5: (1.959964·√0.5 + 0.841621·√0.48)² / 0.04 = (1.385904 + 0.583093)² / 0.04 = 96.92
    expect(twoProportionSampleSize(0.6, 0.4)).toBeCloseTo(96.92, 1);
    expect(Math.ceil(twoProportionSampleSize(0.6, 0.4) ?? 0)).toBe(97);
    expect(twoProportionSampleSize(0.5, 0.5)).toBeNull();
  });
  it('paired: d̄ = 0.2, s_d = 0.5 → ((1.959964 + 0.841621)·2.5)² = 49.06 cases', () => {
    expect(pairedSampleSize(0.2, 0.5)).toBeCloseTo(49.06, 1);
    expect(pairedSampleSize(0, 0.5)).toBeNull();
  });
});

/** One attempt per (case, repeat) per model from a table of outcomes. */
function pairs(table: Array<[boolean, boolean]>): { a: ReturnType<typeof attempt>[]; b: ReturnType<typeof attempt>[] } {
  const a = table.map(([pa], i) => outcome(`c${i}`, pa, { model: 'A' }));
  const b = table.map(([, pb], i) => outcome(`c${i}`, pb, { model: 'B' }));
  return { a, b };
}

describe('comparePair', () => {
  it('uses McNemar when attempts pair one to one', () => {
    const table: Array<[boolean, boolean]> = [
      ...Array.from({ length: 10 }, (): [boolean, boolean] => [true, false]),
      ...Array.from({ length: 2 }, (): [boolean, boolean] => [false, true]),
      ...Array.from({ length: 5 }, (): [boolean, boolean] => [true, true]),
      ...Array.from({ length: 3 }, (): [boolean, boolean] => [false, false]),
    ];
    const { a, b } = pairs(table);
    const r = comparePair(a, b);
    expect(r.cases).toEqual({ shared: 20, onlyA: 0, onlyB: 0 });
    expect(r.passTest).toMatchObject({ method: 'mcnemar-exact', pairs: 20, b: 10, c: 2, bothPass: 5, bothFail: 3 });
    expect(r.passTest?.p).toBeCloseTo(0.0386, 4);
    // Pass difference: 15/20 − 7/20 = 0.4.
    expect(r.pass.mean).toBeCloseTo(0.4, 12);
    expect(r.perCase).toHaveLength(20);
    expect(r.perCase[0]).toMatchObject({ caseId: 'c0', nA: 1, nB: 1, passA: 1, passB: 0, passDiff: 1, scoreDiff: 1 });
  });

  it('falls back to the two-proportion z-test when a retry shares a repeat index', () => {
    const { a, b } = pairs([
      [true, false],
      [true, true],
      [false, false],
    ]);
    a.push(outcome('c0', 'failed', { model: 'A' }));
    const r = comparePair(a, b);
    expect(r.passTest?.method).toMatch(/two-proportion z-test/);
    expect(r.passTest && 'reason' in r.passTest ? r.passTest.reason : '').toMatch(/more than one/);
  });

  it('ignores cases only one model has, and says so', () => {
    const { a, b } = pairs([
      [true, false],
      [true, true],
    ]);
    a.push(outcome('only-a', true));
    b.push(outcome('only-b', true), attempt({ caseId: 'ungraded' }));
    const r = comparePair(a, b);
    expect(r.cases).toEqual({ shared: 2, onlyA: 1, onlyB: 1 });
    expect(r.attempts).toEqual({ a: 2, b: 2 });
  });

  it('no shared cases: insufficient data, nothing else', () => {
    const r = comparePair([outcome('x', true)], [outcome('y', true)]);
    expect(r.verdict).toBe('insufficient-data');
    expect(r.passTest).toBeNull();
    expect(r.sampleSize).toBeNull();
    expect(r.floor.diff).toBeNull();
  });

  it('sample-size advice, hand-worked', () => {
    // A: c1 [1,0] c2 [1,1] c3 [0,0] c4 [1,0]; B: all [0,0]. d = 0.5, 1, 0, 0.5: d̄ = 0.5, s_d² = 0.5/3.
    // Cases: ((2.801585·0.408248)/0.5)² = 5.2326 → 2 more than 4.
    // Repeats: wA = 1/4 (pooled), wB = 0; within now = 0.25/2 = 0.125; between = 0.16667 − 0.125 = 0.041667;
    // target = 4·0.25/2.801585² = 0.127407; m' = 0.25/(0.127407 − 0.041667) = 2.9158 → 1 more than 2.
    // Attempts: pA = 4/8, pB = 0 → n = (1.959964·√0.375 + 0.841621·√0.25)²/0.25 = 10.511;
    // deff(A): deviation sums 0, 1, −1, 0 → Σ² = 2 = SS → 1; so 3 more than 8.
    const rowsA = [[1, 0], [1, 1], [0, 0], [1, 0]];
    const a = rowsA.flatMap((row, c) => row.map((x, r) => outcome(`c${c}`, x === 1, { repeatIndex: r })));
    const b = rowsA.flatMap((row, c) => row.map((_, r) => outcome(`c${c}`, false, { repeatIndex: r })));
    const r = comparePair(a, b);
    expect(r.score.mean).toBeCloseTo(0.5, 12);
    expect(r.sampleSize).toMatchObject({ moreCases: 2, moreRepeatsPerCase: 1, moreAttemptsPerModel: 3, alpha: 0.05, power: 0.8 });
  });

  it('identical models: difference 0, no sample-size advice', () => {
    const { a, b } = pairs([
      [true, true],
      [false, false],
      [true, true],
    ]);
    const r = comparePair(a, b);
    expect(r.score.mean).toBe(0);
    expect(r.verdict).toBe('not-distinguishable-yet');
    expect(r.sampleSize).toBeNull();
    expect(r.floor).toMatchObject({ diff: 0, lower: 0, upper: 0 });
  });

  it('uses scores, not just passes, and respects grade scores', () => {
    const a = [attempt({ caseId: 'c1', grades: [check(true, 0.9)] }), attempt({ caseId: 'c2', grades: [check(true, 0.7)] })];
    const b = [attempt({ caseId: 'c1', grades: [check(true, 0.6)] }), attempt({ caseId: 'c2', grades: [check(true, 0.6)] })];
    const r = comparePair(a, b);
    expect(r.score.mean).toBeCloseTo(0.2, 12);
    expect(r.pass.mean).toBe(0);
  });
});

describe('bootstrapFloorDifference', () => {
  // Continuous scores, so intervals from different seeds cannot coincide by ties.
  const rng = mulberry32(99);
  const casesA = Array.from({ length: 12 }, () => Array.from({ length: 4 }, () => 0.4 + 0.6 * rng()));
  const casesB = Array.from({ length: 12 }, () => Array.from({ length: 4 }, () => 0.2 + 0.6 * rng()));

  it('is deterministic for a seed', () => {
    const x = bootstrapFloorDifference(casesA, casesB, { seed: 7 });
    const y = bootstrapFloorDifference(casesA, casesB, { seed: 7 });
    const z = bootstrapFloorDifference(casesA, casesB, { seed: 8 });
    expect(y).toEqual(x);
    expect(z.lower === x.lower && z.upper === x.upper).toBe(false);
    expect(x.replicates).toBe(2000);
  });

  it('the point is p10(A) − p10(B) and the interval brackets it', () => {
    const r = bootstrapFloorDifference(casesA, casesB, { replicates: 500 });
    // numpy's type 7 written out independently of quantiles.ts:
    const pA = [...casesA.flat()].sort((p, q) => p - q);
    const pB = [...casesB.flat()].sort((p, q) => p - q);
    const q10 = (xs: number[]) => {
      const h = (xs.length - 1) * 0.1;
      const i = Math.floor(h);
      return xs[i] + (h - i) * (xs[i + 1] - xs[i]);
    };
    expect(r.a).toBeCloseTo(q10(pA), 12);
    expect(r.b).toBeCloseTo(q10(pB), 12);
    expect(r.diff).toBeCloseTo(q10(pA) - q10(pB), 12);
    expect(r.lower ?? Infinity).toBeLessThanOrEqual(r.diff ?? -Infinity);
    expect(r.upper ?? -Infinity).toBeGreaterThanOrEqual(r.diff ?? Infinity);
  });

  it('a model that always scores 1 against one that always scores 0: [1, 1]', () => {
    const r = bootstrapFloorDifference([[1, 1], [1]], [[0], [0, 0]], { replicates: 100 });
    expect(r).toMatchObject({ diff: 1, lower: 1, upper: 1 });
  });
});

/**
 * The bootstrap written out the straightforward way: copy each replicate's
 * drawn cases, sort, take the type-7 quantile. bootstrapFloorDifference reads
 * the same order statistics off presorted scores; it must give the same numbers.
 */
function copyingBootstrap(casesA: number[][], casesB: number[][], replicates: number, seed: number, q: number) {
  const k = Math.min(casesA.length, casesB.length);
  const rng = mulberry32(seed);
  const diffs: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const xa: number[] = [];
    const xb: number[] = [];
    for (let j = 0; j < k; j++) {
      const c = Math.floor(rng() * k);
      xa.push(...casesA[c]);
      xb.push(...casesB[c]);
    }
    const qa = quantileOfSorted(Float64Array.from(xa).sort(), q);
    const qb = quantileOfSorted(Float64Array.from(xb).sort(), q);
    if (qa !== null && qb !== null) diffs.push(qa - qb);
  }
  const sorted = Float64Array.from(diffs).sort();
  const a = quantileOfSorted(Float64Array.from(casesA.slice(0, k).flat()).sort(), q);
  const b = quantileOfSorted(Float64Array.from(casesB.slice(0, k).flat()).sort(), q);
  return { a, b, lower: quantileOfSorted(sorted, 0.025), upper: quantileOfSorted(sorted, 0.975), replicates: diffs.length };
}

describe('bootstrapFloorDifference against copying each replicate', () => {
  const cases = (rng: Rng, k: number, maxSize: number, ties: boolean) =>
    Array.from({ length: k }, () => Array.from({ length: Math.floor(rng() * (maxSize + 1)) }, () => (ties ? Math.round(rng() * 10) / 10 : rng())));

  it('gives the same numbers, bit for bit, on generated cases: uneven and empty cases, ties, unequal case counts, any q', () => {
    const rng = mulberry32(2026);
    let compared = 0;
    for (let t = 0; t < 60; t++) {
      const k = 1 + Math.floor(rng() * 25);
      const ties = t % 2 === 0;
      const casesA = cases(rng, k, 1 + (t % 6), ties);
      const casesB = cases(rng, k + (t % 3), 1 + ((t + 3) % 6), ties);
      const q = [0.1, 0.1, 0, 0.25, 0.5, 0.9, 1][t % 7];
      const seed = 1 + t;
      const fast = bootstrapFloorDifference(casesA, casesB, { replicates: 150, seed, q });
      const slow = copyingBootstrap(casesA, casesB, 150, seed, q);
      expect({ a: fast.a, b: fast.b }).toEqual({ a: slow.a, b: slow.b });
      if (fast.diff === null) {
        expect(slow.a === null || slow.b === null).toBe(true);
        continue;
      }
      expect({ lower: fast.lower, upper: fast.upper, replicates: fast.replicates }).toEqual({ lower: slow.lower, upper: slow.upper, replicates: slow.replicates });
      compared++;
    }
    // Most draws have scores on both sides: the comparison above was not vacuous.
    expect(compared).toBeGreaterThan(40);
  });

  it('gives the same numbers with draws shared across comparisons: grown, reused, or past the limit', () => {
    const rng = mulberry32(11);
    const shared = new BootstrapDraws();
    // Room for one comparison's counts only: later (seed, k) draw as they go.
    const small = new BootstrapDraws(20 * 101);
    for (let t = 0; t < 24; t++) {
      // A few case counts again and again, replicate counts up and down: entries are reused and grown.
      const k = [5, 12, 20][t % 3];
      const casesA = cases(rng, k, 4, t % 2 === 0);
      const casesB = cases(rng, k, 3, t % 2 === 1);
      const replicates = [50, 120, 80, 200][t % 4];
      const seed = 1 + (t % 2);
      const want = copyingBootstrap(casesA, casesB, replicates, seed, 0.1);
      for (const draws of [shared, small, undefined]) {
        const got = bootstrapFloorDifference(casesA, casesB, { replicates, seed, draws });
        expect({ a: got.a, b: got.b, lower: got.lower, upper: got.upper, replicates: got.replicates }).toEqual(want);
      }
    }
  });
});

/** comparePair's pairing check written the straightforward way: one key per (case, repeat) over all shared attempts. */
function keyedPairing(a: readonly StatsAttempt[], b: readonly StatsAttempt[]) {
  const scored = (xs: readonly StatsAttempt[]) =>
    xs.flatMap((x) => {
      const v = verdictOf(x);
      return !x.judgeOf && (v.verdict === 'pass' || v.verdict === 'fail') ? [{ caseId: x.caseId, repeatIndex: x.repeatIndex, pass: v.verdict === 'pass' }] : [];
    });
  const group = (xs: ReturnType<typeof scored>) => {
    const m = new Map<string, ReturnType<typeof scored>>();
    for (const x of xs) m.set(x.caseId, [...(m.get(x.caseId) ?? []), x]);
    return m;
  };
  const byA = group(scored(a));
  const byB = group(scored(b));
  const shared = [...byA.keys()].filter((c) => byB.has(c));
  const flatA = shared.flatMap((c) => byA.get(c)!);
  const flatB = shared.flatMap((c) => byB.get(c)!);
  const key = (s: { caseId: string; repeatIndex: number }) => `${s.caseId}\u0000${s.repeatIndex}`;
  const mapA = new Map<string, boolean>();
  for (const s of flatA) {
    if (mapA.has(key(s))) return { reason: `model A has more than one scored attempt for case ${s.caseId}, repeat ${s.repeatIndex}` };
    mapA.set(key(s), s.pass);
  }
  if (flatA.length !== flatB.length) return { reason: `the models have different numbers of scored attempts (${flatA.length} vs ${flatB.length})` };
  const table = { pairs: 0, bothPass: 0, b: 0, c: 0, bothFail: 0 };
  const seen = new Set<string>();
  for (const s of flatB) {
    if (seen.has(key(s))) return { reason: `model B has more than one scored attempt for case ${s.caseId}, repeat ${s.repeatIndex}` };
    seen.add(key(s));
    const pa = mapA.get(key(s));
    if (pa === undefined) return { reason: `case ${s.caseId}, repeat ${s.repeatIndex} has no scored attempt from model A` };
    table.pairs++;
    if (pa && s.pass) table.bothPass++;
    else if (pa) table.b++;
    else if (s.pass) table.c++;
    else table.bothFail++;
  }
  return { table };
}

describe('comparePair pairing against one key per (case, repeat)', () => {
  it('finds the same table, or the same first reason McNemar does not apply, on generated journals', () => {
    const rng = mulberry32(7);
    const side = (model: string) => {
      const out: StatsAttempt[] = [];
      const cases = 1 + Math.floor(rng() * 5);
      for (let c = 0; c < cases; c++) {
        const repeats = Math.floor(rng() * 4);
        // Mostly 0..n−1 in order; sometimes reversed, a retry sharing a repeat index, or a gap.
        const order = Array.from({ length: repeats }, (_, r) => r);
        const twist = rng();
        if (twist < 0.15) order.reverse();
        else if (twist < 0.25 && repeats > 0) order.push(order[0]);
        else if (twist < 0.3) order.push(repeats + 1);
        for (const r of order) {
          const failed = rng() < 0.15;
          const judge = rng() < 0.05;
          out.push(
            attempt({
              model,
              caseId: `c${c}`,
              repeatIndex: r,
              status: failed ? 'failed' : 'ok',
              failure: failed ? { class: 'timeout' } : null,
              judgeOf: judge ? 'x' : null,
              grades: failed || rng() < 0.05 ? [] : [check(rng() < 0.6)],
            }),
          );
        }
      }
      return out;
    };
    const kinds = new Set<string>();
    for (let t = 0; t < 400; t++) {
      const a = side('A');
      const b = side('B');
      const r = comparePair(a, b, { replicates: 10 });
      const want = keyedPairing(a, b);
      if (r.passTest === null) {
        expect(r.cases.shared).toBe(0);
        continue;
      }
      if ('table' in want) {
        expect(r.passTest).toMatchObject({ method: 'mcnemar-exact', ...want.table });
        kinds.add('mcnemar');
      } else {
        expect('reason' in r.passTest && r.passTest.reason).toBe(want.reason);
        kinds.add(want.reason!.replace(/\d+|c\d+/g, '#').slice(0, 20));
      }
    }
    // Every outcome came up: McNemar, and each of the four reasons.
    expect(kinds.size).toBe(5);
  });
});
