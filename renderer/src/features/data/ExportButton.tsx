/**
 * Export the whole journal or a selection. Mount it where a selection lives:
 * `<ExportButton filter={journalFilter} />` on the Journal or Stats page, with
 * no filter in Settings for the whole journal. The file is streamed: chunks
 * are appended through the bridge as the worker produces them.
 */
import { useId, useRef, useState } from 'react';
import { describeFilter, isEmptyFilter, type JournalFilter } from '../../../../shared/journal/filter';
import { api, appendChunk, hostKind } from '../../bridge';
import { useUi } from '../../store/ui';
import type { ExportFormat, ExportProgress } from '../../workers/data/io';
import { CancelledError, dataClient, type Job } from './client';
import { downloadExport, exportFileName, openExportFile } from './files';
import { Progress, fmtCount } from './Progress';
import { useAppInfo } from './useAppInfo';
import './data.css';

export const FORMATS: { value: ExportFormat; label: string; ext: string }[] = [
  { value: 'jsonl', label: 'Journal (JSONL, re-importable)', ext: 'jsonl' },
  { value: 'csv', label: 'Attempts as CSV (spreadsheets, pandas, DuckDB)', ext: 'csv' },
  { value: 'json', label: 'JSON backup (one document)', ext: 'json' },
];

export function ExportButton(props: { filter?: JournalFilter | null; label?: string }) {
  const filter = props.filter && !isEmptyFilter(props.filter) ? props.filter : null;
  const info = useAppInfo();
  const toast = useUi((s) => s.toast);
  const [format, setFormat] = useState<ExportFormat>('jsonl');
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [result, setResult] = useState<{ path: string; attempts: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useRef<Job<unknown> | null>(null);
  const selectId = useId();
  const what = filter ? describeFilter(filter) : 'the whole journal';

  const run = async () => {
    setError(null);
    setResult(null);
    const fmt = FORMATS.find((f) => f.value === format)!;
    const target = await openExportFile(api, exportFileName(filter ? 'selection' : 'journal', fmt.ext), appendChunk).catch((e: unknown) => {
      setError((e as Error).message);
      return null;
    });
    if (!target) return;
    setProgress({ attempts: 0, total: 0, phase: 'scanning' });
    const j = dataClient().exportTo({ format, filter, app: { name: info?.name ?? 'Tenth', version: info?.version ?? 'unknown' }, bom: false }, target, setProgress);
    job.current = j;
    try {
      const { attempts } = await j.done;
      const saved = await target.finish();
      setResult({ path: saved.path, attempts });
      toast(`Exported ${fmtCount(attempts)} attempts to ${saved.path}`);
      // In the browser host the file is in the data folder; hand it to the browser too.
      if (hostKind === 'browser') await download(saved.path);
    } catch (e) {
      await target.abort();
      if (!(e instanceof CancelledError)) setError((e as Error).message);
    } finally {
      job.current = null;
      setProgress(null);
    }
  };

  const download = async (path: string) => {
    try {
      await downloadExport(api, path);
    } catch (e) {
      setError(`Download failed: ${(e as Error).message}`);
    }
  };

  return (
    <div className="data-export">
      <div className="data-row">
        <label htmlFor={selectId}>Format</label>
        <select id={selectId} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} disabled={progress !== null}>
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void run()} disabled={progress !== null || !info}>
          {props.label ?? (filter ? 'Export selection' : 'Export journal')}
        </button>
      </div>
      <p className="muted">Exports {what}. Keys are never part of an export.</p>
      {progress && (
        <Progress
          label="Export progress"
          value={progress.attempts}
          max={progress.total || null}
          detail={progress.phase === 'scanning' ? 'Finding the selected attempts…' : `${fmtCount(progress.attempts)} / ${fmtCount(progress.total)} attempts`}
          onCancel={() => job.current?.cancel()}
        />
      )}
      {result && (
        <p className="notice ok" role="status">
          Exported {fmtCount(result.attempts)} attempts to <code>{result.path}</code>
          {hostKind === 'browser' && (
            <>
              {' '}
              <button type="button" className="secondary small" onClick={() => void download(result.path)}>
                Download again
              </button>
            </>
          )}
        </p>
      )}
      {error && (
        <p className="notice bad" role="alert">
          Export failed: {error}
        </p>
      )}
    </div>
  );
}
