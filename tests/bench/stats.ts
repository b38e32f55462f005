/**
 * Benchmark (run on purpose; prints figures): `npm run bench:stats [attempts]`.
 *
 * Generates a journal of 100,000 attempts (20 prompts × 5 models × 50 cases × 20
 * repeats), loads it into the app's IndexedDB in headless chromium through the
 * browser host, opens the Stats page and reads the worker's timings:
 * `loadMs` (Dexie read + projection, measure `tenth:stats:load`) and `computeMs`
 * (matrix + drift, measure `tenth:stats:compute`). Then compares the 5 models over
 * all 20 prompts the way the Compare tab does (10 pairs, in the worker): the
 * worker's compute (measure `tenth:stats:compare`), request → rendered, and
 * click → marked from the page; and the same `computeCompare` timed in Node.
 * Needs `npm run build:renderer` first. The last line printed is JSON.
 */
import { chromium, type Page } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attempt, FailureClass } from '../../shared/domain/schemas';
import { mulberry32 } from '../../shared/stats/prng';
import { createInterner, toStatsAttempt } from '../../shared/stats/projection';
import { computeCompare, computeMatrix } from '../../renderer/src/workers/stats/compute';
import { targetKey } from '../../shared/report/names';
import { startWebHost } from '../../electron/host/start';
import { CHROMIUM_ARGS } from '../../playwright.config';

const TOTAL = Number(process.argv[2] ?? 100_000);
const PROMPTS = 20;
const MODELS = 5;
const CASES = 50;
const T0 = Date.UTC(2026, 0, 1);
const FAILS: FailureClass[] = ['timeout', 'rate_limited', 'server_error', 'truncated', 'empty'];

/** The journal: repeat-major like a real run, so every cell grows evenly over time. */
function generate(total: number): Attempt[] {
  const rng = mulberry32(20260101);
  const out: Attempt[] = [];
  const perRepeat = PROMPTS * MODELS * CASES;
  for (let i = 0; i < total; i++) {
    const repeat = Math.floor(i / perRepeat);
    const r = i % perRepeat;
    const p = r % PROMPTS;
    const m = Math.floor(r / PROMPTS) % MODELS;
    const c = Math.floor(r / (PROMPTS * MODELS)) % CASES;
    // Each model has its own quality; cases differ in difficulty (so repeats cluster).
    const difficulty = ((c * 37 + p * 11) % 10) / 20;
    const quality = 0.95 - m * 0.08 - difficulty;
    const failed = rng() < 0.03 + m * 0.01;
    const score = Math.max(0, Math.min(1, quality + (rng() - 0.5) * 0.4));
    const startedAt = T0 + i * 1000;
    const ttftMs = 150 + rng() * 400 + m * 50;
    const latencyMs = ttftMs + 500 + rng() * 3000;
    const outputTokens = 80 + Math.floor(rng() * 300);
    const servedModel = `model-${m}${m === 4 && i > total / 2 ? '-2026-06' : '-2026-01'}`;
    out.push({
      schema: 'tenth.attempt/1',
      id: `b${String(i).padStart(7, '0')}`,
      runId: `run-${repeat}`,
      promptId: `prompt-${String(p).padStart(2, '0')}`,
      promptVersion: `v-${p}-${repeat < 10 ? 1 : 2}`,
      caseId: `prompt-${p}:case-${c}`,
      repeatIndex: repeat,
      retryOf: null,
      judgeOf: null,
      providerKind: 'openai-compatible',
      providerId: 'bench',
      model: `model-${m}`,
      servedModel: failed ? null : servedModel,
      systemFingerprint: null,
      params: {},
      status: failed ? 'failed' : 'ok',
      failure: failed ? { class: FAILS[i % FAILS.length], message: 'benchmark failure', httpStatus: null, retryAfterMs: null } : null,
      finishReason: failed ? null : 'stop',
      output: failed ? '' : `Answer ${i} for case ${c} of prompt ${p}: ${'lorem ipsum '.repeat(4)}`,
      outputTruncatedAt: null,
      request: null,
      responseMeta: null,
      queuedAt: startedAt - 3,
      startedAt,
      firstTokenAt: failed ? null : startedAt + ttftMs,
      endedAt: startedAt + latencyMs,
      ttftMs: failed ? null : ttftMs,
      latencyMs: failed ? null : latencyMs,
      tokensPerSec: failed ? null : outputTokens / ((latencyMs - ttftMs) / 1000),
      usage: failed ? null : { inputTokens: 200, outputTokens, reasoningTokens: null, cachedInputTokens: null },
      price: { inputPerM: 1, outputPerM: 4 },
      costUsd: failed ? 0 : (200 + outputTokens * 4) / 1e6,
      grades: failed ? [] : [{ source: 'check', name: 'rubric', pass: score >= 0.6, score, at: startedAt + latencyMs }],
      tags: repeat % 2 === 0 ? ['even'] : ['odd'],
    });
  }
  return out;
}

async function seed(page: Page, rows: Attempt[]) {
  // No named function inside: tsx compiles with keepNames, whose __name helper does not exist in the page.
  await page.evaluate(async (rows) => {
    let db: IDBDatabase | null = null;
    for (let i = 0; i < 100; i++) {
      db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('tenth');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      if (db.objectStoreNames.contains('attempts')) break;
      db.close();
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!db) throw new Error('no database');
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('attempts', 'readwrite');
      const store = tx.objectStore('attempts');
      for (const a of rows) store.put(a);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, rows);
}

interface Reading {
  ready: number;
  loadMs: number;
  computeMs: number;
  statsMs: number;
  cells: number;
  attempts: number;
}

async function waitReady(page: Page, after: number): Promise<Reading> {
  const panel = page.locator('.stats-body');
  await page.waitForFunction((after) => Number(document.querySelector<HTMLElement>('.stats-body')?.dataset.statsReady ?? 0) > after, after, { timeout: 180_000 });
  const d = await panel.evaluate((el: HTMLElement) => ({ ...el.dataset }));
  return { ready: Number(d.statsReady), loadMs: Number(d.loadMs), computeMs: Number(d.computeMs), statsMs: Number(d.statsMs), cells: Number(d.cells), attempts: Number(d.attempts) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const t0 = performance.now();
  const rows = generate(TOTAL);
  const dataDir = await mkdtemp(join(tmpdir(), 'tenth-bench-stats-'));
  const journal = join(dataDir, 'journal.jsonl');
  await writeFile(journal, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  console.log(`generated ${rows.length} attempts (${PROMPTS} prompts × ${MODELS} models × ${CASES} cases) in ${Math.round(performance.now() - t0)} ms → ${journal}`);

  // The same computation in this Node process, as CPU time: a reference that a
  // busy machine distorts less than the wall-clock figures from the browser.
  const intern = createInterner();
  const projected = rows.map((r) => toStatsAttempt(r, intern));
  let nodeCpuMs = Infinity;
  let nodeWallMs = Infinity;
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    computeMatrix(projected, false, { access: 'node', versions: [], tags: [], prompts: [] });
    nodeWallMs = Math.min(nodeWallMs, performance.now() - w0);
    const c = process.cpuUsage(c0);
    nodeCpuMs = Math.min(nodeCpuMs, (c.user + c.system) / 1000);
  }
  console.log(`same matrix in Node: best of 5 ${nodeCpuMs.toFixed(1)} ms CPU, ${nodeWallMs.toFixed(1)} ms wall`);

  // Every pair of the 5 models over all prompts, as the Compare tab asks the worker.
  const models = Array.from({ length: MODELS }, (_, m) => `model-${m}`);
  // The worker compares targets: (provider, model), every model here on the one provider 'bench'.
  const targets = models.map((m) => targetKey('bench', m));
  const withRuns = projected.map((a, i) => ({ ...a, runId: rows[i].runId }));
  let compareCpuMs = Infinity;
  let compareWallMs = Infinity;
  // Best of 3, but only once when one takes seconds: the figure is then clear enough.
  for (let i = 0; i < 3 && !(i > 0 && compareWallMs > 5000); i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    computeCompare(withRuns, targets, null);
    compareWallMs = Math.min(compareWallMs, performance.now() - w0);
    const c = process.cpuUsage(c0);
    compareCpuMs = Math.min(compareCpuMs, (c.user + c.system) / 1000);
  }
  console.log(`compare ${MODELS} models (${(MODELS * (MODELS - 1)) / 2} pairs) in Node: best ${compareCpuMs.toFixed(1)} ms CPU, ${compareWallMs.toFixed(1)} ms wall`);

  const host = await startWebHost({ dataDir, env: {} });
  const browser = await chromium.launch({ executablePath: process.env.TENTH_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${host.url}/#token=${host.token}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Stats', exact: true }).click();
    await page.getByRole('region', { name: 'Nothing to measure yet' }).waitFor();

    const s0 = performance.now();
    const batch = 5000;
    for (let i = 0; i < rows.length; i += batch) await seed(page, rows.slice(i, i + batch));
    console.log(`seeded IndexedDB in ${Math.round(performance.now() - s0)} ms (batches of ${batch})`);

    await page.reload();
    const readings: Reading[] = [];
    readings.push(await waitReady(page, 0));
    for (let i = 0; i < 4; i++) {
      await page.getByRole('button', { name: 'Recompute' }).click();
      readings.push(await waitReady(page, readings.at(-1)!.ready));
    }
    for (const [i, r] of readings.entries()) {
      console.log(`${i === 0 ? 'first ' : 'repeat'} matrix: load ${r.loadMs.toFixed(1)} ms, compute ${r.computeMs.toFixed(1)} ms, request→on screen ${r.statsMs.toFixed(1)} ms, ${r.cells} cells over ${r.attempts} attempts`);
    }
    const access = await page.locator('.stats-status').textContent();
    console.log(`status: ${access}`);

    // A filtered load goes through an index: one prompt version (1/40 of the journal).
    await page.getByRole('combobox', { name: 'Prompt version' }).selectOption('v-3-2');
    const filtered = await waitReady(page, readings.at(-1)!.ready);
    console.log(`filtered (prompt version v-3-2): load ${filtered.loadMs.toFixed(1)} ms, compute ${filtered.computeMs.toFixed(1)} ms, ${filtered.attempts} attempts — ${await page.locator('.stats-status').textContent()}`);
    await page.getByRole('combobox', { name: 'Prompt version' }).selectOption('');
    const last = await waitReady(page, filtered.ready);

    await page.getByRole('checkbox', { name: 'Expand by case' }).check();
    const byCase = await waitReady(page, last.ready);
    console.log(`expanded by case (attempts already loaded, reused): load ${byCase.loadMs.toFixed(1)} ms, compute ${byCase.computeMs.toFixed(1)} ms, ${byCase.cells} cells`);

    // The Compare tab: tick every model, no prompt (= all), press Compare; the
    // page marks each comparison in the DOM with the worker's timings
    // (`data-compare-*`). Twice: the second press runs on a warm worker.
    await page.getByRole('tab', { name: 'Compare' }).click();
    for (const m of models) await page.getByRole('checkbox', { name: m, exact: true }).check();
    const compareButton = page.getByRole('button', { name: 'Compare', exact: true });
    const compareReadings: { clickMs: number; computeMs: number; outputsMs: number; renderedMs: number }[] = [];
    for (let i = 1; i <= 2; i++) {
      const c0 = performance.now();
      await compareButton.click();
      await page.waitForFunction((n) => Number(document.querySelector<HTMLElement>('.compare')?.dataset.compareReady ?? 0) >= n, i, { timeout: 180_000 });
      const clickMs = performance.now() - c0;
      const d = await page.locator('.compare').evaluate((el: HTMLElement) => ({ ...el.dataset }));
      compareReadings.push({ clickMs, computeMs: Number(d.compareComputeMs), outputsMs: Number(d.compareLoadMs), renderedMs: Number(d.compareMs) });
    }
    const pairsShown = await page.getByRole('region', { name: / vs / }).count();
    for (const [i, r] of compareReadings.entries()) {
      console.log(
        `${i === 0 ? 'first ' : 'repeat'} compare of ${MODELS} models (${pairsShown} pairs) in the worker: compute ${r.computeMs.toFixed(1)} ms, outputs ${r.outputsMs.toFixed(1)} ms, request → rendered ${r.renderedMs.toFixed(1)} ms, click → marked ${r.clickMs.toFixed(0)} ms`,
      );
    }
    if (errors.length) console.log(`page errors: ${errors.join('; ')}`);

    const warm = readings.slice(1);
    const computeMs = median(warm.map((r) => r.computeMs));
    const loadMs = median(warm.map((r) => r.loadMs));
    const bestComputeMs = Math.min(...readings.map((r) => r.computeMs));
    console.log(`median of ${warm.length} recomputes: load ${loadMs.toFixed(1)} ms, compute ${computeMs.toFixed(1)} ms; best compute ${bestComputeMs.toFixed(1)} ms (target: matrix ready ≤ 200 ms after load)`);
    console.log(
      JSON.stringify({
        attempts: readings[0].attempts,
        cells: readings[0].cells,
        computeMs: Math.round(computeMs * 10) / 10,
        loadMs: Math.round(loadMs * 10) / 10,
        bestComputeMs: Math.round(bestComputeMs * 10) / 10,
        nodeCpuMs: Math.round(nodeCpuMs * 10) / 10,
        firstComputeMs: Math.round(readings[0].computeMs * 10) / 10,
        firstLoadMs: Math.round(readings[0].loadMs * 10) / 10,
        filteredLoadMs: Math.round(filtered.loadMs * 10) / 10,
        byCaseComputeMs: Math.round(byCase.computeMs * 10) / 10,
        compareComputeMs: compareReadings[0].computeMs,
        compareRenderedMs: compareReadings[0].renderedMs,
        compareClickMs: Math.round(compareReadings[0].clickMs),
        repeatCompareComputeMs: compareReadings[1].computeMs,
        compareNodeCpuMs: Math.round(compareCpuMs * 10) / 10,
      }),
    );
  } finally {
    await browser.close();
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
