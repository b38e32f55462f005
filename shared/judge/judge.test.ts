import { describe, expect, it } from 'vitest';
import type { Grade } from '../domain/schemas';
import { verdictOf } from '../stats/verdict';
import { aggregateJudge, agreementWithHumans, judgeGrade, judgeMessages, median, parseJudgeReply, scoreFromFive } from './judge';

const g = (over: Partial<Grade>): Grade => ({ source: 'human', name: 'me', pass: null, score: null, at: 1, ...over });

describe('judge replies', () => {
  it('reads the JSON object out of fenced or chatty replies; 1–5 → (n − 1) / 4', () => {
    expect(parseJudgeReply('```json\n{"pass": true, "score": 4, "reason": "ok"}\n```')).toEqual({ pass: true, score: 0.75, reason: 'ok' });
    expect(parseJudgeReply('Sure! {"score": "2"}')).toEqual({ pass: false, score: 0.25, reason: '' });
    expect(parseJudgeReply('{"pass": false}')).toEqual({ pass: false, score: 0, reason: '' });
    expect(parseJudgeReply('no json here')).toEqual({ error: 'the judge replied without a JSON object' });
    expect(parseJudgeReply('{"score": 9}')).toMatchObject({ error: expect.stringMatching(/neither/) });
    expect(scoreFromFive(1)).toBe(0);
    expect(scoreFromFive(5)).toBe(1);
  });

  it('puts the rubric, the request and the answer in the user message', () => {
    const m = judgeMessages('Must name the capital.', { prompt: 'Capital of France?', output: 'Paris' });
    expect(m.messages).toHaveLength(1);
    expect(m.messages[0]!.content).toMatch(/# Rubric\nMust name the capital\.\n\n# Request\nCapital of France\?\n\n# Answer\nParis/);
  });
});

describe('judge grade = median of k', () => {
  it('median, odd and even', () => {
    expect(median([0.5, 0, 1])).toBe(0.5);
    expect(median([0, 0.25, 1, 1])).toBe(0.625);
    expect(() => median([])).toThrow();
  });

  it('aggregates k replies with self-agreement', () => {
    const agg = aggregateJudge([
      { pass: true, score: 1, reason: '' },
      { pass: true, score: 0.75, reason: '' },
      { pass: false, score: 0.25, reason: '' },
    ])!;
    expect(agg).toEqual({ score: 0.75, pass: true, n: 3, passAgreement: 2 / 3, scoreSpread: 0.75 });
    // A split judge has not shown a pass.
    expect(aggregateJudge([{ pass: true, score: 1, reason: '' }, { pass: false, score: 0, reason: '' }])!.pass).toBe(false);
    expect(aggregateJudge([])).toBeNull();
  });

  it('the judge grade decides a verdict only when no human or check grade exists', () => {
    const agg = aggregateJudge([{ pass: false, score: 0.25, reason: 'wrong city' }])!;
    const grade = judgeGrade({ name: 'capital', model: 'judge-m' }, agg, ['j1'], 5, 'g1', ['wrong city']);
    expect(grade).toMatchObject({ source: 'judge', name: 'capital', pass: false, score: 0.25, judgeAttemptIds: ['j1'] });
    expect(grade.note).toContain('median of 1: 1/1 agree');
    expect(verdictOf({ status: 'ok', grades: [grade] })).toEqual({ verdict: 'fail', score: 0.25, source: 'judge' });
    expect(verdictOf({ status: 'ok', grades: [grade, g({ pass: true, at: 1 })] })).toMatchObject({ verdict: 'pass', source: 'human' });
    expect(verdictOf({ status: 'ok', grades: [grade, g({ source: 'check', name: 'c', pass: true })] })).toMatchObject({ verdict: 'pass', source: 'check' });
  });
});

describe('agreement with human grades', () => {
  const judge = (pass: boolean, score: number, at = 2) => g({ source: 'judge', name: 'J', pass, score, at });
  it('counts only attempts with both, uses the latest of each, and gives kappa', () => {
    const attempts = [
      { grades: [g({ pass: true, score: 1 }), judge(true, 0.75)] },
      { grades: [g({ pass: false, score: 0 }), judge(false, 0.25)] },
      { grades: [g({ pass: true, score: 1 }), judge(false, 0)] },
      { grades: [g({ pass: false, score: 0, at: 1 }), g({ pass: true, score: 1, at: 3 }), judge(true, 1)] },
      { grades: [judge(true, 1)] },
      { grades: [g({ pass: true }), g({ source: 'judge', name: 'other', pass: false, score: 0 })] },
    ];
    const r = agreementWithHumans(attempts, 'J');
    expect(r.n).toBe(4);
    expect(r.agreement).toBe(0.75);
    // po = .75; human pass 3/4, judge pass 2/4: pe = .75·.5 + .25·.5 = .5 → κ = .5
    expect(r.kappa).toBeCloseTo(0.5, 10);
    expect(r.meanAbsScoreDiff).toBeCloseTo((0.25 + 0.25 + 1 + 0) / 4, 10);
  });
  it('is empty without overlap', () => {
    expect(agreementWithHumans([{ grades: [judge(true, 1)] }], 'J')).toEqual({ n: 0, agreement: null, kappa: null, meanAbsScoreDiff: null });
  });
});
