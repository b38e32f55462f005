import { useLiveQuery } from 'dexie-react-hooks';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { useUi } from '../../store/ui';

export function PromptsPage() {
  const prompts = useLiveQuery(() => getDb().prompts.orderBy('updatedAt').reverse().toArray(), [], null);
  const providerCount = useLiveQuery(() => getDb().providers.count(), [], null);
  const setPage = useUi((s) => s.setPage);
  const active = prompts?.filter((p) => !p.archived) ?? null;
  return (
    <>
      <PageHeader title="Prompts" subtitle="Your prompts, versioned; every attempt points at the exact version that ran." />
      {active?.length === 0 && (
        <EmptyState
          title="No prompts yet"
          action={
            providerCount === 0 ? (
              <button type="button" onClick={() => setPage('providers')}>
                Add a provider
              </button>
            ) : undefined
          }
        >
          {providerCount === 0 ? (
            <p>
              Start by adding a model provider — OpenAI, Anthropic, Gemini, OpenRouter, Ollama or any
              OpenAI-compatible server. No key? Run <code>npm run mock</code> and add the mock provider.
            </p>
          ) : (
            <p>Write a prompt with <code>{'{{variables}}'}</code>, add a few cases, and run it many times.</p>
          )}
        </EmptyState>
      )}
      {active && active.length > 0 && (
        <ul className="list" aria-label="Prompts">
          {active.map((p) => (
            <li key={p.id}>{p.name}</li>
          ))}
        </ul>
      )}
    </>
  );
}
