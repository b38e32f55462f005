import { beforeEach, describe, expect, it } from 'vitest';
import { sampleAttempt } from '../../../../shared/journal/sample';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getDb } from '../db';
import { indexedCount, indexedPage, onAttemptsChanged, retryChain, setTags, ungradedQueue } from './attempts';
import { appendGrades, upsertHumanGrade } from './grades';
import { needsWorker, DEFAULT_SORT } from '../../workers/journal/query';

const make = (i: number, over: Partial<Attempt> = {}): Attempt => ({ ...sampleAttempt(i), ...over });

beforeEach(async () => {
  await getDb().attempts.clear();
});

describe('journal pages through indexes', () => {
  it('pages newest first, filtered by one index, with counts', async () => {
    await getDb().attempts.bulkPut(Array.from({ length: 60 }, (_, i) => make(i)));
    const first = await indexedPage({}, true, 0, 10);
    expect(first.map((a) => a.id)).toEqual(Array.from({ length: 10 }, (_, i) => `att-${String(59 - i).padStart(6, '0')}`));
    const second = await indexedPage({}, true, 10, 10);
    expect(second[0]!.id).toBe('att-000049');
    const byPrompt = await indexedPage({ promptId: 'prompt-1' }, true, 0, 100);
    expect(byPrompt.every((a) => a.promptId === 'prompt-1')).toBe(true);
    expect(await indexedCount({ promptId: 'prompt-1' })).toBe(30);
    const failed = await indexedPage({ failureClass: 'timeout' }, true, 0, 100);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((a) => a.failure?.class === 'timeout')).toBe(true);
    const t = first[5]!.queuedAt;
    const ranged = await indexedPage({ model: 'gpt-test', from: t, to: t }, true, 0, 100);
    expect(ranged.map((a) => a.id)).toEqual([first[5]!.id]);
  });

  it('sends multi-filter, verdict, text and non-time sorts to the worker', () => {
    expect(needsWorker({ promptId: 'p' }, DEFAULT_SORT)).toBe(false);
    expect(needsWorker({ promptId: 'p', from: 1 }, DEFAULT_SORT)).toBe(false);
    expect(needsWorker({ failureClass: 'timeout', from: 1 }, DEFAULT_SORT)).toBe(true);
    expect(needsWorker({ promptId: 'p', model: 'm' }, DEFAULT_SORT)).toBe(true);
    expect(needsWorker({ verdict: 'pass' }, DEFAULT_SORT)).toBe(true);
    expect(needsWorker({ text: 'paris' }, DEFAULT_SORT)).toBe(true);
    expect(needsWorker({}, { key: 'latency', dir: 'asc' })).toBe(true);
  });
});

describe('attempt helpers', () => {
  it('finds the retry chain both ways', async () => {
    const base = { runId: 'r', status: 'failed' as const };
    await getDb().attempts.bulkPut([make(1, { ...base, id: 'a1', retryOf: null }), make(2, { ...base, id: 'a2', retryOf: 'a1' }), make(3, { ...base, id: 'a3', retryOf: 'a2' })]);
    const chain = await retryChain((await getDb().attempts.get('a2'))!);
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
    expect((await getDb().attempts.get('q4'))!.grades.map((g) => g.pass)).toEqual([true, false]);
    await upsertHumanGrade('q1', { id: 'g', source: 'human', name: 'hand', pass: null, score: 0.75, at: 3 });
    await upsertHumanGrade('q1', { id: 'g', source: 'human', name: 'hand', pass: true, score: 0.75, at: 4 });
    expect((await getDb().attempts.get('q1'))!.grades).toEqual([{ id: 'g', source: 'human', name: 'hand', pass: true, score: 0.75, at: 4 }]);
    await setTags('q1', [' a ', 'b', 'a', '']);
    expect((await getDb().attempts.get('q1'))!.tags).toEqual(['a', 'b']);
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
