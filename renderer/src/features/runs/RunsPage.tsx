import { useLiveQuery } from 'dexie-react-hooks';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { useUi } from '../../store/ui';

export function RunsPage() {
  const runs = useLiveQuery(() => getDb().runs.orderBy('createdAt').reverse().limit(200).toArray(), [], null);
  const setPage = useUi((s) => s.setPage);
  return (
    <>
      <PageHeader title="Runs" subtitle="Each launch: prompt versions × cases × models × repeats." />
      {runs?.length === 0 && (
        <EmptyState
          title="No runs yet"
          action={
            <button type="button" onClick={() => setPage('prompts')}>
              Go to Prompts
            </button>
          }
        >
          <p>A run sends a prompt to one or more models many times. Open a prompt and launch a run from there.</p>
        </EmptyState>
      )}
      {runs && runs.length > 0 && (
        <ul className="list" aria-label="Runs">
          {runs.map((r) => (
            <li key={r.id}>
              {r.name ?? r.id} — {r.status}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
