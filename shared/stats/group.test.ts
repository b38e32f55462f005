import { describe, expect, it } from 'vitest';
import { groupCells } from './group';
import { attempt, outcome } from './testing';

describe('groupCells', () => {
  it('groups by the given fields in order of first appearance', () => {
    const attempts = [
      outcome('c1', true, { model: 'a' }),
      outcome('c1', false, { model: 'b' }),
      outcome('c2', true, { model: 'a' }),
      outcome('c2', 'failed', { model: 'b', promptId: 'p2' }),
    ];
    const byModel = groupCells(attempts, ['model']);
    expect(byModel.map((c) => c.key)).toEqual([{ model: 'a' }, { model: 'b' }]);
    expect(byModel[0].stats.passRate.k).toBe(2);
    expect(byModel[1].stats.passRate).toMatchObject({ k: 0, n: 2 });

    const byPromptModel = groupCells(attempts, ['prompt', 'model']);
    expect(byPromptModel.map((c) => c.key)).toEqual([
      { prompt: 'p1', model: 'a' },
      { prompt: 'p1', model: 'b' },
      { prompt: 'p2', model: 'b' },
    ]);
    expect(groupCells(attempts, ['case']).map((c) => c.stats.counts.total)).toEqual([2, 2]);
    expect(groupCells(attempts, []).length).toBe(1);
  });

  it('puts judge calls in the cell of the attempt they grade', () => {
    const graded = outcome('c1', true, { model: 'a', costUsd: 0.01 });
    const attempts = [graded, outcome('c1', true, { model: 'b', costUsd: 0.01 }), attempt({ model: 'judge-model', judgeOf: graded.id, costUsd: 0.1 })];
    const cells = groupCells(attempts, ['model']);
    expect(cells.map((c) => c.key.model)).toEqual(['a', 'b']);
    expect(cells[0].stats.cost.totalUsd).toBeCloseTo(0.11, 12);
    expect(cells[0].stats.counts.judgeAttempts).toBe(1);
    expect(cells[1].stats.cost.totalUsd).toBeCloseTo(0.01, 12);
  });

  it('keeps ids of different values with separators apart', () => {
    const cells = groupCells([outcome('c', true, { promptId: 'a|b', model: 'c' }), outcome('c', true, { promptId: 'a', model: 'b|c' })], ['prompt', 'model']);
    expect(cells.length).toBe(2);
  });
});
