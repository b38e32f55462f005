/**
 * The journal table's index path: a view filter that `needsWorker` leaves to
 * the indexes, turned into the journal's filter, pages newest first and counts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sampleAttempt } from '../../../../shared/journal/sample';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import { countAttempts, queryAttempts } from '../../db/journal';
import { DEFAULT_SORT, needsWorker, type JournalFilter as ViewFilter } from '../../workers/journal/query';
import { exportSelection } from './selection';

const make = (i: number, over: Partial<Attempt> = {}): Attempt => ({ ...sampleAttempt(i), ...over });
const page = (f: ViewFilter, offset: number, limit: number) => queryAttempts(exportSelection(f), { newestFirst: true, offset, limit });

beforeEach(async () => {
  await getDb().attempts.clear();
});

describe('journal pages through indexes', () => {
  it('pages newest first, filtered by one index, with counts', async () => {
    await getDb().attempts.bulkPut(Array.from({ length: 60 }, (_, i) => make(i)));
    const first = await page({}, 0, 10);
    expect(first.map((a) => a.id)).toEqual(Array.from({ length: 10 }, (_, i) => `att-${String(59 - i).padStart(6, '0')}`));
    const second = await page({}, 10, 10);
    expect(second[0]!.id).toBe('att-000049');
    const byPrompt = await page({ promptId: 'prompt-1' }, 0, 100);
    expect(byPrompt.every((a) => a.promptId === 'prompt-1')).toBe(true);
    expect(await countAttempts(exportSelection({ promptId: 'prompt-1' }))).toBe(30);
    const failed = await page({ failureClass: 'timeout' }, 0, 100);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((a) => a.failure?.class === 'timeout')).toBe(true);
    const t = first[5]!.queuedAt;
    const ranged = await page({ model: 'gpt-test', from: t, to: t }, 0, 100);
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
