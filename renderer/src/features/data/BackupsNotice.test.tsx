/**
 * The empty-journal notice in jsdom over fake-indexeddb, with the data
 * folder's backups given as a source: shown only for an empty journal beside a
 * backup that holds records; dismissed per backup; and the automatic backup
 * leaves an empty journal alone.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Api } from '../../../../shared/bridge/client';
import type { BackupInfo } from '../../../../shared/bridge/contract';
import { getDb } from '../../db/db';
import { addAttempts } from '../../db/journal';
import { createPrompt } from '../../db/repo/prompts';
import { sampleJournal } from '../../../../shared/journal/sample';
import { useUi } from '../../store/ui';
import { backupIfDue } from './backup';
import { findBackupHint, holdsRecords, useBackupNoticeDismissal, useRestoreRequest, type BackupSource } from './backupNotice';
import { BackupsNotice } from './BackupsNotice';
import type { DataClient } from './client';

const HEADER = '{"schema":"tenth.journal/1","exportedAt":1,"app":{"name":"Tenth","version":"0.1.0"}}\n';
const WITH_RECORDS = `${HEADER}{"schema":"tenth.prompt/1","id":"p1"}\n{"schema":"tenth.attempt/1","id":"a1"}\n`;

const backup = (iso: string, bytes = 2048): BackupInfo => ({
  name: `tenth-backup-${iso.replace(/[:.]/g, '-')}.jsonl`,
  bytes,
  createdAt: Date.parse(iso),
});

/** Backups newest first, as backups:list gives them, each with its text. */
function source(files: [BackupInfo, string][]): BackupSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    list: async () => files.map(([b]) => b),
    head: async (name) => {
      reads.push(name);
      return files.find(([b]) => b.name === name)![1];
    },
  };
}

/** Lets IndexedDB, Dexie's live queries and the source's promises settle. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise<void>((resolve) => setTimeout(resolve, 10)));
};

beforeEach(async () => {
  const db = getDb();
  await db.transaction('rw', db.tables, () => Promise.all(db.tables.map((t) => t.clear())));
  localStorage.clear();
  useBackupNoticeDismissal.setState({ dismissed: null });
  useRestoreRequest.setState({ name: null });
});
afterEach(cleanup);

describe('holdsRecords / findBackupHint', () => {
  it('a backup of an empty journal (its header alone) holds nothing to restore', () => {
    expect(holdsRecords(HEADER)).toBe(false);
    expect(holdsRecords(HEADER.trimEnd())).toBe(false);
    expect(holdsRecords(`${HEADER}\n\n`)).toBe(false);
    expect(holdsRecords(WITH_RECORDS)).toBe(true);
  });

  it('counts every backup and names the newest that holds records', async () => {
    const empty = backup('2026-03-04T10:00:00.000Z', 90);
    const good = backup('2026-03-03T10:00:00.000Z');
    const older = backup('2026-03-02T10:00:00.000Z');
    const src = source([
      [empty, HEADER],
      [good, WITH_RECORDS],
      [older, WITH_RECORDS],
    ]);
    expect(await findBackupHint(src)).toEqual({ count: 3, newest: good });
    // Read only as far as needed.
    expect(src.reads).toEqual([empty.name, good.name]);
    expect(await findBackupHint(source([[empty, HEADER]]))).toBeNull();
    expect(await findBackupHint(source([]))).toBeNull();
  });
});

describe('BackupsNotice', () => {
  const newest = backup('2026-03-03T10:00:00.000Z', 5 * 1024);
  const two = () =>
    source([
      [newest, WITH_RECORDS],
      [backup('2026-03-02T10:00:00.000Z'), WITH_RECORDS],
    ]);

  it('an empty journal beside backups: says how many and the newest one’s date; Restore asks Settings → Backups to restore it', async () => {
    render(<BackupsNotice source={two()} />);
    await settle();
    const notice = screen.getByRole('region', { name: 'The journal is empty, but the data folder has 2 backups' });
    expect(notice.textContent).toContain(newest.name);
    expect(notice.textContent).toContain('5.0 KB');
    expect(notice.querySelector('time')!.getAttribute('datetime')).toBe('2026-03-03T10:00:00.000Z');
    expect(notice.textContent).toContain(new Date(newest.createdAt).toLocaleString());
    fireEvent.click(screen.getByRole('button', { name: 'Restore the newest backup…' }));
    expect(useRestoreRequest.getState().name).toBe(newest.name);
    expect(useUi.getState().page).toBe('settings');
  });

  it('not when the journal has attempts, or prompts', async () => {
    await addAttempts(sampleJournal(3, 5).attempts);
    render(<BackupsNotice source={two()} />);
    await settle();
    expect(screen.queryByRole('region')).toBeNull();
    cleanup();

    const db = getDb();
    await db.transaction('rw', db.tables, () => Promise.all(db.tables.map((t) => t.clear())));
    await createPrompt('Kept');
    render(<BackupsNotice source={two()} />);
    await settle();
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('not when there are no backups, or none with records', async () => {
    render(<BackupsNotice source={source([])} />);
    await settle();
    expect(screen.queryByRole('region')).toBeNull();
    cleanup();
    render(<BackupsNotice source={source([[backup('2026-03-04T10:00:00.000Z', 90), HEADER]])} />);
    await settle();
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('goes when the journal fills (a restore), and Dismiss hides it until a newer backup', async () => {
    render(<BackupsNotice source={two()} />);
    await settle();
    expect(screen.getByRole('region')).toBeTruthy();
    await act(async () => void (await addAttempts(sampleJournal(2, 9).attempts)));
    await settle();
    expect(screen.queryByRole('region')).toBeNull();
    cleanup();

    const db = getDb();
    await db.transaction('rw', db.tables, () => Promise.all(db.tables.map((t) => t.clear())));
    render(<BackupsNotice source={two()} />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region')).toBeNull();
    cleanup();
    render(<BackupsNotice source={two()} />);
    await settle();
    expect(screen.queryByRole('region')).toBeNull();
    cleanup();
    const newer = backup('2026-03-05T10:00:00.000Z');
    render(<BackupsNotice source={source([[newer, WITH_RECORDS]])} />);
    await settle();
    expect(screen.getByRole('region', { name: 'The journal is empty, but the data folder has 1 backup' }).textContent).toContain(newer.name);
    expect(screen.queryByRole('button', { name: 'Choose a backup' })).toBeNull();
  });
});

describe('the automatic backup', () => {
  it('never backs up an empty journal (it would rotate the good backups away)', async () => {
    let listed = 0;
    const api = {
      settings: { get: async () => ({ backup: { enabled: true, everyHours: 24, keep: 7 } }) },
      backups: {
        list: async () => {
          listed++;
          return [backup('2020-01-01T00:00:00.000Z')];
        },
      },
    } as unknown as Api;
    const client = {} as DataClient;
    expect(await backupIfDue(api, client, Date.now(), async () => true)).toEqual({ ran: false, why: 'empty journal' });
    expect(listed).toBe(0);
    // With the real check: this journal is empty.
    expect(await backupIfDue(api, client)).toEqual({ ran: false, why: 'empty journal' });
  });
});
