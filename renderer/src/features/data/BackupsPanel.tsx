/**
 * Rolling backups: the schedule (Settings `backup`), "Back up now", and the
 * list of backups in the data folder with Restore (the same importer as any
 * file: validated first, merged by id, so restoring adds back what was lost
 * and never duplicates).
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { BackupInfo, Settings } from '../../../../shared/bridge/contract';
import { api } from '../../bridge';
import { useUi } from '../../store/ui';
import type { ExportProgress } from '../../workers/data/io';
import type { ImportProgress, ImportSummary } from '../../workers/data/protocol';
import { restoreBackup, runBackup } from './backup';
import { useRestoreRequest } from './backupNotice';
import { CancelledError, dataClient, type Job } from './client';
import { ImportSummaryView, importProgressText } from './ImportPanel';
import { Progress, fmtBytes, fmtCount } from './Progress';
import './data.css';

export function BackupsPanel() {
  const toast = useUi((s) => s.toast);
  const [settings, setSettings] = useState<Settings['backup'] | null>(null);
  const [list, setList] = useState<BackupInfo[] | null>(null);
  const [backingUp, setBackingUp] = useState<ExportProgress | null>(null);
  const [restoring, setRestoring] = useState<{ name: string; progress: ImportProgress } | null>(null);
  const [report, setReport] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useRef<Job<unknown> | null>(null);
  const ids = { enabled: useId(), every: useId(), keep: useId() };

  const refresh = useCallback(async () => {
    try {
      const [s, l] = await Promise.all([api.settings.get(), api.backups.list()]);
      setSettings(s.backup);
      setList(l);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => void refresh(), [refresh]);

  const update = async (patch: Partial<Settings['backup']>) => {
    if (!settings) return;
    const next = { ...settings, ...patch };
    setSettings(next);
    try {
      setSettings((await api.settings.update({ backup: next })).backup);
    } catch (e) {
      setError(`Could not save the backup settings: ${(e as Error).message}`);
    }
  };

  const backupNow = async () => {
    setError(null);
    setBackingUp({ attempts: 0, total: 0, phase: 'writing' });
    const j = runBackup(api, dataClient(), settings?.keep ?? 7, setBackingUp);
    job.current = j;
    try {
      const r = await j.done;
      toast(`Backed up ${fmtCount(r.attempts)} attempts to ${r.name}`);
    } catch (e) {
      if (!(e instanceof CancelledError)) setError(`Backup failed: ${(e as Error).message}`);
    } finally {
      job.current = null;
      setBackingUp(null);
      await refresh();
    }
  };

  const restore = useCallback(async (b: BackupInfo) => {
    if (!window.confirm(`Restore ${b.name}? Records missing from the journal are added back; nothing is overwritten.`)) return;
    setError(null);
    setReport(null);
    setRestoring({ name: b.name, progress: { phase: 'validating', bytes: 0, size: b.bytes, written: 0 } });
    const j = restoreBackup(api, dataClient(), b.name, b.bytes, (progress) => setRestoring({ name: b.name, progress }));
    job.current = j;
    try {
      setReport(await j.done);
    } catch (e) {
      if (!(e instanceof CancelledError)) setError(`Restore failed: ${(e as Error).message}`);
    } finally {
      job.current = null;
      setRestoring(null);
    }
  }, []);

  // A restore asked for elsewhere (the empty-journal notice) starts here, once the list shows that backup.
  const requested = useRestoreRequest((s) => s.name);
  useEffect(() => {
    if (requested === null || list === null) return;
    const name = useRestoreRequest.getState().take();
    const b = list.find((x) => x.name === name);
    if (b) void restore(b);
    else if (name !== null) setError(`${name} is no longer in the data folder.`);
  }, [requested, list, restore]);

  const busy = backingUp !== null || restoring !== null;
  return (
    <div className="data-backups">
      {settings && (
        <fieldset className="data-row">
          <legend>Automatic backup to the data folder</legend>
          <input id={ids.enabled} type="checkbox" checked={settings.enabled} onChange={(e) => void update({ enabled: e.target.checked })} />
          <label htmlFor={ids.enabled}>Back up automatically</label>
          <label htmlFor={ids.every}>every</label>
          <input
            id={ids.every}
            type="number"
            min={1}
            step={1}
            value={settings.everyHours}
            onChange={(e) => Number(e.target.value) > 0 && void update({ everyHours: Number(e.target.value) })}
            aria-label="Hours between backups"
          />
          <span>hours, keep the last</span>
          <input
            id={ids.keep}
            type="number"
            min={1}
            step={1}
            value={settings.keep}
            onChange={(e) => Number.isInteger(Number(e.target.value)) && Number(e.target.value) > 0 && void update({ keep: Number(e.target.value) })}
            aria-label="Backups to keep"
          />
        </fieldset>
      )}
      <button type="button" onClick={() => void backupNow()} disabled={busy}>
        Back up now
      </button>
      {backingUp && (
        <Progress label="Backup progress" value={backingUp.attempts} max={backingUp.total || null} detail={`${fmtCount(backingUp.attempts)} attempts`} onCancel={() => job.current?.cancel()} />
      )}
      {restoring && <Progress label="Restore progress" value={restoring.progress.bytes} max={restoring.progress.size} detail={importProgressText(restoring.progress)} onCancel={() => job.current?.cancel()} />}
      {list && list.length === 0 && <p className="muted">No backups yet.</p>}
      {list && list.length > 0 && (
        <table className="table" aria-label="Backups">
          <thead>
            <tr>
              <th scope="col">Backup</th>
              <th scope="col">Taken</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((b) => (
              <tr key={b.name}>
                <td>
                  <code>{b.name}</code>
                </td>
                <td>{new Date(b.createdAt).toLocaleString()}</td>
                <td>{fmtBytes(b.bytes)}</td>
                <td>
                  <button type="button" className="secondary small" onClick={() => void restore(b)} disabled={busy} aria-label={`Restore ${b.name}`}>
                    Restore
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report && <ImportSummaryView report={report} />}
      {error && (
        <p className="notice bad" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
