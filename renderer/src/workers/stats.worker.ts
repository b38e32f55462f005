/**
 * The Stats worker: reads the attempts of the current filter from the same Dexie
 * database (IndexedDB exists in workers), computes the matrix, comparisons,
 * drift and plot series off the main thread, and posts back plain data.
 *
 * Timings are recorded as performance measures `tenth:stats:load` and
 * `tenth:stats:compute` (`tenth:stats:compare` and `tenth:stats:outputs` for a
 * comparison; visible in the worker's performance timeline) and posted back
 * with the result, so the page and the benchmark can show them.
 */
import { createDb, type TenthDb } from '../db/db';
import { computeCompare, computeMatrix, computePlots, type WorkerAttempt } from './stats/compute';
import { filterChoices, loadAttempts } from './stats/load';
import { getAttempts } from '../db/journal';
import type { StatsRequest, StatsResponse } from './stats/protocol';

// The project's lib is DOM, not WebWorker: type the two members of the worker scope used here.
const scope = self as unknown as {
  postMessage(message: StatsResponse): void;
  onmessage: ((event: MessageEvent<StatsRequest>) => void) | null;
};

let db: TenthDb | null = null;
/** The attempts of the last matrix request: compare and plots work on the same set. */
let current: WorkerAttempt[] = [];
/** The filter `current` was loaded for, as JSON, and how it was read. */
let currentKey: string | null = null;
let currentAccess = '';

function measure(name: string, start: string): number {
  const m = performance.measure(name, start);
  return m.duration;
}

async function handle(req: StatsRequest): Promise<StatsResponse> {
  db ??= createDb();
  switch (req.kind) {
    case 'matrix': {
      const key = JSON.stringify(req.filter);
      performance.mark('tenth:stats:load:start');
      let access: string;
      if (!req.reload && key === currentKey) access = `${currentAccess}, cached`;
      else {
        // Let the previous set go before reading the next: two of them at once is twice the heap.
        current = [];
        currentKey = null;
        const loaded = await loadAttempts(db, req.filter);
        current = loaded.attempts;
        currentKey = key;
        currentAccess = access = loaded.access;
      }
      const choices = await filterChoices(db);
      const loadMs = measure('tenth:stats:load', 'tenth:stats:load:start');
      performance.mark('tenth:stats:compute:start');
      const result = computeMatrix(current, req.byCase, { access, ...choices });
      const computeMs = measure('tenth:stats:compute', 'tenth:stats:compute:start');
      return { id: req.id, kind: 'matrix', result, timings: { loadMs, computeMs } };
    }
    case 'compare': {
      performance.mark('tenth:stats:compare:start');
      const result = computeCompare(current, req.targets, req.prompts, undefined, req.labels);
      const computeMs = measure('tenth:stats:compare', 'tenth:stats:compare:start');
      performance.mark('tenth:stats:outputs:start');
      // Outputs only for the few attempts shown, read by primary key.
      const ids = result.gallery.flatMap((g) => g.items.map((i) => i.id));
      const rows = await getAttempts(ids, db);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const col of result.gallery) {
        for (const item of col.items) {
          const r = byId.get(item.id);
          item.output = r ? r.output.slice(0, 2000) : '';
          item.failureMessage = r?.failure?.message ?? null;
        }
      }
      const loadMs = measure('tenth:stats:outputs', 'tenth:stats:outputs:start');
      return { id: req.id, kind: 'compare', result, timings: { loadMs, computeMs } };
    }
    case 'plots':
      return { id: req.id, kind: 'plots', result: computePlots(current, req.targets) };
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  handle(req)
    .then((res) => scope.postMessage(res))
    .catch((e: unknown) => scope.postMessage({ id: req.id, kind: 'error', message: e instanceof Error ? e.message : String(e) }));
};
