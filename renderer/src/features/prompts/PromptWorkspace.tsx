import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { registerCommands } from '../../app/commands';
import { CodeField, runKey, saveKey } from '../../editor/CodeField';
import { setKnownVariables } from '../../editor/variables';
import { getDb } from '../../db/db';
import { duplicatePrompt, saveVersion, updatePrompt, type DraftPatch } from '../../db/repo/prompts';
import { useUi } from '../../store/ui';
import { templateVariables } from '../../../../shared/engine';
import type { Message, Params, Prompt } from '../../../../shared/domain/schemas';
import { CasesTab } from './CasesTab';
import { ParamsForm } from './ParamsForm';
import { usePromptsUi, type PromptTab } from './PromptsPage';
import { RunLauncher } from './RunLauncher';
import { VersionsTab } from './VersionsTab';
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
  const versionCount = useLiveQuery(() => getDb().promptVersions.where('promptId').equals(promptId).count(), [promptId], 0);
  const { tab, setTab, select } = usePromptsUi();
  const toast = useUi((s) => s.toast);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [paramsValid, setParamsValid] = useState(true);
  const pending = useRef<DraftPatch>({});
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (prompt && !draft) setDraft(toDraft(prompt));
  }, [prompt, draft]);

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const patch = pending.current;
    pending.current = {};
    if (Object.keys(patch).length) await updatePrompt(promptId, patch);
  }, [promptId]);

  // Drafts autosave (debounced); a version is made only by "Save version".
  const change = useCallback(
    (next: Partial<Draft>) => {
      setDraft((d) => (d ? { ...d, ...next } : d));
      const patch: DraftPatch = {};
      if (next.name !== undefined) patch.name = next.name.trim() || 'Untitled prompt';
      if (next.tags !== undefined) patch.tags = [...new Set(next.tags.split(',').map((t) => t.trim()).filter(Boolean))];
      if (next.system !== undefined) patch.system = next.system;
      if (next.messages !== undefined) patch.messages = next.messages;
      if (next.params !== undefined) patch.params = next.params;
      pending.current = { ...pending.current, ...patch };
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), 400);
    },
    [flush],
  );
  useEffect(() => () => void flush(), [flush]);

  const save = useCallback(async () => {
    if (!draft) return;
    if (!paramsValid) {
      toast('Fix the parameters before saving a version.', 'error');
      return;
    }
    if (draft.messages.length === 0 || draft.messages.every((m) => !m.content.trim())) {
      toast('Write at least one message before saving a version.', 'error');
      return;
    }
    await flush();
    const { version, created } = await saveVersion({ id: promptId, system: draft.system, messages: draft.messages, params: draft.params });
    toast(created ? `Saved version ${version.id.slice(3, 11)}.` : `No change: this is version ${version.id.slice(3, 11)}.`);
  }, [draft, paramsValid, flush, promptId, toast]);

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
        { id: 'prompt.save', label: 'Save prompt version', group: 'Prompt', shortcut: 'Mod+S', run: save },
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
        <input className="title-input" aria-label="Prompt name" value={draft.name} onChange={(e) => change({ name: e.target.value })} />
        <div className="page-actions">
          <button type="button" onClick={save} title="Ctrl/Cmd+S">
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
            {t.id === 'cases' ? ` (${cases.length})` : t.id === 'versions' ? ` (${versionCount})` : t.id === 'checks' ? ` (${prompt.checks.length})` : ''}
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
        {tab === 'run' && <RunLauncher prompt={prompt} cases={cases} onSaveFirst={save} />}
      </div>
    </div>
  );
}
