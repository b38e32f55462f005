/**
 * Files written in chunks: exports too large to cross the bridge as one string,
 * and the rolling journal backups. The renderer owns the journal (Dexie), so it
 * produces the text; this side only appends it to disk, which keeps the
 * renderer's memory flat however large the journal is.
 *
 * A file being written is `<name>.partial` until it is finished, so a cancelled
 * or crashed export never leaves something that looks complete, and a backup
 * listing never shows half a backup.
 *
 * Backups live in `<dataDir>/backups/` as `tenth-backup-<UTC stamp>.jsonl`
 * (the journal JSONL export); finishing one deletes all but the newest `keep`.
 */
import { randomBytes } from 'node:crypto';
import { open, mkdir, readdir, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import type { ChooseSavePath } from './files';
import { safeFileName } from './files';

export interface BackupInfo {
  name: string;
  bytes: number;
  /** Epoch ms, from the name (the moment the backup started). */
  createdAt: number;
}

interface OpenFile {
  fh: FileHandle;
  partial: string;
  final: string;
  bytes: number;
  kind: 'export' | 'backup';
  /** Appends run one after another even if the caller does not wait. */
  queue: Promise<unknown>;
}

export class ChunkedFileError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ChunkedFileError';
  }
}

const BACKUP_NAME = /^tenth-backup-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.jsonl$/;

/** `tenth-backup-2026-11-21T10-00-00-000Z.jsonl` for an epoch ms. */
export function backupName(at: number): string {
  return `tenth-backup-${new Date(at).toISOString().replace(/[:.]/g, '-')}.jsonl`;
}

export function backupTime(name: string): number | null {
  const m = BACKUP_NAME.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isFinite(t) ? t : null;
}

export interface ChunkedFilesOptions {
  /** Where exports go (a save dialog in Electron, the data folder's exports/ elsewhere). */
  chooseSavePath: ChooseSavePath;
  /** `<dataDir>/backups` */
  backupsDir: string;
  now?: () => number;
  /** Files open at once; a renderer that forgets to finish cannot exhaust descriptors. */
  maxOpen?: number;
}

export function createChunkedFiles(opts: ChunkedFilesOptions) {
  const now = opts.now ?? Date.now;
  const maxOpen = opts.maxOpen ?? 8;
  const files = new Map<string, OpenFile>();

  function get(handle: string, kind?: OpenFile['kind']): OpenFile {
    const f = files.get(handle);
    if (!f || (kind && f.kind !== kind)) throw new ChunkedFileError('Unknown or finished file handle', 'unknown_handle');
    return f;
  }

  async function begin(final: string, kind: OpenFile['kind']): Promise<string> {
    if (files.size >= maxOpen) throw new ChunkedFileError(`Too many files being written (${maxOpen})`, 'too_many_open');
    const partial = `${final}.partial`;
    const fh = await open(partial, 'w', 0o600);
    const handle = randomBytes(12).toString('base64url');
    files.set(handle, { fh, partial, final, bytes: 0, kind, queue: Promise.resolve() });
    return handle;
  }

  async function close(handle: string, f: OpenFile): Promise<void> {
    files.delete(handle);
    await f.queue.catch(() => undefined);
    await f.fh.close();
  }

  async function finishFile(handle: string, kind?: OpenFile['kind']): Promise<OpenFile> {
    const f = get(handle, kind);
    await f.queue;
    await f.fh.sync();
    await close(handle, f);
    await rename(f.partial, f.final);
    return f;
  }

  async function listBackups(): Promise<BackupInfo[]> {
    const names = await readdir(opts.backupsDir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    const out: BackupInfo[] = [];
    for (const name of names) {
      const createdAt = backupTime(name);
      if (createdAt === null) continue;
      const info = await stat(join(opts.backupsDir, name)).catch(() => null);
      if (info?.isFile()) out.push({ name, bytes: info.size, createdAt });
    }
    // Newest first.
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.name < b.name ? 1 : -1));
  }

  async function rotate(keep: number): Promise<string[]> {
    const list = await listBackups();
    const removed: string[] = [];
    for (const b of list.slice(Math.max(1, keep))) {
      await rm(join(opts.backupsDir, b.name), { force: true });
      removed.push(b.name);
    }
    return removed;
  }

  return {
    /** Starts an export: asks where (null when the user cancelled the dialog). */
    async beginSave(suggestedName: string): Promise<{ handle: string | null; path: string | null }> {
      const path = await opts.chooseSavePath(safeFileName(suggestedName));
      if (!path) return { handle: null, path: null };
      return { handle: await begin(path, 'export'), path };
    },

    /** Appends bytes (UTF-8 text) to an open export or backup, in order with the text appends. */
    async appendBytes(handle: string, bytes: Uint8Array): Promise<{ bytes: number }> {
      const f = get(handle);
      const next = f.queue.then(async () => {
        const { bytesWritten } = await f.fh.write(bytes, 0, bytes.length, null);
        f.bytes += bytesWritten;
      });
      f.queue = next;
      await next;
      return { bytes: f.bytes };
    },

    /** Appends text (UTF-8) to an open export or backup, through the file's one descriptor. */
    async append(handle: string, text: string): Promise<{ bytes: number }> {
      const f = get(handle);
      const next = f.queue.then(async () => {
        // write(string) encodes straight into the write: no intermediate Buffer copy.
        const { bytesWritten } = await f.fh.write(text, null, 'utf8');
        f.bytes += bytesWritten;
      });
      f.queue = next;
      await next;
      return { bytes: f.bytes };
    },

    async finishSave(handle: string): Promise<{ path: string; bytes: number }> {
      const f = await finishFile(handle, 'export');
      return { path: f.final, bytes: f.bytes };
    },

    /** Stops writing and deletes the partial file. False when the handle is unknown. */
    async abort(handle: string): Promise<boolean> {
      const f = files.get(handle);
      if (!f) return false;
      await close(handle, f);
      await rm(f.partial, { force: true });
      return true;
    },

    listBackups,
    rotate,

    async beginBackup(): Promise<{ handle: string; name: string }> {
      await mkdir(opts.backupsDir, { recursive: true });
      let at = now();
      // Two backups in the same millisecond (a test, a double click) must not share a file.
      const taken = new Set([...(await readdir(opts.backupsDir))]);
      while (taken.has(backupName(at)) || taken.has(`${backupName(at)}.partial`)) at++;
      const name = backupName(at);
      return { handle: await begin(join(opts.backupsDir, name), 'backup'), name };
    },

    /** Completes a backup and keeps only the newest `keep` (the new one included). */
    async finishBackup(handle: string, keep: number): Promise<{ backup: BackupInfo; removed: string[] }> {
      const f = await finishFile(handle, 'backup');
      const name = f.final.slice(opts.backupsDir.length + 1);
      const removed = await rotate(keep);
      return { backup: { name, bytes: f.bytes, createdAt: backupTime(name) ?? now() }, removed };
    },

    /**
     * Reads a backup from `offset`, at most `maxBytes`, cut after the last
     * newline (or, for a line longer than that, at a UTF-8 character boundary),
     * so each piece is whole text and restore streams line by line.
     */
    async readBackup(name: string, offset: number, maxBytes = 4 * 1024 * 1024): Promise<{ text: string; nextOffset: number; size: number; done: boolean }> {
      if (backupTime(name) === null) throw new ChunkedFileError(`Not a backup name: ${name.slice(0, 80)}`, 'bad_name');
      const fh = await open(join(opts.backupsDir, name), 'r').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') throw new ChunkedFileError(`No backup named ${name}`, 'not_found');
        throw e;
      });
      try {
        const size = (await fh.stat()).size;
        const want = Math.max(0, Math.min(maxBytes, size - offset));
        const buf = Buffer.alloc(want);
        const { bytesRead } = want > 0 ? await fh.read(buf, 0, want, offset) : { bytesRead: 0 };
        let end = bytesRead;
        const atEof = offset + bytesRead >= size;
        if (!atEof && bytesRead > 0) {
          const nl = buf.lastIndexOf(10, bytesRead - 1);
          if (nl >= 0) end = nl + 1;
          else {
            // No newline in the window: stop before a partial UTF-8 sequence.
            end = bytesRead;
            while (end > 0 && (buf[end - 1]! & 0xc0) === 0x80) end--;
            if (end > 0 && buf[end - 1]! >= 0xc0) end--;
            if (end === 0) end = bytesRead;
          }
        }
        const nextOffset = offset + end;
        return { text: buf.subarray(0, end).toString('utf8'), nextOffset, size, done: nextOffset >= size };
      } finally {
        await fh.close();
      }
    },

    /** Files still open (tests, shutdown). */
    openCount: () => files.size,
  };
}

export type ChunkedFiles = ReturnType<typeof createChunkedFiles>;

/**
 * One-time download tickets for the browser host: a finished export in the
 * data folder's exports/ becomes `/download/<ticket>`, which the host serves
 * once (streamed from disk, as an attachment) within `ttlMs`. The ticket is the
 * only credential in the URL (a download started by a link cannot carry the
 * bridge token in a header), so it is random, single-use and short-lived, and
 * only files inside `exportsDir` (symlinks resolved) can get one.
 */
export interface DownloadTicketsOptions {
  /** `<dataDir>/exports` */
  exportsDir: string;
  /** Default 60 s. */
  ttlMs?: number;
  now?: () => number;
  /** Unredeemed tickets kept at once (oldest dropped first). */
  maxTickets?: number;
}

export interface DownloadFile {
  /** Absolute, resolved path inside exportsDir. */
  path: string;
  /** The file name offered to the browser. */
  name: string;
  size: number;
}

export function createDownloadTickets(opts: DownloadTicketsOptions) {
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const max = opts.maxTickets ?? 32;
  const tickets = new Map<string, { path: string; expiresAt: number }>();

  /** The resolved path when it is a regular, finished file inside exportsDir; else null. */
  async function inside(path: string): Promise<DownloadFile | null> {
    const dir = await realpath(opts.exportsDir).catch(() => null);
    const real = await realpath(path).catch(() => null);
    if (!dir || !real || !real.startsWith(dir + sep) || real.endsWith('.partial')) return null;
    const info = await stat(real).catch(() => null);
    if (!info?.isFile()) return null;
    return { path: real, name: basename(real), size: info.size };
  }

  return {
    ttlMs: ttl,
    /** A ticket for `path`; refused unless it is a finished file inside exportsDir. */
    async issue(path: string): Promise<{ ticket: string; url: string; expiresAt: number }> {
      const file = await inside(path);
      if (!file) throw new ChunkedFileError('Only a finished export in the exports folder can be downloaded', 'not_downloadable');
      for (const [t, v] of tickets) if (v.expiresAt <= now()) tickets.delete(t);
      while (tickets.size >= max) tickets.delete(tickets.keys().next().value!);
      const ticket = randomBytes(24).toString('base64url');
      const expiresAt = now() + ttl;
      tickets.set(ticket, { path: file.path, expiresAt });
      return { ticket, url: `/download/${ticket}`, expiresAt };
    },
    /** Uses up a ticket: the file to send, or null (unknown, used, expired, or the file moved out). */
    async redeem(ticket: string): Promise<DownloadFile | null> {
      const entry = tickets.get(ticket);
      if (!entry) return null;
      tickets.delete(ticket);
      if (entry.expiresAt <= now()) return null;
      // Checked again: the file may have been replaced (by a symlink, say) since the ticket was issued.
      return inside(entry.path);
    },
    pending: () => tickets.size,
  };
}

export type DownloadTickets = ReturnType<typeof createDownloadTickets>;
