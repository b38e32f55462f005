/**
 * `node --expose-gc --import tsx tests/bench/coldindex.ts [--attempts N]`:
 * the live heap and the speed of a ColdIndex (shared/journal/pages.ts) over a
 * big journal. A benchmark prints figures; it asserts nothing.
 *
 * The pages' columns are built from the sample journal, then each is
 * structured-cloned (as IndexedDB hands them back: every string its own copy)
 * and everything else dropped. Heap figures are after a full gc(), in bytes an
 * attempt (the JS heap and the contents of typed arrays, which live outside it):
 * - clones: the cloned columns alone (what a read of the pages holds);
 * - index over clones: added by the index while the clones are still held;
 * - index: the index alone, once nothing else holds the clones (what a
 *   context keeps: cold.ts drops the columns it read once they are added);
 * - after select(null) / select({models}): the index alone again, after a
 *   select whose result was dropped (what the index caches).
 * Then the time of select and count, the median of several calls (first: the
 * first call after the pages were added, which builds the time order).
 *
 * Last line: JSON of every figure.
 */
import { parseArgs } from 'node:util';
import { serializeRecord } from '../../shared/journal/jsonl';
import { buildPage, ColdIndex, PAGE_ATTEMPTS, type AttemptPageColumns } from '../../shared/journal/pages';
import { sampleJournal } from '../../shared/journal/sample';

const { values } = parseArgs({ options: { attempts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '15' } }, strict: true });
const N = Number(values.attempts);
const RUNS = Number(values.runs);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('bench: run with node --expose-gc --import tsx tests/bench/coldindex.ts\n');
  process.exit(2);
}
const log = (s: string) => process.stdout.write(`${s}\n`);

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function heap(): number {
  gc!();
  gc!();
  // Typed arrays' contents are outside the JS heap (arrayBuffers): counted too.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function columnsOf(n: number): AttemptPageColumns[] {
  const attempts = sampleJournal(n, 3).attempts;
  const out: AttemptPageColumns[] = [];
  for (let i = 0; i < attempts.length; i += PAGE_ATTEMPTS) {
    const part = attempts.slice(i, i + PAGE_ATTEMPTS);
    out.push(structuredClone(buildPage(`page-${String(i / PAGE_ATTEMPTS).padStart(5, '0')}`, part, part.map((a) => serializeRecord(a))).columns));
  }
  return out;
}

const per = (bytes: number) => Math.round((bytes / N) * 10) / 10;
const figures: Record<string, number> = {};

function addAll(index: ColdIndex, box: { clones: AttemptPageColumns[] | null }): void {
  for (const c of box.clones!) index.addPage(c);
}

// Heap: in a function, so that nothing at the top level keeps what it drops.
async function measureHeap(): Promise<void> {
  // Warms up what building the columns compiles and caches, so the baseline holds it.
  columnsOf(PAGE_ATTEMPTS * 2);
  const empty = heap();
  // In a box, added by another function: a loop or a call here with the array
  // would keep it alive (in one of this frame's interpreter registers).
  const box: { clones: AttemptPageColumns[] | null } = { clones: columnsOf(N) };
  const withClones = heap();
  const index = new ColdIndex();
  addAll(index, box);
  const indexAndClones = heap();
  box.clones = null;
  const indexAlone = heap();
  index.select(null);
  // A WeakRef's target lives at least until the job that made it ends.
  await tick();
  const afterAll = heap();
  index.select({ models: ['gpt-test'] });
  await tick();
  const afterModels = heap();
  figures.clonesBytesPerAttempt = per(withClones - empty);
  figures.indexOverClonesBytesPerAttempt = per(indexAndClones - withClones);
  figures.indexBytesPerAttempt = per(indexAlone - empty);
  figures.afterSelectAllBytesPerAttempt = per(afterAll - empty);
  figures.afterSelectModelBytesPerAttempt = per(afterModels - empty);
  if (index.size !== N) throw new Error(`bench: the index holds ${index.size} attempts, not ${N}`);
}
await measureHeap();
log(
  `clones ${figures.clonesBytesPerAttempt} B/attempt; index over clones ${figures.indexOverClonesBytesPerAttempt}; index alone ${figures.indexBytesPerAttempt}; ` +
    `after select(null) ${figures.afterSelectAllBytesPerAttempt}; after select({models}) ${figures.afterSelectModelBytesPerAttempt}`,
);

// Speed.
const cols = columnsOf(N);
const ix = new ColdIndex();
let t = performance.now();
for (const c of cols) ix.addPage(c);
figures.addPagesMs = performance.now() - t;

function time(name: string, f: () => unknown): void {
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  figures[`${name}Ms`] = Math.round(ms[ms.length >> 1]! * 1000) / 1000;
}

/** The same, each call after a full gc() in a job of its own: nothing a select made before is left. */
async function timeCold(name: string, f: () => unknown): Promise<void> {
  const ms: number[] = [];
  for (let r = 0; r < Math.min(RUNS, 7); r++) {
    await tick();
    gc!();
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  figures[`${name}ColdMs`] = ms[ms.length >> 1]!;
}

t = performance.now();
const first = ix.select(null).length;
figures.firstSelectAllMs = performance.now() - t;
let sink = first;
time('selectAll', () => (sink += ix.select(null).length));
time('selectModel', () => (sink += ix.select({ models: ['gpt-test'] }).length));
time('selectFailed', () => (sink += ix.select({ statuses: ['failed'] }).length));
time('selectRun', () => (sink += ix.select({ runIds: ['run-1'], failureClasses: ['timeout'] }).length));
const hot = new Set(cols[0]!.ids);
time('selectSkip', () => (sink += ix.select(null, (id) => hot.has(id)).length));
await timeCold('selectAll', () => (sink += ix.select(null).length));
await timeCold('selectModel', () => (sink += ix.select({ models: ['gpt-test'] }).length));
await timeCold('selectFailed', () => (sink += ix.select({ statuses: ['failed'] }).length));
time('countAll', () => (sink += ix.count(null)));
time('countModel', () => (sink += ix.count({ models: ['gpt-test'] })));
time('countFailed', () => (sink += ix.count({ statuses: ['failed'] })));
time('has', () => {
  for (const c of cols) for (const id of c.ids) if (ix.has(id)) sink++;
});
time('distinct', () => (sink += ix.distinct('model').length + ix.distinct('tags').length));
// What unpage does to one page: out, and back under a new id.
let k = 0;
time('replacePage', () => {
  const c = cols[k++ % cols.length]!;
  ix.removePage(c.id);
  ix.addPage(c);
});
for (const [k2, v] of Object.entries(figures)) if (k2.endsWith('Ms')) figures[k2] = Math.round(v * 1000) / 1000;
log(Object.entries(figures).filter(([k2]) => k2.endsWith('Ms')).map(([k2, v]) => `${k2} ${v}`).join('; '));
log(JSON.stringify({ attempts: N, ...figures, sink: sink > 0 }));
