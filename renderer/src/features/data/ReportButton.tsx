/**
 * A shareable report of a selection (a stats selection: prompt(s) × models):
 * one self-contained HTML file or a Markdown file, built in the data worker
 * from shared/report. Mount it beside the Stats selection:
 * `<ReportButton filter={{ promptIds, models }} />`.
 */
import { useState } from 'react';
import { describeFilter, type JournalFilter } from '../../../../shared/journal/filter';
import { api } from '../../bridge';
import { useUi } from '../../store/ui';
import { CancelledError, dataClient, type Job } from './client';
import { exportFileName, openExportFile } from './files';
import { useAppInfo } from './useAppInfo';
import './data.css';

const PIECE = 4 * 1024 * 1024;

async function save(name: string, text: string): Promise<string | null> {
  const target = await openExportFile(api, name);
  if (!target) return null;
  try {
    for (let i = 0; i < text.length; i += PIECE) await target.append(text.slice(i, i + PIECE));
    return (await target.finish()).path;
  } catch (e) {
    await target.abort();
    throw e;
  }
}

export function ReportButton(props: { filter: JournalFilter | null; title?: string }) {
  const info = useAppInfo();
  const toast = useUi((s) => s.toast);
  const [busy, setBusy] = useState<Job<unknown> | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (kind: 'html' | 'md') => {
    setError(null);
    setSaved(null);
    const job = dataClient().report({ filter: props.filter, app: { name: info?.name ?? 'Tenth', version: info?.version ?? 'unknown' }, title: props.title, generatedAt: Date.now() });
    setBusy(job);
    try {
      const r = await job.done;
      const path = await save(exportFileName('report', kind), kind === 'html' ? r.html : r.markdown);
      if (path) {
        setSaved(path);
        toast(`Report of ${r.attempts} attempts saved to ${path}`);
      }
    } catch (e) {
      if (!(e instanceof CancelledError)) setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="data-report">
      <div className="data-row">
        <button type="button" onClick={() => void run('html')} disabled={busy !== null || !info}>
          HTML report
        </button>
        <button type="button" className="secondary" onClick={() => void run('md')} disabled={busy !== null || !info}>
          Markdown report
        </button>
        {busy && (
          <button type="button" className="secondary small" onClick={() => busy.cancel()}>
            Cancel report
          </button>
        )}
      </div>
      <p className="muted">Report of {describeFilter(props.filter)}: floors with Ns and intervals, distributions, every output worst first.</p>
      {saved && (
        <p className="notice ok" role="status">
          Report saved to <code>{saved}</code>
        </p>
      )}
      {error && (
        <p className="notice bad" role="alert">
          Report failed: {error}
        </p>
      )}
    </div>
  );
}
