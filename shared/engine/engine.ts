/**
 * The run engine: schedules a run's planned attempts against a model caller
 * and journals every one of them through a sink (PRODUCT.md, "Every attempt
 * counts"). The same code runs in the renderer (caller = the bridge's
 * `model:call` stream, sink = Dexie) and in `tenth run` (caller = the model
 * service in-process, sink = a JSONL file).
 *
 * Rules it keeps:
 * - Write-ahead: an attempt is written `pending` (with `queuedAt` and
 *   `owner`) and that write has finished before the caller is invoked; the
 *   finished record follows with the outcome. The attempt's concurrency slot
 *   is freed when the model call returns, while its finished record is still
 *   being written: the limits are on requests, and a journal that syncs to
 *   disk must not throttle them. `attempt:finished` and the progress counts
 *   still follow the finished write, and `done` waits for every one.
 * - Limits: a global concurrency (run.concurrency), one per provider
 *   (provider.concurrency), a sliding-window requests-per-minute limit where
 *   `provider.rpm` is set, and a hold on a provider's queue until a
 *   `retryAfterMs` the provider asked for has passed.
 * - Retries (run.retry): a failure whose class is listed is retried up to
 *   `maxRetries` times as a NEW attempt with `retryOf` set, after exponential
 *   backoff with jitter (at least the provider's retryAfterMs).
 * - Cancel: in-flight attempts are aborted and written `cancelled`; attempts
 *   still queued (never sent, so never written `pending`) get no record at
 *   all — there was no request, so there is nothing to journal. The same holds
 *   for a queued attempt cancelled on its own, and for retries waiting out
 *   their backoff.
 * - Pause: nothing new starts; what is in flight finishes.
 */
import { monotonicFactory } from 'ulid';
import {
  ATTEMPT_SCHEMA,
  DEFAULT_RETRY_POLICY,
  type Attempt,
  type FailureClass,
  type Provider,
  type Run,
} from '../domain/schemas';
import type { ModelCallRequest, ModelCallResult } from '../domain/model-call';
import { costUsd, tokensPerSec } from './cost';
import type { PlannedAttempt, RunPlan } from './plan';

/** Performs one model call; resolves with its result (never rejects for wire failures). */
export type ModelCaller = (
  req: ModelCallRequest,
  onDelta: (text: string) => void,
  signal: AbortSignal,
) => Promise<ModelCallResult>;

export interface JournalSink {
  writePending(a: Attempt): Promise<void>;
  writeFinished(a: Attempt): Promise<void>;
  writeRun?(run: Run): Promise<void>;
}

/** Time source and timers; injectable so tests can drive time. `now()` is epoch ms. */
export interface EngineClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Monotonic epoch ms (PRODUCT.md, "latency"): a wall-clock step cannot reorder queue times. */
export const monotonicClock: EngineClock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

export interface RunEngineOptions {
  caller: ModelCaller;
  sink: JournalSink;
  /** Who writes pending attempts, so a later start can tell whether that process is gone. */
  owner: string;
  clock?: EngineClock;
  ids?: () => string;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Cap on stored output characters, passed to the caller. */
  maxStoredChars?: number;
}

export interface RunProgress {
  /** Finished attempts (any outcome, retries included). */
  done: number;
  /** Planned attempts plus retries scheduled so far, minus queued ones dropped by a cancel. */
  total: number;
  ok: number;
  failed: number;
  cancelled: number;
  inFlight: number;
  failuresByClass: Partial<Record<FailureClass, number>>;
  costUsd: number;
  elapsedMs: number;
  /** From the mean pace so far; null before the first attempt finishes. */
  etaMs: number | null;
}

export type RunStatus = 'running' | 'paused' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export type RunEvent =
  | { type: 'attempt:queued'; attemptId: string; planned: PlannedAttempt; retryOf: string | null; notBefore: number }
  | { type: 'attempt:started'; attempt: Attempt }
  | { type: 'attempt:delta'; attemptId: string; text: string }
  | { type: 'attempt:finished'; attempt: Attempt }
  /** A queued attempt removed before it was sent; it has no journal record. */
  | { type: 'attempt:dropped'; attemptId: string }
  | { type: 'provider:hold'; providerId: string; untilMs: number }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'run:status'; status: RunStatus; error?: string };

export interface RunSummary {
  runId: string;
  status: 'done' | 'cancelled';
  planned: number;
  attempts: number;
  ok: number;
  failed: number;
  cancelled: number;
  retries: number;
  /** Queued attempts that were never sent because the run or they were cancelled. */
  dropped: number;
  failuresByClass: Partial<Record<FailureClass, number>>;
  costUsd: number;
  elapsedMs: number;
}

export interface RunHandle {
  runId: string;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** Aborts an in-flight attempt or drops a queued one; false when the id is not queued or running. */
  cancelAttempt(id: string): boolean;
  /** Returns an unsubscribe function. */
  onEvent(listener: (e: RunEvent) => void): () => void;
  progress(): RunProgress;
  /** Resolves when nothing is in flight and nothing is left to start; rejects if the journal fails. */
  done: Promise<RunSummary>;
}

export interface RunEngine {
  start(run: Run, plan: RunPlan | readonly PlannedAttempt[]): RunHandle;
}

interface Job {
  id: string;
  planned: PlannedAttempt;
  retryOf: string | null;
  /** How many retries precede this attempt in its chain (0 for the planned one). */
  retryCount: number;
  queuedAt: number;
  notBefore: number;
}

interface ProviderLane {
  provider: Provider;
  inFlight: number;
  holdUntil: number;
  /** Start times within the last minute, oldest first, for the rpm window. */
  starts: number[];
  queue: Job[];
  head: number;
  /** Retries waiting for their backoff; few, so scanned linearly. */
  delayed: Job[];
}

const MINUTE = 60_000;

export function createRunEngine(options: RunEngineOptions): RunEngine {
  const clock = options.clock ?? monotonicClock;
  const ids = options.ids ?? monotonicFactory();
  const random = options.random ?? Math.random;
  return {
    start: (run, plan) => startRun(run, Array.isArray(plan) ? plan : (plan as RunPlan).attempts, options, clock, ids, random),
  };
}

function startRun(
  run: Run,
  planned: readonly PlannedAttempt[],
  options: RunEngineOptions,
  clock: EngineClock,
  ids: () => string,
  random: () => number,
): RunHandle {
  const { caller, sink, owner } = options;
  const retry = run.retry ?? DEFAULT_RETRY_POLICY;
  const listeners = new Set<(e: RunEvent) => void>();
  const lanes = new Map<string, ProviderLane>();
  const laneOrder: ProviderLane[] = [];
  const running = new Map<string, { controller: AbortController; job: Job }>();
  const dropped = new Set<string>();
  const startedAtMs = clock.now();

  let paused = false;
  let stopped = false;
  let finished = false;
  let fatal: unknown = null;
  let inFlight = 0;
  /** Finished records being written: their attempts have left their slots but `done` must wait for them. */
  let finishing = 0;
  let queuedCount = 0;
  let rr = 0;
  let timer: unknown = null;
  let timerAt = Infinity;
  let runWrites: Promise<void> = Promise.resolve();

  const counts = {
    total: planned.length,
    done: 0,
    ok: 0,
    failed: 0,
    cancelled: 0,
    retries: 0,
    dropped: 0,
    costUsd: 0,
    failuresByClass: {} as Partial<Record<FailureClass, number>>,
  };

  let resolveDone!: (s: RunSummary) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<RunSummary>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });

  function emit(e: RunEvent): void {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // A broken listener (UI, progress bar) must not stop the run or its journal.
      }
    }
  }

  function progress(): RunProgress {
    const elapsedMs = clock.now() - startedAtMs;
    const remaining = counts.total - counts.done;
    return {
      done: counts.done,
      total: counts.total,
      ok: counts.ok,
      failed: counts.failed,
      cancelled: counts.cancelled,
      inFlight,
      failuresByClass: { ...counts.failuresByClass },
      costUsd: counts.costUsd,
      elapsedMs,
      etaMs: counts.done > 0 ? (elapsedMs / counts.done) * Math.max(0, remaining) : null,
    };
  }

  function writeRunRecord(status: Run['status'], endedAt: number | null): void {
    if (!sink.writeRun) return;
    const record: Run = { ...run, status, endedAt };
    const write = sink.writeRun.bind(sink);
    runWrites = runWrites.then(() => write(record)).catch((e: unknown) => fail(e));
  }

  function lane(provider: Provider): ProviderLane {
    let l = lanes.get(provider.id);
    if (!l) {
      l = { provider, inFlight: 0, holdUntil: 0, starts: [], queue: [], head: 0, delayed: [] };
      lanes.set(provider.id, l);
      laneOrder.push(l);
    }
    return l;
  }

  function enqueue(job: Job): void {
    const l = lane(job.planned.provider);
    if (job.notBefore > job.queuedAt) l.delayed.push(job);
    else l.queue.push(job);
    queuedCount++;
    emit({ type: 'attempt:queued', attemptId: job.id, planned: job.planned, retryOf: job.retryOf, notBefore: job.notBefore });
  }

  /** The next job this lane may start now, or the time it may next start one (null: waits on a finish). */
  function nextJob(l: ProviderLane, now: number): Job | number | null {
    if (l.inFlight >= Math.max(1, l.provider.concurrency)) return null;
    if (l.holdUntil > now) return l.holdUntil;
    if (l.provider.rpm) {
      while (l.starts.length > 0 && l.starts[0] <= now - MINUTE) l.starts.shift();
      if (l.starts.length >= l.provider.rpm) return l.starts[0] + MINUTE;
    }
    let wake = Infinity;
    let best = -1;
    for (let i = 0; i < l.delayed.length; i++) {
      const j = l.delayed[i];
      if (j.notBefore <= now) {
        if (best < 0 || j.notBefore < l.delayed[best].notBefore) best = i;
      } else wake = Math.min(wake, j.notBefore);
    }
    if (best >= 0) return l.delayed.splice(best, 1)[0];
    while (l.head < l.queue.length) {
      const j = l.queue[l.head++];
      if (l.head > 1024 && l.head * 2 > l.queue.length) {
        l.queue = l.queue.slice(l.head);
        l.head = 0;
      }
      if (dropped.has(j.id)) continue;
      return j;
    }
    return wake === Infinity ? null : wake;
  }

  function pump(): void {
    if (!stopped && !paused && !finished) schedule();
    checkFinished();
  }

  function schedule(): void {
    const now = clock.now();
    let wakeAt = Infinity;
    while (inFlight < run.concurrency && laneOrder.length > 0) {
      let startedOne = false;
      for (let k = 0; k < laneOrder.length; k++) {
        const idx = (rr + k) % laneOrder.length;
        const next = nextJob(laneOrder[idx], now);
        if (next === null) continue;
        if (typeof next === 'number') {
          wakeAt = Math.min(wakeAt, next);
          continue;
        }
        // Round robin between providers so one slow provider's queue does not starve the rest.
        rr = (idx + 1) % laneOrder.length;
        launch(next, laneOrder[idx], now);
        startedOne = true;
        break;
      }
      if (!startedOne) break;
    }
    // A hold, an rpm window or a backoff can outlast every in-flight attempt, so
    // the next possible start gets its own wake-up rather than waiting for a finish.
    if (wakeAt !== Infinity && wakeAt !== timerAt) {
      if (timer !== null) clock.clearTimeout(timer);
      timerAt = wakeAt;
      timer = clock.setTimeout(() => {
        timer = null;
        timerAt = Infinity;
        pump();
      }, Math.max(0, wakeAt - now));
    }
  }

  function launch(job: Job, l: ProviderLane, now: number): void {
    queuedCount--;
    inFlight++;
    l.inFlight++;
    if (l.provider.rpm) l.starts.push(now);
    const controller = new AbortController();
    running.set(job.id, { controller, job });
    void execute(job, l, controller);
  }

  async function execute(job: Job, l: ProviderLane, controller: AbortController): Promise<void> {
    const p = job.planned;
    const pending: Attempt = {
      schema: ATTEMPT_SCHEMA,
      id: job.id,
      runId: run.id,
      promptId: p.promptId,
      promptVersion: p.promptVersion,
      caseId: p.caseId,
      repeatIndex: p.repeatIndex,
      retryOf: job.retryOf,
      providerKind: p.provider.kind,
      providerId: p.provider.id,
      model: p.model,
      servedModel: null,
      systemFingerprint: null,
      params: p.params,
      status: 'pending',
      failure: null,
      finishReason: null,
      output: '',
      outputTruncatedAt: null,
      request: null,
      responseMeta: null,
      queuedAt: job.queuedAt,
      startedAt: null,
      firstTokenAt: null,
      endedAt: null,
      ttftMs: null,
      latencyMs: null,
      tokensPerSec: null,
      usage: null,
      price: p.price,
      costUsd: null,
      grades: [],
      owner,
    };

    let final: Attempt;
    try {
      await sink.writePending(pending);
    } catch (e) {
      // The write-ahead failed: sending now could leave a request with no record.
      release(job, l);
      fail(e);
      return;
    }
    emit({ type: 'attempt:started', attempt: pending });

    if (controller.signal.aborted) {
      final = { ...pending, status: 'cancelled' };
    } else {
      const req: ModelCallRequest = {
        attemptId: job.id,
        provider: p.provider,
        model: p.model,
        system: p.system,
        messages: p.messages,
        params: p.params,
        firstTokenTimeoutMs: run.firstTokenTimeoutMs,
        totalTimeoutMs: run.totalTimeoutMs,
        maxStoredChars: options.maxStoredChars ?? 1_000_000,
      };
      let result: ModelCallResult | null = null;
      let thrown: unknown = null;
      try {
        result = await caller(req, (text) => emit({ type: 'attempt:delta', attemptId: job.id, text }), controller.signal);
      } catch (e) {
        thrown = e;
      }
      final = finishRecord(pending, result, thrown, controller.signal.aborted, clock.now());
    }

    // The slot belongs to the model call, not to the journal: it is freed as
    // soon as the call returns, so the next request need not wait for this
    // record to reach the disk. The write is still awaited before the attempt
    // counts as finished, and `done` waits for it (`finishing`), so a failed
    // write still fails the run. A hold the provider asked for takes effect
    // now, before the freed slot can go to that provider.
    holdFor(final, l);
    release(job, l);
    finishing++;
    let write: Promise<void>;
    try {
      write = sink.writeFinished(final);
    } catch (e) {
      write = Promise.reject(e);
    }
    write.then(
      () => {
        finishing--;
        account(final);
        emit({ type: 'attempt:finished', attempt: final });
        retryLater(final, job);
        emit({ type: 'progress', progress: progress() });
        pump();
      },
      (e: unknown) => {
        finishing--;
        fail(e);
      },
    );
    pump();
  }

  function release(job: Job, l: ProviderLane): void {
    running.delete(job.id);
    inFlight--;
    l.inFlight--;
  }

  function account(a: Attempt): void {
    counts.done++;
    if (a.status === 'ok') counts.ok++;
    else if (a.status === 'cancelled') counts.cancelled++;
    else if (a.status === 'failed') {
      counts.failed++;
      const c = a.failure?.class;
      if (c) counts.failuresByClass[c] = (counts.failuresByClass[c] ?? 0) + 1;
    }
    if (a.costUsd !== null) counts.costUsd += a.costUsd;
  }

  function holdFor(a: Attempt, l: ProviderLane): void {
    const retryAfter = a.failure?.retryAfterMs ?? null;
    if (a.status !== 'failed' || retryAfter === null) return;
    if (a.failure?.class !== 'rate_limited' && a.failure?.class !== 'overloaded') return;
    // The provider said when to come back: hold its whole queue, not only this attempt.
    const until = clock.now() + retryAfter;
    if (until > l.holdUntil) {
      l.holdUntil = until;
      emit({ type: 'provider:hold', providerId: l.provider.id, untilMs: until });
    }
  }

  /** Queues the retry of a failed attempt, once its finished record is written (its `retryOf` must exist). */
  function retryLater(a: Attempt, job: Job): void {
    if (a.status !== 'failed' || !a.failure) return;
    const now = clock.now();
    const retryAfter = a.failure.retryAfterMs;
    if (stopped || job.retryCount >= retry.maxRetries || !retry.classes.includes(a.failure.class)) return;
    const backoff = retry.baseDelayMs * 2 ** job.retryCount * (0.5 + random());
    const delay = Math.max(backoff, retryAfter ?? 0);
    counts.retries++;
    counts.total++;
    enqueue({
      id: ids(),
      planned: job.planned,
      retryOf: a.id,
      retryCount: job.retryCount + 1,
      queuedAt: now,
      notBefore: now + delay,
    });
  }

  function fail(e: unknown): void {
    if (fatal === null) fatal = e ?? new Error('journal write failed');
    stopAll();
    emit({ type: 'run:status', status: 'failed', error: e instanceof Error ? e.message : String(e) });
    checkFinished();
  }

  function stopAll(): void {
    stopped = true;
    if (timer !== null) {
      clock.clearTimeout(timer);
      timer = null;
      timerAt = Infinity;
    }
    for (const l of laneOrder) {
      const left = [...l.queue.slice(l.head), ...l.delayed].filter((j) => !dropped.has(j.id));
      l.queue = [];
      l.head = 0;
      l.delayed = [];
      for (const j of left) dropQueued(j.id);
    }
    for (const { controller } of running.values()) controller.abort();
  }

  function dropQueued(id: string): void {
    dropped.add(id);
    queuedCount--;
    counts.dropped++;
    counts.total--;
    emit({ type: 'attempt:dropped', attemptId: id });
  }

  function checkFinished(): void {
    if (finished || inFlight > 0 || finishing > 0) return;
    if (!stopped && (paused || queuedCount > 0)) return;
    finished = true;
    if (timer !== null) clock.clearTimeout(timer);
    const endedAt = clock.now();
    if (fatal !== null) {
      const err = fatal;
      void runWrites.finally(() => rejectDone(err));
      return;
    }
    const status = stopped ? 'cancelled' : 'done';
    writeRunRecord(status, endedAt);
    const summary: RunSummary = {
      runId: run.id,
      status,
      planned: planned.length,
      attempts: counts.done,
      ok: counts.ok,
      failed: counts.failed,
      cancelled: counts.cancelled,
      retries: counts.retries,
      dropped: counts.dropped,
      failuresByClass: { ...counts.failuresByClass },
      costUsd: counts.costUsd,
      elapsedMs: endedAt - startedAtMs,
    };
    void runWrites.then(() => {
      if (fatal !== null) {
        rejectDone(fatal);
        return;
      }
      emit({ type: 'progress', progress: progress() });
      emit({ type: 'run:status', status });
      resolveDone(summary);
    });
  }

  // Begin once the caller has had a chance to subscribe: everything below is async.
  writeRunRecord('running', null);
  void runWrites.then(() => {
    if (stopped || finished) {
      checkFinished();
      return;
    }
    const now = clock.now();
    for (const p of planned) {
      enqueue({ id: ids(), planned: p, retryOf: null, retryCount: 0, queuedAt: now, notBefore: now });
    }
    emit({ type: 'run:status', status: paused ? 'paused' : 'running' });
    emit({ type: 'progress', progress: progress() });
    pump();
  });

  return {
    runId: run.id,
    pause() {
      if (paused || stopped || finished) return;
      paused = true;
      if (timer !== null) {
        clock.clearTimeout(timer);
        timer = null;
        timerAt = Infinity;
      }
      writeRunRecord('paused', null);
      emit({ type: 'run:status', status: 'paused' });
    },
    resume() {
      if (!paused || stopped || finished) return;
      paused = false;
      writeRunRecord('running', null);
      emit({ type: 'run:status', status: 'running' });
      pump();
    },
    cancel() {
      if (stopped || finished) return;
      stopAll();
      emit({ type: 'run:status', status: 'cancelling' });
      checkFinished();
    },
    cancelAttempt(id: string) {
      const r = running.get(id);
      if (r) {
        r.controller.abort();
        return true;
      }
      if (dropped.has(id)) return false;
      for (const l of laneOrder) {
        const di = l.delayed.findIndex((j) => j.id === id);
        if (di >= 0) {
          l.delayed.splice(di, 1);
          dropQueued(id);
          emit({ type: 'progress', progress: progress() });
          checkFinished();
          return true;
        }
        for (let i = l.head; i < l.queue.length; i++) {
          if (l.queue[i].id === id) {
            dropQueued(id);
            emit({ type: 'progress', progress: progress() });
            checkFinished();
            return true;
          }
        }
      }
      return false;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    progress,
    done,
  };
}

/**
 * The finished journal record of an attempt. A caller that threw is a bug in
 * the caller, not an answer from the provider; when not cancelled it is
 * recorded as a `network` failure (the request did not complete) with the
 * error's message, so the attempt still counts.
 */
function finishRecord(
  pending: Attempt,
  result: ModelCallResult | null,
  thrown: unknown,
  aborted: boolean,
  now: number,
): Attempt {
  if (!result) {
    if (aborted) return { ...pending, status: 'cancelled', endedAt: now };
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return {
      ...pending,
      status: 'failed',
      failure: { class: 'network', message: `The model call threw: ${message}`, httpStatus: null, retryAfterMs: null },
      endedAt: now,
    };
  }
  const usage = result.usage;
  return {
    ...pending,
    status: result.status,
    failure: result.status === 'failed' ? result.failure : null,
    finishReason: result.finishReason,
    output: result.output,
    outputTruncatedAt: result.outputTruncatedAt,
    request: result.request,
    responseMeta: result.responseMeta,
    servedModel: result.servedModel,
    systemFingerprint: result.systemFingerprint,
    usage,
    startedAt: result.startedAt,
    firstTokenAt: result.firstTokenAt,
    endedAt: result.endedAt,
    ttftMs: result.ttftMs,
    latencyMs: result.latencyMs,
    tokensPerSec: tokensPerSec(usage?.outputTokens, result.firstTokenAt, result.endedAt),
    costUsd: costUsd(usage, pending.price),
  };
}
