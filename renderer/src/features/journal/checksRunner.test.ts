import { beforeEach, describe, expect, it } from 'vitest';
import { sampleAttempt } from '../../../../shared/journal/sample';
import type { Attempt, Prompt } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import { rerunChecks, startAutoChecks } from './checksRunner';

const prompt = (checks: unknown[]): Prompt => ({ schema: 'tenth.prompt/1', id: 'P', name: 'P', tags: [], archived: false, system: '', messages: [], params: {}, checks, createdAt: 1, updatedAt: 1 });
const attempt = (id: string, over: Partial<Attempt> = {}): Attempt => ({ ...sampleAttempt(1), id, promptId: 'P', status: 'ok', output: 'Paris', grades: [], judgeOf: null, ...over });
const until = async (fn: () => Promise<boolean>) => {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out waiting');
};

beforeEach(async () => {
  await getDb().attempts.clear();
  await getDb().prompts.clear();
});

describe('automatic checks', () => {
  it('grade an attempt when it finishes, not while pending, and never a judge call', async () => {
    await getDb().prompts.put(prompt([{ id: 'c1', name: 'says Paris', kind: 'contains', text: 'paris' }]));
    const stop = startAutoChecks();
    try {
      await getDb().attempts.bulkPut([attempt('a1', { status: 'pending', output: '' }), attempt('j1', { status: 'pending', judgeOf: 'a1' })]);
      await getDb().attempts.bulkPut([attempt('a1'), attempt('j1', { judgeOf: 'a1' })]);
      await until(async () => ((await getDb().attempts.get('a1'))?.grades.length ?? 0) > 0);
      const a1 = (await getDb().attempts.get('a1'))!;
      expect(a1.grades).toMatchObject([{ source: 'check', name: 'says Paris', pass: true, note: 'contains “paris”' }]);
      expect((await getDb().attempts.get('j1'))!.grades).toEqual([]);
    } finally {
      stop();
    }
  });

  it('re-running after a change adds new grade records and keeps the old ones', async () => {
    await getDb().prompts.put(prompt([{ id: 'c1', name: 'short', kind: 'length', max: 100 }]));
    await getDb().attempts.bulkPut([attempt('a1'), attempt('a2', { status: 'failed', output: '' }), attempt('a3', { output: 'x'.repeat(50) })]);
    expect(await rerunChecks('P')).toBe(2);
    await getDb().prompts.update('P', { checks: [{ id: 'c1', name: 'short', kind: 'length', max: 10 }] });
    expect(await rerunChecks('P')).toBe(2);
    const a3 = (await getDb().attempts.get('a3'))!;
    expect(a3.grades.map((g) => [g.name, g.pass, g.note])).toEqual([
      ['short', true, '50 characters'],
      ['short', false, '50 characters > maximum 10'],
    ]);
    expect((await getDb().attempts.get('a2'))!.grades).toEqual([]);
  });
});
