/**
 * The journal's worker: keeps a light projection of every attempt and a
 * MiniSearch index over outputs and notes, and answers queries (filters, sort,
 * text) with the matching ids in order. The page fetches only the rows it shows
 * (by id, from Dexie), so 100,000 attempts never cross into the main thread.
 *
 * It opens the same Dexie database itself and reads it through the journal
 * module; the page tells it which ids changed (the journal's change feed there)
 * and it re-reads those.
 */
import MiniSearch from 'minisearch';
import { createDb } from '../db/db';
import { countAttempts, getAttempts, scanAttempts } from '../db/journal';
import type { Attempt } from '../../../shared/domain/schemas';
import { matches, project, sortProjections, type FromWorker, type Projection, type ToWorker } from './journal/query';

const db = createDb();
const rows = new Map<string, Projection>();
const search = new MiniSearch<{ id: string; text: string }>({
  fields: ['text'],
  storeFields: [],
  // Outputs are often code or JSON: keep digits and identifiers as tokens.
  tokenize: (s) => s.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean),
  processTerm: (t) => (t.length > 40 ? t.slice(0, 40) : t),
});
let ready = false;
const waiting: ToWorker[] = [];

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const doc = (a: Attempt) => ({ id: a.id, text: `${a.output.slice(0, 20_000)}\n${a.notes ?? ''}` });

function put(a: Attempt) {
  if (rows.has(a.id) && search.has(a.id)) search.discard(a.id);
  rows.set(a.id, project(a));
  search.add(doc(a));
}

async function load() {
  const total = await countAttempts(null, db);
  post({ type: 'progress', loaded: 0, total, ready: false });
  // Small reads with a pause between: IndexedDB serves this window's requests in
  // turn, so a page the user is waiting for is never queued behind a big read.
  // The scan reads its next page only when the loop asks for it, after the pause.
  for await (const chunk of scanAttempts(null, { pageSize: 1_000 }, db)) {
    for (const a of chunk) {
      rows.set(a.id, project(a));
    }
    search.addAll(chunk.map(doc));
    post({ type: 'progress', loaded: rows.size, total: Math.max(total, rows.size), ready: false });
    await new Promise((r) => setTimeout(r, 4));
  }
  ready = true;
  post({ type: 'progress', loaded: rows.size, total: rows.size, ready: true });
  for (const m of waiting.splice(0)) void handle(m);
}

async function handle(m: ToWorker) {
  if (!ready) {
    waiting.push(m);
    return;
  }
  switch (m.type) {
    case 'changed': {
      const list = await getAttempts(m.ids, db);
      for (const a of list) put(a);
      // An id the journal no longer has was deleted.
      const found = new Set(list.map((a) => a.id));
      for (const id of m.ids) if (!found.has(id) && rows.delete(id) && search.has(id)) search.discard(id);
      break;
    }
    case 'deleted':
      for (const id of m.ids) if (rows.delete(id) && search.has(id)) search.discard(id);
      break;
    case 'query': {
      const t0 = performance.now();
      try {
        let list: Projection[];
        const text = m.filter.text?.trim();
        if (text) {
          const hits = search.search(text, { prefix: true, combineWith: 'AND' });
          list = [];
          for (const h of hits) {
            const p = rows.get(h.id as string);
            if (p && matches(p, m.filter)) list.push(p);
          }
        } else {
          list = [];
          for (const p of rows.values()) if (matches(p, m.filter)) list.push(p);
        }
        sortProjections(list, m.sort);
        post({ type: 'result', seq: m.seq, ids: list.map((p) => p.id), ms: performance.now() - t0 });
      } catch (e) {
        post({ type: 'error', seq: m.seq, message: (e as Error).message });
      }
      break;
    }
  }
}

// One message at a time, in order: a query sees every change sent before it.
let chain: Promise<void> = Promise.resolve();
self.onmessage = (e: MessageEvent<ToWorker>) => {
  chain = chain.then(() => handle(e.data)).catch((err: unknown) => post({ type: 'error', message: (err as Error).message }));
};
load().catch((e: unknown) => post({ type: 'error', message: `The journal index could not be built: ${(e as Error).message}` }));
