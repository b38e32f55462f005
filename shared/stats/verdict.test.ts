import { describe, expect, it } from 'vitest';
import { attempt, check, human, judge } from './testing';
import type { Attempt } from '../domain/schemas';
import { isEligible, type StatsAttempt, verdictOf } from './verdict';

describe('verdictOf', () => {
  it('failed → fail with score 0, whatever the grades say', () => {
    expect(verdictOf(attempt({ status: 'failed', grades: [human(true, 1)] }))).toEqual({ verdict: 'fail', score: 0, source: 'failure' });
  });

  it('cancelled, interrupted and pending are excluded', () => {
    for (const status of ['cancelled', 'interrupted', 'pending'] as const) {
      const a = attempt({ status, grades: [check(true)] });
      expect(verdictOf(a)).toEqual({ verdict: 'excluded', score: null, source: null });
      expect(isEligible(a)).toBe(false);
    }
    expect(isEligible(attempt({ status: 'ok' }))).toBe(true);
    expect(isEligible(attempt({ status: 'failed' }))).toBe(true);
  });

  it('ok with no grades is ungraded', () => {
    expect(verdictOf(attempt())).toEqual({ verdict: 'ungraded', score: null, source: null });
  });

  it('a human grade overrides failing checks and judges', () => {
    const a = attempt({ grades: [check(false), judge(false), human(true)] });
    expect(verdictOf(a)).toEqual({ verdict: 'pass', score: 1, source: 'human' });
  });

  it('the latest human grade decides; a tie on `at` goes to the later grade', () => {
    expect(verdictOf(attempt({ grades: [human(true, null, 5), human(false, null, 3)] })).verdict).toBe('pass');
    expect(verdictOf(attempt({ grades: [human(true, null, 3), human(false, null, 5)] })).verdict).toBe('fail');
    expect(verdictOf(attempt({ grades: [human(true, null, 4), human(false, null, 4)] })).verdict).toBe('fail');
  });

  it('a human score without pass: ≥ 0.5 passes, the score is kept', () => {
    expect(verdictOf(attempt({ grades: [human(null, 0.5)] }))).toEqual({ verdict: 'pass', score: 0.5, source: 'human' });
    expect(verdictOf(attempt({ grades: [human(null, 0.49)] }))).toEqual({ verdict: 'fail', score: 0.49, source: 'human' });
    // An explicit pass wins over the score.
    expect(verdictOf(attempt({ grades: [human(false, 0.9)] }))).toEqual({ verdict: 'fail', score: 0.9, source: 'human' });
  });

  it('a human note (no pass, no score) does not decide', () => {
    expect(verdictOf(attempt({ grades: [human(null, null, 9), check(true)] }))).toEqual({ verdict: 'pass', score: 1, source: 'check' });
  });

  it('checks: all must pass; score is the mean', () => {
    expect(verdictOf(attempt({ grades: [check(true, null, 'a'), check(true, 0.8, 'b')] }))).toEqual({ verdict: 'pass', score: 0.9, source: 'check' });
    expect(verdictOf(attempt({ grades: [check(true, null, 'a'), check(false, null, 'b')] }))).toEqual({ verdict: 'fail', score: 0.5, source: 'check' });
  });

  it('a re-run check replaces its earlier grade of the same name', () => {
    const a = attempt({ grades: [check(false, null, 'json', 1), check(true, null, 'json', 2)] });
    expect(verdictOf(a)).toEqual({ verdict: 'pass', score: 1, source: 'check' });
  });

  it('judge grades decide only without human or checks (extension), and can be turned off', () => {
    expect(verdictOf(attempt({ grades: [judge(false, 0.2), check(true)] })).source).toBe('check');
    expect(verdictOf(attempt({ grades: [judge(null, 0.7)] }))).toEqual({ verdict: 'pass', score: 0.7, source: 'judge' });
    expect(verdictOf(attempt({ grades: [judge(true)] }), { judges: false })).toEqual({ verdict: 'ungraded', score: null, source: null });
  });
});

describe('StatsAttempt', () => {
  it('accepts a full Attempt (checked by the compiler)', () => {
    const full = { status: 'ok', grades: [] } as unknown as Attempt;
    const light: StatsAttempt = full;
    expect(verdictOf(light).verdict).toBe('ungraded');
  });
});
