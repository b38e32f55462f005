/**
 * A JsRunner over a worker with a time limit: one expression at a time per
 * worker; when one overruns its limit the worker is terminated (the only way to
 * stop a runaway regex or loop) and a fresh one is started for the next.
 *
 * The limit runs from the worker's ready message (WORKER_READY), so starting a
 * worker is not counted against an expression.
 *
 * The worker is reached through a small port interface so the same runner
 * drives a browser Web Worker and, in the unit tests, a Node worker thread.
 */
import type { JsRunner } from './evaluate';
import { WORKER_READY, type ExprRequest, type ExprResponse, type ExprResult } from './worker-core';

export interface WorkerPort {
  post(msg: ExprRequest): void;
  /** Called once per port; `onError` for a worker that crashed or failed to load. */
  listen(onMessage: (msg: ExprResponse) => void, onError: (message: string) => void): void;
  terminate(): void;
}

type Result = ExprResult;

interface Job {
  req: ExprRequest;
  timeoutMs: number;
  resolve(r: Result): void;
}

export interface WorkerJsRunner extends JsRunner {
  /** Terminates the worker; later calls start a new one. */
  dispose(): void;
  /** Workers started so far (a timeout costs one). */
  readonly spawned: number;
}

export function workerJsRunner(spawn: () => WorkerPort): WorkerJsRunner {
  let port: WorkerPort | null = null;
  let ready = false;
  let current: { job: Job; timer: ReturnType<typeof setTimeout> | null } | null = null;
  const queue: Job[] = [];
  let nextId = 1;
  let spawned = 0;

  const ensure = (): WorkerPort => {
    if (port) return port;
    const p = spawn();
    spawned++;
    p.listen(
      (msg) => {
        if (port !== p) return;
        if (msg.id === WORKER_READY.id) {
          ready = true;
          if (current && current.timer === null) current.timer = startTimer(current.job);
          return;
        }
        if (!current || msg.id !== current.job.req.id) return;
        finish(msg.ok ? { ok: true, pass: msg.pass, value: msg.value } : { ok: false, error: msg.error });
      },
      (message) => {
        if (port !== p) return;
        kill();
        if (current) finish({ ok: false, error: `the check worker failed: ${message}` });
      },
    );
    port = p;
    return p;
  };

  const kill = () => {
    const p = port;
    port = null;
    ready = false;
    p?.terminate();
  };

  const finish = (r: Result) => {
    if (!current) return;
    if (current.timer !== null) clearTimeout(current.timer);
    const { job } = current;
    current = null;
    job.resolve(r);
    pump();
  };

  const startTimer = (job: Job) =>
    setTimeout(() => {
      // A runaway expression cannot be interrupted from outside: end the worker.
      kill();
      finish({ ok: false, error: `timed out after ${job.timeoutMs} ms`, timedOut: true });
    }, job.timeoutMs);

  const pump = () => {
    if (current) return;
    const job = queue.shift();
    if (!job) return;
    const p = ensure();
    current = { job, timer: ready ? startTimer(job) : null };
    try {
      p.post(job.req);
    } catch (e) {
      kill();
      finish({ ok: false, error: `could not send the expression to the worker: ${(e as Error).message}` });
    }
  };

  return {
    run: (expression, scope, timeoutMs) =>
      new Promise<Result>((resolve) => {
        queue.push({ req: { id: nextId++, expression, scope }, timeoutMs, resolve });
        pump();
      }),
    dispose: () => kill(),
    get spawned() {
      return spawned;
    },
  };
}
