import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { registerCommands } from '../../app/commands';
import { CodeField, runKey, saveKey } from '../../editor/CodeField';
import { setKnownVariables } from '../../editor/variables';
import { getDb } from '../../db/db';
import { duplicatePrompt, promptNameProblem, PromptNameError, putDraftNow, saveVersion, updatePrompt, type DraftPatch } from '../../db/repo/prompts';
import { useUi } from '../../store/ui';
import { templateVariables } from '../../../../shared/engine';
import type { Message, Params, Prompt, PromptVersion } from '../../../../shared/domain/schemas';
import { CasesTab } from './CasesTab';
import { ParamsForm } from './ParamsForm';
import { usePromptsUi, type PromptTab } from './PromptsPage';
import { RunLauncher } from './RunLauncher';
import { VersionsTab } from './VersionsTab';
import { useDraftVersion, versionProblem, type DraftContent } from './draftVersion';
import { ChecksEditor } from '../journal/ChecksEditor';

const TABS: { id: PromptTab; label: string }[] = [
  { id: 'prompt', label: 'Prompt' },
  { id: 'cases', label: 'Cases' },
  { id: 'checks', label: 'Checks' },
  { id: 'versions', label: 'Versions' },
  { id: 'run', label: 'Run' },
];

interface Draft {
  name: string;
  tags: string;
  system: string;
  messages: Message[];
  params: Params;
}

const toDraft = (p: Prompt): Draft => ({ name: p.name, tags: p.tags.join(', '), system: p.system, messages: p.messages, params: p.params });

/** Variables used anywhere in a prompt's text. */
export function promptVariables(d: { system: string; messages: Message[] }): string[] {
  const names = new Set(templateVariables(d.system));
  for (const m of d.messages) for (const v of templateVariables(m.content)) names.add(v);
  return [...names];
}

export function PromptWorkspace({ promptId }: { promptId: string }) {
  const prompt = useLiveQuery(() => getDb().prompts.get(promptId), [promptId]);
  const cases = useLiveQuery(() => getDb().cases.where('promptId').equals(promptId).sortBy('order'), [promptId], []);
  const versionIds = useLiveQuery(() => getDb().promptVersions.where('promptId').equals(promptId).primaryKeys(), [promptId], null);
  const { tab, setTab, select } = usePromptsUi();
  const toast = useUi((s) => s.toast);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [paramsValid, setParamsValid] = useState(true);
  const [nameError, setNameError] = useState<string | null>(null);
  const pending = useRef<DraftPatch>({});
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const nameCheck = useRef(0);
  // The stored record, for the write made as the page hides (putDraftNow).
  const stored = useRef<Prompt | undefined>(undefined);
  stored.current = prompt;
  const nameErrorId = useId();

  useEffect(() => {
    if (prompt && !draft) setDraft(toDraft(prompt));
  }, [prompt, draft]);
  // Names made before they had to differ may clash: say so on opening.
  useEffect(() => {
    if (!prompt?.name) return;
    let live = true;
    void promptNameProblem(prompt.name, promptId).then((problem) => {
      if (live && nameCheck.current === 0) setNameError(problem);
    });
    return () => {
      live = false;
    };
  }, [prompt?.name, promptId]);

  const takePending = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const patch = pending.current;
    pending.current = {};
    return patch;
  }, []);

  const flush = useCallback(async () => {
    const patch = takePending();
    if (!Object.keys(patch).length) return;
    try {
      await updatePrompt(promptId, patch);
    } catch (e) {
      if (!(e instanceof PromptNameError)) {
        toast(`The draft was not saved: ${(e as Error).message}`, 'error');
        return;
      }
      // The name was taken since it was checked (another window): keep the rest.
      setNameError(e.message);
      const rest = { ...patch };
      delete rest.name;
      if (Object.keys(rest).length) await updatePrompt(promptId, rest);
    }
  }, [promptId, toast, takePending]);

  // Drafts autosave (debounced); a version is made only by "Save version".
  const queue = useCallback(
    (patch: DraftPatch) => {
      pending.current = { ...pending.current, ...patch };
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), 400);
    },
    [flush],
  );

  const change = useCallback(
    (next: Partial<Omit<Draft, 'name'>>) => {
      setDraft((d) => (d ? { ...d, ...next } : d));
      const patch: DraftPatch = {};
      if (next.tags !== undefined) patch.tags = [...new Set(next.tags.split(',').map((t) => t.trim()).filter(Boolean))];
      if (next.system !== undefined) patch.system = next.system;
      if (next.messages !== undefined) patch.messages = next.messages;
      if (next.params !== undefined) patch.params = next.params;
      queue(patch);
    },
    [queue],
  );

  // A name is written only once no other prompt has it; until then the field
  // says why, and the stored name stays as it was.
  const rename = useCallback(
    async (name: string) => {
      setDraft((d) => (d ? { ...d, name } : d));
      const check = ++nameCheck.current;
      delete pending.current.name;
      const problem = await promptNameProblem(name, promptId);
      if (check !== nameCheck.current) return;
      setNameError(problem);
      if (!problem) queue({ name: name.trim() });
    },
    [promptId, queue],
  );

  // Typing is kept even if the page goes away before the debounce fires: on
  // hide (switching away, closing, reloading) the pending fields are written at
  // once, in the one write that can finish after the page is gone.
  useEffect(() => {
    const now = () => {
      const patch = takePending();
      if (!Object.keys(patch).length) return;
      const current = stored.current;
      void (current ? putDraftNow(current, patch) : updatePrompt(promptId, patch)).catch((e: Error) => toast(`The draft was not saved: ${e.message}`, 'error'));
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') now();
    };
    window.addEventListener('pagehide', now);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('pagehide', now);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [promptId, toast, takePending]);
  useEffect(() => () => void flush(), [flush]);

  const content = useMemo<DraftContent | null>(
    () => (draft ? { system: draft.system, messages: draft.messages, params: draft.params } : null),
    // Name and tags are not part of a version: a new object only when the text or parameters change.
    [draft?.system, draft?.messages, draft?.params],
  );
  const problem = content ? versionProblem(content, paramsValid) : null;
  const draftVersion = useDraftVersion(promptId, content, versionIds, problem);

  /** Saves the draft as a version (or finds the identical one); null if it cannot be saved as it is. */
  const save = useCallback(async (): Promise<PromptVersion | null> => {
    if (!draft) return null;
    if (problem) {
      toast(problem, 'error');
      return null;
    }
    await flush();
    const { version, created } = await saveVersion({ id: promptId, system: draft.system, messages: draft.messages, params: draft.params });
    toast(created ? `Saved version ${version.id.slice(3, 11)}.` : `No change: this is version ${version.id.slice(3, 11)}.`);
    return version;
  }, [draft, problem, flush, promptId, toast]);

  const goRun = useCallback(() => setTab('run'), [setTab]);

  const archive = useCallback(async () => {
    if (!prompt) return;
    await flush();
    await updatePrompt(promptId, { archived: !prompt.archived });
    toast(prompt.archived ? `Restored “${prompt.name}”.` : `Archived “${prompt.name}”. Its attempts stay in the journal.`);
  }, [prompt, promptId, flush, toast]);

  const duplicate = useCallback(async () => {
    await flush();
    const copy = await duplicatePrompt(promptId);
    if (copy) select(copy.id);
  }, [promptId, flush, select]);

  useEffect(
    () =>
      registerCommands('prompt-workspace', () => [
        { id: 'prompt.save', label: 'Save prompt version', group: 'Prompt', shortcut: 'Mod+S', run: () => void save() },
        { id: 'prompt.run', label: 'Run this prompt…', group: 'Prompt', shortcut: 'Mod+Enter', run: goRun, enabled: () => usePromptsUi.getState().tab !== 'run' },
        { id: 'prompt.duplicate', label: 'Duplicate prompt', group: 'Prompt', run: duplicate },
        { id: 'prompt.archive', label: prompt?.archived ? 'Restore archived prompt' : 'Archive prompt', group: 'Prompt', run: archive },
        ...TABS.map((t) => ({ id: `prompt.tab.${t.id}`, label: `Prompt: show ${t.label}`, group: 'Prompt', run: () => setTab(t.id) })),
      ]),
    [save, goRun, duplicate, archive, prompt?.archived, setTab],
  );

  const variables = useMemo(() => (draft ? promptVariables(draft) : []), [draft]);
  const defined = useMemo(() => new Set(cases.flatMap((c) => Object.keys(c.vars))), [cases]);
  const unknown = variables.filter((v) => !defined.has(v));
  useEffect(() => setKnownVariables([...defined, ...variables]), [defined, variables]);
  const passKeys = useMemo(() => [saveKey(() => void save()), runKey(goRun)], [save, goRun]);

  if (!prompt || !draft) return null;
  // A blank new prompt has nothing to lose; once there is a version, or text, a
  // draft no version holds is marked.
  const unsaved = draftVersion.status === 'unsaved' || (draftVersion.status === 'invalid' && (versionIds?.length ?? 0) > 0);

  const setMessage = (i: number, m: Partial<Message>) => change({ messages: draft.messages.map((x, j) => (j === i ? { ...x, ...m } : x)) });
  const moveMessage = (i: number, d: -1 | 1) => {
    const next = [...draft.messages];
    const j = i + d;
    if (j < 0 || j >= next.length) return;
    [next[i], next[j]] = [next[j]!, next[i]!];
    change({ messages: next });
  };

  return (
    <div className="prompt-workspace">
      <div className="ws-head">
        <input
          className="title-input"
          aria-label="Prompt name"
          value={draft.name}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? nameErrorId : undefined}
          onChange={(e) => void rename(e.target.value)}
        />
        <div className="page-actions">
          {unsaved && (
            // Centred by hand: .page-actions stretches its items to the buttons' height.
            <span className="chip warn" role="status" style={{ alignSelf: 'center' }} title="The draft is kept as you type, but a run uses a saved version: Save version (Ctrl/Cmd+S) keeps this one.">
              Unsaved changes
            </span>
          )}
          <button type="button" onClick={() => void save()} title="Ctrl/Cmd+S">
            Save version
          </button>
          <button type="button" className="secondary" onClick={goRun} title="Ctrl/Cmd+Enter">
            Run…
          </button>
          <button type="button" className="secondary" onClick={duplicate}>
            Duplicate
          </button>
          <button type="button" className="secondary" onClick={archive}>
            {prompt.archived ? 'Restore' : 'Archive'}
          </button>
        </div>
      </div>
      {nameError && (
        <p className="field-error" role="alert" id={nameErrorId}>
          {nameError}
        </p>
      )}
      <input className="tags-input" aria-label="Tags" placeholder="tags, comma separated" value={draft.tags} onChange={(e) => change({ tags: e.target.value })} />

      <div role="tablist" aria-label="Prompt sections" className="tabs">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className={tab === t.id ? 'tab active' : 'tab'}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'cases' ? ` (${cases.length})` : t.id === 'versions' ? ` (${versionIds?.length ?? 0})` : t.id === 'checks' ? ` (${prompt.checks.length})` : ''}
          </button>
        ))}
      </div>

      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'prompt' && (
          <>
            <label className="field-label">System</label>
            <CodeField label="System prompt" value={draft.system} onChange={(system) => change({ system })} unknownVariables={unknown} passKeys={passKeys} minHeight={64} />
            <div className="messages">
              {draft.messages.map((m, i) => (
                <div key={i} className="message">
                  <div className="message-head">
                    <select aria-label={`Message ${i + 1} role`} value={m.role} onChange={(e) => setMessage(i, { role: e.target.value as Message['role'] })}>
                      <option value="user">User</option>
                      <option value="assistant">Assistant</option>
                    </select>
                    <span className="spacer" />
                    <button type="button" className="ghost" aria-label={`Move message ${i + 1} up`} disabled={i === 0} onClick={() => moveMessage(i, -1)}>
                      ↑
                    </button>
                    <button type="button" className="ghost" aria-label={`Move message ${i + 1} down`} disabled={i === draft.messages.length - 1} onClick={() => moveMessage(i, 1)}>
                      ↓
                    </button>
                    <button type="button" className="ghost" aria-label={`Remove message ${i + 1}`} disabled={draft.messages.length === 1} onClick={() => change({ messages: draft.messages.filter((_, j) => j !== i) })}>
                      ×
                    </button>
                  </div>
                  <CodeField label={`Message ${i + 1} text`} value={m.content} onChange={(content) => setMessage(i, { content })} unknownVariables={unknown} passKeys={passKeys} minHeight={80} />
                </div>
              ))}
              <button
                type="button"
                className="secondary"
                onClick={() => change({ messages: [...draft.messages, { role: draft.messages.at(-1)?.role === 'user' ? 'assistant' : 'user', content: '' }] })}
              >
                Add message
              </button>
            </div>
            {unknown.length > 0 && (
              <p className="warning" role="status">
                No case defines {unknown.map((v) => `{{${v}}}`).join(', ')} — {cases.length === 0 ? 'add cases on the Cases tab' : 'add the variable to your cases'}, or it is sent as written.
              </p>
            )}
            <ParamsForm params={draft.params} onChange={(params) => change({ params })} onValidity={setParamsValid} />
          </>
        )}
        {tab === 'cases' && <CasesTab promptId={promptId} cases={cases} variables={variables} />}
        {tab === 'checks' && <ChecksEditor promptId={promptId} />}
        {tab === 'versions' && <VersionsTab promptId={promptId} />}
        {tab === 'run' && <RunLauncher prompt={prompt} cases={cases} draft={content!} draftVersion={draftVersion} onSaveDraft={save} />}
      </div>
    </div>
  );
}
