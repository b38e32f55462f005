/**
 * Shown where a user lands (the empty Prompts, Journal and Stats pages) when
 * this profile's journal is empty but the data folder holds backups: how many,
 * the newest one's date, and a way to restore it (Settings → Backups, with its
 * confirmation) or to dismiss the notice.
 */
import { useId } from 'react';
import { showDataControl } from './commands';
import { bridgeBackups, restoreInSettings, useBackupHint, useBackupNoticeDismissal, type BackupSource } from './backupNotice';
import { fmtBytes, fmtCount } from './Progress';
import './data.css';

export function BackupsNotice(props: { source?: BackupSource }) {
  const hint = useBackupHint(props.source ?? bridgeBackups);
  const dismissed = useBackupNoticeDismissal((s) => s.dismissed);
  const dismiss = useBackupNoticeDismissal((s) => s.dismiss);
  const headingId = useId();
  if (!hint || dismissed === hint.newest.name) return null;
  const { count, newest } = hint;
  const taken = new Date(newest.createdAt);
  return (
    <section className="backups-notice" aria-labelledby={headingId}>
      <h2 id={headingId}>
        The journal is empty, but the data folder has {fmtCount(count)} backup{count === 1 ? '' : 's'}
      </h2>
      <p>
        The newest, <code>{newest.name}</code> ({fmtBytes(newest.bytes)}), was taken{' '}
        <time dateTime={taken.toISOString()}>{taken.toLocaleString()}</time>. If this journal was lost — a damaged
        browser profile, or a new one on the same data folder — restore it: what is missing is added back, nothing is
        overwritten.
      </p>
      <div className="page-actions">
        <button type="button" onClick={() => restoreInSettings(newest.name)}>
          Restore the newest backup…
        </button>
        {count > 1 && (
          <button type="button" className="secondary" onClick={() => showDataControl('backup')}>
            Choose a backup
          </button>
        )}
        <button type="button" className="ghost" onClick={() => dismiss(newest.name)}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
