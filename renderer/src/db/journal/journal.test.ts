/**
 * The attempts journal against real Dexie code (fake-indexeddb): every read
 * checked against the same question answered by brute force over the seeded
 * attempts, the writes' merge rules, atomicity, the change feed, and reads
 * inside a live query.
 */
import { liveQuery } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attempt, Run } from '../../../../shared/domain/schemas';
import { compileFilter, type JournalFilter } from '../../../../shared/journal/filter';
import { sampleAttempt, sampleJournal } from '../../../../shared/journal/sample';
import { createDb, type TenthDb } from '../db';
import {
  addAttempts,
  beginStaging,
  commitStaging,
  discardStaging,
  attemptIds,
  attemptsJudging,
  countAttempts,
  distinctValues,
  existingAttemptIds,
  finishAttempt,
  getAttempt,
  getAttempts,
  journalTransaction,
  modifyAttempts,
  onAttemptsChanged,
  putAttempt,
  queryAttempts,
  scanAttempts,
  selectAttempts,
  updateAttempt,
} from '.';

const opened: TenthDb[] = [];
let n = 0;
function freshDb(): TenthDb {
  const db = createDb(`journal-test-${Date.now()}-${n++}`);
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

const MODELS = ['gpt-test', 'local-7b', 'other'];
/**
 * 120 attempts whose ids follow queue time (ULIDs do), three to a millisecond as
 * a run queues them, over three models, with judge calls of a few of them.
 */
function journal(): Attempt[] {
  return sampleJournal(120, 3).attempts.map((a, i) => ({
    ...a,
    queuedAt: 1_760_000_000_000 + Math.floor(i / 3) * 1000,
    model: MODELS[i % 3]!,
    judgeOf: i % 20 === 19 ? `att-${String(i - 1).padStart(6, '0')}` : a.judgeOf,
  }));
}
/**
 * Where the seeded attempts are kept (./cold.ts): each a record (`hot`), all in
 * pages (`paged`: what an import writes), or every third one in pages and the
 * rest records (`mixed`: an imported journal the app has since added to).
 */
type Layout = 'hot' | 'paged' | 'mixed';
async function seededAs(layout: Layout): Promise<{ db: TenthDb; all: Attempt[] }> {
  const db = freshDb();
  const all = journal();
  const paged = layout === 'paged' ? all : layout === 'mixed' ? all.filter((_, i) => i % 3 === 1) : [];
  const hot = all.filter((a) => !paged.includes(a));
  await db.attempts.bulkAdd(hot);
  // addAttempts writes pages; two calls make pages that interleave in time with each other and the records.
  await addAttempts(paged.filter((_, i) => i % 2 === 0), db);
  await addAttempts(paged.filter((_, i) => i % 2 === 1), db);
  expect(await db.attemptColumns.count()).toBe(paged.length ? 2 : 0);
  return { db, all };
}
const byTime = (a: Attempt, b: Attempt) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1);
const ids = (l: readonly Attempt[]) => l.map((a) => a.id);
const T = (i: number) => 1_760_000_000_000 + i * 1000;

const FILTERS: [string, JournalFilter][] = [
  ['nothing', {}],
  ['a prompt', { promptIds: ['prompt-1'] }],
  ['a model and dates', { models: ['local-7b'], from: T(5), to: T(20) }],
  ['a run', { runIds: ['run-2'] }],
  ['a status from a date', { statuses: ['failed'], from: T(10) }],
  ['a version', { promptVersions: ['pv-0'] }],
  ['a version and dates', { promptVersions: ['pv-0'], from: T(3), to: T(30) }],
  ['a provider', { providerIds: ['prov-1'] }],
  ['a failure class', { failureClasses: ['timeout'] }],
  ['a tag', { tags: ['a'] }],
  ['dates', { from: T(7), to: T(9) }],
  ['a prompt and a status', { promptIds: ['prompt-0'], statuses: ['ok'] }],
  ['two models', { models: ['gpt-test', 'other'] }],
  ['two tags and a run', { tags: ['a', 'b,c'], runIds: ['run-0', 'run-1'] }],
  ['two statuses and dates', { statuses: ['ok', 'failed'], from: T(2), to: T(25) }],
];

describe.each(['hot', 'paged', 'mixed'] as const)('reads, attempts %s', (layout) => {
  const seeded = () => seededAs(layout);
  it('gets attempts by id, in the order asked, skipping missing ones', async () => {
    const { db, all } = await seeded();
    expect((await getAttempt('att-000007', db))?.id).toBe('att-000007');
    expect(await getAttempt('nope', db)).toBeUndefined();
    expect(ids(await getAttempts(['att-000009', 'nope', 'att-000002'], db))).toEqual(['att-000009', 'att-000002']);
    expect(await existingAttemptIds(['att-000001', 'nope', 'att-000119'], db)).toEqual(['att-000001', 'att-000119']);
    expect(await countAttempts(undefined, db)).toBe(all.length);
  });

  it.each(FILTERS)('%s: pages in time order, ids and counts match the filter', async (_label, f) => {
    const { db, all } = await seeded();
    const want = all.filter(compileFilter(f)).sort(byTime);
    expect(await countAttempts(f, db)).toBe(want.length);
    expect(ids(await queryAttempts(f, {}, db))).toEqual(ids(want));
    const newest = [...want].reverse();
    expect(ids(await queryAttempts(f, { newestFirst: true, offset: 2, limit: 5 }, db))).toEqual(ids(newest.slice(2, 7)));
    expect(await attemptIds(f, { newestFirst: true, offset: 1, limit: 4 }, db)).toEqual(ids(newest.slice(1, 5)));
    const ok = (a: Attempt) => a.status === 'ok' && !a.judgeOf;
    expect(ids(await queryAttempts(f, { where: ok, limit: 6 }, db))).toEqual(ids(want.filter(ok).slice(0, 6)));
  });

  it.each(FILTERS)('%s: scans in id order, a page at a time', async (_label, f) => {
    const { db, all } = await seeded();
    const got: Attempt[] = [];
    for await (const page of scanAttempts(f, { pageSize: 7 }, db)) {
      expect(page.length).toBeLessThanOrEqual(7);
      got.push(...page);
    }
    expect(ids(got)).toEqual(ids(all.filter(compileFilter(f))).sort());
    const sel = await selectAttempts(f, db);
    expect(sel.total).toBeGreaterThanOrEqual(got.length);
    const again: Attempt[] = [];
    for await (const page of scanAttempts(f, { selection: sel }, db)) again.push(...page);
    expect(ids(again)).toEqual(ids(got));
  });

  it('stops a scan when its signal aborts', async () => {
    const { db } = await seeded();
    const abort = new AbortController();
    const pages: Attempt[][] = [];
    await expect(
      (async () => {
        for await (const page of scanAttempts(null, { pageSize: 10, signal: abort.signal }, db)) {
          pages.push(page);
          abort.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(pages).toHaveLength(1);
  });

  it('lists distinct values and the judge calls of attempts', async () => {
    const { db, all } = await seeded();
    expect(await distinctValues('model', db)).toEqual([...MODELS].sort());
    expect(await distinctValues('tags', db)).toEqual(['a', 'b,c']);
    expect(await distinctValues('promptVersion', db)).toEqual(['pv-0', 'pv-1']);
    const judged = all.filter((a) => a.judgeOf).map((a) => a.judgeOf!);
    expect(judged.length).toBeGreaterThan(2);
    expect(ids(await attemptsJudging([judged[0]!, judged[2]!, 'nope'], db)).sort()).toEqual(
      all.filter((a) => a.judgeOf === judged[0] || a.judgeOf === judged[2]).map((a) => a.id),
    );
  });
});

describe('writes', () => {
  const pending = (id: string): Attempt => ({ ...sampleAttempt(1), id, status: 'pending', grades: [], notes: undefined, tags: undefined });

  it('adds only new ids and never overwrites', async () => {
    const db = freshDb();
    await putAttempt({ ...pending('x1'), output: 'kept' }, db);
    const added = await addAttempts([{ ...pending('x1'), output: 'imported' }, pending('x2'), pending('x3')], db);
    expect(added).toBe(2);
    expect((await getAttempt('x1', db))?.output).toBe('kept');
    expect(await countAttempts(null, db)).toBe(3);
    expect(await addAttempts([], db)).toBe(0);
  });

  it('keeps what a person added while an attempt was pending', async () => {
    const db = freshDb();
    await putAttempt(pending('p1'), db);
    const human = { source: 'human' as const, name: 'human', pass: true, score: 1, at: 5 };
    expect(await updateAttempt('p1', { grades: [human], notes: 'looked good', tags: ['x'] }, db)).toBe(true);
    expect(await updateAttempt('missing', { notes: 'n' }, db)).toBe(false);
    const check = { source: 'check' as const, name: 'c', pass: true, score: 1, at: 9 };
    await finishAttempt({ ...pending('p1'), status: 'ok', output: 'hello', grades: [check, human] }, db);
    expect(await getAttempt('p1', db)).toMatchObject({ status: 'ok', output: 'hello', notes: 'looked good', tags: ['x'], grades: [human, check] });
  });

  it('modifies in one read-modify-write, skipping missing ids and unchanged attempts', async () => {
    const db = freshDb();
    await addAttempts([pending('m1'), pending('m2')], db);
    const written = await modifyAttempts(['m1', 'm2', 'gone'], (a) => (a.id === 'm1' ? { ...a, notes: 'seen' } : null), db);
    expect(written).toBe(1);
    expect((await getAttempt('m1', db))?.notes).toBe('seen');
    expect((await getAttempt('m2', db))?.notes).toBeUndefined();
    await expect(modifyAttempts(['m1'], (a) => ({ ...a, id: 'other' }), db)).rejects.toThrow(/came back as/);
  });

  it('moves a paged attempt it changes out of its page: one copy, everything else still paged', async () => {
    const { db, all } = await seededAs('paged');
    const target = all[40]!;
    expect(await db.attempts.count()).toBe(0);
    expect(await updateAttempt(target.id, { notes: 'moved' }, db)).toBe(true);
    // Now a record of its own, gone from the pages; nothing lost or doubled.
    expect((await db.attempts.get(target.id))?.notes).toBe('moved');
    expect(await countAttempts(null, db)).toBe(all.length);
    expect((await getAttempt(target.id, db))?.notes).toBe('moved');
    const columns = await db.attemptColumns.toArray();
    expect(columns.flatMap((c) => c.ids)).not.toContain(target.id);
    expect(columns.reduce((n, c) => n + c.ids.length, 0)).toBe(all.length - 1);
    const scanned: string[] = [];
    for await (const page of scanAttempts(null, {}, db)) scanned.push(...ids(page));
    expect(scanned).toEqual(ids(all).sort());
    // A finished record over a paged id keeps what the page had added by a person.
    const other = all[41]!;
    await modifyAttempts([other.id], (a) => ({ ...a, tags: ['kept'] }), db);
    await finishAttempt({ ...other, output: 'again', tags: undefined }, db);
    expect(await getAttempt(other.id, db)).toMatchObject({ output: 'again', tags: ['kept'] });
    // putAttempt over a paged id leaves one copy too.
    const third = all[42]!;
    await putAttempt({ ...third, output: 'replaced' }, db);
    expect(await countAttempts(null, db)).toBe(all.length);
    expect((await getAttempts([third.id], db))[0]?.output).toBe('replaced');
  });

  it('changes the journal and other tables together or not at all', async () => {
    const db = freshDb();
    const run = { ...sampleJournal(0).runs[0]!, status: 'running' } as Run;
    await db.runs.put(run);
    await putAttempt(pending('t1'), db);
    const interrupt = () =>
      journalTransaction(
        [db.runs],
        async () => {
          await modifyAttempts(['t1'], (a) => ({ ...a, status: 'interrupted' }), db);
          await db.runs.put({ ...run, status: 'interrupted' });
        },
        db,
      );
    const failing = journalTransaction(
      [db.runs],
      async () => {
        await modifyAttempts(['t1'], (a) => ({ ...a, status: 'interrupted' }), db);
        throw new Error('boom');
      },
      db,
    );
    await expect(failing).rejects.toThrow('boom');
    expect((await getAttempt('t1', db))?.status).toBe('pending');
    await interrupt();
    expect((await getAttempt('t1', db))?.status).toBe('interrupted');
    expect((await db.runs.get(run.id))?.status).toBe('interrupted');
  });

  it('reports changed attempts after commit, and which ones just finished', async () => {
    const db = freshDb();
    const seen: { ids: string[]; finished: string[] }[] = [];
    const off = onAttemptsChanged((changed, finished) => seen.push({ ids: changed, finished }), db);
    await putAttempt(pending('p1'), db);
    await finishAttempt({ ...pending('p1'), status: 'ok', output: 'done' }, db);
    await updateAttempt('p1', { notes: 'n' }, db);
    await modifyAttempts(['p1'], (a) => ({ ...a, tags: ['t'] }), db);
    await addAttempts([pending('p2'), pending('p3')], db);
    off();
    expect(seen).toEqual([
      { ids: ['p1'], finished: [] },
      { ids: ['p1'], finished: ['p1'] },
      { ids: ['p1'], finished: [] },
      { ids: ['p1'], finished: [] },
      { ids: ['p2', 'p3'], finished: [] },
    ]);
  });
});

describe('staged imports', () => {
  it('keep their pages out of every read until committed, and leave nothing when discarded', async () => {
    const db = freshDb();
    const other = createDb(db.name);
    opened.push(other);
    const list = sampleJournal(30, 4).attempts;
    await beginStaging(db, 'imp-1');
    expect(await addAttempts(list.slice(0, 20), db, { staged: 'imp-1' })).toBe(20);
    for (const d of [db, other]) {
      expect(await countAttempts(null, d)).toBe(0);
      expect(await getAttempt(list[0]!.id, d)).toBeUndefined();
      expect(await existingAttemptIds([list[0]!.id], d)).toEqual([]);
    }
    await commitStaging(db, 'imp-1');
    for (const d of [db, other]) {
      expect(await countAttempts(null, d)).toBe(20);
      expect((await getAttempt(list[0]!.id, d))?.output).toBe(list[0]!.output);
    }

    await beginStaging(db, 'imp-2');
    await addAttempts(list.slice(20), db, { staged: 'imp-2' });
    await discardStaging(db, 'imp-2');
    expect(await countAttempts(null, other)).toBe(20);
    expect((await db.attemptColumns.toArray()).some((c) => c.staged === 'imp-2')).toBe(false);
    expect((await db.meta.get('journal:stagingImports'))?.value).toEqual([]);
  });
});

describe('change feed across connections', () => {
  it('reports attempts imported through another connection (another worker or tab)', async () => {
    const db = freshDb();
    const other = createDb(db.name);
    opened.push(other);
    const seen: string[][] = [];
    const off = onAttemptsChanged((changed) => seen.push(changed), db);
    // The feed's live query takes its first look before the import.
    await countAttempts(null, db);
    await new Promise((r) => setTimeout(r, 50));
    const list = sampleJournal(3, 9).attempts;
    await addAttempts(list, other);
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    off();
    expect(seen.flat().sort()).toEqual(ids(list).sort());
  });
});

describe('reads across connections', () => {
  it('see pages another connection adds and moves attempts out of, once each, after reading before', async () => {
    const db = freshDb();
    const other = createDb(db.name);
    opened.push(other);
    expect(await countAttempts(null, db)).toBe(0);
    const list = sampleJournal(1200, 4).attempts;
    await addAttempts(list.slice(0, 700), other);
    expect(await countAttempts(null, db)).toBe(700);
    await addAttempts(list.slice(700), other);
    expect(await countAttempts(null, db)).toBe(1200);
    // Another connection grades a paged attempt: it moves to a record of its own, its page is rewritten.
    await updateAttempt(list[3]!.id, { notes: 'moved' }, other);
    expect(await countAttempts(null, db)).toBe(1200);
    expect((await getAttempt(list[3]!.id, db))?.notes).toBe('moved');
    expect((await queryAttempts({}, {}, db)).map((a) => a.id).sort()).toEqual(ids(list).sort());
  });

  it('leave nothing of pages whose transaction failed', async () => {
    const db = freshDb();
    const list = sampleJournal(600, 5).attempts;
    await addAttempts(list.slice(0, 100), db);
    await expect(
      journalTransaction(
        [],
        async () => {
          await addAttempts(list.slice(100), db);
          expect(await countAttempts(null, db)).toBe(600);
          throw new Error('boom');
        },
        db,
      ),
    ).rejects.toThrow('boom');
    expect(await countAttempts(null, db)).toBe(100);
    expect(await getAttempt(list[300]!.id, db)).toBeUndefined();
  });
});

describe('in a live query', () => {
  it('answers again when a write changes what it read', async () => {
    const { db } = await seededAs('mixed');
    const f: JournalFilter = { promptIds: ['prompt-1'] };
    const answers: number[] = [];
    const sub = liveQuery(async () => (await queryAttempts(f, { newestFirst: true, limit: 5 }, db)).length + (await countAttempts(f, db)) * 1000).subscribe((v) => answers.push(v));
    const next = async (k: number) => {
      for (let i = 0; i < 200 && answers.length < k; i++) await new Promise((r) => setTimeout(r, 5));
    };
    await next(1);
    await addAttempts([{ ...sampleAttempt(1), id: 'zz-new', promptId: 'prompt-1', queuedAt: T(500) }], db);
    await next(2);
    sub.unsubscribe();
    expect(answers).toEqual([60 * 1000 + 5, 61 * 1000 + 5]);
  });
});
