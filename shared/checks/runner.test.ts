import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Check } from './schema';
import { runChecks } from './evaluate';
import { workerJsRunner, type WorkerJsRunner, type WorkerPort } from './runner';
import type { ExprResponse } from './worker-core';

// The same handler the renderer's Web Worker runs, in a Node worker thread.
function nodePort(): WorkerPort {
  // tsx's loader is registered inside the worker, then the TypeScript fixture is imported.
  const fixture = new URL('./node-worker.fixture.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(fixture)}); })`;
  const w = new Worker(boot, { eval: true });
  return {
    post: (m) => w.postMessage(m),
    listen: (onMessage, onError) => {
      w.on('message', (m: ExprResponse) => onMessage(m));
      w.on('error', (e) => onError(e.message));
    },
    terminate: () => void w.terminate(),
  };
}

let runner: WorkerJsRunner | null = null;
afterEach(() => runner?.dispose());

describe('workerJsRunner', () => {
  it('evaluates in the worker', async () => {
    runner = workerJsRunner(nodePort);
    await expect(runner.run('output.split(" ").length === 2', { output: 'two words' }, 5_000)).resolves.toEqual({ ok: true, pass: true, value: 'true' });
  });

  it('a throwing expression is a failed result with the reason, and the worker lives on', async () => {
    runner = workerJsRunner(nodePort);
    const r = await runner.run('JSON.parse(output)', { output: 'not json' }, 5_000);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.error).toMatch(/^SyntaxError/);
    await expect(runner.run('1 + 1', {}, 5_000)).resolves.toMatchObject({ ok: true, value: '2' });
    expect(runner.spawned).toBe(1);
  });

  it('terminates a runaway expression at its time limit and starts a new worker for the next', async () => {
    runner = workerJsRunner(nodePort);
    // Catastrophic backtracking: one native call, so only ending the worker stops it.
    const slow = await runner.run('/^(a+)+$/.test("a".repeat(40) + "b")', {}, 300);
    expect(slow).toEqual({ ok: false, error: 'timed out after 300 ms', timedOut: true });
    await expect(runner.run('"still" + " works"', {}, 5_000)).resolves.toMatchObject({ ok: true, value: '"still works"' });
    expect(runner.spawned).toBe(2);
  });

  it('as a check: a timeout is a failed check whose reason says so', async () => {
    runner = workerJsRunner(nodePort);
    const check = Check.parse({ id: 'c', name: 'slow', kind: 'js', expression: '/^(a+)+$/.test(output)', timeoutMs: 200 });
    const subject = { id: 'a', status: 'ok' as const, output: `${'a'.repeat(40)}b`, latencyMs: 1, ttftMs: 1, costUsd: 0, finishReason: 'stop', model: 'm', servedModel: null, usage: null };
    const [outcome] = await runChecks([check], subject, runner);
    expect(outcome).toEqual({ checkId: 'c', name: 'slow', pass: false, reason: 'timed out after 200 ms' });
  });
});
