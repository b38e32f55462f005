/**
 * A minimal Chrome DevTools Protocol client for `npm run bench:io`: Chromium is
 * started with `--remote-debugging-pipe` and spoken to over the pipe (JSON
 * messages each ended by a NUL byte, written to the child's fd 3 and read from
 * its fd 4), with flattened sessions (`sessionId` on the messages), event
 * subscription and a timeout on every command.
 *
 * Why not Playwright: it enables the DevTools Network domain on every page and
 * worker (a plain `Network.enable`), and with it Chromium keeps every request's
 * POST body for the DevTools client. The export POSTs ~95 MB in 4 MB chunks
 * (the page or the data worker → the host's `POST /api/bytes/files:appendChunk`).
 * Measured in isolation: 20 POSTs of 4 MB Uint8Array bodies → +80 MB retained
 * in the Playwright process, and the bodies base64'ed over CDP (CPU: the export
 * fell from ~60k to ~20k attempts/s); with Blob bodies the browser process kept
 * +92 MB, and a forced GC did not free it. Neither happens in the app, where no
 * DevTools client is attached. So this client never enables Network (nor any
 * domain the bench doesn't need); io.ts sends only Target, Browser, Page.navigate,
 * Runtime (evaluate, getHeapUsage), DOM (getDocument, querySelector,
 * setFileInputFiles, then disable), HeapProfiler.collectGarbage and Profiler.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

type Params = Record<string, unknown>;
type Handler = (params: Params, sessionId: string | undefined) => void;
interface Message {
  id?: number;
  method?: string;
  params?: Params;
  result?: Params;
  error?: { code: number; message: string; data?: string };
  sessionId?: string;
}
interface Pending {
  method: string;
  sessionId: string | undefined;
  ok: (r: Params) => void;
  fail: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Commands without a timeout of their own fail after this long. */
const DEFAULT_TIMEOUT_MS = 30_000;

export class Cdp {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private handlers = new Map<string, Set<Handler>>();
  private closed: Error | null = null;
  private readonly exited: Promise<void>;
  /** The last few KB Chromium wrote to stdout/stderr, for error messages. */
  private output = '';

  private constructor(
    private child: ChildProcess,
    private out: Writable,
    inp: Readable,
  ) {
    let parts: Buffer[] = [];
    inp.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
        parts.push(chunk.subarray(start, end));
        const text = Buffer.concat(parts).toString('utf8');
        parts = [];
        start = end + 1;
        this.dispatch(JSON.parse(text) as Message);
      }
      if (start < chunk.length) parts.push(chunk.subarray(start));
    });
    const keep = (b: Buffer) => (this.output = (this.output + b.toString('utf8')).slice(-4096));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // A write to a pipe whose reader is gone: reported by the commands' failures instead.
    out.on('error', () => undefined);
    this.exited = new Promise((r) => child.once('exit', () => r()));
    child.once('exit', (code, signal) => this.shut(new Error(`chromium exited (${signal ?? code})${this.output ? `: ${this.output.trim().split('\n').slice(-5).join(' | ')}` : ''}`)));
  }

  /**
   * Starts Chromium with `args` plus `--remote-debugging-pipe`,
   * `--user-data-dir=<userDataDir>` and `--no-startup-window` (targets are
   * created by the caller), and waits until it answers.
   */
  static async launch(opts: { executable: string; args: string[]; userDataDir: string; timeoutMs?: number }): Promise<Cdp> {
    const child = spawn(opts.executable, [...opts.args, '--remote-debugging-pipe', `--user-data-dir=${opts.userDataDir}`, '--no-startup-window'], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    // Never leave a Chromium behind, whatever ends this process.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
    const cdp = new Cdp(child, child.stdio[3] as Writable, child.stdio[4] as Readable);
    const spawned = new Promise<void>((ok, fail) => {
      child.once('spawn', ok);
      child.once('error', fail);
    });
    try {
      await spawned;
      await cdp.send('Browser.getVersion', {}, { timeoutMs: opts.timeoutMs ?? 30_000 });
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    return cdp;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) p.fail(new Error(`CDP ${p.method}: ${m.error.message}${m.error.data ? ` (${m.error.data})` : ''}`));
      else p.ok(m.result ?? {});
      return;
    }
    if (!m.method) return;
    if (m.method === 'Target.detachedFromTarget') {
      // Commands still waiting on a session that is gone will never be answered.
      const gone = m.params?.sessionId as string | undefined;
      for (const [id, p] of this.pending)
        if (p.sessionId !== undefined && p.sessionId === gone) {
          this.pending.delete(id);
          clearTimeout(p.timer);
          p.fail(new Error(`CDP ${p.method}: the session detached`));
        }
    }
    for (const h of this.handlers.get(m.method) ?? []) h(m.params ?? {}, m.sessionId);
  }

  private shut(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.fail(new Error(`CDP ${p.method}: ${e.message}`));
    }
    this.pending.clear();
  }

  /** Sends a command (to the browser, or to a session's target) and resolves with its result. */
  send<T = Params>(method: string, params: Params = {}, opts: { sessionId?: string; timeoutMs?: number } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`CDP ${method}: ${this.closed.message}`));
    const id = this.nextId++;
    const { sessionId, timeoutMs = DEFAULT_TIMEOUT_MS } = opts;
    return new Promise<T>((ok, fail) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        fail(new Error(`CDP ${method}: no answer in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { method, sessionId, ok: ok as (r: Params) => void, fail, timer });
      this.out.write(JSON.stringify(sessionId === undefined ? { id, method, params } : { id, method, params, sessionId }) + '\0');
    });
  }

  /** Calls `handler` on every event `method` (of any session; the session's id is passed). Returns the unsubscribe. */
  on(method: string, handler: Handler): () => void {
    let set = this.handlers.get(method);
    if (!set) this.handlers.set(method, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /**
   * A session on a target: creates the target (a page at `url`, in the browser
   * context `browserContextId`, else the default one) and attaches to it, flattened.
   */
  async newPage(url = 'about:blank', browserContextId?: string): Promise<CdpSession> {
    const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', browserContextId ? { url, browserContextId } : { url });
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    return new CdpSession(this, sessionId, targetId);
  }

  /** Browser.close, then SIGKILL if Chromium has not exited within `timeoutMs`. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    // The answer may never come: the browser exits while answering.
    void this.send('Browser.close', {}, { timeoutMs }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One flattened session: commands carry its `sessionId`, and its events are told apart by it. */
export class CdpSession {
  constructor(
    readonly cdp: Cdp,
    readonly id: string,
    readonly targetId: string,
  ) {}

  send<T = Params>(method: string, params: Params = {}, opts: { timeoutMs?: number } = {}): Promise<T> {
    return this.cdp.send<T>(method, params, { ...opts, sessionId: this.id });
  }

  /** Events `method` of this session only. */
  on(method: string, handler: (params: Params) => void): () => void {
    return this.cdp.on(method, (params, sessionId) => {
      if (sessionId === this.id) handler(params);
    });
  }

  /**
   * Evaluates `expression` in the target's main world and returns its value
   * (by value: JSON-able), awaiting it if it is a promise; throws what it threw.
   */
  async evaluate<T>(expression: string, opts: { timeoutMs?: number } = {}): Promise<T> {
    const r = await this.send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      opts,
    );
    if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }
}
