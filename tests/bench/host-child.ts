/**
 * The browser host of `npm run bench:io`, in a child process of its own: the
 * same `startWebHost` the bench used to start in its own process, where the
 * driver shares its heap and event loop. (When the driver was Playwright, it
 * kept every request's post data, each 4 MB export chunk, in its process, so a
 * host there looked as if it grew with the export, and the driver's work
 * delayed the host's routes; the driver is now a CDP pipe client, cdp.ts.)
 * Here the host's memory and CPU are its own, as in the app.
 *
 * The child starts the host, sends back `{ url, token }` over the IPC channel,
 * then answers requests: its `process.memoryUsage()` (after one full `gc()`,
 * timed, when asked; `--expose-gc` is passed), a CPU profile of its own thread
 * (node:inspector, between `profileStart` and `profileStop`), and `close`. It
 * closes the host when the bench disconnects or dies.
 *
 * `HostChild` is the parent's side. The host's modules are imported in the child only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CpuProfile } from './cpuprofile';

export interface HostMemory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Wall time of the full GC run just before, ms (when asked for one). */
  gcMs?: number;
}

type Request = { id: number; op: 'memory' | 'gc' | 'profileStart' | 'profileStop' | 'close' };
type Reply = { id: number; memory?: HostMemory; profile?: CpuProfile; error?: string };
type Hello = { ready: { url: string; token: string } } | { failed: string };

/** The parent's side: one small IPC message a request; the host's work happens in the child. */
export class HostChild {
  private nextId = 1;
  private waiting = new Map<number, { ok: (r: Reply) => void; fail: (e: Error) => void }>();
  private exited: Promise<void>;
  private constructor(
    private child: ChildProcess,
    readonly url: string,
    readonly token: string,
  ) {
    child.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.fail(new Error(`host child: ${m.error}`));
      else w?.ok(m);
    });
    this.exited = new Promise((r) => child.once('exit', () => r()));
    child.once('exit', () => {
      for (const w of this.waiting.values()) w.fail(new Error('the host child exited'));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the child (this process's Node and loader flags, so tsx runs it, and `--expose-gc`) and its host. */
  static async start(opts: { dataDir: string; rendererDir?: string }): Promise<HostChild> {
    const child = fork(fileURLToPath(import.meta.url), ['--host-child', JSON.stringify(opts)], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const hello = await new Promise<Hello>((ok, fail) => {
      child.once('message', (m: Hello) => ok(m));
      child.once('exit', (code, signal) => fail(new Error(`the host child exited before the host started (${signal ?? code})`)));
    });
    if ('failed' in hello) {
      child.kill();
      throw new Error(`starting the browser host failed: ${hello.failed}`);
    }
    return new HostChild(child, hello.ready.url, hello.ready.token);
  }

  private ask(op: Request['op']): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      if (!this.child.connected || !this.child.send({ id, op } satisfies Request)) {
        this.waiting.delete(id);
        fail(new Error('the host child is gone'));
      }
    });
  }

  /** The host process's memoryUsage(). */
  async memory(): Promise<HostMemory> {
    return (await this.ask('memory')).memory!;
  }
  /** One full GC in the host process, then its memoryUsage() and the GC's time. */
  async gc(): Promise<HostMemory> {
    return (await this.ask('gc')).memory!;
  }
  async startProfile(): Promise<void> {
    await this.ask('profileStart');
  }
  async stopProfile(): Promise<CpuProfile> {
    return (await this.ask('profileStop')).profile!;
  }
  /** Closes the host and waits for the child to exit (killed after 5 s). */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await Promise.race([this.ask('close').catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      const timer = setTimeout(() => this.child.kill(), 5000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

// ---- the child ----

async function runChild(opts: { dataDir: string; rendererDir?: string }): Promise<void> {
  const { startWebHost } = await import('../../electron/host/start');
  let host: Awaited<ReturnType<typeof startWebHost>>;
  try {
    host = await startWebHost({ dataDir: opts.dataDir, env: {}, rendererDir: opts.rendererDir });
  } catch (e) {
    process.send!({ failed: String(e) } satisfies Hello);
    process.exit(1);
  }
  // One full GC (`--expose-gc`); HeapProfiler.collectGarbage would run several.
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    const [{ default: v8 }, { runInNewContext }] = await Promise.all([import('node:v8'), import('node:vm')]);
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  const { default: inspector } = await import('node:inspector/promises');
  let session: InstanceType<typeof inspector.Session> | null = null;
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= host.close().catch(() => undefined));
  const memory = (): HostMemory => {
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    return { rss, heapUsed, external, arrayBuffers };
  };

  process.on('message', async ({ id, op }: Request) => {
    let reply: Reply;
    try {
      if (op === 'memory') reply = { id, memory: memory() };
      else if (op === 'gc') {
        const t = performance.now();
        gc();
        const gcMs = performance.now() - t;
        reply = { id, memory: { ...memory(), gcMs } };
      } else if (op === 'profileStart') {
        session = new inspector.Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        reply = { id };
      } else if (op === 'profileStop') {
        if (!session) throw new Error('no profile started');
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        session = null;
        reply = { id, profile: profile as unknown as CpuProfile };
      } else {
        await close();
        reply = { id };
      }
    } catch (e) {
      reply = { id, error: String(e) };
    }
    // After `close`, the child exits once the reply is written.
    process.send!(reply, () => {
      if (op === 'close') process.exit(0);
    });
  });
  // The bench ended (or died): the host closes and the child exits.
  process.on('disconnect', () => void close().then(() => process.exit(0)));
  process.send!({ ready: { url: host.url, token: host.token } } satisfies Hello);
}

if (process.argv[2] === '--host-child') await runChild(JSON.parse(process.argv[3]!) as { dataDir: string; rendererDir?: string });
