import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../db';
import {
  createPrompt,
  draftVersionId,
  duplicatePrompt,
  numberedName,
  PromptNameError,
  promptNameProblem,
  putDraftNow,
  saveVersion,
  updatePrompt,
} from './prompts';

beforeEach(async () => {
  const db = getDb();
  await Promise.all([db.prompts.clear(), db.promptVersions.clear(), db.cases.clear()]);
});

const names = async () => (await getDb().prompts.toArray()).map((p) => p.name).sort();

describe('prompt names', () => {
  it('refuses a name another prompt has, trimmed and whatever the case', async () => {
    await createPrompt('Haiku writer');
    await expect(createPrompt('  haiku WRITER ')).rejects.toThrow(PromptNameError);
    await expect(createPrompt('  haiku WRITER ')).rejects.toThrow('Another prompt is already called “Haiku writer”');
    await expect(createPrompt('   ')).rejects.toThrow('A prompt needs a name.');
    expect(await names()).toEqual(['Haiku writer']);
  });

  it('numbers a new name when asked to instead of refusing it', async () => {
    await createPrompt('Untitled prompt', { ifTaken: 'number' });
    await createPrompt('Untitled prompt', { ifTaken: 'number' });
    await createPrompt('untitled prompt', { ifTaken: 'number' });
    await createPrompt('Capital cities (sample)', { ifTaken: 'number' });
    await createPrompt('Capital cities (sample)', { ifTaken: 'number' });
    expect(await names()).toEqual(['Capital cities (sample 2)', 'Capital cities (sample)', 'Untitled prompt', 'Untitled prompt 2', 'untitled prompt 3']);
    expect(numberedName('A (copy)', 3)).toBe('A (copy 3)');
  });

  it('refuses a rename to a taken name and writes nothing of that patch', async () => {
    const a = await createPrompt('Alpha');
    await createPrompt('Beta');
    await expect(updatePrompt(a.id, { name: ' BETA', system: 'changed' })).rejects.toThrow(PromptNameError);
    const stored = await getDb().prompts.get(a.id);
    expect(stored?.name).toBe('Alpha');
    expect(stored?.system).toBe('');
    // Its own name in another case is not a clash with itself.
    await updatePrompt(a.id, { name: ' alpha ' });
    expect((await getDb().prompts.get(a.id))?.name).toBe('alpha');
    expect(await promptNameProblem('Beta', a.id)).toMatch(/already called “Beta”/);
    expect(await promptNameProblem('Gamma', a.id)).toBeNull();
  });

  it('says when the prompt holding the name is archived', async () => {
    const old = await createPrompt('Old');
    await updatePrompt(old.id, { archived: true });
    expect(await promptNameProblem('old')).toBe('Another prompt (archived) is already called “Old”. Pick a name of its own.');
  });

  it('names copies apart', async () => {
    const a = await createPrompt('Alpha');
    await duplicatePrompt(a.id);
    await duplicatePrompt(a.id);
    expect(await names()).toEqual(['Alpha', 'Alpha (copy 2)', 'Alpha (copy)']);
  });
});

describe('draft writes and versions', () => {
  it('gives a draft the id saving it makes, and none when its parameters are invalid', async () => {
    const p = await createPrompt('P');
    const content = { id: p.id, system: 's', messages: [{ role: 'user' as const, content: 'Hi {{x}}' }], params: { temperature: 0.5 } };
    const id = await draftVersionId(content);
    const { version } = await saveVersion(content);
    expect(id).toBe(version.id);
    expect(await draftVersionId({ ...content, system: 's2' })).not.toBe(id);
    expect(await draftVersionId({ ...content, params: { temperature: 9 } })).toBeNull();
  });

  it('writes a draft at once over the record it was given', async () => {
    const p = await createPrompt('P');
    await putDraftNow(p, { system: 'kept', messages: [{ role: 'user', content: 'typed' }] });
    const stored = await getDb().prompts.get(p.id);
    expect(stored?.system).toBe('kept');
    expect(stored?.messages).toEqual([{ role: 'user', content: 'typed' }]);
    expect(stored?.name).toBe('P');
    expect(stored!.updatedAt).toBeGreaterThanOrEqual(p.updatedAt);
  });
});
