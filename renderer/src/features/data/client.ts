/**
 * The page's side of the data worker: export into a sink (chunks appended to a
 * file through the bridge), import from a File or a backup, build a report.
 * One worker per client; the client is created lazily and shared.
 */
import type { JournalFilter } from '../../../../shared/journal/filter';
import type { ImportMode } from '../../../../shared/journal/import';
import type { ExportFormat, ExportProgress } from '../../workers/data/io';
import type { DataRequest, DataResponse, ImportFrom, ImportProgress, ImportSummary } from '../../workers/data/protocol';

/** Where export chunks go. `append` resolves once the chunk is written. */
export interface ChunkSink {
  /** UTF-8 bytes (the data worker's chunks), or text. */
  append(chunk: Uint8Array | string): Promise<void>;
}

/** Reads a backup piece (only the page can reach the bridge). */
export type PieceReader = (name: string, offset: number) => Promise<{ text: string; nextOffset: number; done: boolean }>;

type Listener = (res: DataResponse) => void;

export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'AbortError';
  }
}

export interface Job<T> {
  done: Promise<T>;
  cancel(): void;
}

let nextId = 1;

type Postable = Pick<Worker, 'postMessage'> & { onmessage: ((e: MessageEvent<DataResponse>) => void) | null; onerror: ((e: ErrorEvent) => void) | null };

export class DataClient {
  private readonly listeners = new Map<number, Listener>();
  private readonly worker: Postable;

  constructor(worker?: Postable) {
    this.worker = worker ?? (new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module' }) as unknown as Postable);
    this.worker.onmessage = (e) => this.listeners.get(e.data.id)?.(e.data);
    this.worker.onerror = (e) => {
      for (const [id, l] of this.listeners) l({ id, kind: 'error', name: 'WorkerError', message: e.message || 'the data worker failed' });
    };
  }

  private send(req: DataRequest, transfer?: Transferable[]): void {
    if (transfer?.length) this.worker.postMessage(req, transfer);
    else this.worker.postMessage(req);
  }

  private start<T>(build: (id: number, settle: { resolve(v: T): void; reject(e: Error): void }) => { request: DataRequest; on: Listener }): Job<T> {
    const id = nextId++;
    let cancelled = false;
    const done = new Promise<T>((resolve, reject) => {
      const settle = {
        resolve: (v: T) => {
          this.listeners.delete(id);
          resolve(v);
        },
        reject: (e: Error) => {
          this.listeners.delete(id);
          reject(cancelled ? new CancelledError() : e);
        },
      };
      const { request, on } = build(id, settle);
      this.listeners.set(id, (res) => {
        if (res.kind === 'error') settle.reject(Object.assign(new Error(res.message), { name: res.name }));
        else on(res);
      });
      this.send(request);
    });
    return {
      done,
      cancel: () => {
        cancelled = true;
        this.send({ id, kind: 'cancel' });
      },
    };
  }

  exportTo(
    opts: { format: ExportFormat; filter: JournalFilter | null; app: { name: string; version: string }; bom?: boolean },
    sink: ChunkSink,
    onProgress: (p: ExportProgress) => void,
  ): Job<{ attempts: number }> {
    return this.start((id, settle) => ({
      request: { id, kind: 'export', ...opts },
      on: (res) => {
        if (res.kind === 'progress') onProgress(res.progress);
        else if (res.kind === 'chunk') {
          onProgress(res.progress);
          // Chunks arrive in order and are appended in order; the ack returns credit.
          sink.append(res.chunk).then(
            // The written chunk's buffer goes back to the worker for the next one.
            () => (res.chunk.buffer instanceof ArrayBuffer && res.chunk.buffer.byteLength > 0 ? this.send({ id, kind: 'ack', buffer: res.chunk.buffer }, [res.chunk.buffer]) : this.send({ id, kind: 'ack' })),
            (e: unknown) => {
              this.send({ id, kind: 'cancel' });
              settle.reject(e instanceof Error ? e : new Error(String(e)));
            },
          );
        } else if (res.kind === 'exported') settle.resolve({ attempts: res.attempts });
      },
    }));
  }

  importFrom(from: ImportFrom, mode: ImportMode, onProgress: (p: ImportProgress) => void, readPiece?: PieceReader): Job<ImportSummary> {
    return this.start((id, settle) => ({
      request: { id, kind: 'import', from, mode },
      on: (res) => {
        if (res.kind === 'importProgress') onProgress(res.progress);
        else if (res.kind === 'imported') settle.resolve(res.report);
        else if (res.kind === 'pull') {
          if (!readPiece) {
            this.send({ id, kind: 'pieceError', message: 'no backup reader' });
            return;
          }
          readPiece(res.name, res.offset).then(
            (p) => this.send({ id, kind: 'piece', ...p }),
            (e: unknown) => this.send({ id, kind: 'pieceError', message: e instanceof Error ? e.message : String(e) }),
          );
        }
      },
    }));
  }

  report(req: { filter: JournalFilter | null; app: { name: string; version: string }; title?: string; generatedAt: number }): Job<{ html: string; markdown: string; attempts: number }> {
    return this.start((id, settle) => ({
      request: { id, kind: 'report', ...req },
      on: (res) => {
        if (res.kind === 'report') settle.resolve({ html: res.html, markdown: res.markdown, attempts: res.attempts });
      },
    }));
  }
}

let shared: DataClient | null = null;
export function dataClient(): DataClient {
  return (shared ??= new DataClient());
}
