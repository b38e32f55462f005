/**
 * The mock provider: one node:http server on 127.0.0.1 that speaks OpenAI,
 * OpenRouter, OpenAI-compatible, Anthropic, Gemini and Ollama wire formats,
 * paces tokens (ttft, tps), injects every failure class of PRODUCT.md, and keeps
 * a ground-truth record of what it did to each request, so the app and its tests
 * run with no keys and no network. Knobs and faults: ./README.md.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FailureClass } from '../../shared/domain/schemas';
import {
  DEFAULT_KNOBS,
  FAULTS,
  FaultGate,
  KnobError,
  KNOB_WIRE_NAMES,
  checkKnobs,
  expectedClass,
  knobKey,
  parseKnob,
  splitModelKnobs,
  type FaultName,
  type Knobs,
  type MockKind,
} from './knobs';
import { REFUSAL_PIECES, countWords, generatePieces } from './text';
import { anthropicId, anthropicRequestId, anthropicWire } from './wire-anthropic';
import { geminiResponseId, geminiWire } from './wire-gemini';
import { ollamaWire } from './wire-ollama';
import { openaiFamily, openaiFamilyId } from './wire-openai';
import { randomHex, type ErrorKind, type Finish, type HttpError, type StreamMode, type WireCtx, type WireFormat } from './wire';

export type { FaultName, Knobs, MockKind } from './knobs';
export { DEFAULT_KNOBS, FAULTS, MOCK_KINDS, expectedClass } from './knobs';

/** What the mock did with one request. Times are epoch ms from performance.timeOrigin + performance.now(). */
export interface GroundTruth {
  seq: number;
  /** The request's `x-mock-tag` header or `mock_tag` query value, for matching records to requests. */
  tag: string | null;
  method: string;
  path: string;
  /** Wire format of the route, or null for an unknown route. */
  kind: MockKind | null;
  /** `chat` for a generation, `models` for a listing, `unknown` otherwise. */
  op: 'chat' | 'models' | 'unknown';
  /** Requested model (without any `+knob=` suffix). */
  model: string | null;
  servedModel: string | null;
  stream: boolean;
  /** The fault applied to this request (after fault-rate), or null. */
  fault: FaultName | null;
  /** The failure class a correct client files this request under ('ok' for success), null for non-chat routes. */
  expect: FailureClass | 'ok' | null;
  ttftMs: number;
  tps: number;
  /** Tokens the mock meant to send for this request. */
  tokensPlanned: number;
  /** Content tokens actually written to the socket. */
  tokensSent: number;
  /** Input tokens reported in usage (words of the prompt). */
  inputTokens: number;
  requestId: string | null;
  receivedAt: number;
  /** When the first content byte was written; null if none was. */
  firstTokenSentAt: number | null;
  endedAt: number | null;
  /** Requests in flight when this one arrived, itself included. */
  inFlightAtStart: number;
  /** HTTP status sent, or null when no response head was sent (refuse, hang). */
  status: number | null;
  /** `completed`: response ended; `destroyed`: the mock cut the socket; `client_closed`: the client went away first; `open`: still running. */
  outcome: 'open' | 'completed' | 'destroyed' | 'client_closed';
}

export interface MockServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The base URL to configure for each provider kind. */
  baseUrls: Record<MockKind, string>;
  close(): Promise<void>;
  groundTruth(): GroundTruth[];
  inFlight(): number;
  maxInFlight(): number;
  /** Clears the ground truth, fault-rate counters and max in-flight (sequence numbers keep counting). */
  resetStats(): void;
  setDefaults(k: Partial<Knobs>): void;
  defaults(): Knobs;
}

export interface StartMockOptions {
  port?: number;
  defaults?: Partial<Knobs>;
  /** Append each finished request's ground truth to this JSONL file. */
  groundTruthLog?: string;
}

export const now = (): number => performance.timeOrigin + performance.now();

/** Path prefix of each kind's base URL. */
export const BASE_PATHS: Record<MockKind, string> = {
  openai: '/v1',
  anthropic: '/anthropic/v1',
  gemini: '/gemini/v1beta',
  ollama: '/ollama',
  openrouter: '/openrouter/api/v1',
  'openai-compatible': '/compat/v1',
};

const WIRES: Record<MockKind, WireFormat> = {
  openai: openaiFamily('openai'),
  openrouter: openaiFamily('openrouter'),
  'openai-compatible': openaiFamily('openai-compatible'),
  anthropic: anthropicWire(),
  gemini: geminiWire(),
  ollama: ollamaWire(),
};

interface Route {
  kind: MockKind;
  op: 'chat' | 'models';
  method: 'GET' | 'POST';
  /** Gemini: model and method come from the path. */
  geminiModel?: string;
  geminiStream?: boolean;
}

const OPENAI_LIKE: MockKind[] = ['openai', 'openrouter', 'openai-compatible'];
const STATIC_ROUTES = new Map<string, Route>();
for (const kind of OPENAI_LIKE) {
  STATIC_ROUTES.set(`${BASE_PATHS[kind]}/chat/completions`, { kind, op: 'chat', method: 'POST' });
  STATIC_ROUTES.set(`${BASE_PATHS[kind]}/models`, { kind, op: 'models', method: 'GET' });
}
STATIC_ROUTES.set('/anthropic/v1/messages', { kind: 'anthropic', op: 'chat', method: 'POST' });
STATIC_ROUTES.set('/anthropic/v1/models', { kind: 'anthropic', op: 'models', method: 'GET' });
STATIC_ROUTES.set('/gemini/v1beta/models', { kind: 'gemini', op: 'models', method: 'GET' });
STATIC_ROUTES.set('/gemini/v1/models', { kind: 'gemini', op: 'models', method: 'GET' });
STATIC_ROUTES.set('/ollama/api/chat', { kind: 'ollama', op: 'chat', method: 'POST' });
STATIC_ROUTES.set('/ollama/api/tags', { kind: 'ollama', op: 'models', method: 'GET' });

const GEMINI_GENERATE = /^\/gemini\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

function routeFor(path: string): Route | undefined {
  const r = STATIC_ROUTES.get(path);
  if (r) return r;
  const m = GEMINI_GENERATE.exec(path);
  if (m) return { kind: 'gemini', op: 'chat', method: 'POST', geminiModel: decodeURIComponent(m[1]), geminiStream: m[2] === 'streamGenerateContent' };
  return undefined;
}

/** Per-request state shared by the handler and the close listener. */
interface ReqState {
  rec: GroundTruth;
  res: ServerResponse;
  closed: boolean;
  destroyedByMock: boolean;
  cancelSleep: (() => void) | null;
}

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let s = '';
    for (const part of content) {
      if (part && typeof part === 'object' && typeof (part as Json).text === 'string') s += (s ? '\n' : '') + (part as Json).text;
    }
    return s;
  }
  return '';
}

const asArray = (v: unknown): (Json | null | undefined)[] => (Array.isArray(v) ? (v as (Json | null | undefined)[]) : []);

/** The prompt's text (system and messages), the mock's measure of input. */
function promptText(kind: MockKind, body: Json): string {
  const out: string[] = [];
  if (kind === 'gemini') {
    const sys = body.systemInstruction as Json | undefined;
    if (sys) out.push(textOf(sys.parts));
    for (const c of asArray(body.contents)) out.push(textOf(c?.parts));
    return out.join('\n');
  }
  if (kind === 'anthropic' && body.system !== undefined) out.push(textOf(body.system));
  for (const m of asArray(body.messages)) out.push(textOf(m?.content));
  return out.join('\n');
}

function maxTokensOf(kind: MockKind, body: Json): number | null {
  const pick = (...vs: unknown[]): number | null => {
    for (const v of vs) if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
    return null;
  };
  switch (kind) {
    case 'anthropic':
      return pick(body.max_tokens);
    case 'gemini':
      return pick((body.generationConfig as Json | undefined)?.maxOutputTokens);
    case 'ollama':
      return pick((body.options as Json | undefined)?.num_predict);
    default:
      return pick(body.max_completion_tokens, body.max_tokens);
  }
}

function keyOf(kind: MockKind, req: IncomingMessage, query: URLSearchParams | null): string | null {
  const h = req.headers;
  if (kind === 'anthropic') return (h['x-api-key'] as string | undefined) || null;
  if (kind === 'gemini') return (h['x-goog-api-key'] as string | undefined) || query?.get('key') || null;
  const auth = h.authorization;
  if (!auth) return null;
  const m = /^bearer\s+(.*)$/i.exec(auth);
  return m && m[1].trim() ? m[1].trim() : null;
}

/** Knobs for this request: defaults, then the model suffix, then the query, then headers. */
function knobsFor(defaults: Knobs, req: IncomingMessage, query: URLSearchParams | null, modelKnobs: Partial<Knobs>): Knobs {
  const k: Knobs = { ...defaults, ...modelKnobs };
  if (query) {
    for (const [name, v] of query) {
      if (!name.startsWith('mock_') || name === 'mock_tag') continue;
      const key = knobKey(name.slice(5));
      if (!key) throw new KnobError(`unknown mock knob in query: ${name}`);
      Object.assign(k, parseKnob(key, v));
    }
  }
  for (const name in req.headers) {
    if (!name.startsWith('x-mock-') || name === 'x-mock-tag') continue;
    const key = knobKey(name.slice(7));
    if (!key) throw new KnobError(`unknown mock knob header: ${name}`);
    const v = req.headers[name];
    Object.assign(k, parseKnob(key, Array.isArray(v) ? v[v.length - 1] : (v ?? '')));
  }
  return k;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Tokens streamed before a mid-stream fault strikes ("after some text"). */
const SOME = 3;

export async function startMock(opts: StartMockOptions = {}): Promise<MockServer> {
  let defaults: Knobs = { ...DEFAULT_KNOBS, ...checkKnobs(opts.defaults ?? {}) };
  let seqCounter = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let records: GroundTruth[] = [];
  const gate = new FaultGate();
  const log: WriteStream | null = opts.groundTruthLog ? createWriteStream(opts.groundTruthLog, { flags: 'a' }) : null;
  const open = new Set<ReqState>();

  function finalize(st: ReqState): void {
    if (st.closed) return;
    const res = st.res;
    st.closed = true;
    open.delete(st);
    st.cancelSleep?.();
    const rec = st.rec;
    rec.endedAt = now();
    rec.status = res.headersSent ? res.statusCode : null;
    rec.outcome = st.destroyedByMock ? 'destroyed' : res.writableFinished ? 'completed' : 'client_closed';
    inFlight--;
    if (log && !log.writableEnded) log.write(JSON.stringify(rec) + '\n');
  }

  /** Resolves true after ms, or false at once if the client has gone (timers never outlive the request). */
  function sleep(st: ReqState, ms: number): Promise<boolean> {
    if (st.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        st.cancelSleep = null;
        resolve(!st.closed);
      }, ms);
      st.cancelSleep = () => {
        clearTimeout(t);
        st.cancelSleep = null;
        resolve(false);
      };
    });
  }

  function destroy(st: ReqState, req: IncomingMessage): void {
    st.destroyedByMock = true;
    req.socket.destroy();
  }

  function sendError(res: ServerResponse, wire: WireFormat, ctx: WireCtx | null, kind: MockKind, e: HttpError): void {
    const headers: Record<string, string> = {
      ...(ctx ? wire.headers(ctx, false) : { 'content-type': 'application/json' }),
      'content-type': kind === 'ollama' ? 'application/json; charset=utf-8' : 'application/json',
      ...e.headers,
    };
    res.writeHead(e.status, headers);
    res.end(e.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? null : new URLSearchParams(url.slice(q + 1));

    if (path === '/' || path.startsWith('/__mock')) return control(req, res, path);

    const route = routeFor(path);
    const receivedAt = now();
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    const rec: GroundTruth = {
      seq: ++seqCounter,
      tag: (req.headers['x-mock-tag'] as string | undefined) ?? query?.get('mock_tag') ?? null,
      method: req.method ?? 'GET',
      path,
      kind: route?.kind ?? null,
      op: route?.op ?? 'unknown',
      model: route?.geminiModel ?? null,
      servedModel: null,
      stream: false,
      fault: null,
      expect: null,
      ttftMs: defaults.ttft,
      tps: defaults.tps,
      tokensPlanned: 0,
      tokensSent: 0,
      inputTokens: 0,
      requestId: null,
      receivedAt,
      firstTokenSentAt: null,
      endedAt: null,
      inFlightAtStart: inFlight,
      status: null,
      outcome: 'open',
    };
    records.push(rec);
    const st: ReqState = { rec, res, closed: false, destroyedByMock: false, cancelSleep: null };
    open.add(st);
    res.once('close', () => finalize(st));

    const rawBody = req.method === 'POST' ? await readBody(req) : (req.resume(), '');
    if (!route) {
      const wire = WIRES.openai;
      return sendError(res, wire, null, 'openai', wire.error('not_found', { model: '', retryAfter: 0, requestId: '', message: `Invalid URL (${req.method} ${path})` }));
    }
    const kind = route.kind;
    const wire = WIRES[kind];
    const errOpts = (model: string, message?: string) => ({ model, retryAfter: defaults.retryAfter, requestId: rec.requestId ?? '', message });

    if (req.method !== route.method) {
      return sendError(res, wire, null, kind, wire.error('not_found', errOpts('', `Invalid method ${req.method} for ${path}`)));
    }

    let body: Json = {};
    if (route.op === 'chat') {
      try {
        const parsed: unknown = JSON.parse(rawBody);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body is not a JSON object');
        body = parsed as Json;
      } catch (e) {
        return sendError(res, wire, null, kind, wire.error('bad_request', errOpts('', `Invalid JSON body: ${(e as Error).message}`)));
      }
    }

    const rawModel = route.geminiModel ?? (typeof body.model === 'string' ? body.model : '');
    let knobs: Knobs;
    let model: string;
    try {
      const split = splitModelKnobs(rawModel);
      model = split.model;
      knobs = knobsFor(defaults, req, query, split.knobs);
    } catch (e) {
      if (!(e instanceof KnobError)) throw e;
      return sendError(res, wire, null, kind, wire.error('bad_request', errOpts(rawModel, e.message)));
    }
    rec.model = route.op === 'chat' ? model : null;
    rec.servedModel = route.op === 'chat' ? (knobs.served ?? model) : null;
    rec.stream = route.op === 'chat' && isStream(route, body);
    rec.ttftMs = knobs.ttft;
    rec.tps = knobs.tps;
    const prompt = route.op === 'chat' ? promptText(kind, body) : '';
    rec.inputTokens = countWords(prompt);

    let fault: FaultName | null = knobs.fault && gate.applies(knobs.fault, knobs.faultRate) ? knobs.fault : null;
    if (route.op === 'models' && fault && !MODELS_FAULTS.has(fault)) fault = null;
    rec.fault = fault;
    rec.expect = route.op === 'chat' ? expectedClass(kind, fault) : null;
    const errors = { ...errOpts(model), retryAfter: knobs.retryAfter };

    // Transport faults come before anything the server would check: the connection never gets that far.
    if (fault === 'refuse') return destroy(st, req);
    if (fault === 'hang') return;

    const key = keyOf(kind, req, query);
    if (fault === 'auth' || key === 'bad-key') return sendError(res, wire, null, kind, wire.error('auth_bad', errors));
    if (!key && kind !== 'ollama' && !(kind === 'openrouter' && route.op === 'models')) {
      return sendError(res, wire, null, kind, wire.error('auth_missing', errors));
    }

    const created = Math.floor(Date.now() / 1000);
    const ctx: WireCtx = {
      kind,
      seq: rec.seq,
      id: kind === 'anthropic' ? anthropicId() : kind === 'gemini' ? geminiResponseId() : kind === 'ollama' ? '' : openaiFamilyId(kind, rec.seq, created),
      requestId: kind === 'anthropic' ? anthropicRequestId() : `req_${randomHex(32)}`,
      requestedModel: model,
      servedModel: knobs.served ?? model,
      created,
      inputTokens: rec.inputTokens,
      includeUsage: !!(body.stream_options && (body.stream_options as Json).include_usage === true),
      framing: kind === 'gemini' && query?.get('alt') !== 'sse' ? 'json-array' : 'sse',
    };
    rec.requestId = kind === 'gemini' || kind === 'ollama' ? null : ctx.requestId;
    errors.requestId = ctx.requestId;

    const statusFault = STATUS_FAULTS[fault ?? ''];
    if (statusFault && !(fault === 'overloaded-midstream' && kind === 'anthropic' && route.op === 'chat' && isStream(route, body))) {
      return sendError(res, wire, ctx, kind, wire.error(statusFault, errors));
    }

    if (route.op === 'models') {
      res.writeHead(200, { ...wire.headers(ctx, false), 'content-type': kind === 'ollama' ? 'application/json; charset=utf-8' : 'application/json' });
      const list = wire.models();
      if (fault === 'malformed') res.end(list.slice(0, list.length >> 1));
      else res.end(list);
      return;
    }

    // Checks the real APIs make, so an adapter that forgets them fails here too.
    if (kind === 'anthropic' && !req.headers['anthropic-version']) {
      return sendError(res, wire, ctx, kind, wire.error('bad_request', { ...errors, message: 'anthropic-version: header is required' }));
    }
    if (kind === 'anthropic' && maxTokensOf(kind, body) === null) {
      return sendError(res, wire, ctx, kind, wire.error('bad_request', { ...errors, message: 'max_tokens: Field required' }));
    }
    const hasMessages = kind === 'gemini' ? Array.isArray(body.contents) && body.contents.length > 0 : Array.isArray(body.messages) && body.messages.length > 0;
    if (!hasMessages) {
      return sendError(res, wire, ctx, kind, wire.error('bad_request', { ...errors, message: kind === 'gemini' ? '* GenerateContentRequest.contents: contents is not specified' : 'messages: at least one message is required' }));
    }
    if (kind !== 'gemini' && !model) {
      return sendError(res, wire, ctx, kind, wire.error('bad_request', { ...errors, message: 'model: Field required' }));
    }

    const stream = rec.stream;

    // What to say and how it ends.
    let mode: StreamMode = 'text';
    let pieces: readonly string[];
    let finish: Finish = 'stop';
    const generated = (): string[] => generatePieces(knobs.seed, prompt, knobs.tokens);
    const openaiLike = OPENAI_LIKE.includes(kind);
    switch (kind === 'ollama' && (fault === 'content_filter' || fault === 'prompt-blocked') ? null : fault) {
      case 'refusal':
        if (openaiLike) mode = 'refusal';
        pieces = kind === 'anthropic' ? [] : REFUSAL_PIECES;
        finish = kind === 'anthropic' ? 'refusal' : 'stop';
        break;
      case 'content_filter':
        pieces = generated().slice(0, SOME);
        finish = 'content_filter';
        break;
      case 'prompt-blocked':
        pieces = [];
        finish = kind === 'gemini' ? 'prompt_blocked' : 'content_filter';
        break;
      case 'length':
        pieces = generated();
        finish = 'length';
        break;
      case 'empty':
        pieces = [];
        break;
      default: {
        const all = generated();
        const max = maxTokensOf(kind, body);
        if (max !== null && max < all.length) {
          pieces = all.slice(0, max);
          finish = 'length';
        } else pieces = all;
      }
    }
    rec.tokensPlanned = pieces.length;
    const headers = wire.headers(ctx, stream);
    const timing = (): { receivedAt: number; firstTokenAt: number | null; endAt: number } => ({ receivedAt, firstTokenAt: rec.firstTokenSentAt, endAt: now() });

    if (!stream) {
      if (fault === 'stream-error') return sendError(res, wire, ctx, kind, wire.error('server_error', errors));
      // Anthropic's only output block is an error (see wire-anthropic.ts); unstreamed, that is a 400.
      if (finish === 'content_filter' && kind === 'anthropic') return sendError(res, wire, ctx, kind, wire.error('content_filter', errors));
      if (fault === 'hang-after-first') {
        res.writeHead(200, headers);
        res.flushHeaders();
        return;
      }
      const genMs = knobs.tps > 0 ? (pieces.length * 1000) / knobs.tps : 0;
      if (!(await sleep(st, receivedAt + knobs.ttft + genMs - now()))) return;
      rec.firstTokenSentAt = pieces.length > 0 ? now() : null;
      const text = pieces.join('');
      const json = wire.json(ctx, mode, text, finish, pieces.length, timing());
      res.writeHead(200, headers);
      if (fault === 'reset' || fault === 'malformed') {
        const half = json.slice(0, json.length >> 1);
        rec.tokensSent = pieces.length;
        if (fault === 'malformed') return void res.end(half);
        res.write(half, () => setImmediate(() => destroy(st, req)));
        return;
      }
      rec.tokensSent = pieces.length;
      res.end(json);
      return;
    }

    // Streaming. Bytes collect in `buf` and go out at each pause, so with tps 0 a whole answer is one write.
    const enc = wire.stream(ctx, mode);
    let buf = enc.open();
    res.writeHead(200, headers);
    const flush = (): void => {
      if (buf) res.write(buf);
      else res.flushHeaders();
      buf = '';
    };
    const pause = async (ms: number): Promise<boolean> => {
      if (ms <= 0) return !st.closed;
      flush();
      return sleep(st, ms);
    };

    if (!(await pause(receivedAt + knobs.ttft - now()))) return;
    const firstDue = now();
    // Where the fault strikes: after this many pieces.
    const midstream = fault === 'reset' || fault === 'stream-error' || fault === 'overloaded-midstream' || fault === 'malformed' || fault === 'hang-after-first';
    const strikeAt = !midstream ? -1 : fault === 'hang-after-first' ? Math.min(1, pieces.length) : Math.min(SOME, pieces.length);

    let i = 0;
    const sendUpTo = async (end: number): Promise<boolean> => {
      while (i < end) {
        if (knobs.tps > 0) {
          const due = firstDue + (i * 1000) / knobs.tps;
          if (!(await pause(due - now()))) return false;
        }
        // Every piece already due goes out together (tps above the timer resolution).
        const t = now();
        do {
          if (rec.firstTokenSentAt === null) rec.firstTokenSentAt = t;
          buf += enc.piece(pieces[i]);
          i++;
          rec.tokensSent++;
        } while (i < end && (knobs.tps === 0 || firstDue + (i * 1000) / knobs.tps <= t));
      }
      return !st.closed;
    };

    if (!(await sendUpTo(strikeAt >= 0 ? strikeAt : pieces.length))) return;
    switch (midstream ? fault : null) {
      case 'reset':
        // FIN after the partial body, not RST: an RST can make the kernel drop bytes the client has not read yet.
        res.write(buf, () => setImmediate(() => destroy(st, req)));
        buf = '';
        return;
      case 'hang-after-first':
        flush();
        return;
      case 'stream-error':
        res.end(buf + enc.midError('server'));
        return;
      case 'overloaded-midstream':
        res.end(buf + enc.midError('overloaded'));
        return;
      case 'malformed':
        buf += enc.malformed();
        if (!(await sendUpTo(pieces.length))) return;
        break;
    }
    res.end(buf + enc.finish(finish, pieces.length, timing()));
  }

  function control(req: IncomingMessage, res: ServerResponse, path: string): void {
    const reply = (status: number, v: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v, null, 2));
    };
    if (path === '/' || path === '/__mock') return reply(200, { name: 'tenth-mock', baseUrls: server.baseUrls, defaults, faults: FAULTS, knobs: Object.values(KNOB_WIRE_NAMES) });
    if (path === '/__mock/stats') return reply(200, { inFlight, maxInFlight, requests: records.length });
    if (path === '/__mock/ground-truth') return reply(200, records);
    if (path === '/__mock/reset' && req.method === 'POST') {
      req.resume();
      server.resetStats();
      return reply(200, { ok: true });
    }
    if (path === '/__mock/defaults' && req.method === 'POST') {
      void readBody(req).then((raw) => {
        try {
          server.setDefaults(JSON.parse(raw || '{}') as Partial<Knobs>);
          reply(200, defaults);
        } catch (e) {
          reply(400, { error: (e as Error).message });
        }
      });
      return;
    }
    req.resume();
    reply(404, { error: `unknown control route ${path}` });
  }

  const http = createServer({ keepAlive: true, requestTimeout: 0, keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the mock must not look like a provider answer: say so in a 500 the tests will notice.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain', 'x-mock-internal-error': '1' });
        res.end(`mock internal error: ${(e as Error)?.stack ?? String(e)}`);
      } else res.destroy();
    });
  });
  http.headersTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const baseUrls = Object.fromEntries(Object.entries(BASE_PATHS).map(([k, p]) => [k, url + p])) as Record<MockKind, string>;

  const server: MockServer = {
    url,
    port,
    baseUrls,
    async close() {
      for (const st of open) st.destroyedByMock = true;
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      // The server can report closed before each response's own 'close' event has run.
      for (const st of [...open]) finalize(st);
      if (log) await new Promise<void>((resolve) => log.end(resolve));
    },
    groundTruth: () => records.map((r) => ({ ...r })),
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    resetStats() {
      records = [];
      maxInFlight = inFlight;
      gate.reset();
    },
    setDefaults(k) {
      defaults = { ...defaults, ...checkKnobs(k) };
    },
    defaults: () => ({ ...defaults }),
  };
  return server;
}

function isStream(route: Route, body: Json): boolean {
  if (route.kind === 'gemini') return route.geminiStream === true;
  if (route.kind === 'ollama') return body.stream !== false;
  return body.stream === true;
}

/** Faults answered with an error status before any generation. */
const STATUS_FAULTS: Record<string, ErrorKind> = {
  bad_request: 'bad_request',
  rate_limit: 'rate_limit',
  overloaded: 'overloaded',
  'overloaded-midstream': 'overloaded',
  server_error: 'server_error',
};

/** Faults a model listing honours; content faults make no sense there. */
const MODELS_FAULTS = new Set<FaultName>(['refuse', 'hang', 'auth', 'bad_request', 'rate_limit', 'overloaded', 'server_error', 'malformed']);
