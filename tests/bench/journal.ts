/**
 * `npm run bench:journal [-- --attempts N]`: the journal view with a big
 * journal (issue 5, "Benchmark"). A benchmark prints figures; it asserts
 * nothing (STYLE.md, "Tests").
 *
 * 1. Builds the renderer into a private folder (so a concurrent build of
 *    out/renderer can't pull the files away) and starts the browser host
 *    in-process over a fresh data folder.
 * 2. Opens the app in headless Debian chromium and writes N generated attempts
 *    (default 100,000: 20 prompts, 6 models, 40 runs, every status and failure
 *    class, outputs of 20–80 words, notes and tags on some) straight into the
 *    app's IndexedDB, generated inside the page so they don't cross the wire.
 * 3. Reloads, opens the Journal, and reads the page's own performance.measure
 *    entries, each from the user's action to the rows on screen:
 *    - firstRows: Journal opened → first rows (paged off the queuedAt index);
 *    - filter: failure class chosen → its rows (one index, [failure.class]);
 *    - filterCombined: a second filter on top → rows (the worker's projection);
 *    - search: a word searched → rows (MiniSearch in the worker), measured
 *      after the worker has indexed the journal (indexReady, printed too).
 *
 * Last line: {"attempts":N,"firstRowsMs":…,"filterMs":…,"searchMs":…, …}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { startWebHost } from '../../electron/host/start';
import { CHROMIUM_ARGS } from '../../playwright.config';

const { values } = parseArgs({ options: { attempts: { type: 'string', default: '100000' }, keep: { type: 'boolean', default: false } }, strict: true });
const N = Number(values.attempts);
if (!Number.isInteger(N) || N < 1000) {
  process.stderr.write('bench: --attempts must be an integer ≥ 1000\n');
  process.exit(2);
}
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const log = (s: string) => process.stdout.write(`${s}\n`);

/** Runs in the page: generates and stores `n` attempts with raw IndexedDB, in 5,000-row transactions. */
async function seedInPage(n: number): Promise<number> {
  const FAILURES = ['network', 'timeout', 'auth', 'bad_request', 'rate_limited', 'overloaded', 'server_error', 'malformed', 'content_filter', 'refusal', 'truncated', 'empty'];
  const MODELS = ['gpt-mini', 'gpt-large', 'claude-small', 'claude-big', 'gemini-flash', 'llama-local'];
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  // Word frequencies fall off with the index (rnd · rnd), roughly like text: the named words are common.
  const vocab = ['the', 'capital', 'paris', 'answer', 'tokyo', 'json', 'berlin', 'because', 'lisbon', 'error'];
  for (let i = 0; i < 3000; i++) vocab.push(`w${i.toString(36)}${'aeiou'[i % 5]}${'xyz'[i % 3]}`);
  const open = () =>
    new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('tenth');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
  const db = await open();
  const t0 = Date.UTC(2026, 0, 1);
  {
    const tx = db.transaction('prompts', 'readwrite');
    for (let p = 0; p < 20; p++) tx.objectStore('prompts').put({ schema: 'tenth.prompt/1', id: `prompt-${p}`, name: `Prompt ${p}`, tags: [], archived: false, system: '', messages: [], params: {}, checks: [], createdAt: t0, updatedAt: t0 });
    await new Promise((res) => (tx.oncomplete = res));
  }
  const batch = 5000;
  for (let start = 0; start < n; start += batch) {
    const tx = db.transaction('attempts', 'readwrite');
    const store = tx.objectStore('attempts');
    for (let i = start; i < Math.min(n, start + batch); i++) {
      const r = rnd();
      const status = r < 0.78 ? 'ok' : r < 0.95 ? 'failed' : r < 0.98 ? 'cancelled' : 'interrupted';
      const queuedAt = t0 + i * 1500;
      const words = 20 + Math.floor(rnd() * 60);
      let output = '';
      if (status === 'ok') for (let w = 0; w < words; w++) output += `${vocab[Math.floor(rnd() * rnd() * vocab.length)]} `;
      const latency = 200 + Math.floor(rnd() * 5000);
      const outTokens = status === 'ok' ? words : null;
      const fc = FAILURES[i % FAILURES.length];
      const grades = status === 'ok' && i % 3 === 0 ? [{ source: 'check', name: 'has answer', pass: rnd() < 0.8, score: null, at: queuedAt + 10_000 }] : [];
      store.put({
        schema: 'tenth.attempt/1',
        id: `A${queuedAt.toString(36).padStart(10, '0')}${i.toString(36).padStart(6, '0')}`,
        runId: `run-${i % 40}`,
        promptId: `prompt-${i % 20}`,
        promptVersion: `pv-${i % 20}-${(i >> 10) % 3}`,
        caseId: `case-${i % 20}-${i % 7}`,
        repeatIndex: i % 10,
        retryOf: null,
        providerKind: 'openai',
        providerId: `prov-${i % 4}`,
        model: MODELS[i % MODELS.length],
        servedModel: status === 'ok' ? `${MODELS[i % MODELS.length]}-2026` : null,
        systemFingerprint: null,
        params: {},
        status,
        failure: status === 'failed' ? { class: fc, message: `${fc} from the provider`, httpStatus: 500, retryAfterMs: null, body: '{"error":"x"}' } : null,
        finishReason: status === 'ok' ? 'stop' : null,
        output,
        outputTruncatedAt: null,
        request: { model: MODELS[i % MODELS.length], messages: [{ role: 'user', content: `case ${i % 7}` }] },
        responseMeta: { status: 200, headers: { 'x-request-id': `req-${i}` } },
        queuedAt,
        startedAt: queuedAt + 5,
        firstTokenAt: status === 'ok' ? queuedAt + 100 : null,
        endedAt: queuedAt + latency,
        ttftMs: status === 'ok' ? 95 : null,
        latencyMs: latency,
        tokensPerSec: outTokens ? (outTokens / latency) * 1000 : null,
        usage: { inputTokens: 20, outputTokens: outTokens, reasoningTokens: null, cachedInputTokens: null },
        price: { inputPerM: 1, outputPerM: 2 },
        costUsd: (20 + (outTokens ?? 0) * 2) / 1e6,
        grades,
        notes: i % 50 === 0 ? `looked at this one: ${vocab[i % vocab.length]}` : undefined,
        tags: i % 25 === 0 ? ['reviewed'] : [],
      });
    }
    await new Promise((res, rej) => {
      tx.oncomplete = res;
      tx.onerror = () => rej(tx.error);
    });
  }
  db.close();
  return n;
}

async function measure(page: Page, name: string, timeoutMs = 60_000): Promise<number> {
  const handle = await page.waitForFunction((n) => performance.getEntriesByName(n, 'measure').at(-1)?.duration, name, { timeout: timeoutMs, polling: 20 });
  return Math.round(((await handle.jsonValue()) as number) * 10) / 10;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'tenth-bench-journal-'));
  const rendererDir = join(dir, 'renderer');
  log(`bench:journal — ${N.toLocaleString('en')} attempts, renderer built into ${rendererDir}`);
  await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn', build: { outDir: rendererDir, emptyOutDir: true } });
  const host = await startWebHost({ dataDir: join(dir, 'data'), rendererDir, env: {} });
  const browser = await chromium.launch({ executablePath: process.env.TENTH_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`${host.url}/#token=${host.token}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const t = performance.now();
    // tsx (esbuild keepNames) wraps named functions in __name(); give the page one.
    await page.evaluate('globalThis.__name = (f) => f');
    await page.evaluate(seedInPage, N);
    log(`seeded ${N.toLocaleString('en')} attempts in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Journal', exact: true }).click();
    const firstRowsMs = await measure(page, 'journal:firstRows');
    log(`time to first rows: ${firstRowsMs} ms`);

    const filters = page.getByRole('form', { name: 'Journal filters' });
    await filters.getByLabel('Failure class', { exact: true }).selectOption('timeout');
    const filterMs = await measure(page, 'journal:filter');
    const shown = await page.getByRole('region', { name: 'Attempts' }).getByRole('status').textContent();
    log(`filter (failure class = timeout, one index): ${filterMs} ms → ${shown}`);

    const indexReadyMs = await measure(page, 'journal:indexReady', 180_000);
    log(`worker read and indexed the journal in ${indexReadyMs} ms (in the background)`);

    await page.evaluate(() => performance.clearMeasures('journal:filter'));
    await filters.getByLabel('Prompt', { exact: true }).selectOption({ label: 'Prompt 1' });
    const filterCombinedMs = await measure(page, 'journal:filter');
    log(`filter (+ prompt, combined, worker): ${filterCombinedMs} ms → ${await page.getByRole('region', { name: 'Attempts' }).getByRole('status').textContent()}`);

    await filters.getByLabel('Failure class', { exact: true }).selectOption('');
    await filters.getByLabel('Prompt', { exact: true }).selectOption('');
    const search = filters.getByLabel('Search outputs and notes');
    await search.fill('tokyo');
    await search.press('Enter');
    const searchMs = await measure(page, 'journal:search');
    log(`search "tokyo" (MiniSearch in the worker): ${searchMs} ms → ${await page.getByRole('region', { name: 'Attempts' }).getByRole('status').textContent()}`);

    log(JSON.stringify({ attempts: N, firstRowsMs, filterMs, searchMs, filterCombinedMs, indexReadyMs }));
  } finally {
    await browser.close();
    await host.close();
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:journal failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
