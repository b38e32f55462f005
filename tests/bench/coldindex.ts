/**
 * `node --expose-gc --import tsx tests/bench/coldindex.ts [--attempts N] [--chromium]`:
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
 * first call after the pages were added, which builds the time order; Cold:
 * each call after a full gc(), so no rows an earlier select made are left).
 *
 * In Node by default; `--chromium` runs the same measurements in a page of
 * Debian's chromium (the app's V8: pointer compression makes every pointer
 * and small integer 4 bytes, not 8), reading the heap over CDP.
 *
 * Last line: JSON of every figure.
 */
import { parseArgs } from 'node:util';
import { measure, type Probe } from './coldindex-measure';

const { values } = parseArgs({
  options: { attempts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '15' }, chromium: { type: 'boolean', default: false } },
  strict: true,
});
const N = Number(values.attempts);
const RUNS = Number(values.runs);
const log = (s: string) => process.stdout.write(`${s}\n`);

function print(where: string, figures: Record<string, number>): void {
  const f = figures;
  log(
    `${where}: clones ${f.clonesBytesPerAttempt} B/attempt; index over clones ${f.indexOverClonesBytesPerAttempt}; index alone ${f.indexBytesPerAttempt}; ` +
      `after select(null) ${f.afterSelectAllBytesPerAttempt}; after select({models}) ${f.afterSelectModelBytesPerAttempt}`,
  );
  log(
    Object.entries(f)
      .filter(([k]) => k.endsWith('Ms'))
      .map(([k, v]) => `${k} ${v}`)
      .join('; '),
  );
  log(JSON.stringify({ where, attempts: N, ...f }));
}

async function inNode(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    process.stderr.write('bench: run with node --expose-gc --import tsx tests/bench/coldindex.ts\n');
    process.exit(2);
  }
  const probe: Probe = {
    gc,
    heap: async () => {
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    },
  };
  print('node', await measure(N, RUNS, probe));
}

async function inChromium(): Promise<void> {
  const { build } = await import('vite');
  const { chromium } = await import('@playwright/test');
  const { CHROMIUM_ARGS } = await import('../../playwright.config');
  const { fileURLToPath } = await import('node:url');
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL('./coldindex-measure.ts', import.meta.url)), formats: ['iife'], name: 'coldIndexBench' },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  const code = outputs[0]!.output.find((o) => o.type === 'chunk')!.code!;
  const browser = await chromium.launch({ executablePath: process.env.TENTH_CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await page.exposeFunction('benchHeap', async () => {
      const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      return u.usedSize + (u.backingStorageSize ?? 0);
    });
    page.on('pageerror', (e) => process.stderr.write(`page: ${e.message}\n`));
    await page.goto('about:blank');
    await page.addScriptTag({ content: code });
    // A string, not a function: tsx would wrap a function's inner functions in a helper the page lacks.
    const figures = (await page.evaluate(
      `coldIndexBench.measure(${N}, ${RUNS}, { gc: () => gc(), heap: async () => { gc(); gc(); return benchHeap(); } })`,
    )) as Record<string, number>;
    print('chromium', figures);
  } finally {
    await browser.close();
  }
}

await (values.chromium ? inChromium() : inNode());
