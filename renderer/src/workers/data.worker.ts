/**
 * The data worker: export, import and report building off the main thread,
 * against the same Dexie database as the page (IndexedDB exists in workers).
 * See ./data/protocol.ts for the conversation.
 */
import type { TenthDb } from '../db/db';
import { exportPartsFromDexie, importIntoDexie, openDataDb, packChunk, watchedSource, type ExportProgress } from './data/io';
import { CREDIT, type DataRequest, type DataResponse, type ImportFrom, type ImportProgress } from './data/protocol';
import { buildReportFromDexie } from './data/report';

// The project's lib is DOM, not WebWorker: type the members of the worker scope used here.
const scope = self as unknown as {
  postMessage(message: DataResponse, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<DataRequest>) => void) | null;
};

let db: TenthDb | null = null;
type Piece = Extract<DataRequest, { kind: 'piece' | 'pieceError' }>;
interface Job {
  abort: AbortController;
  /** Export: chunks the page may still receive before it must ack. */
  credit: number;
  ack?: () => void;
  piece?: (p: Piece) => void;
  /** Export: chunk buffers the page gave back. */
  spare?: ArrayBuffer[];
}
const jobs = new Map<number, Job>();

const post = (m: DataResponse) => scope.postMessage(m);

function fail(id: number, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ id, kind: 'error', name: err.name, message: err.message });
}

async function runExport(req: Extract<DataRequest, { kind: 'export' }>): Promise<void> {
  const job: Job = { abort: new AbortController(), credit: CREDIT, spare: [] };
  jobs.set(req.id, job);
  let last: ExportProgress = { attempts: 0, total: 0, phase: 'scanning' };
  let lastPost = 0;
  try {
    const chunks = exportPartsFromDexie((db ??= openDataDb()), {
      format: req.format,
      filter: req.filter,
      app: req.app,
      exportedAt: req.exportedAt,
      bom: req.bom,
      signal: job.abort.signal,
      onProgress: (p) => {
        last = p;
        const now = performance.now();
        if (now - lastPost > 100) {
          lastPost = now;
          post({ id: req.id, kind: 'progress', progress: p });
        }
      },
    });
    for await (const parts of chunks) {
      while (job.credit <= 0) {
        await new Promise<void>((resolve) => (job.ack = resolve));
        job.abort.signal.throwIfAborted();
      }
      job.credit--;
      // Page bytes are copied as they are stored; only text parts are encoded. The buffer moves to the page and comes back with the ack.
      const chunk = packChunk(parts, job.spare!.pop());
      scope.postMessage({ id: req.id, kind: 'chunk', chunk, progress: last }, [chunk.buffer]);
    }
    // Wait for the page to have written every chunk before saying it is done.
    while (job.credit < CREDIT) {
      await new Promise<void>((resolve) => (job.ack = resolve));
      job.abort.signal.throwIfAborted();
    }
    post({ id: req.id, kind: 'exported', attempts: last.attempts });
  } finally {
    jobs.delete(req.id);
  }
}

/** A backup read through the page (only the page can call the bridge), piece by piece. */
function backupStream(id: number, from: Extract<ImportFrom, { kind: 'backup' }>): AsyncIterable<string> {
  const job = jobs.get(id)!;
  return (async function* () {
    let offset = 0;
    for (;;) {
      job.abort.signal.throwIfAborted();
      const piece = await new Promise<Piece>((resolve) => {
        job.piece = resolve;
        post({ id, kind: 'pull', name: from.name, offset });
      });
      if (piece.kind === 'pieceError') throw new Error(piece.message);
      if (piece.text) yield piece.text;
      offset = piece.nextOffset;
      if (piece.done) return;
    }
  })();
}

async function runImport(req: Extract<DataRequest, { kind: 'import' }>): Promise<void> {
  const job: Job = { abort: new AbortController(), credit: 0 };
  jobs.set(req.id, job);
  const size = req.from.kind === 'file' ? req.from.file.size : req.from.kind === 'backup' ? req.from.size : req.from.text.length;
  const progress: ImportProgress = { phase: 'validating', bytes: 0, size, written: 0 };
  let lastPost = 0;
  const report = (force = false) => {
    const now = performance.now();
    if (force || now - lastPost > 100) {
      lastPost = now;
      post({ id: req.id, kind: 'importProgress', progress: { ...progress } });
    }
  };
  try {
    const from = req.from;
    const enc = new TextEncoder();
    const open =
      from.kind === 'file'
        ? () => from.file.stream()
        : from.kind === 'backup'
          ? () =>
              (async function* () {
                for await (const t of backupStream(req.id, from)) yield enc.encode(t);
              })()
          : () =>
              (async function* () {
                yield enc.encode(from.text);
              })();
    const source = watchedSource(open, {
      signal: job.abort.signal,
      onBytes: (bytes, pass) => {
        progress.bytes = bytes;
        // All-or-nothing writes (staged, discarded unless every line is valid)
        // as it validates, once attempts come; a file read twice writes on its second pass.
        progress.phase = pass > 1 || req.mode === 'valid-only' || progress.written > 0 ? 'writing' : 'validating';
        report();
      },
    });
    const result = await importIntoDexie((db ??= openDataDb()), source, {
      mode: req.mode,
      signal: job.abort.signal,
      onWritten: (n) => {
        progress.written = n;
        progress.phase = 'writing';
        report();
      },
    });
    report(true);
    post({ id: req.id, kind: 'imported', report: { ...result, duplicateIds: result.duplicateIds.length } });
  } finally {
    jobs.delete(req.id);
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  switch (req.kind) {
    case 'export':
      runExport(req).catch((e: unknown) => fail(req.id, e));
      return;
    case 'import':
      runImport(req).catch((e: unknown) => fail(req.id, e));
      return;
    case 'report': {
      const abort = new AbortController();
      jobs.set(req.id, { abort, credit: 0 });
      buildReportFromDexie((db ??= openDataDb()), { ...req, signal: abort.signal })
        .then((r) => post({ id: req.id, kind: 'report', ...r }))
        .catch((e: unknown) => fail(req.id, e))
        .finally(() => jobs.delete(req.id));
      return;
    }
    case 'ack': {
      const job = jobs.get(req.id);
      if (!job) return;
      job.credit++;
      if (req.buffer && job.spare && job.spare.length < CREDIT) job.spare.push(req.buffer);
      const wake = job.ack;
      job.ack = undefined;
      wake?.();
      return;
    }
    case 'piece':
    case 'pieceError': {
      const job = jobs.get(req.id);
      const give = job?.piece;
      if (job) job.piece = undefined;
      give?.(req);
      return;
    }
    case 'cancel': {
      const job = jobs.get(req.id);
      if (!job) return;
      job.abort.abort();
      job.ack?.();
      job.piece?.({ id: req.id, kind: 'pieceError', message: 'cancelled' });
      return;
    }
  }
};
