/**
 * "Your journal is empty, but there are backups": IndexedDB lives in the
 * browser profile while the backups live in the data folder, so a damaged
 * profile, or a new one on the same data folder, opens an empty journal beside
 * good backups. The pages a user lands on say so (BackupsNotice) and lead to
 * the Backups section's restore, with its confirmation.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { create } from 'zustand';
import type { BackupInfo } from '../../../../shared/bridge/contract';
import { api } from '../../bridge';
import { getDb } from '../../db/db';
import { countAttempts } from '../../db/journal';
import { showDataControl } from './commands';

/** No attempts and no prompts: nothing a user made is in this profile's journal. */
export async function isJournalEmpty(): Promise<boolean> {
  const db = getDb();
  return (await db.prompts.count()) === 0 && (await countAttempts()) === 0;
}

/** What the notice needs from the data folder (the bridge's backups calls; tests pass their own). */
export interface BackupSource {
  list(): Promise<BackupInfo[]>;
  /** The first whole lines of a backup, up to maxBytes. */
  head(name: string, maxBytes: number): Promise<string>;
}

export const bridgeBackups: BackupSource = {
  list: () => api.backups.list(),
  head: async (name, maxBytes) => (await api.backups.read({ name, offset: 0, maxBytes })).text,
};

/** Whether the start of a backup (a JSONL export) holds any record after its header line. */
export function holdsRecords(head: string): boolean {
  const lines = head.split('\n');
  return lines.slice(1).some((l) => l.trim() !== '');
}

export interface BackupHint {
  /** Backups in the data folder. */
  count: number;
  /** The newest one holding records: what "restore" restores. */
  newest: BackupInfo;
}

const HEAD_BYTES = 64 * 1024;

/**
 * The hint for an empty journal: how many backups there are and the newest
 * that holds records (a backup taken of an already empty journal restores
 * nothing, so it is passed over); null when there is none.
 */
export async function findBackupHint(source: BackupSource): Promise<BackupHint | null> {
  const list = await source.list();
  for (const b of list) {
    if (holdsRecords(await source.head(b.name, HEAD_BYTES))) return { count: list.length, newest: b };
  }
  return null;
}

/**
 * The hint while the journal is empty (null while it has data, while looking,
 * or when no backup holds records). Looked up again each time the journal
 * becomes empty.
 */
export function useBackupHint(source: BackupSource = bridgeBackups): BackupHint | null {
  const empty = useLiveQuery(isJournalEmpty, [], null);
  const [hint, setHint] = useState<BackupHint | null>(null);
  useEffect(() => {
    if (empty !== true) return;
    let live = true;
    findBackupHint(source)
      .then((h) => {
        if (live) setHint(h);
      })
      // The notice is a courtesy: if the data folder can't be read, the Backups section says why.
      .catch(() => {
        if (live) setHint(null);
      });
    return () => {
      live = false;
    };
  }, [empty, source]);
  return empty === true ? hint : null;
}

const DISMISSED_KEY = 'tenth.backupNotice.dismissed';

/**
 * The notice dismissed, for the backup it named: a newer backup with records
 * brings it back. Kept in this profile's localStorage (the notice is about
 * this profile's journal).
 */
export const useBackupNoticeDismissal = create<{ dismissed: string | null; dismiss(name: string): void }>()((set) => ({
  dismissed: typeof localStorage === 'undefined' ? null : localStorage.getItem(DISMISSED_KEY),
  dismiss: (name) => {
    localStorage.setItem(DISMISSED_KEY, name);
    set({ dismissed: name });
  },
}));

/** A restore asked for from elsewhere (the notice), which the Backups section starts with its own confirmation. */
export const useRestoreRequest = create<{ name: string | null; ask(name: string): void; take(): string | null }>()((set, get) => ({
  name: null,
  ask: (name) => set({ name }),
  take: () => {
    const name = get().name;
    if (name !== null) set({ name: null });
    return name;
  },
}));

/** Opens Settings at Backups and starts restoring `name` there (its confirmation first). */
export function restoreInSettings(name: string): void {
  useRestoreRequest.getState().ask(name);
  showDataControl('backup');
}
