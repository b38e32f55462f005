/**
 * The page's handle on the journal worker (workers/search.worker.ts): started
 * on first use, fed the ids of changed attempts, asked for the ids matching a
 * filter. One worker for the app.
 */
import { onAttemptsChanged } from '../../db/journal';
import type { FromWorker, JournalFilter, JournalSort, ToWorker } from '../../workers/journal/query';

export interface IndexProgress {
  loaded: number;
  total: number;
  ready: boolean;
  error: string | null;
}

let worker: Worker | null = null;
let seq = 0;
const waiting = new Map<number, { resolve(ids: string[]): void; reject(e: Error): void }>();
let progress: IndexProgress = { loaded: 0, total: 0, ready: false, error: null };
const progressListeners = new Set<(p: IndexProgress) => void>();
const changeListeners = new Set<() => void>();

function start(): Worker {
  if (worker) return worker;
  const startedAt = performance.now();
  const w = new Worker(new URL('../../workers/search.worker.ts', import.meta.url), { type: 'module', name: 'journal' });
  w.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === 'progress') {
      // For the benchmark: how long the worker took to read and index the journal.
      if (m.ready && !progress.ready) performance.measure('journal:indexReady', { start: startedAt, end: performance.now() });
      progress = { loaded: m.loaded, total: m.total, ready: m.ready, error: null };
      progressListeners.forEach((fn) => fn(progress));
    } else if (m.type === 'result') {
      waiting.get(m.seq)?.resolve(m.ids);
      waiting.delete(m.seq);
    } else if (m.type === 'error') {
      if (m.seq !== undefined) {
        waiting.get(m.seq)?.reject(new Error(m.message));
        waiting.delete(m.seq);
      } else {
        progress = { ...progress, error: m.message };
        progressListeners.forEach((fn) => fn(progress));
      }
    }
  };
  worker = w;
  ensureChangeFeed();
  return w;
}

let feed = false;
/** Tells the worker (once it runs) and the page's listeners which attempts changed. */
function ensureChangeFeed() {
  if (feed) return;
  feed = true;
  onAttemptsChanged((ids) => {
    worker?.postMessage({ type: 'changed', ids } satisfies ToWorker);
    changeListeners.forEach((fn) => fn());
  });
}

export function queryIds(filter: JournalFilter, sort: JournalSort): Promise<string[]> {
  const w = start();
  const id = ++seq;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ type: 'query', seq: id, filter, sort } satisfies ToWorker);
  });
}

/**
 * Follows the worker's indexing progress. Does not start it: reading the whole
 * journal competes with the first page's reads, so the table starts it once its
 * first rows are on screen (`warmUp`), or a query that needs it does.
 */
export function onIndexProgress(fn: (p: IndexProgress) => void): () => void {
  progressListeners.add(fn);
  fn(progress);
  return () => progressListeners.delete(fn);
}

/** Starts the worker so search and combined filters are ready when asked for. */
export function warmUp(): void {
  start();
}

/** Called after attempts changed (any write in this window). */
export function onJournalChanged(fn: () => void): () => void {
  ensureChangeFeed();
  changeListeners.add(fn);
  return () => changeListeners.delete(fn);
}
