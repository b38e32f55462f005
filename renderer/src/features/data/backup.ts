/**
 * Rolling backups of the journal: IndexedDB can be lost when a browser profile
 * is damaged, so the journal is copied to the data folder (a JSONL export, the
 * same format as any export) every `everyHours`, keeping the newest `keep`.
 * The page produces the text (it owns Dexie, through the data worker); the
 * service stores and rotates the files (electron/services/backups.ts).
 */
import { useEffect } from 'react';
import type { Api } from '../../../../shared/bridge/client';
import type { Settings } from '../../../../shared/bridge/contract';
import type { ExportProgress } from '../../workers/data/io';
import type { ImportProgress, ImportSummary } from '../../workers/data/protocol';
import { api as bridgeApi, appendChunk } from '../../bridge';
import { dataClient, type DataClient, type Job } from './client';
import { isJournalEmpty } from './backupNotice';
import { backupReader, openBackup } from './files';

export type BackupSettings = Settings['backup'];

/** Whether a backup is due: enabled, and none yet or the newest is at least `everyHours` old. */
export function isBackupDue(settings: BackupSettings, newestAt: number | null, now: number): boolean {
  if (!settings.enabled) return false;
  if (newestAt === null) return true;
  return now - newestAt >= settings.everyHours * 3_600_000;
}

let running: Promise<unknown> | null = null;

/** Writes a backup now and rotates; one at a time. */
export function runBackup(
  api: Api,
  client: DataClient,
  keep: number,
  onProgress: (p: ExportProgress) => void = () => undefined,
): Job<{ name: string; removed: string[]; attempts: number }> {
  let job: Job<{ attempts: number }> | null = null;
  let cancelled = false;
  const done = (async () => {
    if (running) throw new Error('A backup is already running.');
    const info = await api.app.info();
    // The app's own bridge sends chunks raw over HTTP; another Api (a test's) takes them as calls.
    const target = await openBackup(api, api === bridgeApi ? appendChunk : undefined);
    try {
      if (cancelled) throw new Error('Cancelled');
      job = client.exportTo({ format: 'jsonl', filter: null, app: { name: info.name, version: info.version } }, target, onProgress);
      const { attempts } = await job.done;
      const { name, removed } = await target.finish(keep);
      return { name, removed, attempts };
    } catch (e) {
      await target.abort();
      throw e;
    }
  })();
  running = done.catch(() => undefined).finally(() => {
    running = null;
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      (job as Job<unknown> | null)?.cancel();
    },
  };
}

/**
 * Runs a backup when one is due; returns its name, or why not. Never of an
 * empty journal: a profile that lost its IndexedDB opens empty beside good
 * backups, and backing that up would, day by day, rotate the good ones away
 * (the empty-journal notice offers to restore them instead).
 */
export async function backupIfDue(
  api: Api,
  client: DataClient,
  now = Date.now(),
  journalEmpty: () => Promise<boolean> = isJournalEmpty,
): Promise<{ ran: false; why: 'disabled' | 'not due' | 'busy' | 'empty journal' } | { ran: true; name: string }> {
  const settings = await api.settings.get();
  if (!settings.backup.enabled) return { ran: false, why: 'disabled' };
  if (running) return { ran: false, why: 'busy' };
  if (await journalEmpty()) return { ran: false, why: 'empty journal' };
  const list = await api.backups.list();
  if (!isBackupDue(settings.backup, list[0]?.createdAt ?? null, now)) return { ran: false, why: 'not due' };
  const r = await runBackup(api, client, settings.backup.keep).done;
  return { ran: true, name: r.name };
}

/** Restores a backup into the journal: the same importer as any file (validated, merged by id). */
export function restoreBackup(api: Api, client: DataClient, name: string, size: number, onProgress: (p: ImportProgress) => void): Job<ImportSummary> {
  return client.importFrom({ kind: 'backup', name, size }, 'all-or-nothing', onProgress, backupReader(api));
}

/**
 * Checks every 15 minutes (and shortly after start) whether a backup is due.
 * Returns a stop function. Failures are reported to `onError`, never thrown:
 * a failed backup must not disturb the app.
 */
export function startAutoBackup(opts: { api?: Api; client?: () => DataClient; firstDelayMs?: number; everyMs?: number; onError?: (e: unknown) => void } = {}): () => void {
  const api = opts.api ?? bridgeApi;
  const client = opts.client ?? dataClient;
  const check = () => {
    backupIfDue(api, client()).catch((e: unknown) => opts.onError?.(e));
  };
  const first = setTimeout(check, opts.firstDelayMs ?? 30_000);
  const timer = setInterval(check, opts.everyMs ?? 15 * 60_000);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

/** Mount once near the app's root: runs the rolling backup while the app is open. */
export function AutoBackup(): null {
  useEffect(() => startAutoBackup(), []);
  return null;
}
