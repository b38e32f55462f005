import { useLiveQuery } from 'dexie-react-hooks';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { useUi } from '../../store/ui';

export function StatsPage() {
  const count = useLiveQuery(() => getDb().attempts.count(), [], null);
  const setPage = useUi((s) => s.setPage);
  return (
    <>
      <PageHeader title="Stats" subtitle="Floors first: p10 score, pass-rate lower bound, p90 latency." />
      {count === 0 && (
        <EmptyState
          title="Nothing to measure yet"
          action={
            <button type="button" onClick={() => setPage('prompts')}>
              Go to Prompts
            </button>
          }
        >
          <p>
            The floor of a model is the output you would have to ship. Run a prompt many times against one or more
            models — 20 repeats per case is a good start — and the floors appear here, with their sample sizes.
          </p>
        </EmptyState>
      )}
    </>
  );
}
