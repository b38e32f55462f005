/**
 * The memory sampler of `npm run bench:io`, in a child process of its own so
 * that reading /proc (every Chromium process's smaps_rollup: a few tens of
 * milliseconds of file reads each time) never blocks the bench's event loop
 * (the CDP client's, which drives the page and reads the heaps).
 *
 * It measures the browser host's process (host-child.ts, RSS), the bench's
 * own process (the driver: the CDP client, not the app; RSS, apart), and the PSS of
 * the bench's Chromium descendants, leaving out itself, the host and the
 * `--generate` child (Node processes). It answers `sample` requests over the
 * IPC channel, and between `start` and `stop` samples once a second on its own
 * to keep the peak.
 *
 * `ProcMem` is the parent's side. Only node: built-ins are imported here, so
 * the child stays small and starts fast.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MemorySample {
  /** The browser host (its own process: the HTTP server and the services), RSS. */
  hostRssMb: number;
  /** The bench's own process (the CDP client driving the page: not the app), RSS; in no total. */
  driverRssMb: number;
  /** Every Chromium process, PSS: shared pages counted once, not once per process. */
  chromiumPssMb: number;
  /** The same PSS by the processes' `--type=` (browser for the one without), to see which one moves. */
  byType: Record<string, number>;
}

type Request = { id: number; op: 'sample' | 'start' | 'stop'; relist?: boolean };
type Reply = { id: number; sample: MemorySample };

/** The parent's side: each call is one small IPC message; the /proc reads happen in the child. */
export class ProcMem {
  private nextId = 1;
  private waiting = new Map<number, (s: MemorySample) => void>();
  private constructor(private child: ChildProcess) {
    child.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.(m.sample);
    });
  }

  /** The sampler's process id (to leave it out of the bench's CPU time). */
  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Starts the child (the same Node and loader flags as this process, so tsx
   * runs it), measuring the host process `hostPid` and this process's Chromium descendants.
   */
  static async spawn(hostPid: number): Promise<ProcMem> {
    const child = fork(fileURLToPath(import.meta.url), ['--procmem', String(process.pid), String(hostPid)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const p = new ProcMem(child);
    await p.sample(); // Ready, and the process list walked once.
    return p;
  }

  private ask(op: Request['op'], relist = false): Promise<MemorySample> {
    const id = this.nextId++;
    return new Promise((ok, fail) => {
      this.waiting.set(id, ok);
      if (!this.child.send({ id, op, relist } satisfies Request)) fail(new Error('the memory sampler is gone'));
    });
  }

  /**
   * One sample now. The process list is walked at most once a second unless
   * `relist` (for a sample that must see a process started just before, such
   * as a new page's renderer).
   */
  sample({ relist = false } = {}): Promise<MemorySample> {
    return this.ask('sample', relist);
  }
  /** Resets the peak and samples once a second until `stop`. */
  async start(): Promise<void> {
    await this.ask('start');
  }
  /** Stops the periodic sampling; the peak since `start` (a last sample included). */
  stop(): Promise<MemorySample> {
    return this.ask('stop');
  }
  close(): void {
    this.child.disconnect();
    this.child.kill();
  }
}

// ---- the child ----

function ppidOf(pid: string): number {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Every descendant of `root`, from one walk of /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = ppidOf(d);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** Proportional set size (shared pages split between their users) in MB, 0 if the process is gone. */
function pssMb(pid: number): number {
  try {
    const m = /\nPss:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident set size in MB, from /proc/<pid>/statm (what process.memoryUsage().rss reads for itself). */
function rssMb(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / 1024 / 1024;
  } catch {
    return 0;
  }
}

function runChild(parent: number, host: number): void {
  let pids: { pid: number; type: string }[] = [];
  let listedAt = -Infinity;
  let peak: MemorySample = { hostRssMb: 0, driverRssMb: 0, chromiumPssMb: 0, byType: {} };
  let worstTotal = 0;
  let timer: NodeJS.Timeout | null = null;
  const sample = (relist = false): MemorySample => {
    const now = performance.now();
    // The process list is walked at most once a second, unless asked.
    if (relist || now - listedAt > 1000) {
      pids = [];
      for (const pid of descendants(parent)) {
        if (pid === process.pid || pid === host) continue;
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          // Chromium's processes only (not the `--generate` child, nor tsx's esbuild service).
          // Chromium rewrites its children's argv, so their cmdline is separated by spaces, not NULs.
          if (!/chrom/i.test(cmdline.split(/[\0 ]/)[0]!)) continue;
          const type = /--type=([^\0 ]+)/.exec(cmdline)?.[1] ?? 'browser';
          const sub = /--utility-sub-type=(?:[\w]+\.)*(\w+)/.exec(cmdline)?.[1];
          pids.push({ pid, type: type === 'utility' && sub ? sub : type });
        } catch {
          // Gone meanwhile.
        }
      }
      listedAt = now;
    }
    const byType: Record<string, number> = {};
    let chromiumPssMb = 0;
    for (const { pid, type } of pids) {
      const mb = pssMb(pid);
      chromiumPssMb += mb;
      byType[type] = (byType[type] ?? 0) + mb;
    }
    const m = { hostRssMb: rssMb(host), driverRssMb: rssMb(parent), chromiumPssMb, byType };
    // Each figure's own peak; the breakdown of the sample with the largest total (host + Chromium: the driver is not the app).
    const worst = m.hostRssMb + m.chromiumPssMb >= worstTotal ? m : peak;
    worstTotal = Math.max(worstTotal, m.hostRssMb + m.chromiumPssMb);
    peak = {
      hostRssMb: Math.max(peak.hostRssMb, m.hostRssMb),
      driverRssMb: Math.max(peak.driverRssMb, m.driverRssMb),
      chromiumPssMb: Math.max(peak.chromiumPssMb, m.chromiumPssMb),
      byType: worst.byType,
    };
    return m;
  };
  process.on('message', ({ id, op, relist }: Request) => {
    let s: MemorySample;
    if (op === 'start') {
      peak = { hostRssMb: 0, driverRssMb: 0, chromiumPssMb: 0, byType: {} };
      worstTotal = 0;
      if (timer) clearInterval(timer);
      timer = setInterval(sample, 1000);
      s = sample(true);
    } else if (op === 'stop') {
      if (timer) clearInterval(timer);
      timer = null;
      sample();
      s = peak;
    } else s = sample(relist);
    process.send!({ id, sample: s } satisfies Reply);
  });
  // The bench ended (or died): so does the sampler.
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[2] === '--procmem') runChild(Number(process.argv[3]), Number(process.argv[4]));
