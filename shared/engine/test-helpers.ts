/**
 * Fakes for the engine's unit tests: a scripted model caller that tracks
 * concurrency, a recording sink, and builders for domain objects. Kept in a
 * module of its own so the CLI tests can reuse the builders.
 */
import type { ModelCallRequest, ModelCallResult } from '../domain/model-call';
import type { Attempt, Case, Failure, Provider, PromptVersion, Run } from '../domain/schemas';
import { DEFAULT_RETRY_POLICY } from '../domain/schemas';
import type { EngineClock, JournalSink, ModelCaller } from './engine';

export function provider(id: string, over: Partial<Provider> = {}): Provider {
  return {
    id,
    name: id,
    kind: 'openai',
    baseUrl: 'http://127.0.0.1:1/v1',
    headers: {},
    concurrency: 4,
    rpm: null,
    models: [{ id: 'm', price: { inputPerM: 1, outputPerM: 2 } }],
    ...over,
  };
}

export function version(id: string, promptId: string, over: Partial<PromptVersion> = {}): PromptVersion {
  return {
    schema: 'tenth.promptVersion/1',
    id,
    promptId,
    system: 'sys',
    messages: [{ role: 'user', content: 'hi' }],
    params: {},
    createdAt: 0,
    ...over,
  };
}

export function testCase(id: string, promptId: string, vars: Record<string, string> = {}): Case {
  return { schema: 'tenth.case/1', id, promptId, label: null, vars, order: 0 };
}

export function run(over: Partial<Run> = {}): Run {
  return {
    schema: 'tenth.run/1',
    id: 'run1',
    promptVersionIds: [],
    caseIds: [],
    targets: [],
    repeats: 1,
    concurrency: 4,
    firstTokenTimeoutMs: 10_000,
    totalTimeoutMs: 60_000,
    retry: DEFAULT_RETRY_POLICY,
    status: 'running',
    createdAt: 0,
    endedAt: null,
    ...over,
  };
}

/** Date.now and the global timers: under vi.useFakeTimers() the test drives both. */
export const fakeableClock: EngineClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Outcome {
  delayMs?: number;
  ttftMs?: number;
  outputTokens?: number;
  inputTokens?: number;
  output?: string;
  failure?: Partial<Failure> & Pick<Failure, 'class'>;
}

export function okResult(startedAt: number, endedAt: number, o: Outcome = {}): ModelCallResult {
  const ttft = o.ttftMs ?? Math.min(5, endedAt - startedAt);
  const failed = o.failure !== undefined;
  return {
    status: failed ? 'failed' : 'ok',
    failure: failed
      ? { message: o.failure!.class, httpStatus: null, retryAfterMs: null, ...o.failure! }
      : null,
    finishReason: failed ? null : 'stop',
    output: failed ? '' : (o.output ?? 'answer'),
    outputTruncatedAt: null,
    request: { redacted: true },
    responseMeta: { status: failed ? 500 : 200, headers: {} },
    servedModel: 'served-m',
    systemFingerprint: 'fp',
    usage: failed
      ? null
      : { inputTokens: o.inputTokens ?? 10, outputTokens: o.outputTokens ?? 20, reasoningTokens: null, cachedInputTokens: null },
    startedAt,
    firstTokenAt: failed ? null : startedAt + ttft,
    endedAt,
    ttftMs: failed ? null : ttft,
    latencyMs: endedAt - startedAt,
  };
}

export interface FakeCaller {
  caller: ModelCaller;
  calls: ModelCallRequest[];
  log: string[];
  maxInFlight: number;
  maxInFlightBy: Map<string, number>;
  startTimes: Map<string, number[]>;
}

/** A caller that waits `delayMs` on the (fake) timers and resolves with the scripted outcome. */
export function fakeCaller(script: (req: ModelCallRequest, n: number) => Outcome = () => ({})): FakeCaller {
  const inFlightBy = new Map<string, number>();
  let inFlight = 0;
  const fc: FakeCaller = {
    calls: [],
    log: [],
    maxInFlight: 0,
    maxInFlightBy: new Map(),
    startTimes: new Map(),
    caller: (req, onDelta, signal) => {
      const n = fc.calls.length;
      fc.calls.push(req);
      fc.log.push(`call:${req.attemptId}`);
      const pid = req.provider.id;
      inFlight++;
      inFlightBy.set(pid, (inFlightBy.get(pid) ?? 0) + 1);
      fc.maxInFlight = Math.max(fc.maxInFlight, inFlight);
      fc.maxInFlightBy.set(pid, Math.max(fc.maxInFlightBy.get(pid) ?? 0, inFlightBy.get(pid)!));
      const startedAt = Date.now();
      fc.startTimes.set(pid, [...(fc.startTimes.get(pid) ?? []), startedAt]);
      const o = script(req, n);
      return new Promise<ModelCallResult>((resolve) => {
        const done = (r: ModelCallResult) => {
          inFlight--;
          inFlightBy.set(pid, inFlightBy.get(pid)! - 1);
          resolve(r);
        };
        const t = setTimeout(() => {
          onDelta('answer');
          done(okResult(startedAt, Date.now(), o));
        }, o.delayMs ?? 100);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          const r = okResult(startedAt, Date.now(), o);
          done({ ...r, status: 'cancelled', failure: null, usage: null, output: '' });
        });
      });
    },
  };
  return fc;
}

export interface RecordingSink extends JournalSink {
  pending: Attempt[];
  finished: Attempt[];
  runs: Run[];
  log: string[];
}

export function recordingSink(log: string[] = []): RecordingSink {
  const s: RecordingSink = {
    pending: [],
    finished: [],
    runs: [],
    log,
    writePending: async (a) => {
      s.pending.push(a);
      log.push(`pending:${a.id}`);
    },
    writeFinished: async (a) => {
      s.finished.push(a);
      log.push(`finished:${a.id}`);
    },
    writeRun: async (r) => {
      s.runs.push(r);
    },
  };
  return s;
}

export function counter(prefix = 'a'): () => string {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(4, '0')}`;
}
