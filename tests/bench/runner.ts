/**
 * `npm run bench:runner [-- --attempts N]`: how much the run engine costs over
 * plain HTTP (issue 3, "Benchmark"). A benchmark prints figures; it asserts
 * nothing (STYLE.md, "Tests").
 *
 * 1. Starts the mock provider at 0 ms latency (ttft 0, tps 0, 16 tokens) in a
 *    child process, so the mock has its own event loop and its memory is not
 *    counted as ours (`--mock inproc` runs it in this process instead).
 * 2. Runs N attempts (default 1,000 = 10 prompts × 2 models × 50 repeats,
 *    concurrency 8) through the engine exactly as `tenth run` wires it: the
 *    model service through `callerFromStream`, journaling to the CLI's JSONL
 *    file sink (electron/cli/journal-file.ts) with its fsync group commit
 *    (`--no-fsync` to compare).
 * 3. Sends the same N requests (same URLs, headers and bodies, built by the same
 *    request builder) through a bare `fetch` loop at the same concurrency,
 *    reading each streamed body to its end.
 *
 * Both phases are preceded by a short warm-up of each (JIT, sockets), not counted.
 *
 * Timing error per attempt = the engine's latencyMs − the mock's own duration
 * (ground truth endedAt − receivedAt, from the mock's JSONL log, matched by an
 * `x-mock-tag` header carrying the attempt id). Both are durations, each on its
 * own process's monotonic clock, so no clock alignment between processes is
 * involved.
 *
 * RSS is sampled every 50 ms during the engine phase; it is printed after each
 * 1,000 finished attempts and at the end, so `--attempts 10000` shows whether
 * it stays flat; the live heap after a forced GC at the end of the phase is
 * printed too (`--gc-probe` adds it at each 1,000 as well). The last line of
 * stdout is one JSON object with the headline figures, plus the bare loop's
 * timing error (how loaded the machine was) and the live heap.
 *
 * `npm run bench:runner` runs a bundle of this file (out/bench/runner.mjs, built
 * by tests/bench/vite.config.ts) under plain node: the tsx loader alone holds
 * about 40 MB, which is the loader's memory, not the engine's.
 * `npx tsx tests/bench/runner.ts` still runs it from source.
 *
 * Other flags: --concurrency C (default 8), --mock inproc, --no-fsync, --keep
 * (leave the journal and ground-truth files in the temp folder).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Provider, PromptVersion, Run } from '../../shared/domain/schemas';
import { callerFromStream, createRunEngine, expandRun, type ModelCaller, type PlannedAttempt } from '../../shared/engine';
import { buildRequest } from '../../shared/providers';
import { createModelService } from '../../electron/services/models';
import { undiciTransport } from '../../electron/services/http';
import { JournalFile } from '../../electron/cli/journal-file';
import { tuneHeapForRuns } from '../../electron/cli/heap';
import { startMock, type GroundTruth } from '../mock/server';

/** Set by tests/bench/vite.config.ts when this file is built into out/bench/runner.mjs. */
declare const __TENTH_BENCH_BUNDLE__: boolean | undefined;
const BUNDLED = typeof __TENTH_BENCH_BUNDLE__ !== 'undefined' && __TENTH_BENCH_BUNDLE__;
const rssAtStart = process.memoryUsage.rss();
// The heap setting `tenth run` uses (electron/cli/heap.ts): the engine measured as the CLI runs it.
tuneHeapForRuns();

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    mock: { type: 'string', default: 'child' },
    'no-fsync': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'gc-probe': { type: 'boolean', default: false },
  },
  strict: true,
});

const PROMPTS = 10;
const MODELS = ['mock-model-a', 'mock-model-b'];
const attemptsWanted = Number(values.attempts);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(attemptsWanted) || attemptsWanted < PROMPTS * MODELS.length || attemptsWanted % (PROMPTS * MODELS.length) !== 0) {
  process.stderr.write(`bench: --attempts must be a positive multiple of ${PROMPTS * MODELS.length} (prompts × models)\n`);
  process.exit(2);
}
if (!Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write('bench: --concurrency must be a positive integer\n');
  process.exit(2);
}
const repeats = attemptsWanted / (PROMPTS * MODELS.length);

/**
 * `--gc-probe`: a full GC before each 1,000-attempt RSS sample, to print the live
 * heap and tell a leak from V8 simply keeping memory it has grown into. Off by
 * default: each forced GC pauses the loop and would land in the timing figures.
 * The one at the end of the engine phase is always taken; nothing is timed then.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const forceGc: (() => void) | null = values['gc-probe'] ? gc : null;
/**
 * 1,000 attempts of each path before measuring (not counted; the cold phase's
 * timing error is printed apart). The first 1,000 or so attempts of a process
 * run at about half the steady rate while V8's optimising compiles (on
 * background threads, on the same two cores as the mock) catch up, in this
 * process and in the mock's; with a 200-attempt warm-up the measured phase
 * still paid for part of that.
 */
const WARMUP_REPEATS = 50;

const dir = mkdtempSync(join(tmpdir(), 'tenth-bench-'));
const gtLog = join(dir, 'ground-truth.jsonl');
const out = (s: string) => process.stdout.write(`${s}\n`);
const mb = (bytes: number) => bytes / (1024 * 1024);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

// ---------- the mock

interface MockHandle {
  url: string;
  baseUrls: Record<string, string>;
  close(): Promise<void>;
}

async function startChildMock(): Promise<MockHandle> {
  // From the bundle, the mock's bundle beside it under plain node; from source, through tsx.
  const cli = fileURLToPath(BUNDLED ? new URL('./mock-cli.mjs', import.meta.url) : new URL('../mock/cli.ts', import.meta.url));
  const loader = BUNDLED ? [] : ['--import', 'tsx'];
  const child: ChildProcess = spawn(process.execPath, [...loader, cli, '--port', '0', '--ttft', '0', '--tps', '0', '--log', gtLog], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`mock exited with ${code}: ${buf}`)));
  });
  child.stdout!.resume();
  const base = (path: string) => url + path;
  return {
    url,
    baseUrls: { openai: base('/v1') },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function startInprocMock(): Promise<MockHandle> {
  const m = await startMock({ port: 0, defaults: { ttft: 0, tps: 0 }, groundTruthLog: gtLog });
  return { url: m.url, baseUrls: m.baseUrls, close: () => m.close() };
}

/** tag → the mock's own duration of that request (endedAt − receivedAt), from its log. */
function readGroundTruth(): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of readFileSync(gtLog, 'utf8').split('\n')) {
    if (!line) continue;
    const g = JSON.parse(line) as GroundTruth;
    if (g.tag && g.endedAt !== null && g.op === 'chat') m.set(g.tag, g.endedAt - g.receivedAt);
  }
  return m;
}

// ---------- the plan: 10 prompts × 2 models × repeats

function makePlan(provider: Provider, reps: number, runId: string): { run: Run; attempts: PlannedAttempt[] } {
  const versions: PromptVersion[] = Array.from({ length: PROMPTS }, (_, i) => ({
    schema: 'tenth.promptVersion/1',
    id: `bench-v${i}`,
    promptId: `bench-p${i}`,
    system: 'You are a terse assistant.',
    messages: [{ role: 'user', content: `Question ${i}: in one sentence, why does the tenth percentile matter?` }],
    params: { temperature: 0, maxOutputTokens: 64 },
    createdAt: 0,
  }));
  const run: Run = {
    schema: 'tenth.run/1',
    id: runId,
    name: 'bench:runner',
    promptVersionIds: versions.map((v) => v.id),
    caseIds: [],
    targets: MODELS.map((model) => ({ providerId: provider.id, model })),
    repeats: reps,
    concurrency,
    firstTokenTimeoutMs: 30_000,
    totalTimeoutMs: 60_000,
    retry: { classes: [], maxRetries: 0, baseDelayMs: 0 },
    status: 'running',
    createdAt: Date.now(),
    endedAt: null,
  };
  const plan = expandRun(run, versions, [], [provider]);
  return { run, attempts: plan.attempts };
}

// ---------- the engine phase

const KEY = 'sk-bench-not-a-real-key';

/** The model service with the attempt id as the mock's tag, so each attempt meets its ground truth. */
function taggedCaller(): ModelCaller {
  const service = createModelService({ getKey: async () => KEY });
  return callerFromStream((req, emit, signal) =>
    service.call({ ...req, provider: { ...req.provider, headers: { ...req.provider.headers, 'x-mock-tag': req.attemptId } } }, emit, signal),
  );
}

interface EnginePhase {
  attempts: number;
  ok: number;
  seconds: number;
  latency: Map<string, number>;
  rssAt1k: number | null;
  /** RSS after every 1,000 finished attempts. */
  rssSeries: number[];
  /** Heap used after a forced GC at the same points (only with --gc-probe). */
  liveHeapSeries: number[];
  rssEnd: number;
  rssMax: number;
  heapEnd: number;
  /** Heap used after a forced GC at the end of the phase. */
  heapAfterGc: number;
}

async function enginePhase(provider: Provider, reps: number, runId: string, journalPath: string, fsync: boolean): Promise<EnginePhase> {
  const journal = await JournalFile.open(journalPath, { fsync });
  const { run, attempts } = makePlan(provider, reps, runId);
  const engine = createRunEngine({ caller: taggedCaller(), sink: journal.sink(), owner: `bench:${process.pid}` });
  const latency = new Map<string, number>();
  let rssMax = process.memoryUsage().rss;
  let rssAt1k: number | null = null;
  const rssSeries: number[] = [];
  const liveHeapSeries: number[] = [];
  // memoryUsage.rss() reads one number; memoryUsage() also walks the heap spaces.
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 50);
  const t0 = performance.now();
  const handle = engine.start(run, attempts);
  let ok = 0;
  handle.onEvent((e) => {
    if (e.type !== 'attempt:finished') return;
    // Keep only the number: holding the attempts would be the bench's memory, not the engine's.
    if (e.attempt.latencyMs !== null) latency.set(e.attempt.id, e.attempt.latencyMs);
    if (e.attempt.status === 'ok') ok++;
    if (latency.size % 1000 === 0) {
      if (forceGc) {
        forceGc();
        liveHeapSeries.push(process.memoryUsage().heapUsed);
      }
      const rss = process.memoryUsage.rss();
      rssSeries.push(rss);
      if (latency.size === 1000) rssAt1k = rss;
    }
  });
  const summary = await handle.done;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  await journal.close();
  const mem = process.memoryUsage();
  rssMax = Math.max(rssMax, mem.rss);
  // The live heap once garbage is gone: what the engine actually holds, apart from what V8 keeps for reuse.
  gc();
  const heapAfterGc = process.memoryUsage().heapUsed;
  return { attempts: summary.attempts, ok, seconds, latency, rssAt1k, rssSeries, liveHeapSeries, rssEnd: mem.rss, rssMax, heapEnd: mem.heapUsed, heapAfterGc };
}

// ---------- the bare phase: same requests, fetch, whole body read

/**
 * The bare loops: `fetch` (the issue's baseline) and the engine's own HTTP client
 * (undici's `request`, electron/services/http.ts) with nothing else, which is
 * the engine's raw ceiling.
 */
async function barePhase(
  provider: Provider,
  reps: number,
  tagPrefix: string,
  client: 'fetch' | 'request' = 'fetch',
): Promise<{ attempts: number; ok: number; seconds: number; latency: Map<string, number> }> {
  const { attempts } = makePlan(provider, reps, 'bare');
  const requests = attempts.map((p, i) => {
    const tag = `${tagPrefix}${i}`;
    const built = buildRequest(
      {
        attemptId: tag,
        provider: { ...p.provider, headers: { ...p.provider.headers, 'x-mock-tag': tag } },
        model: p.model,
        system: p.system,
        messages: p.messages,
        params: p.params,
        firstTokenTimeoutMs: 30_000,
        totalTimeoutMs: 60_000,
        maxStoredChars: 1_000_000,
      },
      KEY,
    );
    return { tag, url: built.url, init: built.init };
  });
  const latency = new Map<string, number>();
  let next = 0;
  let ok = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++];
      const start = performance.now();
      if (client === 'fetch') {
        const res = await fetch(r.url, r.init);
        const reader = res.body!.getReader();
        for (;;) {
          const { done } = await reader.read();
          if (done) break;
        }
        latency.set(r.tag, performance.now() - start);
        if (res.ok) ok++;
      } else {
        const res = await undiciTransport(r.url, r.init);
        for await (const _ of res.body) {
          // read to the end
        }
        latency.set(r.tag, performance.now() - start);
        if (res.status === 200) ok++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { attempts: requests.length, ok, seconds: (performance.now() - t0) / 1000, latency };
}

// ---------- figures

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

function timingErrors(latency: Map<string, number>, truth: Map<string, number>): { p50: number; p99: number; max: number; matched: number } {
  const errs: number[] = [];
  for (const [tag, ms] of latency) {
    const server = truth.get(tag);
    if (server !== undefined) errs.push(ms - server);
  }
  errs.sort((a, b) => a - b);
  return { p50: quantile(errs, 0.5), p99: quantile(errs, 0.99), max: errs.at(-1) ?? NaN, matched: errs.length };
}

// ---------- main

const mock = values.mock === 'inproc' ? await startInprocMock() : await startChildMock();
const provider: Provider = {
  id: 'bench-mock',
  name: 'Bench mock',
  kind: 'openai',
  baseUrl: mock.baseUrls.openai,
  headers: {},
  // The run's concurrency is the limit under test; the provider's must not be tighter.
  concurrency,
  rpm: null,
  models: MODELS.map((id) => ({ id, price: { inputPerM: 1, outputPerM: 2 } })),
};

try {
  out(`bench:runner — ${attemptsWanted} attempts (${PROMPTS} prompts × ${MODELS.length} models × ${repeats} repeats), concurrency ${concurrency}`);
  out(`mock: ${mock.url} (${values.mock === 'inproc' ? 'in this process' : 'child process'}), ttft 0, tps 0; journal fsync ${values['no-fsync'] ? 'off' : 'on'}; node ${process.version}, ${BUNDLED ? 'bundled (out/bench)' : 'from source via tsx'}`);

  const fsync = !values['no-fsync'];
  // Warm-up of both paths (JIT, connection pool); not counted.
  const cold = await enginePhase(provider, WARMUP_REPEATS, 'bench-warmup', join(dir, 'warmup.jsonl'), fsync);
  await barePhase(provider, WARMUP_REPEATS, 'warm-');
  await barePhase(provider, WARMUP_REPEATS, 'warm-request-', 'request');

  const rssBefore = process.memoryUsage().rss;
  const eng = await enginePhase(provider, repeats, 'bench-run', join(dir, 'journal.jsonl'), fsync);
  const journalLines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  rmSync(join(dir, 'journal.jsonl'));
  // The same run without the journal's fsync, to show what the disk costs apart from the engine.
  const engNoSync = fsync ? await enginePhase(provider, repeats, 'bench-nosync', join(dir, 'journal-nosync.jsonl'), false) : null;
  const bare = await barePhase(provider, repeats, 'bare-');
  const bareRequest = await barePhase(provider, repeats, 'bare-request-', 'request');
  // The mock logs a request when it closes; give the last ones a moment to reach the file.
  await new Promise((r) => setTimeout(r, 200));
  const truth = readGroundTruth();
  const engErr = timingErrors(eng.latency, truth);
  const bareErr = timingErrors(bare.latency, truth);

  const attemptsPerSec = eng.attempts / eng.seconds;
  const bareAttemptsPerSec = bare.attempts / bare.seconds;
  const ratio = attemptsPerSec / bareAttemptsPerSec;

  out('');
  out(`engine + JSONL journal${fsync ? ' (fsync, the CLI default)' : ' (no fsync)'}: ${eng.attempts} attempts (${eng.ok} ok) in ${f2(eng.seconds)} s = ${f1(attemptsPerSec)} attempts/s; journal ${journalLines} lines`);
  if (engNoSync) {
    const ns = engNoSync.attempts / engNoSync.seconds;
    const nsErr = timingErrors(engNoSync.latency, truth);
    out(`  same run, journal without fsync:  ${f1(ns)} attempts/s (ratio ${f2(ns / bareAttemptsPerSec)}); timing error p50 ${f2(nsErr.p50)} ms, p99 ${f2(nsErr.p99)} ms`);
  }
  out(`bare fetch loop: ${bare.attempts} requests (${bare.ok} ok) in ${f2(bare.seconds)} s = ${f1(bareAttemptsPerSec)} requests/s`);
  out(`ratio engine / bare: ${f2(ratio)}  (target ≥ 0.5)`);
  const reqPerSec = bareRequest.attempts / bareRequest.seconds;
  const reqErr = timingErrors(bareRequest.latency, truth);
  out(
    `bare loop on the engine's own HTTP client (undici request): ${f1(reqPerSec)} requests/s; engine / it: ${f2(attemptsPerSec / reqPerSec)}; its wall time − mock's duration p50 ${f2(reqErr.p50)} ms, p99 ${f2(reqErr.p99)} ms`,
  );
  out(`timing error, engine latencyMs − mock's own duration (${engErr.matched} matched): p50 ${f2(engErr.p50)} ms, p99 ${f2(engErr.p99)} ms, max ${f2(engErr.max)} ms  (targets p50 ≤ 2, p99 ≤ 10)`);
  const coldErr = timingErrors(cold.latency, truth);
  out(`  the warm-up (the process's first ${cold.attempts} attempts, cold JIT; not counted): ${f1(cold.attempts / cold.seconds)} attempts/s, timing error p50 ${f2(coldErr.p50)} ms, p99 ${f2(coldErr.p99)} ms`);
  out(`  for reference, bare fetch wall time − mock's duration (${bareErr.matched} matched): p50 ${f2(bareErr.p50)} ms, p99 ${f2(bareErr.p99)} ms`);
  out(`RSS: before ${f1(mb(rssBefore))} MB, at 1,000 attempts ${eng.rssAt1k === null ? 'n/a' : `${f1(mb(eng.rssAt1k))} MB`}, at the end ${f1(mb(eng.rssEnd))} MB, max ${f1(mb(eng.rssMax))} MB (target ≤ 150, flat); heap used at the end ${f1(mb(eng.heapEnd))} MB, after a forced GC ${f1(mb(eng.heapAfterGc))} MB`);
  if (eng.rssSeries.length > 1) out(`  RSS every 1,000 attempts (MB): ${eng.rssSeries.map((r) => f1(mb(r))).join(' ')}`);
  if (eng.liveHeapSeries.length > 0) out(`  live heap after a forced GC every 1,000 attempts (MB): ${eng.liveHeapSeries.map((r) => f1(mb(r))).join(' ')}`);
  out(`  (for scale: ${BUNDLED ? 'this bundle under plain node' : 'this process under tsx'}, nothing run yet, ${f1(mb(rssAtStart))} MB; plain node with nothing loaded is about 40 MB, tsx adds about 40)`);
  out(
    JSON.stringify({
      attempts: eng.attempts,
      attemptsPerSec: Number(f1(attemptsPerSec)),
      bareAttemptsPerSec: Number(f1(bareAttemptsPerSec)),
      ratio: Number(f2(ratio)),
      timingErrorP50Ms: Number(f2(engErr.p50)),
      timingErrorP99Ms: Number(f2(engErr.p99)),
      rssMb: Number(f1(mb(eng.rssMax))),
      // Not targets: the same figures for the bare loop show how loaded the machine was,
      // and the live heap tells growth from V8 keeping memory it has grown into.
      bareTimingErrorP50Ms: Number(f2(bareErr.p50)),
      bareTimingErrorP99Ms: Number(f2(bareErr.p99)),
      rssAt1kMb: eng.rssAt1k === null ? null : Number(f1(mb(eng.rssAt1k))),
      heapAfterGcMb: Number(f1(mb(eng.heapAfterGc))),
    }),
  );
} finally {
  await mock.close();
  if (values.keep) process.stderr.write(`bench: files kept in ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}
