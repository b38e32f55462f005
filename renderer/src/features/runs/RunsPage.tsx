import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { create } from 'zustand';
import { EmptyState } from '../../components/EmptyState';
import { GoToPrompts } from '../../components/GoToPrompts';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { useLiveRuns, type LiveRun } from '../../runs/manager';
import { resumeRun, runSummaries, type RunSummary } from '../../runs/resume';
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
  const open = useRunsUi((s) => s.open);
  const toast = useUi((s) => s.toast);
  const [resuming, setResuming] = useState<string | null>(null);
  // Runs going on in this page show their live counts; the rest, the journal's
  // (counted, and compared with their plan where one stopped early).
  const going = (id: string) => isGoing(live[id]);
  const storedIds = (runs ?? []).filter((r) => !going(r.id)).map((r) => r.id);
  const summaries = useLiveQuery(() => runSummaries(storedIds), [storedIds.join(',')], null);

  const resume = async (id: string) => {
    setResuming(id);
    try {
      const r = await resumeRun(id);
      if (!r.ok) toast(r.message, 'error');
      else open(r.runId);
    } catch (e) {
      toast(`The run did not resume: ${(e as Error).message}`, 'error');
    } finally {
      setResuming(null);
    }
  };

  return (
    <>
      <PageHeader title="Runs" subtitle="Each launch: prompt versions × cases × models × repeats." />
      {runs?.length === 0 && (
        <EmptyState
          title="No runs yet"
          action={<GoToPrompts />}
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
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const l = live[r.id];
              const name = r.name ?? r.id.slice(-8);
              const summary = going(r.id) ? null : (summaries?.get(r.id) ?? null);
              return (
                <tr key={r.id}>
                  <td>
                    <button type="button" className="link" onClick={() => open(r.id)} aria-label={`Open run ${r.name ?? r.id}`}>
                      {name}
                    </button>
                  </td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td>{r.targets.map((t) => t.model).join(', ')}</td>
                  <td>
                    <span className={`chip ${statusTone(l?.status ?? r.status)}`}>{l?.status ?? r.status}</span>
                  </td>
                  <td aria-label={`Progress of ${name}`}>{l && going(r.id) ? `${l.progress.done} / ${l.progress.total}` : summary ? summaryText(summary) : ''}</td>
                  <td>
                    {summary && summary.notSent > 0 && (
                      <button type="button" className="small" disabled={resuming !== null} onClick={() => void resume(r.id)} aria-label={`Resume ${name}: ${summary.notSent} not sent`}>
                        Resume
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A run of this page that has not stopped yet: its counts are in memory, its journal is behind. */
function isGoing(l: LiveRun | undefined): boolean {
  return l !== undefined && (l.status === 'running' || l.status === 'paused' || l.status === 'cancelling');
}

/** "48 / 48", or "52 / 300 · 248 not sent" for a run that stopped before sending all it planned. */
export function summaryText(s: RunSummary): string {
  const parts = [`${s.done} / ${s.total}`];
  if (s.notSent > 0) parts.push(`${s.notSent} not sent`);
  if (s.sentElsewhere > 0) parts.push(`${s.sentElsewhere} sent by a later run`);
  return parts.join(' · ');
}

export function statusTone(status: string): string {
  if (status === 'done' || status === 'ok') return 'ok';
  if (status === 'running' || status === 'paused' || status === 'streaming' || status === 'sending') return '';
  if (status === 'cancelled' || status === 'interrupted' || status === 'dropped' || status === 'queued') return 'warn';
  return 'bad';
}
