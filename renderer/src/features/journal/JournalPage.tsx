import { useLiveQuery } from 'dexie-react-hooks';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { useUi } from '../../store/ui';

export function JournalPage() {
  const count = useLiveQuery(() => getDb().attempts.count(), [], null);
  const setPage = useUi((s) => s.setPage);
  return (
    <>
      <PageHeader title="Journal" subtitle="Every attempt, failures included." />
      {count === 0 && (
        <EmptyState
          title="No attempts yet"
          action={
            <button type="button" onClick={() => setPage('prompts')}>
              Go to Prompts
            </button>
          }
        >
          <p>
            Each request to a model is journaled here before it leaves and finished after — errors, timeouts, refusals
            and cancellations too. Run a prompt to fill it, or import a journal exported from another machine.
          </p>
        </EmptyState>
      )}
      {count !== null && count > 0 && <p>{count.toLocaleString()} attempts in the journal.</p>}
    </>
  );
}
