/**
 * The CLI's journal: a JSONL file in the PRODUCT.md interchange format,
 * appended and flushed to disk record by record, so a killed process leaves a
 * valid file up to its last line.
 *
 * An attempt appears twice: its `pending` line, written (and fsynced) before
 * the request leaves, then its finished line; a run appears once per status
 * change. A reader keeps the LAST record of an id; that is also how `tenth run`
 * reads the file back when it looks for attempts a dead process left pending.
 *
 * Writes use group commit: lines that arrive while an fsync is under way are
 * written together and share the next fsync. Each write's promise resolves only
 * after its own line is on disk, so the write-ahead rule holds, while a
 * synchronous fsync per line would stall the event loop and with it the timing
 * of every stream in flight.
 */
import { createReadStream, existsSync, openSync, closeSync, readSync, fstatSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Attempt, Run } from '../../shared/domain/schemas';
import type { JournalSink } from '../../shared/engine/engine';
import { parseLine, readLines, serializeRecord } from '../../shared/journal/jsonl';
import type { DataRecordType, JournalRecord } from '../../shared/journal/records';

interface QueuedWrite {
  text: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class JournalFile {
  private queue: QueuedWrite[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly fsync: boolean,
  ) {}

  /** Opens `path` for appending (creating it). A torn last line from a killed writer is closed off first. */
  static async open(path: string, opts: { fsync?: boolean } = {}): Promise<JournalFile> {
    const needsNewline = endsWithoutNewline(path);
    const fh = await open(path, 'a', 0o600);
    const file = new JournalFile(path, fh, opts.fsync ?? true);
    if (needsNewline) await file.appendRaw('\n');
    return file;
  }

  /** Appends one record as one line; resolves once it is on disk. */
  append(record: JournalRecord): Promise<void> {
    return this.appendRaw(`${serializeRecord(record)}\n`);
  }

  private appendRaw(text: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.fh.appendFile(batch.map((w) => w.text).join(''));
        if (this.fsync) await this.fh.sync();
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.flushing = null;
  }

  /** The engine's sink: pending and finished attempts, and run records, each as a line. */
  sink(): JournalSink {
    return {
      writePending: (a: Attempt) => this.append(a),
      writeFinished: (a: Attempt) => this.append(a),
      writeRun: (r: Run) => this.append(r),
    };
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.closed = true;
    await this.fh.close();
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
