import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApi, directTransport } from '../../shared/bridge/client';
import { backupName, backupTime, createChunkedFiles, createDownloadTickets } from './backups';
import { exportsDirChooser } from './files';
import { createServices } from './index';
import { memorySecretBackend } from './secrets';

const dir = () => mkdtemp(join(tmpdir(), 'tenth-backups-'));

describe('chunked exports', () => {
  it('appends chunks to a .partial file and renames it when finished', async () => {
    const root = await dir();
    const files = createChunkedFiles({ chooseSavePath: exportsDirChooser(join(root, 'exports')), backupsDir: join(root, 'backups') });
    const { handle, path } = await files.beginSave('../../etc/journal.jsonl');
    expect(path!.startsWith(join(root, 'exports'))).toBe(true);
    expect(path!.endsWith('-journal.jsonl')).toBe(true);
    // Appends issued without waiting still land in order.
    await Promise.all(['a\n', 'ü\n', 'c\n'].map((t) => files.append(handle!, t)));
    expect(await readdir(join(root, 'exports'))).toEqual([`${path!.split('/').pop()}.partial`]);
    expect(await files.finishSave(handle!)).toEqual({ path, bytes: 7 });
    expect(await readFile(path!, 'utf8')).toBe('a\nü\nc\n');
    await expect(files.append(handle!, 'x')).rejects.toMatchObject({ code: 'unknown_handle' });
    expect(files.openCount()).toBe(0);
  });

  it('abort deletes the partial file; a cancelled dialog gives no handle', async () => {
    const root = await dir();
    const files = createChunkedFiles({ chooseSavePath: exportsDirChooser(join(root, 'exports')), backupsDir: join(root, 'backups') });
    const { handle } = await files.beginSave('x.csv');
    await files.append(handle!, 'half');
    expect(await files.abort(handle!)).toBe(true);
    expect(await files.abort(handle!)).toBe(false);
    expect(await readdir(join(root, 'exports'))).toEqual([]);
    const cancelled = createChunkedFiles({ chooseSavePath: async () => null, backupsDir: root });
    expect(await cancelled.beginSave('x.csv')).toEqual({ handle: null, path: null });
  });
});

describe('backups', () => {
  it('names sort by time and parse back', () => {
    const t = Date.UTC(2026, 10, 21, 10, 0, 0, 5);
    expect(backupName(t)).toBe('tenth-backup-2026-11-21T10-00-00-005Z.jsonl');
    expect(backupTime(backupName(t))).toBe(t);
    expect(backupTime('tenth-backup-../../x.jsonl')).toBeNull();
    expect(backupTime(`${backupName(t)}.partial`)).toBeNull();
  });

  it('rotates: keeps the newest `keep`, never lists a partial backup', async () => {
    const root = await dir();
    const backupsDir = join(root, 'backups');
    let clock = Date.UTC(2026, 0, 1);
    const files = createChunkedFiles({ chooseSavePath: async () => null, backupsDir, now: () => clock });
    const made: string[] = [];
    for (let day = 0; day < 10; day++) {
      const { handle, name } = await files.beginBackup();
      await files.append(handle, `{"day":${day}}\n`);
      const { backup, removed } = await files.finishBackup(handle, 7);
      expect(backup).toEqual({ name, bytes: `{"day":${day}}\n`.length, createdAt: clock });
      made.push(name);
      expect(removed).toEqual(day >= 7 ? [made[day - 7]] : []);
      clock += 24 * 3600_000;
    }
    const listed = await files.listBackups();
    expect(listed.map((b) => b.name)).toEqual(made.slice(3).reverse());
    // A backup in progress is invisible; a stranger file is ignored.
    const open = await files.beginBackup();
    await writeFile(join(backupsDir, 'notes.txt'), 'x');
    expect((await files.listBackups()).map((b) => b.name)).toEqual(made.slice(3).reverse());
    await files.abort(open.handle);
    // Lower `keep` applies at the next finish; `rotate` applies it now.
    expect(await files.rotate(2)).toEqual(made.slice(3, 8).reverse());
    expect((await files.listBackups()).length).toBe(2);
  });

  it('two backups in the same millisecond get different names', async () => {
    const root = await dir();
    const files = createChunkedFiles({ chooseSavePath: async () => null, backupsDir: root, now: () => 1_700_000_000_000 });
    const a = await files.beginBackup();
    const b = await files.beginBackup();
    expect(a.name).not.toBe(b.name);
    await files.finishBackup(a.handle, 7);
    await files.finishBackup(b.handle, 7);
    expect(await files.listBackups()).toHaveLength(2);
  });

  it('reads a backup back in whole lines, and cuts a long line at a character boundary', async () => {
    const root = await dir();
    const files = createChunkedFiles({ chooseSavePath: async () => null, backupsDir: root });
    const { handle, name } = await files.beginBackup();
    const lines = ['{"a":"ééé"}', '{"b":"🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"}', '{"c":1}'];
    await files.append(handle, lines.join('\n') + '\n');
    await files.finishBackup(handle, 3);
    const pieces: string[] = [];
    let offset = 0;
    for (;;) {
      const r = await files.readBackup(name, offset, 16);
      pieces.push(r.text);
      expect(r.text).not.toContain('\uFFFD');
      offset = r.nextOffset;
      if (r.done) break;
    }
    expect(pieces.join('')).toBe(lines.join('\n') + '\n');
    expect(pieces.length).toBeGreaterThan(3);
    await expect(files.readBackup('../secrets.json', 0)).rejects.toMatchObject({ code: 'bad_name' });
    await expect(files.readBackup(backupName(1), 0)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('works through the bridge: backup, list, read, with the export channels', async () => {
    const root = await dir();
    const services = createServices({
      host: 'direct',
      dataDir: root,
      version: '0.0.0',
      secretBackend: memorySecretBackend(),
      chooseSavePath: exportsDirChooser(join(root, 'exports')),
      models: () => ({ call: async () => undefined, testConnection: async () => ({ ok: true, message: '', httpStatus: null, models: [] }), detectLocal: async () => [] }),
    });
    const api = createApi(directTransport(services.server));
    const b = await api.backups.begin();
    await api.files.appendChunk({ handle: b.handle, text: 'line\n' });
    const done = await api.backups.finish({ handle: b.handle, keep: 7 });
    expect(done.backup.name).toBe(b.name);
    expect((await api.backups.list()).map((x) => x.name)).toEqual([b.name]);
    expect(await api.backups.read({ name: b.name, offset: 0 })).toEqual({ text: 'line\n', nextOffset: 5, size: 5, done: true });
    const e = await api.files.beginSave({ suggestedName: 'a.csv' });
    await api.files.appendChunk({ handle: e.handle!, text: 'x,y\r\n' });
    const saved = await api.files.finishSave({ handle: e.handle! });
    expect(await readFile(saved.path, 'utf8')).toBe('x,y\r\n');
    await expect(api.files.finishSave({ handle: e.handle! })).rejects.toMatchObject({ code: 'unknown_handle' });
  });
});

describe('download tickets', () => {
  it('a ticket is for one finished export, once, within its lifetime; nothing outside exports/ gets one', async () => {
    const root = await dir();
    const exportsDir = join(root, 'exports');
    await mkdir(exportsDir);
    await writeFile(join(exportsDir, 'a.jsonl'), 'x\n');
    await writeFile(join(exportsDir, 'b.jsonl.partial'), 'half');
    await writeFile(join(root, 'secrets.json'), '{}');
    await symlink(join(root, 'secrets.json'), join(exportsDir, 'link.json'));
    let clock = 1_000;
    const tickets = createDownloadTickets({ exportsDir, ttlMs: 60_000, now: () => clock });

    const t = await tickets.issue(join(exportsDir, 'a.jsonl'));
    expect(t.url).toBe(`/download/${t.ticket}`);
    expect(t.ticket.length).toBeGreaterThanOrEqual(32);
    expect(t.expiresAt).toBe(61_000);
    expect(await tickets.redeem(t.ticket)).toMatchObject({ name: 'a.jsonl', size: 2 });
    expect(await tickets.redeem(t.ticket)).toBeNull();

    const late = await tickets.issue(join(exportsDir, 'a.jsonl'));
    clock += 60_000;
    expect(await tickets.redeem(late.ticket)).toBeNull();
    expect(await tickets.redeem('made-up-ticket-made-up-ticket')).toBeNull();

    for (const bad of [join(root, 'secrets.json'), join(exportsDir, '..', 'secrets.json'), join(exportsDir, 'link.json'), join(exportsDir, 'b.jsonl.partial'), exportsDir, join(exportsDir, 'nope.csv')]) {
      await expect(tickets.issue(bad)).rejects.toMatchObject({ code: 'not_downloadable' });
    }
  });
});
