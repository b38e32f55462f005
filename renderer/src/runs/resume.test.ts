import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { createDb, type TenthDb } from '../db/db';
import { putAttempt } from '../db/journal';
import { sampleAttempt } from '../../../shared/journal/sample';
import { DEFAULT_RETRY_POLICY, type Attempt, type Provider, type Run } from '../../../shared/domain/schemas';
import { cellKey } from './coverage';
import { planResume, runSummaries } from './resume';

const provider = (id: string): Provider => ({ id, name: id, kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', headers: {}, concurrency: 2, rpm: null, models: [{ id: 'm', price: { inputPerM: 1, outputPerM: 2 } }] });
const root: Run = {
  schema: 'tenth.run/1',
  id: 'root',
  name: 'Capitals',
  promptVersionIds: ['v1'],
  caseIds: ['c1', 'c2'],
  targets: [
    { providerId: 'pa', model: 'm' },
    { providerId: 'pb', model: 'm' },
  ],
  repeats: 5,
  concurrency: 16,
  firstTokenTimeoutMs: 11_000,
  totalTimeoutMs: 55_000,
  retry: { ...DEFAULT_RETRY_POLICY, maxRetries: 1 },
  status: 'interrupted',
  createdAt: 10,
  endedAt: 20,
  owner: 'page:gone',
};

let n = 0;
const attempt = (runId: string, caseId: string, providerId: string, repeatIndex: number, over: Partial<Attempt> = {}): Attempt => ({
  ...sampleAttempt(1),
  id: `a${String(++n).padStart(4, '0')}`,
  runId,
  promptId: 'p',
  promptVersion: 'v1',
  caseId,
  providerId,
  model: 'm',
  repeatIndex,
  retryOf: null,
  judgeOf: null,
  status: 'ok',
  grades: [],
  ...over,
});

let db: TenthDb;
const name = () => `resume-${Math.random().toString(36).slice(2)}`;
beforeEach(async () => {
  db = createDb(name());
  await db.providers.bulkPut([provider('pa'), provider('pb')]);
  await db.promptVersions.put({ schema: 'tenth.promptVersion/1', id: 'v1', promptId: 'p', system: '', messages: [{ role: 'user', content: 'Capital of {{country}}?' }], params: {}, createdAt: 1 });
  await db.cases.bulkPut([
    { schema: 'tenth.case/1', id: 'c1', promptId: 'p', label: null, vars: { country: 'France' }, order: 0 },
    { schema: 'tenth.case/1', id: 'c2', promptId: 'p', label: null, vars: { country: 'Japan' }, order: 1 },
  ]);
});
afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
});

/** The first `k` planned attempts in the engine's order (repeat, case, target), as a cut-off run leaves them. */
async function journalFirst(runId: string, k: number, status: (i: number) => Attempt['status'] = () => 'ok', offset = 0) {
  const order: [string, string, number][] = [];
  for (let r = 0; r < 5; r++) for (const c of ['c1', 'c2']) for (const p of ['pa', 'pb']) order.push([c, p, r + offset]);
  for (const [i, [c, p, r]] of order.slice(0, k).entries()) await putAttempt(attempt(runId, c, p, r, { status: status(i) }), db);
}

const never = () => false;

describe('planResume', () => {
  it('plans exactly the planned attempts an interrupted run never sent, as a run that continues it', async () => {
    await db.runs.put(root);
    // 6 of 20 sent: the last 2 cut off (interrupted), and one failure retried.
    await journalFirst('root', 6, (i) => (i >= 4 ? 'interrupted' : i === 1 ? 'failed' : 'ok'));
    await putAttempt(attempt('root', 'c1', 'pb', 0, { retryOf: 'a0002' }), db);
    const r = await planResume('root', db, never);
    if ('message' in r) throw new Error(r.message);
    expect(r.notSent).toBe(14);
    expect(r.plan.attempts).toHaveLength(14);
    const cells = r.plan.attempts.map((p) => `${p.caseId}/${p.provider.id}/${p.repeatIndex}`);
    expect(cells).toEqual(['c2/pa/1', 'c2/pb/1', ...[2, 3, 4].flatMap((i) => [`c1/pa/${i}`, `c1/pb/${i}`, `c2/pa/${i}`, `c2/pb/${i}`])]);
    expect(r.plan.attempts.find((p) => p.caseId === 'c2')!.messages[0]!.content).toBe('Capital of Japan?');
    expect(r.plan.attempts.map((p) => p.index)).toEqual([...Array(14).keys()]);
    // The settings of the run it continues, linked to it.
    expect(r.run).toMatchObject({ name: 'Capitals (resumed)', rerunOf: 'root', promptVersionIds: ['v1'], caseIds: ['c1', 'c2'], repeats: 5, concurrency: 16, firstTokenTimeoutMs: 11_000, retry: root.retry });
    expect(r.run).not.toHaveProperty('owner');
    expect(r.run).not.toHaveProperty('status');
  });

  it('resumes a cancelled run, and from a run that continues it plans what the whole family still lacks', async () => {
    await db.runs.bulkPut([{ ...root, status: 'cancelled' }, { ...root, id: 'child', name: 'Capitals (resumed)', rerunOf: 'root', status: 'cancelled', createdAt: 30 }]);
    await journalFirst('root', 8);
    // The continuation sent 5 of the 12 left before it was cancelled too.
    for (const [c, p, i] of [['c1', 'pa', 2], ['c1', 'pb', 2], ['c2', 'pa', 2], ['c2', 'pb', 2], ['c1', 'pa', 3]] as const) await putAttempt(attempt('child', c, p, i), db);
    for (const from of ['child', 'root']) {
      const r = await planResume(from, db, never);
      if ('message' in r) throw new Error(r.message);
      expect(r.run.rerunOf).toBe('root');
      expect(r.run.name).toBe('Capitals (resumed)');
      expect(r.plan.attempts.map((p) => `${p.caseId}/${p.provider.id}/${p.repeatIndex}`)).toEqual(['c1/pb/3', 'c2/pa/3', 'c2/pb/3', 'c1/pa/4', 'c1/pb/4', 'c2/pa/4', 'c2/pb/4']);
    }
  });

  it('keeps the repeat numbers of a run that started after the journal’s (a settle run)', async () => {
    await db.runs.put({ ...root, status: 'cancelled', repeats: 2 });
    await journalFirst('root', 3, () => 'ok', 7);
    const r = await planResume('root', db, never);
    if ('message' in r) throw new Error(r.message);
    expect(r.plan.attempts.map((p) => `${p.caseId}/${p.provider.id}/${p.repeatIndex}`)).toEqual(['c2/pb/7', 'c1/pa/8', 'c1/pb/8', 'c2/pa/8', 'c2/pb/8']);
  });

  it('refuses while a run of the plan is going, when all was sent, for judge runs, and when nothing can be planned', async () => {
    await db.runs.bulkPut([root, { ...root, id: 'child', rerunOf: 'root', status: 'running', createdAt: 30 }]);
    await journalFirst('root', 4);
    expect(await planResume('root', db, never)).toEqual({ message: 'A run of this plan is still going; resume it once it has stopped.' });
    await db.runs.put({ ...root, id: 'child', rerunOf: 'root', status: 'cancelled', createdAt: 30 });
    expect(await planResume('root', db, (id) => id === 'child')).toEqual({ message: 'A run of this plan is still going; resume it once it has stopped.' });

    await db.providers.clear();
    expect(await planResume('root', db, never)).toEqual({ message: 'The attempts not sent can no longer be planned. Provider pa is not configured. Provider pb is not configured.' });
    await db.providers.bulkPut([provider('pa'), provider('pb')]);

    await journalFirst('child', 20);
    expect(await planResume('root', db, never)).toEqual({ message: 'Every planned attempt of this run was sent.' });

    await db.runs.put({ ...root, id: 'judge', status: 'interrupted', createdAt: 40 });
    await putAttempt(attempt('judge', 'c1', 'pa', 0, { judgeOf: 'a0001', status: 'interrupted' }), db);
    expect(await planResume('judge', db, never)).toEqual({ message: 'A judge run is run again from its judge panel.' });
  });

  it('plans a run whose attempts can all be planned in the order the engine sends them', async () => {
    await db.runs.put({ ...root, status: 'cancelled' });
    const r = await planResume('root', db, never);
    if ('message' in r) throw new Error(r.message);
    expect(r.plan.attempts).toHaveLength(20);
    expect(new Set(r.plan.attempts.map((p) => cellKey({ ...p, providerId: p.provider.id }))).size).toBe(20);
  });
});

describe('runSummaries', () => {
  it('reads counts from the journal, and what a stopped run never sent, on the row of the run that planned it', async () => {
    await db.runs.bulkPut([
      root,
      { ...root, id: 'child', rerunOf: 'root', status: 'done', createdAt: 30 },
      { ...root, id: 'full', status: 'done', createdAt: 50 },
      { ...root, id: 'going', status: 'running', createdAt: 60 },
    ]);
    await journalFirst('root', 6);
    await journalFirst('full', 20);
    await journalFirst('going', 3);
    for (const [c, p] of [['c2', 'pa'], ['c2', 'pb']] as const) await putAttempt(attempt('child', c, p, 1), db);
    const s = await runSummaries(['root', 'child', 'full', 'going'], db);
    expect(s.get('root')).toEqual({ done: 6, total: 20, notSent: 12, sentElsewhere: 2 });
    expect(s.get('child')).toEqual({ done: 2, total: 2, notSent: 0, sentElsewhere: 0 });
    expect(s.get('full')).toEqual({ done: 20, total: 20, notSent: 0, sentElsewhere: 0 });
    // Another tab's run: its queued attempts are not in the journal yet, so nothing is called unsent.
    expect(s.get('going')).toEqual({ done: 3, total: 3, notSent: 0, sentElsewhere: 0 });
  });

  it('finds attempts not sent in a run that finished with retries making up the count', async () => {
    await db.runs.put({ ...root, status: 'done' });
    await journalFirst('root', 19, (i) => (i === 0 ? 'failed' : 'ok'));
    await putAttempt(attempt('root', 'c1', 'pa', 0, { retryOf: 'a0001' }), db);
    expect((await runSummaries(['root'], db)).get('root')).toEqual({ done: 20, total: 21, notSent: 1, sentElsewhere: 0 });
  });
});
