import { useLiveQuery } from 'dexie-react-hooks';
import { create } from 'zustand';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { useLiveRuns } from '../../runs/manager';
import { useUi } from '../../store/ui';
import { RunView } from './RunView';

export const useRunsUi = create<{ openRunId: string | null; open(id: string | null): void }>()((set) => ({
  openRunId: null,
  open: (openRunId) => set({ openRunId }),
}));

export function RunsPage() {
  const openRunId = useRunsUi((s) => s.openRunId);
  if (openRunId) return <RunView runId={openRunId} />;
  return <RunList />;
}

function RunList() {
  const runs = useLiveQuery(() => getDb().runs.orderBy('createdAt').reverse().limit(500).toArray(), [], null);
  const live = useLiveRuns((s) => s.runs);
  const setPage = useUi((s) => s.setPage);
  const open = useRunsUi((s) => s.open);
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
          <p>A run sends a prompt to one or more models many times. Open a prompt, choose models on its Run tab, and launch.</p>
        </EmptyState>
      )}
      {runs && runs.length > 0 && (
        <table className="table" aria-label="Runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Started</th>
              <th scope="col">Models</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const l = live[r.id];
              return (
                <tr key={r.id}>
                  <td>
                    <button type="button" className="link" onClick={() => open(r.id)} aria-label={`Open run ${r.name ?? r.id}`}>
                      {r.name ?? r.id.slice(-8)}
                    </button>
                  </td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td>{r.targets.map((t) => t.model).join(', ')}</td>
                  <td>
                    <span className={`chip ${statusTone(l?.status ?? r.status)}`}>{l?.status ?? r.status}</span>
                  </td>
                  <td>{l ? `${l.progress.done} / ${l.progress.total}` : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

export function statusTone(status: string): string {
  if (status === 'done' || status === 'ok') return 'ok';
  if (status === 'running' || status === 'paused' || status === 'streaming' || status === 'sending') return '';
  if (status === 'cancelled' || status === 'interrupted' || status === 'dropped' || status === 'queued') return 'warn';
  return 'bad';
}
