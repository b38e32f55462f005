/**
 * `npm run bench:io` — export and import 100,000 attempts through the app's own
 * code paths, in headless Chromium through the browser host: a generated
 * journal file is imported with the Data section's file input (data worker:
 * File.stream() → validation of every line → attempts written 500 to a page,
 * staged until the file proves valid), then exported as JSONL (data worker:
 * the pages' stored bytes → chunk buffers transferred to the page, and back
 * with its ack → the host's raw-bytes route → file in exports/). The UI
 * only starts each job and shows progress (throttled to 10 updates a second),
 * so the figures are the worker's, IndexedDB's and the bridge's.
 *
 * Chromium is driven over a DevTools pipe by a minimal CDP client (cdp.ts), not
 * by Playwright: Playwright enables the Network domain on every page and
 * worker, and with it Chromium keeps every request's POST body (the export's
 * ~95 MB of 4 MB chunks: +80 MB in Playwright's process with Uint8Array bodies,
 * base64'ed over CDP, the export at ~20k attempts/s instead of ~60k; +92 MB in
 * the browser process with Blob bodies, not freed by GC), which the app, with
 * no DevTools client, never does. Nothing here enables Network: the page is
 * driven with Page.navigate, Runtime.evaluate (the UI helpers of `benchDom`,
 * installed in the page), DOM.setFileInputFiles, and the heaps, GCs and
 * profiles read with Runtime, HeapProfiler and Profiler. Chromium gets a fresh
 * profile (--user-data-dir) in the bench's temp dir and its default browser
 * context, so IndexedDB is on disk as in the app (Playwright's `newPage` made
 * an off-the-record context, whose IndexedDB is in memory).
 *
 * The browser host runs in a child process of its own (host-child.ts), as in
 * the app, apart from this process, the driver, whose heap and event loop it
 * would otherwise share.
 *
 * Memory: the host's RSS (its process) and the PSS of the Chromium processes
 * (shared pages counted once, where summing RSS counted them once per process),
 * read from /proc by a child process (procmem.ts) so the reads never block the
 * driver's event loop; and the JS heaps of the data worker and the page (CDP
 * Runtime.getHeapUsage), printed at 10 %, 50 % and 100 % of the attempts. Used
 * heap mixes what is live with garbage not yet collected, so at about 10 %,
 * 50 % and 100 % of each job a full GC is forced in the data worker, the page
 * and the host (`gc()`, exposed by a V8 flag), and the live
 * heaps are read after it; the verdict lines compare the 100 % point with the
 * 10 % point, and the Chromium PSS there too (by process type, to see which moves).
 * The driver's own RSS, heap after GC and CPU time (small now: a pipe's JSON
 * messages) are printed on a line of their own, in no verdict, peak or CPU
 * figure: it is not the app.
 * The raw IndexedDB ceiling (the same attempts bare-added into a store with
 * the same indexes; `rawIdbCeiling`, serialised into the page) is measured in the same run as the import's baseline,
 * after both exports, so its garbage is in none of their samples.
 *
 * CPU: the seconds of the bench's process tree but for this process (the
 * driver) and the memory sampler: the host's process and Chromium's.
 *
 * Usage: `npm run bench:io [-- attempts] [--profile] [--incognito]` (--profile
 * prints CPU profiles of the data worker, the page and the host per job; the
 * host's is taken by node:inspector in its own process, on request;
 * --incognito runs the page in an off-the-record browser context, IndexedDB in
 * memory, as the Playwright-driven bench did, to compare with its figures). Prints figures,
 * then as the LAST line `{"attempts", "exportPerSec", "importPerSec",
 * "peakRssMb", "liveHeapMb", "memoryFlat"}` (peakRssMb: host RSS + Chromium PSS
 * at the worst moment; liveHeapMb: per job, the live JS heaps summed at 10 /
 * 50 / 100 %; memoryFlat: the verdict).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { exportJsonl } from '../../shared/journal/export';
import { sampleJournal } from '../../shared/journal/sample';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { Cdp } from './cdp';
import { summarize, topSelf, WorkerCdp, type CpuProfile } from './cpuprofile';
import { HostChild, type HostMemory } from './host-child';
import { ProcMem, type MemorySample } from './procmem';

const ARGS = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const PROFILE = process.argv.includes('--profile');
const INCOGNITO = process.argv.includes('--incognito');
const N = Number(ARGS[0] ?? 100_000);
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of one process, from /proc; 0 if it is gone. */
function cpuSec(pid: number): number {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds (user + system) of a process tree, from /proc: `root`'s
 * descendants, without `root` itself and without the subtrees of `skip`.
 * (Exited children, such as the `--generate` one, are not walked.)
 */
function treeCpuSec(root: number, skip: number[] = []): number {
  let sec = 0;
  const stack = childPids(root);
  while (stack.length) {
    const pid = stack.pop()!;
    if (skip.includes(pid)) continue;
    sec += cpuSec(pid);
    stack.push(...childPids(pid));
  }
  return sec;
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

const fmtTypes = (m: MemorySample) =>
  Object.entries(m.byType)
    .sort((a, b) => b[1] - a[1])
    .map(([t, mb]) => `${t} ${mb.toFixed(0)}`)
    .join(', ');
const fmtMem = (m: MemorySample) => `host RSS ${m.hostRssMb.toFixed(0)} MB, chromium PSS ${m.chromiumPssMb.toFixed(0)} MB`;

/** Where in a job (fractions of N) a live-heap point is taken besides its end. */
const LIVE_AT = [0.1, 0.5];

/** The heaps after full GCs forced in the data worker, the page and the host, and the memory right after. */
interface LivePoint {
  /** Attempts done when it was taken. */
  n: number;
  workerMb: number;
  pageMb: number;
  /** The host's JS heap and the memory its objects hold outside it (Buffers, ArrayBuffers), in its own process. */
  hostMb: number;
  /** The same for this process, the driver (the CDP client): not the app, in no verdict. */
  driver: { mb: number; arrayBuffersMb: number };
  m: MemorySample;
  /** Wall time of each GC (the host's, the data worker's and the page's run at once, each in its own process or thread). */
  gcMs: { host: number; worker: number; page: number };
}

/**
 * A full GC of the driver's heap (this process: the CDP client, not the app), for
 * its line apart; `gc()` runs one, where HeapProfiler.collectGarbage runs several.
 */
v8.setFlagsFromString('--expose-gc');
const driverGc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
/** Used JS heap and the memory its objects hold outside it, MB. */
const heapAndExternalMb = (u: Pick<HostMemory, 'heapUsed' | 'external'>) => (u.heapUsed + u.external) / MB;

/** The Chromium processes whose PSS changed most between two samples. */
function movers(a: MemorySample, b: MemorySample): string {
  return [...new Set([...Object.keys(a.byType), ...Object.keys(b.byType)])]
    .map((t) => [t, (b.byType[t] ?? 0) - (a.byType[t] ?? 0)] as const)
    .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
    .slice(0, 3)
    .map(([t, d]) => `${t} ${d >= 0 ? '+' : ''}${d.toFixed(0)} MB`)
    .join(', ');
}

const liveMb = (p: LivePoint) => p.workerMb + p.pageMb + p.hostMb;

/**
 * Whether a job's memory stayed flat once warmed up: from its live-heap point
 * at ≈50 % to its end, the live JS heaps (data worker + page + host) and the
 * Chromium PSS may each grow by at most a tenth of the journal bytes that went
 * through between the two points. Holding those attempts would cost at least
 * their bytes (far more as objects), so growth with the journal's size fails
 * it, and a constant overhead (caches, a chunk in flight) passes. The ≈10 %
 * point comes before the warm-up (V8 and the allocators growing their heaps to
 * the job's working size, which then stays), so it is printed, not judged.
 */
function flatness(name: string, live: (LivePoint | null)[], fileBytes: number): { name: string; flat: boolean; line: string; liveMb: (number | null)[] } {
  const before = live.filter((p): p is LivePoint => p !== null && p.n < N);
  const first = before.find((p) => p.n >= N * 0.3) ?? before[0] ?? null;
  const end = live[live.length - 1] ?? null;
  const liveMbs = live.map((p) => (p ? Math.round(liveMb(p)) : null));
  if (!first || !end) return { name, flat: false, line: `memory flat? ${name}: no live-heap point before the end to compare with`, liveMb: liveMbs };
  const throughMb = (fileBytes * (end.n - first.n)) / N / 1024 / 1024;
  const tolerance = throughMb / 10;
  const perAttempt = (who: string, a: number, b: number) => `${who} ${b - a >= 0 ? '+' : ''}${(b - a).toFixed(1)} MB (${Math.round(((b - a) * 1024 * 1024) / (end.n - first.n))} bytes an attempt)`;
  const growth = (a: number, b: number) => `${a.toFixed(0)} → ${b.toFixed(0)} MB (${b - a >= 0 ? '+' : ''}${(b - a).toFixed(1)})`;
  const flat = liveMb(end) - liveMb(first) <= tolerance && end.m.chromiumPssMb - first.m.chromiumPssMb <= tolerance;
  const line =
    `memory flat? ${name}, once warmed up: ${first.n.toLocaleString('en-US')} → ${end.n.toLocaleString('en-US')} attempts, after forced GCs: ` +
    `live JS heap (data worker + page + host) ${growth(liveMb(first), liveMb(end))}, chromium PSS ${growth(first.m.chromiumPssMb, end.m.chromiumPssMb)}; ` +
    `tolerance +${tolerance.toFixed(1)} MB each (a tenth of the ${throughMb.toFixed(0)} MB of journal that went through) → ${flat ? 'flat' : 'GROWS'}` +
    ` (host RSS ${growth(first.m.hostRssMb, end.m.hostRssMb)}, not judged: freed memory is not always returned to the OS)` +
    (flat ? '' : `; by side, live heap: ${perAttempt('data worker', first.workerMb, end.workerMb)}, ${perAttempt('page', first.pageMb, end.pageMb)}, ${perAttempt('host', first.hostMb, end.hostMb)}; PSS by process: ${movers(first.m, end.m)}`);
  return { name, flat, line, liveMb: liveMbs };
}

/**
 * Runs in the page: copies the journal's attempts into fresh databases with
 * bare IndexedDB (no Dexie, no validation), `batch` records per transaction,
 * timing the writes alone, then reads them back a page at a time. Three
 * layouts, to show what bounds the import and export and what would not:
 * - `indexed`: the app's `attempts` store, its key path and all its indexes;
 * - `bare`: the same records in a store with no secondary index;
 * - `packed`: `pack` attempts per record, as the JSONL text of their lines
 *   (what a journal kept in pages, with its indexes in memory, would write).
 * Self-contained: it is serialised into the page.
 */
async function rawIdbCeiling({ batch, pack }: { batch: number; pack: number }): Promise<Record<'indexed' | 'bare' | 'packed', { perSec: number; readPerSec: number }> & { batch: number; pack: number }> {
  const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
  const done = (tx: IDBTransaction) => new Promise<void>((ok, fail) => ((tx.oncomplete = () => ok()), (tx.onerror = () => fail(tx.error)), (tx.onabort = () => fail(tx.error))));
  const app = await req(indexedDB.open('tenth'));
  const src = app.transaction('attempts').objectStore('attempts');
  const indexes = [...src.indexNames].map((n) => {
    const i = src.index(n);
    return { name: n, keyPath: i.keyPath, multiEntry: i.multiEntry, unique: i.unique };
  });
  const keyPath = src.keyPath;
  // The imported attempts are in the journal's pages: parse them back to records, `batch` at a time.
  const pageIds = (await req(app.transaction('attemptPages').objectStore('attemptPages').getAllKeys())) as string[];
  const decoder = new TextDecoder();
  const sourceBatches = async function* (): AsyncGenerator<unknown[]> {
    let rows: unknown[] = [];
    for (const id of pageIds) {
      // A page is `{ text }` (lines joined by "\n", schema V4) or `{ bytes, ends }` (each line's UTF-8 and its "\n", V5).
      const page = (await req(app.transaction('attemptPages').objectStore('attemptPages').get(id))) as { text?: string; bytes?: Uint8Array };
      const text = page.text ?? decoder.decode(page.bytes);
      for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line));
      if (rows.length >= batch) {
        yield rows;
        rows = [];
      }
    }
    if (rows.length) yield rows;
  };
  const layout = async (name: 'indexed' | 'bare' | 'packed') => {
    const dbName = `tenth-ceiling-${name}`;
    await req(indexedDB.deleteDatabase(dbName));
    const open = indexedDB.open(dbName, 1);
    open.onupgradeneeded = () => {
      const store = open.result.createObjectStore('attempts', { keyPath: name === 'packed' ? 'k' : keyPath });
      if (name === 'indexed') for (const i of indexes) store.createIndex(i.name, i.keyPath, { multiEntry: i.multiEntry, unique: i.unique });
    };
    const db = await req(open);
    let writeMs = 0;
    let n = 0;
    for await (const rows of sourceBatches()) {
      const t = performance.now();
      const tx = db.transaction('attempts', 'readwrite', { durability: 'relaxed' });
      const store = tx.objectStore('attempts');
      if (name === 'packed') {
        // The serialising is part of the packed layout's cost, so it is timed.
        for (let i = 0; i < rows.length; i += pack) store.add({ k: n + i, text: rows.slice(i, i + pack).map((r) => JSON.stringify(r)).join('\n') });
      } else for (const r of rows) store.add(r);
      await done(tx);
      writeMs += performance.now() - t;
      n += rows.length;
    }
    let readMs = performance.now();
    let last: IDBValidKey | null = null;
    let read = 0;
    for (;;) {
      const range: IDBKeyRange | null = last === null ? null : IDBKeyRange.lowerBound(last, true);
      const rows: unknown[] = await req(db.transaction('attempts').objectStore('attempts').getAll(range, name === 'packed' ? Math.ceil(batch / pack) : batch));
      if (rows.length === 0) break;
      if (name === 'packed') {
        last = (rows[rows.length - 1] as { k: number }).k;
        // Export needs the lines, not objects: splitting them is the whole cost.
        for (const r of rows) read += (r as { text: string }).text.split('\n').length;
      } else {
        last = (rows[rows.length - 1] as { id: string }).id;
        read += rows.length;
      }
    }
    readMs = performance.now() - readMs;
    db.close();
    await req(indexedDB.deleteDatabase(dbName));
    return { perSec: Math.round((n / writeMs) * 1000), readPerSec: Math.round((read / readMs) * 1000) };
  };
  const indexed = await layout('indexed');
  const bare = await layout('bare');
  const packed = await layout('packed');
  app.close();
  return { indexed, bare, packed, batch, pack };
}

/**
 * The page's side of driving the UI, installed in the page as `__bench`
 * (serialised, so self-contained). It finds elements as the bench's old
 * Playwright locators did: a region is an element with an aria-label or
 * aria-labelledby (the Data section's `<section aria-labelledby>`) whose name
 * is `region`; a button is found by its accessible name (aria-label, else its
 * text; `exact` or a case-insensitive substring), visible; a control by its
 * `<label>`'s text or its aria-label. More than one match is an error, as in
 * Playwright's strict mode. `wait` resolves with the first value of `check`
 * that is neither null nor false, looking again on every DOM mutation and
 * every 100 ms.
 */
function benchDom() {
  const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
  const accName = (el: Element): string => {
    const label = el.getAttribute('aria-label');
    if (label) return norm(label);
    const by = el.getAttribute('aria-labelledby');
    if (by) return norm(by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
    return norm(el.textContent);
  };
  const named = (name: string, exact: boolean) => (el: Element) => {
    const n = accName(el);
    return exact ? n === name : n.toLowerCase().includes(name.toLowerCase());
  };
  const visible = (el: Element) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const one = <T extends Element>(what: string, els: T[]): T | null => {
    if (els.length > 1) throw new Error(`${els.length} elements match ${what}`);
    return els[0] ?? null;
  };
  /** The region (`region` exactly), or the document if no name is given. */
  const scope = (region: string | null): ParentNode | null =>
    region === null ? document : one(`region ${region}`, [...document.querySelectorAll('section[aria-label], section[aria-labelledby], [role="region"]')].filter(named(region, true)));
  const button = (root: ParentNode, name: string, exact: boolean) =>
    one(`button ${name}`, [...root.querySelectorAll<HTMLButtonElement>('button, [role="button"]')].filter((b) => visible(b) && named(name, exact)(b)));
  /** The form control labelled `label` (its `<label>`, or its aria-label). */
  const control = (root: ParentNode, label: string) => {
    const byLabel = [...root.querySelectorAll('label')].filter((l) => norm(l.textContent).toLowerCase().includes(label.toLowerCase())).map((l) => l.control);
    const byAria = [...root.querySelectorAll('input, select, textarea')].filter((el) => named(label, false)(el) && el.hasAttribute('aria-label'));
    return one(`control ${label}`, [...new Set([...byLabel, ...byAria])].filter((el): el is HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement => !!el));
  };
  return {
    /** Clicks the button once it is there and enabled; null until then. */
    click(region: string | null, name: string, exact: boolean, nav?: string): true | null {
      const root = nav ? one(`navigation ${nav}`, [...document.querySelectorAll('nav, [role="navigation"]')].filter(named(nav, true))) : scope(region);
      const b = root && button(root, name, exact);
      if (!b || b.disabled || b.getAttribute('aria-disabled') === 'true') return null;
      b.click();
      return true;
    },
    /** Whether a visible heading of `level` named `name` is there. */
    heading(level: number, name: string): true | null {
      return [...document.querySelectorAll(`h${level}`)].some((h) => visible(h) && named(name, false)(h)) || null;
    },
    /** A selector matching the control labelled `label` in `region` (given an id if it has none), for DOM.querySelector. */
    controlSelector(region: string, label: string): string | null {
      const root = scope(region);
      const el = root && control(root, label);
      if (!el) return null;
      if (!el.id) el.id = `bench-${Math.random().toString(36).slice(2)}`;
      return `#${CSS.escape(el.id)}`;
    },
    /** Selects the option whose value or text is `option` in the select labelled `label`; null until it is there and enabled. */
    select(region: string, label: string, option: string): true | null {
      const root = scope(region);
      const el = root && control(root, label);
      if (!(el instanceof HTMLSelectElement) || el.disabled) return null;
      const opt = [...el.options].find((o) => o.value === option || norm(o.textContent) === option);
      if (!opt) throw new Error(`no option ${option} in ${label}`);
      el.value = opt.value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    },
    /** The text of the region's (one visible) status, if it matches `pattern`. */
    status(region: string, pattern: string, flags = ''): string | null {
      const root = scope(region);
      const el = root && one(`status in ${region}`, [...root.querySelectorAll('[role="status"]')].filter(visible));
      const text = el?.textContent ?? null;
      return text !== null && new RegExp(pattern, flags).test(text) ? text : null;
    },
    /** The text of the `<code>` in the region's status (the export's path). */
    statusCode(region: string): string | null {
      const root = scope(region);
      return (root && root.querySelector('[role="status"] code')?.textContent) ?? null;
    },
    wait<T>(check: () => T | null | false, timeoutMs: number, what: string): Promise<T> {
      return new Promise<T>((ok, fail) => {
        let done = false;
        const finish = (f: () => void) => {
          if (done) return;
          done = true;
          observer.disconnect();
          clearInterval(timer);
          clearTimeout(deadline);
          f();
        };
        const look = () => {
          try {
            const v = check();
            if (v !== null && v !== false) finish(() => ok(v));
          } catch (e) {
            finish(() => fail(e));
          }
        };
        const observer = new MutationObserver(look);
        observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        const timer = setInterval(look, 100);
        const deadline = setTimeout(() => finish(() => fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
        look();
      });
    },
  };
}

/** Calls `check` every 50 ms until it resolves true; throws after `timeoutMs`. */
async function poll(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes the generated journal (run in a child process, so its memory is not counted). */
async function generate(file: string, n: number): Promise<void> {
  const parts: string[] = [];
  for await (const c of exportJsonl(sampleJournal(n, 3), { app: { name: 'Tenth', version: 'bench' }, exportedAt: 1 })) parts.push(c);
  await writeFile(file, parts.join(''));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tenth-bench-io-'));
  const dataDir = join(dir, 'data');
  const file = join(dir, 'journal.jsonl');
  try {
    // The input file: a sample journal as the exporter writes it (all statuses and failure classes).
    const t = performance.now();
    const gen = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--generate', file, String(N)], { stdio: 'inherit' });
    if (gen.status !== 0) throw new Error('generating the journal failed');
    const size = (await stat(file)).size;
    console.log(`generated ${N} attempts, ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // The host in its own process (host-child.ts), as in the app: not in the driver's.
    const host = await HostChild.start({ dataDir, rendererDir: process.env.TENTH_RENDERER_DIR });
    // Chromium driven over a CDP pipe (cdp.ts), never with the Network domain enabled; a fresh profile in the temp dir.
    // `gc()` in the page and the worker: one full GC at a live-heap point, not the several of HeapProfiler.collectGarbage.
    const browser = await Cdp.launch({
      executable: process.env.TENTH_CHROMIUM ?? '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
      userDataDir: join(dir, 'chromium-profile'),
    }).catch(async (e: unknown) => {
      await host.close();
      throw e;
    });
    const mem = await ProcMem.spawn(host.pid);
    /** The CPU seconds of the host and Chromium: the bench's process tree but the driver (this process) and the sampler. */
    const appCpuSec = () => treeCpuSec(process.pid, [mem.pid]);
    try {
      // --incognito: an off-the-record context, as Playwright's newPage made (IndexedDB in memory), for comparisons.
      const context = INCOGNITO ? (await browser.send<{ browserContextId: string }>('Target.createBrowserContext')).browserContextId : undefined;
      // The export is also offered as a download; the bench doesn't need the copy.
      await browser.send('Browser.setDownloadBehavior', context ? { behavior: 'deny', browserContextId: context } : { behavior: 'deny' });
      const page = await browser.newPage('about:blank', context);
      // Attached before the data worker exists, so it is seen when the first job creates it.
      const worker = await WorkerCdp.attach(page);
      const url = `${host.url}/#token=${host.token}`;
      const nav = await page.send<{ errorText?: string }>('Page.navigate', { url });
      if (nav.errorText) throw new Error(`navigating to the host failed: ${nav.errorText}`);
      // The app takes the token out of the URL once it has it: the host's origin is what tells the new document.
      await poll('the app to load', 30_000, () => page.evaluate<boolean>(`location.href.startsWith(${JSON.stringify(host.url)}) && document.readyState !== 'loading'`));
      // The UI helpers (benchDom); tsx keeps function names with a `__name` helper the page doesn't have.
      await page.evaluate(`globalThis.__name ??= (f) => f; globalThis.__bench = (${benchDom.toString()})(); true`);
      /** Evaluates `call` on the page's `__bench` (benchDom) and waits until it gives a value (neither null nor false). */
      const until = <T>(call: string, timeoutMs = 10_000) =>
        page.evaluate<T>(`__bench.wait(() => __bench.${call}, ${timeoutMs}, ${JSON.stringify(call)})`, { timeoutMs: timeoutMs + 10_000 });
      await until("click(null, 'Settings', true, 'Main')");
      await until("heading(2, 'Import')");
      const pageHeapMb = async () => (await page.send<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
      const pageGc = async () => {
        if ((await page.evaluate<boolean>('typeof gc === "function" && (gc(), true)')) !== true) await page.send('HeapProfiler.collectGarbage');
      };

      /**
       * A live-heap point: a full GC forced in the host, the data worker and
       * the page at once (each in its own process or thread), then their used
       * heaps (what is still reachable) and the memory sample right after; then
       * one in the driver (this process), for its line apart. Costs the GCs' time, tens of milliseconds.
       */
      const livePoint = async (n: number): Promise<LivePoint> => {
        const t = performance.now();
        const timed = async (gc: () => Promise<unknown>) => {
          await gc();
          return performance.now() - t;
        };
        const [hostMem, workerMs, pageMs] = await Promise.all([host.gc(), timed(() => worker.collectGarbage()), timed(pageGc)]);
        const [workerMb, pageMb] = await Promise.all([worker.heapMb(), pageHeapMb()]);
        const m = await mem.sample({ relist: true });
        driverGc();
        const d = process.memoryUsage();
        return {
          n,
          workerMb: workerMb ?? 0,
          pageMb,
          hostMb: heapAndExternalMb(hostMem),
          driver: { mb: heapAndExternalMb(d), arrayBuffersMb: d.arrayBuffers / MB },
          m,
          gcMs: { host: hostMem.gcMs ?? 0, worker: workerMs, page: pageMs },
        };
      };

      /**
       * Runs a job while polling the count of attempts done ten times a second:
       * a memory sample twice a second (printed nearest 10 %, 50 % and 100 % of
       * N), and a live-heap point when the count first reaches 10 % and 50 %,
       * and at the end.
       */
      const watched = async <T>(
        name: string,
        done: () => Promise<T>,
        count: () => Promise<number | null>,
      ): Promise<{ value: T; ms: number; cpu: number; driverCpu: number; peak: MemorySample; live: (LivePoint | null)[] }> => {
        const samples: { n: number; m: MemorySample; workerHeapMb: number | null; pageHeapMb: number }[] = [];
        const live: (LivePoint | null)[] = [];
        let stop = false;
        const loop = (async () => {
          let sampledAt = performance.now();
          while (!stop) {
            await new Promise((r) => setTimeout(r, 100));
            const n = await count().catch(() => null);
            if (n === null || stop) continue;
            if (live.length < LIVE_AT.length && n >= N * LIVE_AT[live.length]!) {
              live.push(
                await livePoint(n).catch((e: unknown) => {
                  console.log(`  (${name}: the live-heap point at ${n} attempts failed: ${String(e)})`);
                  return null;
                }),
              );
              continue;
            }
            if (performance.now() - sampledAt < 500) continue;
            sampledAt = performance.now();
            samples.push({ n, m: await mem.sample(), workerHeapMb: await worker.heapMb().catch(() => null), pageHeapMb: await pageHeapMb() });
          }
        })();
        await mem.start();
        const cpu0 = appCpuSec();
        const driverCpu0 = cpuSec(process.pid);
        const t0 = performance.now();
        const value = await profiled(name, done);
        const ms = performance.now() - t0;
        const cpu = appCpuSec() - cpu0;
        const driverCpu = cpuSec(process.pid) - driverCpu0;
        stop = true;
        await loop;
        const peak = await mem.stop();
        samples.push({ n: N, m: await mem.sample(), workerHeapMb: await worker.heapMb().catch(() => null), pageHeapMb: await pageHeapMb() });
        for (const at of [0.1, 0.5, 1]) {
          const want = N * at;
          const s = samples.reduce<(typeof samples)[number] | null>((best, x) => (!best || Math.abs(x.n - want) < Math.abs(best.n - want) ? x : best), null);
          if (!s) continue;
          const heap = s.workerHeapMb === null ? 'n/a' : `${s.workerHeapMb.toFixed(0)} MB`;
          console.log(`  ${name} at ${s.n.toLocaleString('en-US').padStart(7)} attempts: ${fmtMem(s.m)}, JS heap (live + garbage): data worker ${heap}, page ${s.pageHeapMb.toFixed(0)} MB`);
        }
        // The end point: the job is done, so the GCs cost it nothing.
        while (live.length < LIVE_AT.length) live.push(null);
        live.push(await livePoint(N));
        const pts = (f: (p: LivePoint) => string) => live.map((p) => (p ? f(p) : 'n/a')).join(' / ');
        const mb = (f: (p: LivePoint) => number) => pts((p) => f(p).toFixed(0));
        console.log(`  ${name} live JS heap after forced GC: data worker ${mb((p) => p.workerMb)} MB, page ${mb((p) => p.pageMb)} MB, host (heap + external) ${mb((p) => p.hostMb)} MB at ${pts((p) => p.n.toLocaleString('en-US'))} attempts (≈10 / 50 / 100 %)`);
        console.log(`  ${name} right after those GCs: chromium PSS ${mb((p) => p.m.chromiumPssMb)} MB, host RSS ${mb((p) => p.m.hostRssMb)} MB; the GCs took (ms, host | max of worker and page, at once) ${pts((p) => `${p.gcMs.host.toFixed(0)} | ${Math.max(p.gcMs.worker, p.gcMs.page).toFixed(0)}`)}, the first two inside the job's time`);
        for (const p of live) if (p) console.log(`    PSS by process at ${p.n.toLocaleString('en-US')}: ${fmtTypes(p.m)}`);
        return { value, ms, cpu, driverCpu, peak, live };
      };

      const profiled = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
        if (!PROFILE) return run();
        await page.send('Profiler.enable');
        await page.send('Profiler.start');
        // The host's profile: node:inspector in its own process, on request.
        await host.startProfile();
        const result = run();
        await worker.ready();
        await worker.startProfile();
        const value = await result;
        const workerProfile = await worker.stopProfile();
        const pageProfile = (await page.send<{ profile: CpuProfile }>('Profiler.stop')).profile;
        const hostProfile = await host.stopProfile();
        for (const [who, prof] of [['data worker', workerProfile], ['page', pageProfile], ['host', hostProfile]] as const) {
          console.log(`--- ${name}: ${who} CPU profile (ms): self, then total`);
          for (const r of topSelf(prof, 14)) console.log(`${String(r.selfMs).padStart(7)}  ${r.fn}`);
          for (const r of summarize(prof, 16)) console.log(`${String(r.totalMs).padStart(7)} ${String(r.selfMs).padStart(7)}  ${r.fn}`);
        }
        return value;
      };

      const baseline = await mem.sample({ relist: true });
      driverGc();
      const driverBaseline = process.memoryUsage();
      console.log(`baseline: ${fmtMem(baseline)}, page JS heap ${(await pageHeapMb()).toFixed(0)} MB (chromium over a CDP pipe, no Network domain; ${INCOGNITO ? 'off-the-record context: IndexedDB in memory' : 'fresh profile, default context: IndexedDB on disk, as in the app'})`);
      const progressText = () => page.evaluate<string | null>(`document.querySelector('.data-progress')?.textContent ?? null`, { timeoutMs: 5000 });

      // Import: all-or-nothing, so every line is validated before the first write, then read again and written.
      // The file goes to the file input as Playwright's setInputFiles did: DOM.setFileInputFiles (input and change events).
      const fileSelector = await until<string>("controlSelector('Import', 'Journal file to import')");
      const { root } = await page.send<{ root: { nodeId: number } }>('DOM.getDocument', { depth: 0 });
      const { nodeId } = await page.send<{ nodeId: number }>('DOM.querySelector', { nodeId: root.nodeId, selector: fileSelector });
      if (!nodeId) throw new Error(`no file input at ${fileSelector}`);
      await page.send('DOM.setFileInputFiles', { files: [file], nodeId });
      // DOM.getDocument enabled the DOM domain; nothing else needs it.
      await page.send('DOM.disable');
      const im = await watched(
        'import',
        async () => {
          await until("click('Import', 'Import', true)");
          return until<string>("status('Import', 'Imported|Nothing')", 600_000);
        },
        async () => {
          // "Writing… 12.0 MB of 95.0 MB, 12,345 records written"; during validation nothing is written yet.
          const m = /([\d,]+) records written/.exec((await progressText()) ?? '');
          return m ? Number(m[1]!.replace(/,/g, '')) : null;
        },
      );
      if (!im.value.includes(`${N.toLocaleString('en-US')} attempts`)) throw new Error(`unexpected import result: ${im.value}`);
      const importPerSec = Math.round((N / im.ms) * 1000);
      console.log(`import (all-or-nothing, one pass: each line validated, attempts staged in pages, committed at the end) ${importPerSec} attempts/s  (${(im.ms / 1000).toFixed(1)} s; ${im.cpu.toFixed(1)} CPU s of host + chromium = ${Math.round(N / im.cpu)} attempts per CPU second; peak ${fmtMem(im.peak)})`);

      // Export: the whole journal as JSONL, streamed to exports/ through the bridge.
      await until("select('Export', 'Format', 'jsonl')");
      const ex = await watched(
        'export',
        async () => {
          await until("click('Export', 'Export journal', false)");
          return until<string>("status('Export', 'Exported')", 600_000);
        },
        // The bar's value is the attempts written so far.
        () => page.evaluate<number | null>(`document.querySelector('progress[aria-label="Export progress"]')?.value ?? null`, { timeoutMs: 5000 }),
      );
      const exportPerSec = Math.round((N / ex.ms) * 1000);
      const outPath = (await page.evaluate<string | null>("__bench.statusCode('Export')")) ?? '';
      const outSize = outPath ? (await stat(outPath)).size : 0;
      console.log(`export JSONL (page bytes → transferred chunk buffers → raw POST → disk)  ${exportPerSec} attempts/s  (${(ex.ms / 1000).toFixed(1)} s, ${(outSize / 1e6).toFixed(1)} MB; ${ex.cpu.toFixed(1)} CPU s = ${Math.round(N / ex.cpu)} attempts per CPU second; peak ${fmtMem(ex.peak)})`);
      console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${(await import('node:os')).cpus().length} cores (wall-clock rates on a shared machine measure the neighbours too)`);

      // CSV for comparison (one row per attempt).
      await until("select('Export', 'Format', 'csv')");
      const t = performance.now();
      // The click clears the JSONL export's status; the CSV's is there once the job ends.
      await until("click('Export', 'Export journal', false)");
      await until("status('Export', 'Exported[^]*\\\\.csv')", 600_000);
      console.log(`export CSV                                  ${Math.round((N / (performance.now() - t)) * 1000)} attempts/s`);

      // The ceiling: the same attempts bulk-added into a fresh store with the same indexes, in the same browser.
      // Last of the jobs: it parses every attempt in the page, garbage no export's figures should carry.
      const ceiling = await page.evaluate<Awaited<ReturnType<typeof rawIdbCeiling>>>(
        `globalThis.__name ??= (f) => f; (${rawIdbCeiling.toString()})(${JSON.stringify({ batch: 5000, pack: 500 })})`,
        { timeoutMs: 600_000 },
      );
      console.log(`raw IndexedDB ceilings, the same attempts written with bare store.add, ${ceiling.batch} per transaction, relaxed durability, then read back with getAll:`);
      console.log(`  the app's attempts store, its indexes:  write ${ceiling.indexed.perSec} attempts/s, read ${ceiling.indexed.readPerSec}/s; the import reaches ${((importPerSec / ceiling.indexed.perSec) * 100).toFixed(0)} % of this write rate`);
      console.log(`  one record an attempt, no index:      write ${ceiling.bare.perSec} attempts/s, read ${ceiling.bare.readPerSec}/s`);
      console.log(`  ${ceiling.pack} attempts a record (JSONL text):   write ${ceiling.packed.perSec} attempts/s, read ${ceiling.packed.readPerSec}/s`);

      const peak = Math.max(im.peak.hostRssMb + im.peak.chromiumPssMb, ex.peak.hostRssMb + ex.peak.chromiumPssMb);
      // The driver apart (this process: the CDP client, not the app; a pipe's messages, no request bodies).
      const dl = (job: typeof im) => job.live.map((p) => (p ? `${p.driver.mb.toFixed(0)}` : 'n/a')).join(' / ');
      const dab = (job: typeof im) => job.live.map((p) => (p ? `${p.driver.arrayBuffersMb.toFixed(0)}` : 'n/a')).join(' / ');
      console.log(
        `driver (this process, CDP over a pipe; not the app): RSS ${baseline.driverRssMb.toFixed(0)} MB at baseline, peak ${im.peak.driverRssMb.toFixed(0)} (import) / ${ex.peak.driverRssMb.toFixed(0)} (export) MB; ` +
          `heap + external after GC ${heapAndExternalMb(driverBaseline).toFixed(0)} MB at baseline, import ${dl(im)} MB, export ${dl(ex)} MB at ≈10 / 50 / 100 % (of which arrayBuffers: import ${dab(im)}, export ${dab(ex)}); ` +
          `CPU ${im.driverCpu.toFixed(1)} s (import), ${ex.driverCpu.toFixed(1)} s (export); in no verdict, peak or CPU figure`,
      );
      console.log(`memory: baseline ${(baseline.hostRssMb + baseline.chromiumPssMb).toFixed(0)} MB, peak ${peak.toFixed(0)} MB (host RSS + chromium PSS, the driver not counted; input file ${(size / 1e6).toFixed(0)} MB)`);
      const verdicts = [flatness('import', im.live, size), flatness('export', ex.live, size)];
      for (const v of verdicts) console.log(v.line);
      const memoryFlat = verdicts.every((v) => v.flat);
      console.log(`verdict: memory ${memoryFlat ? 'is flat' : 'is NOT flat'} (${verdicts.map((v) => `${v.name} ${v.flat ? 'flat' : 'grows'}`).join(', ')})`);
      const liveHeapMb = Object.fromEntries(verdicts.map((v) => [v.name, v.liveMb]));
      console.log(JSON.stringify({ attempts: N, exportPerSec, importPerSec, peakRssMb: Math.round(peak), liveHeapMb, memoryFlat }));
    } finally {
      mem.close();
      await browser.close();
      await host.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--generate') await generate(process.argv[3]!, Number(process.argv[4]));
else await main();
