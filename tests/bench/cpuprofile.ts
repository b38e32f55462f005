/**
 * CDP for the data worker (CPU profiles, JS heap, forced GC) for `npm run bench:io`:
 * the page's session auto-attaches to its workers (flattened: each worker is a
 * session of its own on the same pipe, cdp.ts; a dedicated worker is its own V8
 * isolate, so the page's profiler never sees it), and the data worker's session
 * drives its Runtime, HeapProfiler and Profiler. No Network domain is enabled
 * (see cdp.ts). `summarize` folds a profile into self and total time per
 * function, which is what the bench prints as the breakdown.
 */
import type { Cdp, CdpSession } from './cdp';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export class WorkerCdp {
  private workers = new Map<string, string>(); // sessionId → url
  private constructor(private cdp: Cdp) {}

  /** Auto-attaches `page`'s session to its workers, before the data worker exists, so it is seen when the first job creates it. */
  static async attach(page: CdpSession): Promise<WorkerCdp> {
    const p = new WorkerCdp(page.cdp);
    page.on('Target.attachedToTarget', (e) => {
      const info = e.targetInfo as { type: string; url: string };
      if (info.type === 'worker') p.workers.set(e.sessionId as string, info.url);
    });
    page.on('Target.detachedFromTarget', (e) => void p.workers.delete(e.sessionId as string));
    // Not paused on start: nothing is waiting on the worker.
    await page.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true });
    return p;
  }

  private send<T>(sessionId: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.cdp.send<T>(method, params, { sessionId });
  }

  /** The data worker's session (the worker whose script is the data worker). */
  private dataWorker(): string {
    for (const [sid, url] of this.workers) if (url.includes('data')) return sid;
    throw new Error(`no data worker attached (workers: ${[...this.workers.values()].join(', ') || 'none'})`);
  }

  /** Resolves once the data worker exists (it is created by the first job). */
  async ready(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if ([...this.workers.values()].some((u) => u.includes('data'))) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the data worker never started');
  }

  /** The data worker's used JS heap, MB (null before it exists). */
  async heapMb(): Promise<number | null> {
    if (![...this.workers.values()].some((u) => u.includes('data'))) return null;
    const r = await this.send<{ usedSize: number }>(this.dataWorker(), 'Runtime.getHeapUsage');
    return r.usedSize / 1024 / 1024;
  }

  /**
   * A full garbage collection in the data worker, so that the heap usage read
   * next is what is still reachable, not what a later GC would have freed.
   * Blocks the worker for as long as the GC takes. With Chromium launched with
   * `--js-flags=--expose-gc` it evaluates `gc()`, one full GC; otherwise
   * HeapProfiler.collectGarbage, which runs several in a row (about 200 ms on a
   * 40-90 MB heap on a loaded machine, in the job's time).
   */
  async collectGarbage(): Promise<void> {
    const sid = this.dataWorker();
    const r = await this.send<{ result?: { value?: unknown } }>(sid, 'Runtime.evaluate', { expression: 'typeof gc === "function" && (gc(), true)', returnByValue: true });
    if (r.result?.value === true) return;
    await this.send(sid, 'HeapProfiler.collectGarbage');
  }

  async startProfile(): Promise<void> {
    const sid = this.dataWorker();
    await this.send(sid, 'Profiler.enable');
    await this.send(sid, 'Profiler.setSamplingInterval', { interval: 200 });
    await this.send(sid, 'Profiler.start');
  }

  async stopProfile(): Promise<CpuProfile> {
    const r = await this.send<{ profile: CpuProfile }>(this.dataWorker(), 'Profiler.stop');
    return r.profile;
  }
}

/** Self and total milliseconds per function (`name url:line`), largest total first. */
export function summarize(profile: CpuProfile, top = 25): { fn: string; selfMs: number; totalMs: number }[] {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const label = (n: ProfileNode) => {
    const file = n.callFrame.url.split('/').pop() ?? '';
    return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    let id: number | undefined = profile.samples[i];
    const seen = new Set<string>();
    let first = true;
    while (id !== undefined) {
      const n = byId.get(id)!;
      const l = label(n);
      if (first) self.set(l, (self.get(l) ?? 0) + ms);
      first = false;
      if (!seen.has(l)) {
        seen.add(l);
        total.set(l, (total.get(l) ?? 0) + ms);
      }
      id = parent.get(id);
    }
  }
  return [...total.entries()]
    .map(([fn, totalMs]) => ({ fn, selfMs: Math.round(self.get(fn) ?? 0), totalMs: Math.round(totalMs) }))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
}

export function topSelf(profile: CpuProfile, top = 20): { fn: string; selfMs: number }[] {
  return summarize(profile, Number.MAX_SAFE_INTEGER)
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
    .map(({ fn, selfMs }) => ({ fn, selfMs }));
}
