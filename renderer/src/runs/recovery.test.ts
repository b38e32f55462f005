import { afterEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { createDb } from '../db/db';
import { getAttempts, putAttempt } from '../db/journal';
import { sampleAttempt, sampleJournal } from '../../../shared/journal/sample';
import type { Attempt, Run } from '../../../shared/domain/schemas';
import { owner } from './owner';
import { recoverInterruptedWork } from './recovery';

const name = `recovery-${Math.random().toString(36).slice(2)}`;
afterEach(async () => {
  await Dexie.delete(name);
});

const attempt = (id: string, over: Partial<Attempt>): Attempt => ({ ...sampleAttempt(1), id, grades: [], ...over });

describe('start-up recovery', () => {
  it("interrupts the pending attempts and open runs of owners that are gone, and leaves this page's", async () => {
    const db = createDb(name);
    const run = sampleJournal(0).runs[0]!;
    await db.runs.bulkPut([
      { ...run, id: 'gone-run', status: 'running', owner: 'page:gone', endedAt: null },
      { ...run, id: 'my-run', status: 'running', owner, endedAt: null },
    ] as Run[]);
    for (const a of [
      attempt('gone-1', { status: 'pending', owner: 'page:gone', runId: 'gone-run' }),
      attempt('gone-2', { status: 'pending', owner: 'page:gone', runId: 'gone-run' }),
      attempt('mine', { status: 'pending', owner, runId: 'my-run' }),
      attempt('done', { status: 'ok', owner: 'page:gone', runId: 'gone-run' }),
    ])
      await putAttempt(a, db);
    expect(await recoverInterruptedWork(db)).toEqual({ attempts: 2, runs: 1 });
    const after = await getAttempts(['gone-1', 'gone-2', 'mine', 'done'], db);
    expect(after.map((a) => a.status)).toEqual(['interrupted', 'interrupted', 'pending', 'ok']);
    expect((await db.runs.get('gone-run'))?.status).toBe('interrupted');
    expect((await db.runs.get('my-run'))?.status).toBe('running');
    // Nothing left to recover the second time.
    expect(await recoverInterruptedWork(db)).toEqual({ attempts: 0, runs: 0 });
    db.close();
  });
});
