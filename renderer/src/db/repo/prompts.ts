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

/**
 * Names are how a prompt is told apart in every picker (library, runs, stats),
 * so no two prompts share one. They compare trimmed and case-blind: "Haiku"
 * and " haiku " would read as the same prompt in a list.
 */
export const promptNameKey = (name: string): string => name.trim().normalize('NFC').toLowerCase();

/** A name refused because it is empty or another prompt has it. */
export class PromptNameError extends Error {
  override name = 'PromptNameError';
}

/** Why `name` cannot be the name of prompt `exceptId` (or of a new prompt), or null if it can. */
export async function promptNameProblem(name: string, exceptId: string | null = null, db: TenthDb = getDb()): Promise<string | null> {
  if (!name.trim()) return 'A prompt needs a name.';
  const key = promptNameKey(name);
  const other = await db.prompts.filter((p) => p.id !== exceptId && promptNameKey(p.name) === key).first();
  if (!other) return null;
  return `Another prompt${other.archived ? ' (archived)' : ''} is already called “${other.name}”. Pick a name of its own.`;
}

/** "Untitled prompt" → "Untitled prompt 2"; "Capital cities (sample)" → "Capital cities (sample 2)". */
export function numberedName(base: string, n: number): string {
  const name = base.trim();
  return name.endsWith(')') ? `${name.slice(0, -1)} ${n})` : `${name} ${n}`;
}

/** `base`, or the first of `base 2`, `base 3`… that no prompt has. Call inside a transaction on prompts. */
async function freeName(base: string, db: TenthDb): Promise<string> {
  const taken = new Set((await db.prompts.toArray()).map((p) => promptNameKey(p.name)));
  if (!taken.has(promptNameKey(base))) return base.trim();
  for (let n = 2; ; n++) if (!taken.has(promptNameKey(numberedName(base, n)))) return numberedName(base, n);
}

/**
 * A new, empty prompt. With `ifTaken: 'number'` a name another prompt has gets
 * the first free number ("Untitled prompt 2"); otherwise it is refused with a
 * PromptNameError.
 */
export async function createPrompt(name: string, opts: { ifTaken?: 'refuse' | 'number' } = {}, db: TenthDb = getDb()): Promise<Prompt> {
  return db.transaction('rw', db.prompts, async () => {
    let chosen = name.trim();
    if (opts.ifTaken === 'number') chosen = await freeName(chosen || 'Untitled prompt', db);
    const problem = await promptNameProblem(chosen, null, db);
    if (problem) throw new PromptNameError(problem);
    const now = Date.now();
    const prompt: Prompt = {
      schema: PROMPT_SCHEMA,
      id: ulid(),
      name: chosen,
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
  });
}

export type DraftPatch = Partial<Pick<Prompt, 'name' | 'tags' | 'system' | 'messages' | 'params' | 'archived' | 'checks'>>;

/** Writes draft fields. A new name is trimmed, and refused (PromptNameError, nothing written) if empty or taken. */
export async function updatePrompt(id: string, patch: DraftPatch, db: TenthDb = getDb()): Promise<void> {
  if (patch.name === undefined) {
    await db.prompts.update(id, { ...patch, updatedAt: Date.now() });
    return;
  }
  const name = patch.name.trim();
  await db.transaction('rw', db.prompts, async () => {
    const problem = await promptNameProblem(name, id, db);
    if (problem) throw new PromptNameError(problem);
    await db.prompts.update(id, { ...patch, name, updatedAt: Date.now() });
  });
}

/**
 * Writes draft fields over the prompt record the caller holds, for when the
 * page is hiding or closing. One put, then an explicit commit: IndexedDB
 * finishes a transaction once told to commit even if the page is gone by then,
 * whereas updatePrompt reads before it writes and Dexie commits only after
 * hearing back, both of which need the page to live on. What changed in the
 * record since `current` was read is overwritten, so the normal path stays
 * updatePrompt; the workspace holds `current` from a live query. The name in
 * `patch` must have been checked already (promptNameProblem).
 */
export async function putDraftNow(current: Prompt, patch: DraftPatch, db: TenthDb = getDb()): Promise<void> {
  const record: Prompt = { ...current, ...patch, updatedAt: Date.now() };
  await db.transaction('rw', db.prompts, (tx) => {
    const written = db.prompts.put(record);
    tx.idbtrans.commit();
    return written;
  });
}

/** A copy with its draft and cases (not its versions or attempts), named "… (copy)", "… (copy 2)"… */
export async function duplicatePrompt(id: string, db: TenthDb = getDb()): Promise<Prompt | null> {
  return db.transaction('rw', db.prompts, db.cases, async () => {
    const source = await db.prompts.get(id);
    if (!source) return null;
    const now = Date.now();
    const name = await freeName(`${source.name} (copy)`, db);
    const copy: Prompt = { ...source, id: ulid(), name, archived: false, createdAt: now, updatedAt: now };
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

type VersionContent = Pick<Prompt, 'id' | 'system' | 'messages' | 'params'>;

/** The content a version keeps, normalized as every version is; throws on invalid parameters. */
function versionContent(prompt: VersionContent): { system: string; messages: Message[]; params: Params } {
  return { system: prompt.system, messages: prompt.messages.map((m) => ({ role: m.role, content: m.content })), params: Params.parse(prompt.params) };
}

/**
 * The id saveVersion would give this content (a content hash), without saving:
 * how the workspace tells whether the draft is already a saved version. Null
 * when the parameters are not valid, so the draft cannot be saved as it is.
 */
export async function draftVersionId(prompt: VersionContent): Promise<string | null> {
  if (!Params.safeParse(prompt.params).success) return null;
  return promptVersionId({ promptId: prompt.id, ...versionContent(prompt) });
}

export async function saveVersion(prompt: VersionContent, db: TenthDb = getDb()): Promise<SavedVersion> {
  const { system, messages, params } = versionContent(prompt);
  const id = await promptVersionId({ promptId: prompt.id, system, messages, params });
  return db.transaction('rw', db.promptVersions, async () => {
    const existing = await db.promptVersions.get(id);
    if (existing) return { version: existing, created: false };
    const version: PromptVersion = {
      schema: PROMPT_VERSION_SCHEMA,
      id,
      promptId: prompt.id,
      system,
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
