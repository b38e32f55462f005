import { describe, expect, it } from 'vitest';
import { sampleAttempt } from '../../../../shared/journal/sample';
import type { Attempt } from '../../../../shared/domain/schemas';
import { matches, project, sortProjections } from './query';

const p = (i: number, over: Partial<Attempt> = {}) => project({ ...sampleAttempt(i), ...over });

describe('journal query', () => {
  it('projects the verdict with the attempt', () => {
    expect(p(1, { status: 'failed', failure: { class: 'timeout', message: '', httpStatus: null, retryAfterMs: null } })).toMatchObject({ verdict: 'fail', failureClass: 'timeout' });
    expect(p(2, { status: 'ok', grades: [] }).verdict).toBe('ungraded');
    expect(p(3, { status: 'cancelled' }).verdict).toBe('excluded');
    expect(p(4, { status: 'ok', grades: [{ source: 'human', name: 'h', pass: true, score: null, at: 1 }, { source: 'check', name: 'c', pass: false, score: 0, at: 2 }] }).verdict).toBe('pass');
  });

  it('matches every filter field, and a date range inclusively', () => {
    const x = p(5, { promptId: 'P', model: 'M', tags: ['t'], queuedAt: 100, judgeOf: 'a' });
    expect(matches(x, { promptId: 'P', model: 'M', tag: 't', from: 100, to: 100, judge: 'only' })).toBe(true);
    expect(matches(x, { judge: 'hide' })).toBe(false);
    expect(matches(x, { tag: 'u' })).toBe(false);
    expect(matches(x, { from: 101 })).toBe(false);
    expect(matches(x, { verdict: 'pass' })).toBe(x.verdict === 'pass');
  });

  it('sorts by a column with missing values last in both directions, ties by id', () => {
    const list = [p(1, { id: 'a', latencyMs: 300 }), p(2, { id: 'b', latencyMs: null }), p(3, { id: 'c', latencyMs: 100 }), p(4, { id: 'd', latencyMs: 300 })];
    expect(sortProjections([...list], { key: 'latency', dir: 'asc' }).map((x) => x.id)).toEqual(['c', 'a', 'd', 'b']);
    expect(sortProjections([...list], { key: 'latency', dir: 'desc' }).map((x) => x.id)).toEqual(['d', 'a', 'c', 'b']);
  });
});
