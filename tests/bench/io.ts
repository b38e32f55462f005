/**
 * `npm run bench:io` — export and import 100,000 attempts through the app's own
 * code paths, in headless Chromium through the browser host: a generated
 * journal file is imported with the Data section's file input (data worker:
 * File.stream() → validation of every line → Dexie batches), then exported as
 * JSONL (data worker: Dexie pages → chunks → bridge → file in exports/). The UI
 * only starts each job and shows progress (throttled to 10 updates a second),
 * so the figures are the worker's, IndexedDB's and the bridge's.
 *
 * Memory: RSS of this process (the host, which appends chunks to disk) plus
 * every Chromium process, sampled every 100 ms; printed per phase, so a flat
 * line is visible. Usage: `npm run bench:io [-- attempts]`. Prints figures, then
 * as the LAST line `{"attempts", "exportPerSec", "importPerSec", "peakRssMb"}`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { startWebHost } from '../../electron/host/start';
import { exportJsonl } from '../../shared/journal/export';
import { sampleJournal } from '../../shared/journal/sample';
import { CHROMIUM_ARGS } from '../../playwright.config';

const N = Number(process.argv[2] ?? 100_000);
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of a process tree, from /proc. */
function treeCpuSec(root: number): number {
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      continue;
    }
    stack.push(...childPids(pid));
  }
  return ticks / TICKS;
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

function treeRssMb(root: number): number {
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) / 1024;
    } catch {
      continue;
    }
    stack.push(...childPids(pid));
  }
  return total;
}

class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly browserPid: number | undefined) {}
  sample(): number {
    const rss = this.browserPid ? treeRssMb(this.browserPid) : process.memoryUsage().rss / 1024 / 1024;
    this.peak = Math.max(this.peak, rss);
    return rss;
  }
  start(): void {
    this.peak = 0;
    this.timer = setInterval(() => this.sample(), 100);
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

async function waitForStatus(page: Page, region: string, text: RegExp, timeoutMs: number): Promise<string> {
  const status = page.getByRole('region', { name: region }).getByRole('status');
  await status.filter({ hasText: text }).waitFor({ timeout: timeoutMs });
  return (await status.textContent()) ?? '';
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
    let t = performance.now();
    const gen = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--generate', file, String(N)], { stdio: 'inherit' });
    if (gen.status !== 0) throw new Error('generating the journal failed');
    const size = (await stat(file)).size;
    console.log(`generated ${N} attempts, ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const host = await startWebHost({ dataDir, env: {} });
    const browser = await chromium.launch({ executablePath: process.env.TENTH_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    // Chromium runs as a child of this process: the tree from here holds the host and the browser.
    const rss = new RssSampler(process.pid);
    try {
      const page = await browser.newPage();
      await page.goto(`${host.url}/#token=${host.token}`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'Import' }).waitFor();
      const baseline = rss.sample();
      console.log(`baseline RSS (host + chromium): ${baseline.toFixed(0)} MB`);

      // Import: all-or-nothing, so every line is validated before the first write, then read again and written.
      const imp = page.getByRole('region', { name: 'Import' });
      await imp.getByLabel('Journal file to import').setInputFiles(file);
      rss.start();
      let cpu = treeCpuSec(process.pid);
      t = performance.now();
      await imp.getByRole('button', { name: 'Import', exact: true }).click();
      const imported = await waitForStatus(page, 'Import', /Imported|Nothing/, 600_000);
      const importMs = performance.now() - t;
      const importPeak = rss.stop();
      const importCpu = treeCpuSec(process.pid) - cpu;
      if (!imported.includes(`${N.toLocaleString('en-US')} attempts`)) throw new Error(`unexpected import result: ${imported}`);
      console.log(`import (validate all, then write; 2 passes) ${Math.round((N / importMs) * 1000)} attempts/s  (${(importMs / 1000).toFixed(1)} s; ${importCpu.toFixed(1)} CPU s of host + chromium = ${Math.round(N / importCpu)} attempts per CPU second; peak RSS ${importPeak.toFixed(0)} MB)`);

      // Export: the whole journal as JSONL, streamed to exports/ through the bridge.
      const exp = page.getByRole('region', { name: 'Export' });
      await exp.getByLabel('Format').selectOption('jsonl');
      rss.start();
      cpu = treeCpuSec(process.pid);
      t = performance.now();
      await exp.getByRole('button', { name: 'Export journal' }).click();
      const exported = await waitForStatus(page, 'Export', /Exported/, 600_000);
      const exportMs = performance.now() - t;
      const exportPeak = rss.stop();
      const exportCpu = treeCpuSec(process.pid) - cpu;
      const outPath = /to (\S+)$/.exec(exported.trim())?.[1] ?? '';
      const outSize = outPath ? (await stat(outPath)).size : 0;
      console.log(`export JSONL (Dexie pages → bridge → disk)  ${Math.round((N / exportMs) * 1000)} attempts/s  (${(exportMs / 1000).toFixed(1)} s, ${(outSize / 1e6).toFixed(1)} MB; ${exportCpu.toFixed(1)} CPU s = ${Math.round(N / exportCpu)} attempts per CPU second; peak RSS ${exportPeak.toFixed(0)} MB)`);
      console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${(await import('node:os')).cpus().length} cores (wall-clock rates on a shared machine measure the neighbours too)`);

      // CSV for comparison (one row per attempt).
      await exp.getByLabel('Format').selectOption('csv');
      t = performance.now();
      await exp.getByRole('button', { name: 'Export journal' }).click();
      await page.getByRole('region', { name: 'Export' }).getByRole('button', { name: 'Export journal' }).waitFor({ state: 'visible' });
      await page.waitForFunction(() => !document.querySelector('progress[aria-label="Export progress"]'), undefined, { timeout: 600_000 });
      console.log(`export CSV                                  ${Math.round((N / (performance.now() - t)) * 1000)} attempts/s`);

      const peak = Math.max(importPeak, exportPeak);
      console.log(`memory: baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (input file ${(size / 1e6).toFixed(0)} MB: a non-streamed path would hold it several times over)`);
      console.log(JSON.stringify({ attempts: N, exportPerSec: Math.round((N / exportMs) * 1000), importPerSec: Math.round((N / importMs) * 1000), peakRssMb: Math.round(peak) }));
    } finally {
      await browser.close();
      await host.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--generate') await generate(process.argv[3]!, Number(process.argv[4]));
else await main();
