import { afterEach, describe, expect, it } from 'vitest';
import { knownJournal, KNOWN_T0 } from '../../../../shared/stats/known-journal';
import { createDb, type TenthDb } from '../../db/db';
import { NO_FILTER } from './protocol';
import { filterChoices, loadAttempts } from './load';

let db: TenthDb | null = null;
afterEach(async () => {
  if (db) await db.delete();
  db = null;
});

async function seeded(): Promise<TenthDb> {
  db = createDb(`stats-load-${Math.random()}`);
  const rows = knownJournal();
  rows[0].tags = ['known', 'first'];
  rows[1].promptVersion = 'v-summarise-2';
  await db.attempts.bulkAdd(rows);
  return db;
}

describe('loadAttempts', () => {
  it('reads everything without a filter', async () => {
    const d = await seeded();
    const r = await loadAttempts(d, NO_FILTER);
    expect(r.attempts).toHaveLength(knownJournal().length);
    expect(r.access).toBe('all attempts');
    expect(r.attempts[0]).not.toHaveProperty('output');
    expect(r.attempts[0].runId).toBe('run-known');
  });

  it('walks a journal larger than one page without losing or repeating an attempt', async () => {
    db = createDb(`stats-load-${Math.random()}`);
    const base = knownJournal()[0];
    const rows = Array.from({ length: 12_345 }, (_, i) => ({ ...base, id: `p${String(i).padStart(6, '0')}` }));
    await db.attempts.bulkAdd(rows);
    const r = await loadAttempts(db, NO_FILTER);
    expect(r.attempts.map((a) => a.id)).toEqual(rows.map((a) => a.id));
  });

  it('uses an index for each kind of filter and applies the rest', async () => {
    const d = await seeded();
    const version = await loadAttempts(d, { ...NO_FILTER, promptVersion: 'v-summarise-2' });
    expect(version.access).toBe('index promptVersion');
    expect(version.attempts.map((a) => a.id)).toEqual(['known-0001']);

    const tag = await loadAttempts(d, { ...NO_FILTER, tag: 'first' });
    expect(tag.access).toBe('index tags');
    expect(tag.attempts).toHaveLength(1);

    // Attempts are a minute apart: the first ten minutes hold attempts 0..10.
    const range = { from: KNOWN_T0, to: KNOWN_T0 + 10 * 60_000 };
    const dated = await loadAttempts(d, { ...NO_FILTER, ...range });
    expect(dated.access).toBe('index queuedAt');
    expect(dated.attempts).toHaveLength(11);

    const promptDated = await loadAttempts(d, { ...NO_FILTER, ...range, promptIds: ['extract'] });
    expect(promptDated.access).toBe('index [promptId+queuedAt]');
    expect(promptDated.attempts.every((a) => a.promptId === 'extract')).toBe(true);
    expect(promptDated.attempts).toHaveLength(dated.attempts.filter((a) => a.promptId === 'extract').length);

    const prompts = await loadAttempts(d, { ...NO_FILTER, promptIds: ['extract'], tag: 'first' });
    expect(prompts.access).toBe('index promptId');
    expect(prompts.attempts).toHaveLength(0);
  });

  it('brings the judge calls of filtered attempts along, for their cost', async () => {
    const d = await seeded();
    const subject = knownJournal()[0]!;
    const judge = { ...subject, id: 'judge-1', judgeOf: subject.id, tags: [], queuedAt: subject.queuedAt + 10_000_000, costUsd: 0.5 };
    await d.attempts.add(judge);
    const r = await loadAttempts(d, { ...NO_FILTER, tag: 'first' });
    expect(r.attempts.map((a) => a.id).sort()).toEqual([subject.id, 'judge-1'].sort());
  });

  it('lists the filter choices from index keys', async () => {
    const d = await seeded();
    expect(await filterChoices(d)).toEqual({ versions: ['v-extract-1', 'v-summarise-1', 'v-summarise-2'], tags: ['first', 'known'], prompts: ['extract', 'summarise'] });
  });
});
