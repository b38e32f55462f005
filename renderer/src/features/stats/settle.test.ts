import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type Provider, type PromptVersion, type Run } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import type { SettlePlan } from '../../workers/stats/protocol';
import { planSettle } from './settle';

const provider: Provider = {
  id: 'pv',
  name: 'Local',
  kind: 'openai-compatible',
  baseUrl: 'http://127.0.0.1:9/v1',
  headers: {},
  concurrency: 2,
  rpm: null,
  models: [
    { id: 'x', price: { inputPerM: 1, outputPerM: 2 } },
    { id: 'y', price: null },
  ],
};
const version: PromptVersion = { schema: 'tenth.promptVersion/1', id: 'v2', promptId: 'p1', system: 'Be brief.', messages: [{ role: 'user', content: 'Say {{word}}' }], params: { temperature: 0 }, createdAt: 1 };
const run: Run = {
  schema: 'tenth.run/1',
  id: 'run-2',
  promptVersionIds: ['v2'],
  caseIds: ['c1', 'c2'],
  targets: [
    { providerId: 'pv', model: 'x' },
    { providerId: 'pv', model: 'y' },
  ],
  repeats: 3,
  concurrency: 7,
  firstTokenTimeoutMs: 11_000,
  totalTimeoutMs: 55_000,
  retry: { ...DEFAULT_RETRY_POLICY, maxRetries: 1 },
  status: 'done',
  createdAt: 1,
  endedAt: 2,
};
const settle: SettlePlan = {
  prompt: 'p1',
  promptVersion: 'v2',
  caseIds: ['c1', 'c2'],
  targets: run.targets,
  repeats: 4,
  firstRepeatIndex: 3,
  fromRunId: 'run-2',
};

beforeEach(async () => {
  const db = getDb();
  await Promise.all([db.providers.clear(), db.promptVersions.clear(), db.cases.clear(), db.runs.clear()]);
  await db.providers.put(provider);
  await db.promptVersions.put(version);
  await db.cases.bulkPut([
    { schema: 'tenth.case/1', id: 'c1', promptId: 'p1', label: null, vars: { word: 'one' }, order: 0 },
    { schema: 'tenth.case/1', id: 'c2', promptId: 'p1', label: null, vars: { word: 'two' }, order: 1 },
  ]);
  await db.runs.put(run);
});

describe('planSettle', () => {
  it('plans exactly the extra repeats of the same version, cases and targets, after the journaled repeats', async () => {
    const r = await planSettle(settle);
    if ('message' in r) throw new Error(r.message);
    expect(r.plan.attempts).toHaveLength(4 * 2 * 2);
    expect(new Set(r.plan.attempts.map((a) => a.repeatIndex))).toEqual(new Set([3, 4, 5, 6]));
    expect(new Set(r.plan.attempts.map((a) => `${a.caseId}/${a.model}`))).toEqual(new Set(['c1/x', 'c1/y', 'c2/x', 'c2/y']));
    expect(r.plan.attempts.every((a) => a.promptVersion === 'v2')).toBe(true);
    expect(r.plan.attempts.find((a) => a.caseId === 'c2')!.messages[0].content).toBe('Say two');
    // The settings of the run being extended.
    expect(r.run).toMatchObject({ promptVersionIds: ['v2'], caseIds: ['c1', 'c2'], repeats: 4, concurrency: 7, firstTokenTimeoutMs: 11_000, totalTimeoutMs: 55_000, retry: run.retry, rerunOf: null });
    expect(r.run.name).toBe('Settle x vs y on p1');
  });

  it('names the run as the Stats page names the targets and the prompt', async () => {
    const db = getDb();
    await db.providers.put({ ...provider, id: 'pw', name: 'Proxy', models: [{ id: 'x', displayName: 'Model X' }] });
    await db.providers.put({ ...provider, models: [{ id: 'x', displayName: 'Model X' }, { id: 'y' }] });
    await db.prompts.put({ schema: 'tenth.prompt/1', id: 'p1', name: 'Capital cities', tags: [], archived: false, system: '', messages: [], params: {}, checks: [], createdAt: 1, updatedAt: 1 });
    const twin = await planSettle({ ...settle, targets: [{ providerId: 'pv', model: 'x' }, { providerId: 'pw', model: 'x' }] });
    if ('message' in twin) throw new Error(twin.message);
    // The same model id on two providers: two targets, each sent to its own provider.
    expect(twin.run.name).toBe('Settle Model X · Local vs Model X · Proxy on Capital cities');
    expect(new Set(twin.plan.attempts.map((a) => `${a.provider.id}/${a.model}`))).toEqual(new Set(['pv/x', 'pw/x']));
    const r = await planSettle(settle);
    if ('message' in r) throw new Error(r.message);
    expect(r.run.name).toBe('Settle Model X vs y on Capital cities');
    await db.prompts.delete('p1');
  });

  it('refuses when a provider or the version is gone, or a case went missing', async () => {
    await getDb().providers.clear();
    expect(await planSettle(settle)).toEqual({ message: 'Provider pv is not configured.' });
    await getDb().providers.put(provider);
    await getDb().cases.delete('c2');
    expect(await planSettle(settle)).toEqual({ message: '1 of the compared cases are no longer in the journal.' });
    expect(await planSettle({ ...settle, promptVersion: 'gone' })).toEqual({ message: 'Prompt version gone is no longer in the journal.' });
  });
});
