/**
 * The measurements of tests/bench/coldindex.ts, free of Node: the same code
 * runs in Node (`--expose-gc`) and in a Chromium page (the app's V8, with
 * pointer compression), given a way to read the live heap.
 */
import { serializeRecord } from '../../shared/journal/jsonl';
import { buildPage, ColdIndex, PAGE_ATTEMPTS, type AttemptPageColumns } from '../../shared/journal/pages';
import { sampleJournal } from '../../shared/journal/sample';

export interface Probe {
  /** Bytes in use after a full garbage collection: the JS heap and the contents of typed arrays (outside it). */
  heap(): Promise<number>;
  /** A full garbage collection. */
  gc(): void;
}

/** Lets the job end: a WeakRef's target lives at least until the job that made it or read it ends. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The sample journal's pages' columns, each structured-cloned as IndexedDB gives them back (every string its own copy). */
function columnsOf(n: number): AttemptPageColumns[] {
  const attempts = sampleJournal(n, 3).attempts;
  const out: AttemptPageColumns[] = [];
  for (let i = 0; i < attempts.length; i += PAGE_ATTEMPTS) {
    const part = attempts.slice(i, i + PAGE_ATTEMPTS);
    out.push(structuredClone(buildPage(`page-${String(i / PAGE_ATTEMPTS).padStart(5, '0')}`, part, part.map((a) => serializeRecord(a))).columns));
  }
  return out;
}

function addAll(index: ColdIndex, box: { clones: AttemptPageColumns[] | null }): void {
  for (const c of box.clones!) index.addPage(c);
}

/** Heap figures, in bytes an attempt. */
async function measureHeap(n: number, probe: Probe, figures: Record<string, number>): Promise<void> {
  const per = (bytes: number) => Math.round((bytes / n) * 10) / 10;
  // Warms up what building the columns compiles and caches, so the baseline holds it.
  columnsOf(PAGE_ATTEMPTS * 2);
  await tick();
  const empty = await probe.heap();
  // In a box, added by another function: a loop or a call here with the array
  // would keep it alive (in one of this frame's interpreter registers).
  const box: { clones: AttemptPageColumns[] | null } = { clones: columnsOf(n) };
  await tick();
  const withClones = await probe.heap();
  const index = new ColdIndex();
  addAll(index, box);
  await tick();
  const indexAndClones = await probe.heap();
  box.clones = null;
  await tick();
  const indexAlone = await probe.heap();
  index.select(null);
  await tick();
  const afterAll = await probe.heap();
  index.select({ models: ['gpt-test'] });
  await tick();
  const afterModels = await probe.heap();
  if (index.size !== n) throw new Error(`bench: the index holds ${index.size} attempts, not ${n}`);
  figures.clonesBytesPerAttempt = per(withClones - empty);
  figures.indexOverClonesBytesPerAttempt = per(indexAndClones - withClones);
  figures.indexBytesPerAttempt = per(indexAlone - empty);
  figures.afterSelectAllBytesPerAttempt = per(afterAll - empty);
  figures.afterSelectModelBytesPerAttempt = per(afterModels - empty);
}

/** Every figure: heap (bytes an attempt), then times (ms, the median of `runs` calls). */
export async function measure(n: number, runs: number, probe: Probe): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  await measureHeap(n, probe, figures);

  const cols = columnsOf(n);
  const ix = new ColdIndex();
  let t = performance.now();
  for (const c of cols) ix.addPage(c);
  figures.addPagesMs = performance.now() - t;
  let sink = 0;
  const time = (name: string, f: () => number) => {
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      sink += f();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    figures[`${name}Ms`] = ms[ms.length >> 1]!;
  };
  /** The same, each call after a full gc() in a job of its own: nothing a select made before is left. */
  const timeCold = async (name: string, f: () => number) => {
    const ms: number[] = [];
    for (let r = 0; r < Math.min(runs, 7); r++) {
      await tick();
      probe.gc();
      const t0 = performance.now();
      sink += f();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    figures[`${name}ColdMs`] = ms[ms.length >> 1]!;
  };

  t = performance.now();
  sink += ix.select(null).length;
  figures.firstSelectAllMs = performance.now() - t;
  time('selectAll', () => ix.select(null).length);
  time('selectModel', () => ix.select({ models: ['gpt-test'] }).length);
  time('selectFailed', () => ix.select({ statuses: ['failed'] }).length);
  time('selectRun', () => ix.select({ runIds: ['run-1'], failureClasses: ['timeout'] }).length);
  const hot = new Set(cols[0]!.ids);
  time('selectSkip', () => ix.select(null, (id) => hot.has(id)).length);
  await timeCold('selectAll', () => ix.select(null).length);
  await timeCold('selectModel', () => ix.select({ models: ['gpt-test'] }).length);
  await timeCold('selectFailed', () => ix.select({ statuses: ['failed'] }).length);
  time('countAll', () => ix.count(null));
  time('countModel', () => ix.count({ models: ['gpt-test'] }));
  time('countFailed', () => ix.count({ statuses: ['failed'] }));
  time('has', () => {
    let k = 0;
    for (const c of cols) for (const id of c.ids) if (ix.has(id)) k++;
    return k;
  });
  time('distinct', () => ix.distinct('model').length + ix.distinct('tags').length);
  // What unpage does to one page: out, and back under a new id.
  let k = 0;
  time('replacePage', () => {
    const c = cols[k++ % cols.length]!;
    ix.removePage(c.id);
    ix.addPage(c);
    return 1;
  });
  for (const [name, v] of Object.entries(figures)) if (name.endsWith('Ms')) figures[name] = Math.round(v * 1000) / 1000;
  if (!(sink > 0)) throw new Error('bench: nothing selected');
  return figures;
}
