/**
 * Writes for prompts, their versions and cases. A version is immutable and
 * identified by a content hash (shared/engine/version-id.ts): saving the same
 * content twice gives the same version, and nothing ever changes a version that
 * attempts point at.
 */
import { ulid } from 'ulid';
import { promptVersionId } from '../../../../shared/engine';
import type { CaseRow } from '../../../../shared/cases/import';
import {
  CASE_SCHEMA,
  Params,
  PROMPT_SCHEMA,
  PROMPT_VERSION_SCHEMA,
  type Case,
  type Message,
  type Prompt,
  type PromptVersion,
} from '../../../../shared/domain/schemas';
import { getDb, type TenthDb } from '../db';

export const DEFAULT_PARAMS: Params = { temperature: 0.7, maxOutputTokens: 1024 };

export async function createPrompt(name: string, db: TenthDb = getDb()): Promise<Prompt> {
  const now = Date.now();
  const prompt: Prompt = {
    schema: PROMPT_SCHEMA,
    id: ulid(),
    name: name.trim() || 'Untitled prompt',
    tags: [],
    archived: false,
    system: '',
    messages: [{ role: 'user', content: '' }],
    params: DEFAULT_PARAMS,
    checks: [],
    createdAt: now,
    updatedAt: now,
  };
  await db.prompts.add(prompt);
  return prompt;
}

export type DraftPatch = Partial<Pick<Prompt, 'name' | 'tags' | 'system' | 'messages' | 'params' | 'archived' | 'checks'>>;

export async function updatePrompt(id: string, patch: DraftPatch, db: TenthDb = getDb()): Promise<void> {
  await db.prompts.update(id, { ...patch, updatedAt: Date.now() });
}

/** A copy with its draft and cases (not its versions or attempts). */
export async function duplicatePrompt(id: string, db: TenthDb = getDb()): Promise<Prompt | null> {
  return db.transaction('rw', db.prompts, db.cases, async () => {
    const source = await db.prompts.get(id);
    if (!source) return null;
    const now = Date.now();
    const copy: Prompt = { ...source, id: ulid(), name: `${source.name} (copy)`, archived: false, createdAt: now, updatedAt: now };
    await db.prompts.add(copy);
    const cases = await db.cases.where('promptId').equals(id).toArray();
    await db.cases.bulkAdd(cases.map((c) => ({ ...c, id: ulid(), promptId: copy.id })));
    return copy;
  });
}

export interface SavedVersion {
  version: PromptVersion;
  /** False when identical content already had this version. */
  created: boolean;
}

export async function saveVersion(prompt: Pick<Prompt, 'id' | 'system' | 'messages' | 'params'>, db: TenthDb = getDb()): Promise<SavedVersion> {
  const params = Params.parse(prompt.params);
  const messages: Message[] = prompt.messages.map((m) => ({ role: m.role, content: m.content }));
  const id = await promptVersionId({ promptId: prompt.id, system: prompt.system, messages, params });
  return db.transaction('rw', db.promptVersions, async () => {
    const existing = await db.promptVersions.get(id);
    if (existing) return { version: existing, created: false };
    const version: PromptVersion = {
      schema: PROMPT_VERSION_SCHEMA,
      id,
      promptId: prompt.id,
      system: prompt.system,
      messages,
      params,
      createdAt: Date.now(),
    };
    await db.promptVersions.add(version);
    return { version, created: true };
  });
}

export async function addCases(promptId: string, rows: CaseRow[], db: TenthDb = getDb()): Promise<Case[]> {
  return db.transaction('rw', db.cases, async () => {
    const existing = await db.cases.where('promptId').equals(promptId).toArray();
    let order = existing.reduce((max, c) => Math.max(max, c.order), -1);
    const cases: Case[] = rows.map((r) => ({
      schema: CASE_SCHEMA,
      id: ulid(),
      promptId,
      label: r.label,
      vars: r.vars,
      order: ++order,
    }));
    await db.cases.bulkAdd(cases);
    return cases;
  });
}

export async function updateCase(id: string, patch: Partial<Pick<Case, 'label' | 'vars'>>, db: TenthDb = getDb()): Promise<void> {
  await db.cases.update(id, patch);
}

export async function deleteCase(id: string, db: TenthDb = getDb()): Promise<void> {
  await db.cases.delete(id);
}

/** Moves a case up (-1) or down (+1) among its prompt's cases. */
export async function moveCase(id: string, delta: -1 | 1, db: TenthDb = getDb()): Promise<void> {
  await db.transaction('rw', db.cases, async () => {
    const c = await db.cases.get(id);
    if (!c) return;
    const all = (await db.cases.where('promptId').equals(c.promptId).toArray()).sort((a, b) => a.order - b.order);
    const i = all.findIndex((x) => x.id === id);
    const j = i + delta;
    if (j < 0 || j >= all.length) return;
    [all[i], all[j]] = [all[j]!, all[i]!];
    await db.cases.bulkPut(all.map((x, k) => ({ ...x, order: k })));
  });
}

/** Adds a variable (column) to every case of a prompt, empty where unset. */
export async function addVariable(promptId: string, name: string, db: TenthDb = getDb()): Promise<void> {
  await db.transaction('rw', db.cases, async () => {
    const all = await db.cases.where('promptId').equals(promptId).toArray();
    await db.cases.bulkPut(all.map((c) => (name in c.vars ? c : { ...c, vars: { ...c.vars, [name]: '' } })));
  });
}
