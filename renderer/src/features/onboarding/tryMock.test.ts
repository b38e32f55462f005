import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/db';
import { updatePrompt } from '../../db/repo/prompts';
import { SAMPLE_NAME, tryWithMock } from './tryMock';

vi.mock('../../bridge', () => ({
  api: {
    providers: { detectLocal: async () => [{ name: 'Tenth mock provider', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11555/v1' }] },
    secrets: { set: async () => undefined },
  },
}));

beforeEach(async () => {
  const db = getDb();
  await Promise.all([db.prompts.clear(), db.promptVersions.clear(), db.cases.clear(), db.providers.clear()]);
});

const promptNames = async () => (await getDb().prompts.toArray()).map((p) => p.name).sort();

describe('the mock quick start', () => {
  it('opens the sample it made before instead of adding an identical one', async () => {
    const first = await tryWithMock();
    const second = await tryWithMock();
    expect(first).toMatchObject({ ok: true, reused: false });
    expect(second).toMatchObject({ ok: true, reused: true });
    if (!first.ok || !second.ok) throw new Error('unreachable');
    expect(second.promptId).toBe(first.promptId);
    expect(await promptNames()).toEqual([SAMPLE_NAME]);
    expect(await getDb().providers.count()).toBe(1);
    expect(await getDb().cases.count()).toBe(3);
  });

  it('makes a new sample, named apart, when the old one is archived', async () => {
    const first = await tryWithMock();
    if (!first.ok) throw new Error('the mock was not found');
    await updatePrompt(first.promptId, { archived: true });
    const again = await tryWithMock();
    expect(again).toMatchObject({ ok: true, reused: false });
    expect(await promptNames()).toEqual(['Capital cities (sample 2)', SAMPLE_NAME]);
    if (again.ok) expect(await getDb().promptVersions.where('promptId').equals(again.promptId).count()).toBe(1);
  });
});
