import { describe, expect, it } from 'vitest';
import { cellStats, tokensPerSecOf } from './cell';
import { wilson } from './intervals';
import { attempt, check, human, outcome } from './testing';

describe('cellStats', () => {
  it('no attempts: every figure empty, confidence none', () => {
    const s = cellStats([]);
    expect(s.counts.total).toBe(0);
    expect(s.passRate).toMatchObject({ n: 0, point: null, lower: 0, upper: 1, confidence: 'none' });
    expect(s.score.p10).toEqual({ value: null, n: 0, confidence: 'none' });
    expect(s.latencyMs.p99.value).toBeNull();
    expect(s.cost.perPass).toEqual({ value: null, n: 0, confidence: 'none' });
  });

  it('a hand-worked cell', () => {
    const attempts = [
      // case c1: pass, pass, check fail (score 0.4), one failed (timeout)
      attempt({ caseId: 'c1', grades: [check(true)], ttftMs: 100, latencyMs: 1000, tokensPerSec: 50, costUsd: 0.01 }),
      attempt({ caseId: 'c1', grades: [check(true)], ttftMs: 200, latencyMs: 2000, tokensPerSec: 40, costUsd: 0.01 }),
      attempt({ caseId: 'c1', grades: [check(false, 0.4)], ttftMs: 300, latencyMs: 3000, costUsd: 0.01, usage: { outputTokens: 60 }, firstTokenAt: 1000, endedAt: 3000 }),
      attempt({ caseId: 'c1', status: 'failed', failure: { class: 'timeout' }, costUsd: 0 }),
      // case c2: human pass 0.9, ungraded ok, failed (rate limited, retry of it passes)
      attempt({ caseId: 'c2', grades: [human(null, 0.9)], ttftMs: 400, latencyMs: 4000, costUsd: 0.02 }),
      attempt({ id: 'ungraded', caseId: 'c2', ttftMs: 500, latencyMs: 5000, costUsd: 0.02 }),
      attempt({ id: 'rl', caseId: 'c2', status: 'failed', failure: { class: 'rate_limited' }, costUsd: null }),
      attempt({ caseId: 'c2', retryOf: 'rl', grades: [check(true)], ttftMs: 600, latencyMs: 6000, costUsd: 0.02 }),
      // excluded
      attempt({ caseId: 'c2', status: 'cancelled', costUsd: 5 }),
      attempt({ caseId: 'c2', status: 'interrupted' }),
      // a judge call, counted for cost only
      attempt({ caseId: 'c2', judgeOf: 'ungraded', costUsd: 0.005 }),
    ];
    const s = cellStats(attempts, { judgeCostUsd: 0.001 });
    expect(s.counts).toMatchObject({
      total: 10,
      ok: 6,
      failed: 2,
      cancelled: 1,
      interrupted: 1,
      pending: 0,
      eligible: 8,
      gradedOk: 5,
      ungradedOk: 1,
      passes: 4,
      fails: 3,
      cases: 2,
      judgeAttempts: 1,
    });
    expect(s.failuresByClass.timeout).toBe(1);
    expect(s.failuresByClass.rate_limited).toBe(1);
    expect(s.failuresByClass.network).toBe(0);

    expect(s.successRate).toMatchObject({ k: 6, n: 8 });
    expect(s.successRate.point).toBeCloseTo(0.75, 12);
    // Pass rate: 4 passes over 5 graded ok + 2 failed = 7.
    expect(s.passRate).toMatchObject({ k: 4, n: 7, clusters: 2 });
    expect(s.passRate.point).toBeCloseTo(4 / 7, 12);
    // c1: 1,1,0,0 (sum 2 of 4); c2: 1,0,1 (sum 2 of 3). x̄ = 4/7; SS = 4 − 16/7 = 12/7.
    // Cluster deviation sums: c1 = 2 − 16/7 = −2/7; c2 = 2 − 12/7 = 2/7; Σ² = 8/49 < SS → deff = 1.
    expect(s.passRate.deff).toBe(1);
    const w = wilson(4, 7);
    expect(s.passRate.lower).toBeCloseTo(w.lower, 12);
    expect(s.passRate.confidence).toBe('low');
    // Quality given an answer: 4 of 5 graded ok.
    expect(s.quality).toMatchObject({ k: 4, n: 5 });

    // Scores: 1, 1, 0.4, 0 (failed), 0.9, 0 (failed), 1 → sorted 0 0 0.4 0.9 1 1 1.
    // p10: h = 0.6 → 0; median: h = 3 → 0.9; worst 0, best 1.
    expect(s.score.n).toBe(7);
    expect(s.score.p10.value).toBeCloseTo(0, 12);
    expect(s.score.median.value).toBeCloseTo(0.9, 12);
    expect(s.score.worst.value).toBe(0);
    expect(s.score.best.value).toBe(1);
    expect(s.score.mean.value).toBeCloseTo(4.3 / 7, 12);
    expect(s.score.p10.confidence).toBe('low');

    // TTFT over 6 ok attempts 100..600: p50 h = 2.5 → 350; p90 h = 4.5 → 550; p99 h = 4.95 → 595.
    expect(s.ttftMs.n).toBe(6);
    expect(s.ttftMs.p50.value).toBeCloseTo(350, 10);
    expect(s.ttftMs.p90.value).toBeCloseTo(550, 10);
    expect(s.ttftMs.p99.value).toBeCloseTo(595, 10);
    expect(s.latencyMs.p50.value).toBeCloseTo(3500, 10);

    // Tokens/s: 50, 40 recorded; 60 tokens over 2 s = 30 computed; others unknown → [30, 40, 50].
    expect(s.tokensPerSec.n).toBe(3);
    expect(s.tokensPerSec.p10.value).toBeCloseTo(32, 10);
    expect(s.tokensPerSec.median.value).toBeCloseTo(40, 10);

    // Cost: eligible subject costs 0.01·3 + 0 + 0.02·3 = 0.09 (one unknown); judge 0.005 + 0.001.
    expect(s.cost.totalUsd).toBeCloseTo(0.096, 12);
    expect(s.cost.judgeUsd).toBeCloseTo(0.006, 12);
    expect(s.cost.unknown).toBe(1);
    expect(s.cost.perAttempt.value).toBeCloseTo(0.09 / 7, 12);
    expect(s.cost.perPass.value).toBeCloseTo(0.096 / 4, 12);

    const figures = s.warnings.map((w) => w.figure);
    expect(figures).toContain('p10 score');
    expect(figures).toContain('cost');
    expect(s.warnings.find((w) => w.figure === 'pass rate' && w.message.includes('ungraded'))).toBeTruthy();
  });

  it('all failed: pass rate 0 with an interval, quality has no denominator, cost per pass null', () => {
    const attempts = Array.from({ length: 12 }, (_, i) => outcome(`c${i}`, 'failed', { costUsd: 0.01 }));
    const s = cellStats(attempts);
    expect(s.passRate).toMatchObject({ k: 0, n: 12, point: 0, lower: 0, confidence: 'ok' });
    expect(s.quality).toMatchObject({ n: 0, point: null, confidence: 'none' });
    expect(s.successRate.point).toBe(0);
    expect(s.score.p10.value).toBe(0);
    expect(s.cost.perPass.value).toBeNull();
    expect(s.cost.totalUsd).toBeCloseTo(0.12, 12);
  });

  it('all ungraded: success rate only', () => {
    const s = cellStats([attempt(), attempt(), attempt()]);
    expect(s.successRate.point).toBe(1);
    expect(s.passRate.n).toBe(0);
    expect(s.score.n).toBe(0);
    expect(s.counts.ungradedOk).toBe(3);
  });

  it('one attempt', () => {
    const s = cellStats([outcome('c1', true, { latencyMs: 10 })]);
    expect(s.passRate).toMatchObject({ k: 1, n: 1, deff: 1, confidence: 'low' });
    expect(s.passRate.lower).toBeCloseTo(0.2065, 4);
    expect(s.score.p10.value).toBe(1);
    expect(s.latencyMs.p99).toEqual({ value: 10, n: 1, confidence: 'low' });
  });

  it('repeats that agree within each case shrink n_eff to the number of cases', () => {
    const attempts = [];
    for (let c = 0; c < 10; c++) for (let r = 0; r < 5; r++) attempts.push(outcome(`c${c}`, c < 7, { repeatIndex: r }));
    const s = cellStats(attempts);
    expect(s.passRate.n).toBe(50);
    expect(s.passRate.deff).toBeCloseTo(5, 10);
    expect(s.passRate.nEff).toBeCloseTo(10, 10);
    const w = wilson(7, 10);
    expect(s.passRate.lower).toBeCloseTo(w.lower, 10);
  });
});

describe('tokensPerSecOf', () => {
  it('prefers the recorded figure, else outputTokens / seconds from first token to end', () => {
    expect(tokensPerSecOf({ tokensPerSec: 12, usage: { outputTokens: 1 }, endedAt: 2, firstTokenAt: 1 })).toBe(12);
    expect(tokensPerSecOf({ tokensPerSec: null, usage: { outputTokens: 100 }, endedAt: 1500, firstTokenAt: 500 })).toBe(100);
    expect(tokensPerSecOf({ tokensPerSec: null, usage: { outputTokens: 100 }, endedAt: 500, firstTokenAt: 500 })).toBeNull();
    expect(tokensPerSecOf({ tokensPerSec: null, usage: null, endedAt: 1500, firstTokenAt: 500 })).toBeNull();
  });
});
