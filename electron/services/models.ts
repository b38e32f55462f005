/**
 * The model service: performs model calls with the key (which only this process
 * reads), times them on the monotonic clock, and turns every outcome — answers,
 * HTTP errors, stream errors, timeouts, resets, cancels — into exactly one `done`
 * event with a full ModelCallResult. Plain Node: it imports nothing from Electron.
 */
import type { ConnectionReport, LocalServer } from '../../shared/bridge/contract';
import type { ModelCallEvent, ModelCallRequest, ModelCallResult } from '../../shared/domain/model-call';
import type { Provider } from '../../shared/domain/schemas';
import {
  applyEvent,
  baseUrlOf,
  buildRequest,
  classify,
  createDecoder,
  createStreamState,
  errorMessageOf,
  listModelsRequest,
  parseModelList,
  pickResponseHeaders,
  scrubKey,
  type TransportOutcome,
  invalidKeyReason,
} from '../../shared/providers';
import { undiciTransport, type HttpResponse, type HttpTransport } from './http';

export interface LocalProbe {
  name: string;
  kind: LocalServer['kind'];
  baseUrl: string;
  /**
   * A placeholder key sent with the probe only, for servers that refuse a
   * keyless model listing but take any key. Never a real key: probes run
   * before the user has configured anything.
   */
  probeKey?: string;
}

/** The Tenth mock provider's default port (`npm run mock`, tests/mock/cli.ts). */
export const MOCK_PROVIDER_PORT = 11555;

/** The usual local servers on their default ports (PRODUCT.md: "working offline or with local models"). */
export const DEFAULT_LOCAL_PROBES: LocalProbe[] = [
  { name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434' },
  { name: 'LM Studio', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' },
  { name: 'llama.cpp', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1' },
  { name: 'vLLM', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' },
  // The mock answers 401 to a keyless /v1/models (as OpenAI does) and accepts any other key.
  { name: 'Tenth mock provider', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${MOCK_PROVIDER_PORT}/v1`, probeKey: 'tenth-local-probe' },
];

export interface ModelServiceDeps {
  getKey(providerId: string): Promise<string | null>;
  /** The HTTP client (default: undici's `request` over a keep-alive agent, ./http.ts). */
  http?: HttpTransport;
  /** Epoch ms on the monotonic clock; defaults to performance.timeOrigin + performance.now(). */
  now?: () => number;
  /** At most one `delta` event per this many ms (default 16, about one frame). */
  coalesceMs?: number;
  localProbes?: LocalProbe[];
  probeTimeoutMs?: number;
  testTimeoutMs?: number;
}

export interface ModelService {
  call(req: ModelCallRequest, emit: (e: ModelCallEvent) => void, signal: AbortSignal): Promise<void>;
  testConnection(provider: Provider): Promise<ConnectionReport>;
  detectLocal(): Promise<LocalServer[]>;
}

/** Bytes of a non-2xx body read before giving up on the rest. */
const MAX_ERROR_READ_BYTES = 64 * 1024;
/** Bytes of a model list read (OpenRouter's, the largest seen, is about 1 MB). */
const MAX_LIST_READ_BYTES = 16 * 1024 * 1024;

type BuiltGet = { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string };

function codeOf(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Happy-eyeballs connects (IPv4 and IPv6) fail with an AggregateError of both attempts.
    const inner = (e as { errors?: unknown }).errors;
    e = (e as { cause?: unknown }).cause ?? (Array.isArray(inner) ? inner[0] : undefined);
  }
  return null;
}

/** A sentence for a failed connection, from undici's error and its cause chain. */
export function describeNetworkError(err: unknown, url: string): { message: string; code: string | null } {
  const code = codeOf(err);
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the raw URL
  }
  const detail = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return { code, message: `Connection refused by ${host}: nothing is listening there.` };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { code, message: `The connection to ${host} was reset (${detail}).` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code, message: `The host name ${host} could not be resolved (DNS).` };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code, message: `Connecting to ${host} timed out.` };
    default:
      if (code && /CERT|TLS|SSL/i.test(code)) return { code, message: `TLS failure talking to ${host}: ${detail}` };
      return { code, message: `Network error talking to ${host}: ${detail}` };
  }
}

/**
 * Characters JSON.stringify writes outside string literals (punctuation,
 * numbers, true/false/null). A key with a character outside this set and
 * without quotes or backslashes can only show up in the JSON text of a value
 * inside a single string literal.
 */
const JSON_STRUCTURE_CHARS = /^[{}[\]:,0-9+\-.eEtruefalsn]*$/;
/** Characters JSON.stringify escapes inside a string literal. */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function stringMayCarry(s: string, key: string): boolean {
  if (s.includes(key)) return true;
  // An escape sequence (\n, \u0001) can make up part of a match in the JSON text.
  return JSON_ESCAPED.test(s) && JSON.stringify(s).includes(key);
}

/**
 * Whether scrubKey could change `value`: false only when the key certainly
 * does not appear in its JSON text, so scrubKey's stringify of the whole
 * result (output, request and all) is skipped for nearly every call.
 * Errs towards true for anything it can't see through.
 */
export function mayCarryKey(value: unknown, key: string | null): boolean {
  if (!key || key.length < 4) return false;
  if (JSON_ESCAPED.test(key) || JSON_STRUCTURE_CHARS.test(key)) return true;
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return stringMayCarry(v, key);
    if (v === null || typeof v !== 'object') return false;
    if (depth > 64) return true;
    if (Array.isArray(v)) {
      for (const item of v) if (walk(item, depth + 1)) return true;
      return false;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    // toJSON (Date and the like) or other exotic objects: let scrubKey decide.
    if ((proto !== Object.prototype && proto !== null) || 'toJSON' in v) return true;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (stringMayCarry(k, key) || walk((v as Record<string, unknown>)[k], depth + 1)) return true;
    }
    return false;
  };
  return walk(value, 0);
}

/** Calls whose clocks have stopped, waiting for their turn to finish. */
const finishing: (() => void)[] = [];
let finishScheduled = false;

function finishNext(): void {
  finishing.shift()?.();
  // The next one waits for the following loop turn: the I/O that arrived
  // meanwhile (other streams' last bytes) is timestamped first.
  if (finishing.length > 0) setImmediate(finishNext);
  else finishScheduled = false;
}

/**
 * Resolves after the I/O callbacks that are ready now (Node's check phase),
 * one waiting call per event-loop turn. What follows a call's last byte (its
 * classification and result, then the caller's journaling and next request)
 * is a few hundred microseconds of work; run back to back for every call that
 * ended in the same turn, it held the poll phase, and streams whose last bytes
 * arrived meanwhile read that work as their own latency.
 */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => {
    finishing.push(resolve);
    if (!finishScheduled) {
      finishScheduled = true;
      setImmediate(finishNext);
    }
  });
}

export function createModelService(deps: ModelServiceDeps): ModelService {
  const http = deps.http ?? undiciTransport;
  const now = deps.now ?? (() => performance.timeOrigin + performance.now());
  const coalesceMs = deps.coalesceMs ?? 16;

  async function call(req: ModelCallRequest, emit: (e: ModelCallEvent) => void, signal: AbortSignal): Promise<void> {
    let key: string | null = null;
    try {
      key = await deps.getKey(req.provider.id);
    } catch {
      // An unreadable key store is a missing key; the provider's 401 will say so.
      key = null;
    }
    const keyProblem = key === null ? null : invalidKeyReason(key);
    if (keyProblem) {
      // Never hand such a key to fetch: its error message would quote the header, key and all.
      const at = now();
      emit({ type: 'started', startedAt: at });
      emit({
        type: 'done',
        result: {
          status: 'failed',
          failure: { class: 'auth', message: `${keyProblem} Store the key again on the Providers page.`, httpStatus: null, retryAfterMs: null, body: null },
          finishReason: null,
          output: '',
          outputTruncatedAt: null,
          request: null,
          responseMeta: null,
          servedModel: null,
          systemFingerprint: null,
          usage: null,
          startedAt: at,
          firstTokenAt: null,
          endedAt: at,
          ttftMs: null,
          latencyMs: 0,
        },
      });
      return;
    }
    const built = buildRequest(req, key);
    const state = createStreamState(req.maxStoredChars);
    const ctrl = new AbortController();
    let cause: 'cancel' | 'first' | 'total' | null = null;
    const abort = (why: 'cancel' | 'first' | 'total') => {
      if (cause) return;
      cause = why;
      ctrl.abort();
    };
    const onCallerAbort = () => abort('cancel');
    signal.addEventListener('abort', onCallerAbort, { once: true });

    let pending = '';
    let lastEmit = Number.NEGATIVE_INFINITY;
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      if (!pending) return;
      const text = pending;
      pending = '';
      lastEmit = now();
      emit({ type: 'delta', text });
    };
    const queue = (text: string) => {
      pending += text;
      const since = now() - lastEmit;
      if (since >= coalesceMs) flush();
      // A stalled stream must not hold back what already came.
      else if (!flushTimer) flushTimer = setTimeout(flush, coalesceMs - since);
    };

    let firstTimer: ReturnType<typeof setTimeout> | null = null;
    let totalTimer: ReturnType<typeof setTimeout> | null = null;
    let firstTokenAt: number | null = null;
    let endedAt: number | null = null;
    /** When the chunk being decoded arrived: its tokens came then, not after our parsing. */
    let chunkAt = 0;
    let httpStatus: number | null = null;
    let headers: Record<string, string> | null = null;
    let errorBody: string | null = null;
    let transport: TransportOutcome | null = null;

    // Taken right before the request leaves (PRODUCT.md: latency excludes queue time).
    const startedAt = now();
    emit({ type: 'started', startedAt });
    try {
      if (signal.aborted) abort('cancel');
      firstTimer = setTimeout(() => abort('first'), req.firstTokenTimeoutMs);
      totalTimer = setTimeout(() => abort('total'), req.totalTimeoutMs);
      const res = await http(built.url, { ...built.init, signal: ctrl.signal });
      httpStatus = res.status;
      headers = res.headers;
      if (res.status < 200 || res.status >= 300) {
        errorBody = await res.text(MAX_ERROR_READ_BYTES);
        endedAt = now();
      } else {
        const decoder = createDecoder(built.format);
        const text = new TextDecoder();
        const take = (chunk: string) => {
          for (const ev of decoder.push(chunk)) handle(ev);
        };
        const handle = (ev: Parameters<typeof applyEvent>[1]) => {
          if (ev.type === 'text' && firstTokenAt === null) firstTokenAt = chunkAt;
          const stored = applyEvent(state, ev);
          // Any answer (text, refusal, tool call) ends the wait for a first token;
          // reasoning does not: it is not the first token.
          if ((ev.type === 'text' || ev.type === 'refusal' || ev.type === 'tool-call') && firstTimer) {
            clearTimeout(firstTimer);
            firstTimer = null;
          }
          if (stored) queue(stored);
        };
        for await (const value of res.body) {
          chunkAt = now();
          take(text.decode(value, { stream: true }));
        }
        // The last byte is in: the clock stops before the tail is decoded.
        endedAt = now();
        take(text.decode());
        for (const ev of decoder.end()) handle(ev);
      }
    } catch (err) {
      endedAt = now();
      if (cause === 'cancel') transport = { kind: 'cancelled' };
      else if (cause === 'first') transport = { kind: 'first_token_timeout', timeoutMs: req.firstTokenTimeoutMs };
      else if (cause === 'total') transport = { kind: 'total_timeout', timeoutMs: req.totalTimeoutMs };
      else transport = { kind: 'network', ...describeNetworkError(err, built.url) };
    } finally {
      if (firstTimer) clearTimeout(firstTimer);
      if (totalTimer) clearTimeout(totalTimer);
      signal.removeEventListener('abort', onCallerAbort);
    }
    endedAt ??= now();
    flush();
    // What follows (classifying, building and scrubbing the result, and the
    // caller's journaling and next request) waits for the I/O already pending:
    // other streams whose last bytes arrived in this same event-loop turn stop
    // their clocks first, instead of reading our work as their latency.
    await yieldToIo();

    const verdict = classify({
      format: built.format,
      httpStatus,
      headers,
      errorBody,
      state,
      transport,
      now: Date.now(),
    });
    const result: ModelCallResult = {
      status: verdict.status,
      failure: verdict.failure,
      finishReason: verdict.finishReason,
      output: state.text,
      outputTruncatedAt: state.outputTruncatedAt,
      request: built.redactedBody,
      responseMeta: httpStatus === null ? null : { status: httpStatus, headers: pickResponseHeaders(headers) },
      servedModel: state.servedModel,
      systemFingerprint: state.systemFingerprint,
      usage: state.usage,
      startedAt,
      firstTokenAt,
      endedAt,
      ttftMs: firstTokenAt === null ? null : Math.max(0, firstTokenAt - startedAt),
      latencyMs: Math.max(0, endedAt - startedAt),
    };
    // Some providers echo the key in error details (Gemini's DebugInfo does).
    emit({ type: 'done', result: mayCarryKey(result, key) ? scrubKey(result, key) : result });
  }

  /** A whole short answer (model lists), the body read under the same deadline. */
  async function getWithTimeout(url: string, init: BuiltGet, timeoutMs: number): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    try {
      const res: HttpResponse = await http(url, { ...init, signal: ctrl.signal });
      return { status: res.status, headers: res.headers, body: await res.text(MAX_LIST_READ_BYTES) };
    } finally {
      clearTimeout(timer);
    }
  }

  async function testConnection(provider: Provider): Promise<ConnectionReport> {
    const timeoutMs = deps.testTimeoutMs ?? 5000;
    let key: string | null = null;
    try {
      key = await deps.getKey(provider.id);
    } catch {
      key = null;
    }
    const keyProblem = key === null ? null : invalidKeyReason(key);
    if (keyProblem) return { ok: false, message: `${keyProblem} Store the key again.`, httpStatus: null, models: [] };
    const built = listModelsRequest(provider, key);
    const base = baseUrlOf(provider);
    const report = (ok: boolean, message: string, httpStatus: number | null, models: string[] = []): ConnectionReport =>
      scrubKey({ ok, message, httpStatus, models }, key);
    let res: { status: number; headers: Record<string, string>; body: string };
    try {
      res = await getWithTimeout(built.url, built.init, timeoutMs);
    } catch (err) {
      if ((err as { name?: string }).name === 'AbortError' || codeOf(err) === 'UND_ERR_ABORTED')
        return report(false, `No answer from ${base} within ${timeoutMs / 1000} s. Is the address right and the server up?`, null);
      const { code, message } = describeNetworkError(err, built.url);
      if (code === 'ECONNREFUSED')
        return report(false, `Nothing is listening at ${base} (connection refused). Is the server running?`, null);
      return report(false, message, null);
    }
    const body = res.body;
    const status = res.status;
    if (status < 200 || status >= 300) {
      const verdict = classify({ httpStatus: status, errorBody: body, headers: res.headers });
      const detail = errorMessageOf(body);
      const said = detail ? ` The provider said: ${detail}` : '';
      switch (verdict.failure?.class) {
        case 'auth':
          return report(
            false,
            key
              ? `The key was rejected (${status}). Check that it is correct and active for this provider.${said}`
              : `This provider needs a key and none is stored (${status}).${said}`,
            status,
          );
        case 'rate_limited':
          return report(false, `The provider answered but is rate limiting right now (${status}). Try again shortly.${said}`, status);
        default:
          if (status === 404 || status === 405)
            return report(false, `Nothing at ${built.url} (${status}). Check the base URL${urlHint(provider)}.`, status);
          return report(false, `The provider answered ${status}.${said}`, status);
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return report(false, `${built.url} answered, but not with JSON. Check the base URL${urlHint(provider)}.`, status);
    }
    const models = parseModelList(provider.kind, json);
    if (models === null)
      return report(false, `${built.url} answered, but not with a model list. Check the base URL${urlHint(provider)}.`, status);
    return report(true, `Connected: ${models.length} model${models.length === 1 ? '' : 's'} available.`, status, models);
  }

  async function detectLocal(): Promise<LocalServer[]> {
    const probes = deps.localProbes ?? DEFAULT_LOCAL_PROBES;
    const timeoutMs = deps.probeTimeoutMs ?? 500;
    const found = await Promise.all(
      probes.map(async (probe): Promise<LocalServer | null> => {
        const provider = { id: `local-${probe.name}`, name: probe.name, kind: probe.kind, baseUrl: probe.baseUrl, headers: {} } as Provider;
        const built = listModelsRequest(provider, probe.probeKey ?? null);
        try {
          const res = await getWithTimeout(built.url, built.init, timeoutMs);
          if (res.status < 200 || res.status >= 300) return null;
          const models = parseModelList(probe.kind, JSON.parse(res.body));
          return models === null ? null : { name: probe.name, kind: probe.kind, baseUrl: probe.baseUrl, models };
        } catch {
          return null;
        }
      }),
    );
    return found.filter((s): s is LocalServer => s !== null);
  }

  return { call, testConnection, detectLocal };
}

function urlHint(provider: Provider): string {
  if (provider.kind === 'ollama') return ' (Ollama listens on http://127.0.0.1:11434, without /v1)';
  if (provider.kind === 'openai-compatible' || provider.kind === 'openrouter' || provider.kind === 'openai')
    return ' (OpenAI-style servers usually end in /v1)';
  return '';
}
