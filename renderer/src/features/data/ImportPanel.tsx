/**
 * Import a JSONL journal (an export, or `tenth run` output) or a JSON backup.
 * Nothing is written unless the whole file is valid, unless the user asks to
 * import the valid lines; the first errors are listed with their line, field
 * and what was expected.
 */
import { useId, useRef, useState } from 'react';
import type { ImportMode } from '../../../../shared/journal/import';
import type { JournalError } from '../../../../shared/journal/jsonl';
import { DATA_RECORD_TYPES } from '../../../../shared/journal/records';
import type { ImportProgress, ImportSummary } from '../../workers/data/protocol';
import { CancelledError, type Job } from './client';
import { Progress, fmtBytes, fmtCount } from './Progress';
import './data.css';

const TYPE_LABEL: Record<(typeof DATA_RECORD_TYPES)[number], string> = {
  provider: 'providers',
  prompt: 'prompts',
  promptVersion: 'prompt versions',
  case: 'cases',
  run: 'runs',
  attempt: 'attempts',
};

export function ImportSummaryView({ report }: { report: ImportSummary }) {
  if (report.notJournal) {
    // Not a journal at all (empty, an image, a CSV export): one sentence says
    // so; a table of the same error on every line would only bury it.
    return (
      <div role="status" className="notice bad">
        <p>{report.notJournal.message}</p>
      </div>
    );
  }
  const added = DATA_RECORD_TYPES.filter((t) => report.added[t] > 0).map((t) => `${fmtCount(report.added[t])} ${TYPE_LABEL[t]}`);
  const valid = DATA_RECORD_TYPES.reduce((n, t) => n + report.counts[t], 0);
  const none = valid === 0 ? (report.invalid ? 'No line of the file is a valid record.' : 'The file holds no records.') : null;
  return (
    <div role="status" className={`notice ${report.ok ? 'ok' : 'bad'}`}>
      {report.committed ? (
        <p>
          {report.addedTotal ? `Imported ${added.join(', ')}.` : (none ?? 'Nothing new: the journal already has every record in this file.')}
          {report.skippedExisting ? ` ${fmtCount(report.skippedExisting)} records were already there.` : ''}
          {report.invalid ? ` ${fmtCount(report.invalid)} invalid lines were left out.` : ''}
        </p>
      ) : (
        <p>
          Nothing was imported: the file has {fmtCount(report.errorCount)} {report.errorCount === 1 ? 'error' : 'errors'}. Fix the file, or choose
          “Import the valid lines” to leave the bad ones out.
        </p>
      )}
      {report.errors.length > 0 && <ErrorList errors={report.errors} total={report.errorCount} />}
    </div>
  );
}

function ErrorList({ errors, total }: { errors: JournalError[]; total: number }) {
  return (
    <>
      <table className="table data-errors" aria-label="Import errors">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Field</th>
            <th scope="col">Expected</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e, i) => (
            <tr key={`${e.line}-${i}`}>
              <td>{e.line}</td>
              <td>
                <code>{e.field ?? '—'}</code>
              </td>
              <td>{e.expected ?? '—'}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > errors.length && <p className="muted">…and {fmtCount(total - errors.length)} more.</p>}
    </>
  );
}

export function importProgressText(p: ImportProgress): string {
  const where = p.size ? `${fmtBytes(p.bytes)} of ${fmtBytes(p.size)}` : fmtBytes(p.bytes);
  return p.phase === 'validating' ? `Checking every line… ${where}` : `Writing… ${where}, ${fmtCount(p.written)} records written`;
}

export function ImportPanel(props: { start: (file: File, mode: ImportMode, onProgress: (p: ImportProgress) => void) => Job<ImportSummary> }) {
  const [file, setFile] = useState<File | null>(null);
  const [validOnly, setValidOnly] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useRef<Job<ImportSummary> | null>(null);
  const fileId = useId();
  const modeId = useId();

  const run = async () => {
    if (!file) return;
    setReport(null);
    setError(null);
    setProgress({ phase: 'validating', bytes: 0, size: file.size, written: 0 });
    const j = props.start(file, validOnly ? 'valid-only' : 'all-or-nothing', setProgress);
    job.current = j;
    try {
      setReport(await j.done);
    } catch (e) {
      setError(e instanceof CancelledError ? 'Import cancelled. Records already written stay; importing the file again completes it.' : (e as Error).message);
    } finally {
      job.current = null;
      setProgress(null);
    }
  };

  return (
    <div className="data-import">
      <div className="data-row">
        <label htmlFor={fileId}>Journal file to import</label>
        <input
          id={fileId}
          type="file"
          accept=".jsonl,.json,.ndjson,application/json,text/plain"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setReport(null);
          }}
          disabled={progress !== null}
        />
      </div>
      <div className="data-row">
        <input id={modeId} type="checkbox" checked={validOnly} onChange={(e) => setValidOnly(e.target.checked)} disabled={progress !== null} />
        <label htmlFor={modeId}>Import the valid lines and list the rest (otherwise nothing is written unless the whole file is valid)</label>
      </div>
      <button type="button" onClick={() => void run()} disabled={!file || progress !== null}>
        Import
      </button>
      {progress && <Progress label="Import progress" value={progress.bytes} max={progress.size} detail={importProgressText(progress)} onCancel={() => job.current?.cancel()} />}
      {report && <ImportSummaryView report={report} />}
      {error && (
        <p className="notice bad" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
