/**
 * The CLI's journal: a JSONL file in the PRODUCT.md interchange format,
 * appended record by record, so a killed process leaves a valid file up to its
 * last line.
 *
 * An attempt appears twice: its `pending` line, written before the request
 * leaves, then its finished line; a run appears once per status change. A
 * reader keeps the LAST record of an id; that is also how `tenth run` reads the
 * file back when it looks for attempts a dead process left pending.
 *
 * Every line is written with a synchronous `write(2)` on an O_APPEND
 * descriptor: once `write` returns the line is in the OS page cache, which is
 * what surviving SIGKILL needs, and lines land in call order without a queue.
 * The fsync (for a power cut) runs on libuv's thread pool, off the event loop,
 * with group commit: one fsync at a time, covering every line written before it
 * began; lines written meanwhile share the next one. `append` resolves after
 * its line's fsync; `writeNow` returns after the write alone — the engine's
 * write-ahead uses it, so a request waits for the page cache, not the disk.
 */
import { closeSync, createReadStream, existsSync, fstatSync, fsync as fsyncFd, openSync, readSync, writeSync } from 'node:fs';
import type { Attempt, Run } from '../../shared/domain/schemas';
import type { JournalSink } from '../../shared/engine/engine';
import { parseLine, readLines, serializeRecord } from '../../shared/journal/jsonl';
import type { DataRecordType, JournalRecord } from '../../shared/journal/records';

interface SyncWaiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

const RESOLVED = Promise.resolve();

/**
 * How long lines gather before an fsync starts. Each fsync forces a filesystem
 * journal commit; back to back they kept the disk (and every process writing
 * to it) busy. A few ms batch far more lines per commit at no cost to the run:
 * only the finished lines wait, and they no longer hold a request slot.
 */
const DEFAULT_SYNC_DELAY_MS = 25;

export class JournalFile {
  /** Waiting for the next fsync to begin and end. */
  private waiters: SyncWaiter[] = [];
  /** Lines written since the last fsync began. */
  private dirty = false;
  /** An fsync is scheduled or under way. */
  private syncing = false;
  private idle: (() => void)[] = [];
  /** The first failed write or fsync: the file may have lost lines, so every later write fails too. */
  private error: unknown = null;
  private errorReported = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly fsync: boolean,
    private readonly syncDelayMs: number,
  ) {}

  /** Opens `path` for appending (creating it). A torn last line from a killed writer is closed off first. */
  static async open(path: string, opts: { fsync?: boolean; syncDelayMs?: number } = {}): Promise<JournalFile> {
    const needsNewline = endsWithoutNewline(path);
    const fd = openSync(path, 'a', 0o600);
    const file = new JournalFile(path, fd, opts.fsync ?? true, opts.syncDelayMs ?? DEFAULT_SYNC_DELAY_MS);
    if (needsNewline) file.writeText('\n');
    return file;
  }

  /** Appends one record as one line; resolves once it is on disk (fsynced, unless opened without fsync). */
  append(record: JournalRecord): Promise<void> {
    try {
      this.writeNow(record);
    } catch (e) {
      return Promise.reject(e);
    }
    if (!this.fsync) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
    });
  }

  /**
   * Appends one record as one line and returns once the OS has it (it survives
   * the process being killed); its fsync follows in the background and a
   * failure of it fails every later write and `close`. Throws if the write fails.
   */
  writeNow(record: JournalRecord): void {
    this.writeText(`${serializeRecord(record)}\n`);
  }

  private writeText(text: string): void {
    if (this.closed) throw new Error(`journal ${this.path} is closed`);
    if (this.error !== null) {
      this.errorReported = true;
      throw this.error;
    }
    try {
      // Writing the string itself encodes it in native memory: no Buffer per line.
      // A regular file takes it whole; a short write (counted in bytes) goes on from a Buffer.
      const written = writeSync(this.fd, text);
      if (written < Buffer.byteLength(text, 'utf8')) {
        const buf = Buffer.from(text, 'utf8');
        for (let off = written; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off);
      }
    } catch (e) {
      this.error = e;
      this.errorReported = true;
      throw e;
    }
    if (!this.fsync) return;
    this.dirty = true;
    if (!this.syncing) this.scheduleSync();
  }

  private scheduleSync(): void {
    this.syncing = true;
    if (this.syncDelayMs > 0) setTimeout(() => this.startSync(), this.syncDelayMs);
    else this.startSync();
  }

  private startSync(): void {
    this.dirty = false;
    // Only lines written before this fsync begins are covered by it.
    const batch = this.waiters;
    this.waiters = [];
    fsyncFd(this.fd, (err) => {
      if (err && this.error === null) this.error = err;
      if (this.error !== null) {
        if (batch.length > 0 || this.waiters.length > 0) this.errorReported = true;
        for (const w of batch) w.reject(this.error);
        for (const w of this.waiters) w.reject(this.error);
        this.waiters = [];
        this.dirty = false;
      } else {
        for (const w of batch) w.resolve();
      }
      if (this.dirty || this.waiters.length > 0) {
        this.scheduleSync();
        return;
      }
      this.syncing = false;
      const idle = this.idle;
      this.idle = [];
      for (const f of idle) f();
    });
  }

  /** The engine's sink: pending and finished attempts, and run records, each as a line. */
  sink(): JournalSink {
    return {
      // Write-ahead needs the line in the file before the request leaves; the disk can follow.
      writePending: (a: Attempt) => {
        try {
          this.writeNow(a);
          return RESOLVED;
        } catch (e) {
          return Promise.reject(e);
        }
      },
      writeFinished: (a: Attempt) => this.append(a),
      writeRun: (r: Run) => this.append(r),
    };
  }

  /**
   * Waits for the last fsync, then closes. Rejects only with a write or fsync
   * failure no earlier call has already reported.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.syncing) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.closed = true;
    closeSync(this.fd);
    if (this.error !== null && !this.errorReported) {
      this.errorReported = true;
      throw this.error;
    }
  }
}

function endsWithoutNewline(path: string): boolean {
  if (!existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

export interface ExistingJournal {
  /** Lines read (0 for a new file). */
  lines: number;
  /** Ids already present, by record type, so records are not written twice. */
  ids: Record<DataRecordType, Set<string>>;
  hasHeader: boolean;
  /** Attempts whose latest record is `pending`. */
  pending: Attempt[];
  /** Runs whose latest record is running or paused. */
  openRuns: Run[];
  /** Lines that could not be read, e.g. a line cut short by a kill mid-write. */
  invalid: { line: number; message: string }[];
}

/** Reads a journal written by earlier runs (tolerant: a bad line is reported and skipped). */
export async function readExistingJournal(path: string): Promise<ExistingJournal> {
  const out: ExistingJournal = {
    lines: 0,
    ids: { provider: new Set(), prompt: new Set(), promptVersion: new Set(), case: new Set(), run: new Set(), attempt: new Set() },
    hasHeader: false,
    pending: [],
    openRuns: [],
    invalid: [],
  };
  if (!existsSync(path)) return out;
  const pending = new Map<string, Attempt>();
  const runs = new Map<string, Run>();
  for await (const item of readLines(createReadStream(path))) {
    out.lines = item.line;
    if (item.error) {
      out.invalid.push({ line: item.line, message: item.error.message });
      continue;
    }
    if (item.text.trim() === '') continue;
    const parsed = parseLine(item.text, item.line);
    if (!parsed.ok) {
      out.invalid.push({ line: item.line, message: parsed.error.message });
      continue;
    }
    const rec = parsed.record;
    if (parsed.type === 'journal') {
      out.hasHeader = true;
      continue;
    }
    const type = parsed.type as DataRecordType;
    const id = (rec as { id: string }).id;
    out.ids[type].add(id);
    if (type === 'attempt') {
      const a = rec as Attempt;
      if (a.status === 'pending') pending.set(a.id, a);
      else pending.delete(a.id);
    } else if (type === 'run') {
      runs.set(id, rec as Run);
    }
  }
  out.pending = [...pending.values()];
  out.openRuns = [...runs.values()].filter((r) => r.status === 'running' || r.status === 'paused');
  return out;
}
