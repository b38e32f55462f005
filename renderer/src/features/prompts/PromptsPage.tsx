import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import { registerCommands } from '../../app/commands';
import { EmptyState } from '../../components/EmptyState';
import { getDb } from '../../db/db';
import { createPrompt } from '../../db/repo/prompts';
import { useUi } from '../../store/ui';
import { PromptWorkspace } from './PromptWorkspace';
import { TryMockButton } from '../onboarding/TryMockButton';
import { BackupsNotice } from '../data';

export type PromptTab = 'prompt' | 'cases' | 'checks' | 'versions' | 'run';

/** Which prompt and tab are open: kept across page switches for the session. */
export const usePromptsUi = create<{ selectedId: string | null; tab: PromptTab; select(id: string | null): void; setTab(t: PromptTab): void }>()(
  (set) => ({
    selectedId: null,
    tab: 'prompt',
    select: (selectedId) => set({ selectedId }),
    setTab: (tab) => set({ tab }),
  }),
);

export function PromptsPage() {
  const prompts = useLiveQuery(() => getDb().prompts.orderBy('updatedAt').reverse().toArray(), [], null);
  const providerCount = useLiveQuery(() => getDb().providers.count(), [], null);
  const setPage = useUi((s) => s.setPage);
  const { selectedId, select, setTab } = usePromptsUi();
  const [query, setQuery] = useState('');
  const [showArchived, setShowArchived] = useState(false);

  const visible = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (prompts ?? []).filter(
      (p) =>
        (showArchived || !p.archived) &&
        (!q || p.name.toLowerCase().includes(q) || p.tags.some((t) => t.toLowerCase().includes(q)) || p.system.toLowerCase().includes(q)),
    );
  }, [prompts, query, showArchived]);

  const newPrompt = async () => {
    // Numbered when taken ("Untitled prompt 2"): no two prompts share a name.
    const p = await createPrompt('Untitled prompt', { ifTaken: 'number' });
    select(p.id);
    setTab('prompt');
  };

  useEffect(() => registerCommands('prompts', () => [{ id: 'prompts.new', label: 'New prompt', group: 'Prompts', shortcut: 'Mod+Alt+N', run: newPrompt }]));
  // Open the most recent prompt when none is chosen (or the chosen one is gone).
  // A prompt chosen as it is made (New prompt, Duplicate, the mock tour) can be
  // ahead of this list, so look it up before choosing another in its place.
  useEffect(() => {
    if (!prompts || (selectedId && prompts.some((p) => p.id === selectedId))) return;
    let live = true;
    void (selectedId ? getDb().prompts.get(selectedId) : Promise.resolve(undefined)).then((chosen) => {
      if (live && !chosen) select(prompts.find((p) => !p.archived)?.id ?? null);
    });
    return () => {
      live = false;
    };
  }, [prompts, selectedId, select]);

  if (prompts === null) return null;
  const active = prompts.filter((p) => !p.archived);

  return (
    <div className="split">
      <aside className="library" aria-label="Prompt library">
        <div className="library-head">
          <h1>Prompts</h1>
          <button type="button" onClick={newPrompt}>
            New prompt
          </button>
        </div>
        <input type="search" aria-label="Search prompts" placeholder="Search name, tag, text…" value={query} onChange={(e) => setQuery(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show archived
        </label>
        <ul className="library-list" aria-label="Prompts">
          {visible.map((p) => (
            <li key={p.id}>
              <button type="button" className={p.id === selectedId ? 'lib-item active' : 'lib-item'} aria-current={p.id === selectedId ? 'true' : undefined} onClick={() => select(p.id)}>
                <span className="lib-name">
                  {p.name}
                  {p.archived && <span className="chip">archived</span>}
                </span>
                {p.tags.length > 0 && <span className="lib-tags">{p.tags.map((t) => `#${t}`).join(' ')}</span>}
              </button>
            </li>
          ))}
          {visible.length === 0 && prompts.length > 0 && <li className="muted">No prompt matches.</li>}
        </ul>
      </aside>
      <section className="workspace" aria-label="Prompt workspace">
        {active.length === 0 && !selectedId ? (
          <>
            {prompts.length === 0 && <BackupsNotice />}
            <EmptyState
              title="No prompts yet"
              action={
                <div className="page-actions">
                  {providerCount === 0 ? (
                    <button type="button" onClick={() => setPage('providers')}>
                      Add a provider
                    </button>
                  ) : (
                    <button type="button" onClick={newPrompt}>
                      Create a prompt
                    </button>
                  )}
                  <TryMockButton className="secondary" />
                </div>
              }
            >
              {providerCount === 0 ? (
                <p>
                  Start by adding a model provider — OpenAI, Anthropic, Gemini, OpenRouter, Ollama or any OpenAI-compatible server. No key? Run{' '}
                  <code>npm run mock</code> and try Tenth with the mock provider: it sets up a sample prompt to run.
                </p>
              ) : (
                <p>
                  Write a prompt with <code>{'{{variables}}'}</code>, add a few cases, and run it many times against your models.
                </p>
              )}
            </EmptyState>
          </>
        ) : selectedId ? (
          <PromptWorkspace key={selectedId} promptId={selectedId} />
        ) : null}
      </section>
    </div>
  );
}
