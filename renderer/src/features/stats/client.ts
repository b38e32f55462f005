/**
 * The page's side of the Stats worker: one worker per mounted page, requests
 * answered by id. A newer request of the same kind supersedes an older one, so a
 * slow answer to a stale filter never overwrites a fresh one.
 */
import type { CompareResult, MatrixResult, PlotsResult, StatsFilter, StatsRequest, StatsResponse, Timings } from '../../workers/stats/protocol';

type Answer<K extends StatsRequest['kind']> = K extends 'matrix'
  ? { result: MatrixResult; timings: Timings }
  : K extends 'compare'
    ? { result: CompareResult; timings: Timings }
    : { result: PlotsResult };

export class StaleRequest extends Error {
  constructor() {
    super('superseded by a newer request');
    this.name = 'StaleRequest';
  }
}

export class StatsClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { kind: string; resolve(v: unknown): void; reject(e: Error): void }>();
  private latest = new Map<string, number>();

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('../../workers/stats.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<StatsResponse>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(e.message || 'the stats worker failed'));
      this.pending.clear();
    };
  }

  private receive(res: StatsResponse) {
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    if (res.kind === 'error') p.reject(new Error(res.message));
    else if (this.latest.get(p.kind) !== res.id) p.reject(new StaleRequest());
    else p.resolve(res);
  }

  private send<K extends StatsRequest['kind']>(req: Omit<Extract<StatsRequest, { kind: K }>, 'id'>): Promise<Answer<K>> {
    const id = this.nextId++;
    this.latest.set(req.kind, id);
    return new Promise<Answer<K>>((resolve, reject) => {
      this.pending.set(id, { kind: req.kind, resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  matrix(filter: StatsFilter, byCase: boolean, reload = true) {
    return this.send<'matrix'>({ kind: 'matrix', filter, byCase, reload });
  }

  /** Target keys; `labels` name them in the verdict sentences. */
  compare(targets: string[], prompts: string[] | null, labels: Record<string, string>) {
    return this.send<'compare'>({ kind: 'compare', targets, prompts, labels });
  }

  plots(targets: string[] | null) {
    return this.send<'plots'>({ kind: 'plots', targets });
  }

  dispose() {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new StaleRequest());
    this.pending.clear();
  }
}
