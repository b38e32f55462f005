/**
 * npm run bench:stream — the live run view under load: 8 attempts streaming at
 * 100 tokens/s for about 20 s from the mock provider, in headless Debian
 * chromium through the browser host. Prints the long tasks (PerformanceObserver
 * `longtask`, i.e. main-thread tasks over 50 ms) and the frame rate seen while
 * the attempts stream. Target: no task over 50 ms.
 *
 * Options: --seconds N (stream length, default 20), --streams N (default 8).
 */
import { chromium } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost } from '../../electron/host/start';
import { startMock } from '../mock/server';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { Workspace } from '../e2e/pages/Workspace';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('seconds', 20);
const streams = arg('streams', 8);
const tps = 100;

const mock = await startMock({ port: 0 });
const dataDir = await mkdtemp(join(tmpdir(), 'tenth-bench-stream-'));
const host = await startWebHost({ dataDir, env: {} });
const browser = await chromium.launch({ executablePath: process.env.TENTH_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(() => {
    const w = window as unknown as { __bench: { longTasks: number[]; frames: number; measuring: boolean } };
    w.__bench = { longTasks: [], frames: 0, measuring: false };
    new PerformanceObserver((list) => {
      if (!w.__bench.measuring) return;
      for (const e of list.getEntries()) w.__bench.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.goto(host.launchUrl);
  const ws = new Workspace(page);
  const model = `stream+tps=${tps}+tokens=${tps * seconds}`;
  await ws.addProvider({ name: 'Mock', kind: 'OpenAI-compatible', baseUrl: mock.baseUrls['openai-compatible'], key: 'bench-key', models: [{ id: model }] });
  // Let every stream run at once.
  await page.getByRole('button', { name: 'Edit Mock' }).click();
  await page.getByLabel('Concurrency').fill(String(streams));
  await page.getByRole('button', { name: 'Save provider' }).click();
  await page.getByRole('listitem', { name: 'Provider Mock' }).getByText(`concurrency ${streams}`).waitFor();
  await ws.newPrompt('Stream bench');
  await ws.typeInEditor('Message 1 text', 'Write a long story.');
  await page.getByLabel('Max output tokens').fill(String(tps * seconds * 2));
  await ws.saveVersion();
  await page.getByText(/^Saved version /).waitFor();
  await ws.tab('Run').click();
  const form = page.getByRole('form', { name: 'Launch a run' });
  await form.getByRole('checkbox', { name: /^stream/ }).check();
  await form.getByLabel('Repeats').fill(String(streams));
  await form.getByLabel('Concurrency').fill(String(streams));
  await form.getByLabel('First-token timeout (s)').fill('30');
  await form.getByLabel('Total timeout (s)').fill(String(seconds * 4 + 30));
  await form.getByRole('button', { name: 'Launch run' }).click();

  // Measure from the first streamed text to the end of the run.
  await page.getByRole('article', { name: /: streaming$/ }).first().waitFor({ timeout: 30_000 });
  const t0 = Date.now();
  // Count frames from here (a rAF loop started by the init script, before the
  // first paint, never ran in headless chromium).
  // (A string, because tsx would wrap a named inner function in a helper the page lacks.)
  await page.evaluate(`(() => {
    const b = window.__bench;
    b.measuring = true;
    function tick() {
      if (!b.measuring) return;
      b.frames++;
      requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  })()`);
  await page.getByLabel('Run status: done').waitFor({ timeout: (seconds + 60) * 1000 });
  const elapsedS = (Date.now() - t0) / 1000;
  const result = await page.evaluate(() => {
    const b = (window as unknown as { __bench: { longTasks: number[]; frames: number; measuring: boolean } }).__bench;
    b.measuring = false;
    return { longTasks: b.longTasks, frames: b.frames };
  });
  const ok = await page.getByRole('article', { name: /: ok$/ }).count();
  const facts = await page.getByRole('region', { name: 'Progress' }).innerText();
  console.log(`run: ${facts.replace(/\s+/g, ' ')}`);
  const longest = result.longTasks.length ? Math.max(...result.longTasks) : 0;
  const fps = result.frames / elapsedS;
  console.log(`streams: ${streams} at ${tps} tokens/s for ~${seconds} s (${ok} finished ok; measured ${elapsedS.toFixed(1)} s)`);
  console.log(`long tasks (>50 ms): ${result.longTasks.length}${result.longTasks.length ? `, durations ${result.longTasks.map((d) => d.toFixed(0)).join(', ')} ms` : ''}`);
  console.log(`longest task: ${longest.toFixed(1)} ms (target: none over 50 ms)`);
  console.log(`frame rate while streaming: ${fps.toFixed(1)} fps`);
  console.log(JSON.stringify({ streams, longTasks: result.longTasks.length, longestTaskMs: Math.round(longest * 10) / 10, fps: Math.round(fps * 10) / 10 }));
} finally {
  await browser.close();
  await host.close();
  await mock.close();
  await rm(dataDir, { recursive: true, force: true });
}
