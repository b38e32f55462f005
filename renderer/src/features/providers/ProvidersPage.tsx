import { useLiveQuery } from 'dexie-react-hooks';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';

export function ProvidersPage() {
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], null);
  return (
    <>
      <PageHeader title="Providers" subtitle="The model APIs you use. Keys stay in the main process, never in the journal." />
      {providers?.length === 0 && (
        <EmptyState title="No providers yet">
          <p>
            Add OpenAI, Anthropic, Gemini, OpenRouter, Ollama or any OpenAI-compatible server. To try Tenth without a
            key, start the mock provider with <code>npm run mock</code>.
          </p>
        </EmptyState>
      )}
      {providers && providers.length > 0 && (
        <ul className="list" aria-label="Providers">
          {providers.map((p) => (
            <li key={p.id}>
              {p.name} — {p.kind}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
