import { beforeEach, describe, expect, it } from 'vitest';
import { sampleAttempt } from '../../../../shared/journal/sample';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getDb } from '../db';
import { getAttempt, onAttemptsChanged } from '../journal';
import { retryChain, setNotes, setTags, ungradedQueue } from './attempts';
import { appendGrades, upsertHumanGrade } from './grades';

const make = (i: number, over: Partial<Attempt> = {}): Attempt => ({ ...sampleAttempt(i), ...over });

beforeEach(async () => {
  await getDb().attempts.clear();
});

describe('attempt helpers', () => {
  it('finds the retry chain both ways', async () => {
    const base = { runId: 'r', status: 'failed' as const };
    await getDb().attempts.bulkPut([make(1, { ...base, id: 'a1', retryOf: null }), make(2, { ...base, id: 'a2', retryOf: 'a1' }), make(3, { ...base, id: 'a3', retryOf: 'a2' })]);
    const chain = await retryChain((await getAttempt('a2'))!);
    expect(chain.before.map((a) => a.id)).toEqual(['a1']);
    expect(chain.after.map((a) => a.id)).toEqual(['a3']);
  });

  it('queues ok attempts without a human grade, and grades append', async () => {
    await getDb().attempts.bulkPut([
      make(1, { id: 'q1', runId: 'r', status: 'ok', grades: [] }),
      make(2, { id: 'q2', runId: 'r', status: 'ok', grades: [{ source: 'human', name: 'h', pass: true, score: null, at: 1 }] }),
      make(3, { id: 'q3', runId: 'r', status: 'failed', grades: [] }),
      make(4, { id: 'q4', runId: 'r', status: 'ok', grades: [{ source: 'check', name: 'c', pass: true, score: 1, at: 1 }] }),
    ]);
    expect(await ungradedQueue({ runId: 'r' })).toEqual(['q1', 'q4']);
    await appendGrades(new Map([['q4', [{ source: 'check', name: 'c', pass: false, score: 0, at: 2 }]]]));
    expect((await getAttempt('q4'))!.grades.map((g) => g.pass)).toEqual([true, false]);
    await upsertHumanGrade('q1', { id: 'g', source: 'human', name: 'hand', pass: null, score: 0.75, at: 3 });
    await upsertHumanGrade('q1', { id: 'g', source: 'human', name: 'hand', pass: true, score: 0.75, at: 4 });
    expect((await getAttempt('q1'))!.grades).toEqual([{ id: 'g', source: 'human', name: 'hand', pass: true, score: 0.75, at: 4 }]);
    await setTags('q1', [' a ', 'b', 'a', '']);
    await setNotes('q1', 'see the second paragraph');
    expect(await getAttempt('q1')).toMatchObject({ tags: ['a', 'b'], notes: 'see the second paragraph' });
    await expect(upsertHumanGrade('gone', { id: 'g', source: 'human', name: 'hand', pass: true, score: null, at: 5 })).rejects.toThrow(/not in the journal/);
  });

  it('reports changed attempts after commit, and which ones just finished', async () => {
    const seen: { ids: string[]; finished: string[] }[] = [];
    const off = onAttemptsChanged((ids, finished) => seen.push({ ids, finished }));
    const pending = make(1, { id: 'p1', status: 'pending', grades: [] });
    await getDb().attempts.put(pending);
    await getDb().attempts.put({ ...pending, status: 'ok', output: 'done' });
    await getDb().attempts.update('p1', { notes: 'n' });
    off();
    expect(seen).toEqual([
      { ids: ['p1'], finished: [] },
      { ids: ['p1'], finished: ['p1'] },
      { ids: ['p1'], finished: [] },
    ]);
  });
});
