/**
 * The attempt schema (shared/domain/schemas.ts `Attempt`) checked by hand: the
 * import's hot path, where an attempt is most of every journal file's lines.
 *
 * Why by hand: zod builds fast parsers by compiling code, which the app's
 * Content-Security-Policy forbids (no eval, in the data worker too), so in the
 * app it walks each schema generically; an import of 100,000 attempts spent
 * about a quarter of its worker time there. This function does the same
 * checks as straight-line code and builds the same output (the schema's keys
 * in the schema's order, unknown keys left out, `request` passed through).
 *
 * It only ever answers for records zod accepts: anything it is unsure of
 * (an invalid field, an unknown key where the schema is strict, a key named
 * `__proto__`) gives `undefined`, and the caller asks zod, which also words
 * the error. fastAttempt.test.ts holds it to zod over every attempt shape the
 * sample journal makes and thousands of mutations of them: when it answers,
 * zod accepts the record and gives the same output, byte for byte.
 */
import { ATTEMPT_SCHEMA, ATTEMPT_STATUSES, FAILURE_CLASSES, PROVIDER_KINDS, type Attempt } from '../domain/schemas';

type Obj = Record<string, unknown>;

const PROVIDER_KIND = new Set<unknown>(PROVIDER_KINDS);
const STATUS = new Set<unknown>(ATTEMPT_STATUSES);
const FAILURE_CLASS = new Set<unknown>(FAILURE_CLASSES);
const GRADE_SOURCE = new Set<unknown>(['human', 'check', 'judge']);
const RESPONSE_FORMAT = new Set<unknown>(['text', 'json']);

/** Thrown inside the walk to give up; caught once at the top. */
const NO = Symbol('no');

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const num = (v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw NO;
  return v;
};
const int = (v: unknown): number => {
  if (!Number.isSafeInteger(v)) throw NO;
  return v as number;
};
const nonneg = (v: unknown): number => {
  const n = num(v);
  if (n < 0) throw NO;
  return n;
};
const nonnegInt = (v: unknown): number => {
  const n = int(v);
  if (n < 0) throw NO;
  return n;
};
const str = (v: unknown): string => {
  if (typeof v !== 'string') throw NO;
  return v;
};
const nonEmpty = (v: unknown): string => {
  if (typeof v !== 'string' || v.length === 0) throw NO;
  return v;
};
const bool = (v: unknown): boolean => {
  if (typeof v !== 'boolean') throw NO;
  return v;
};
const oneOf = (set: Set<unknown>, v: unknown): string => {
  if (!set.has(v)) throw NO;
  return v as string;
};
const nullable = <T>(check: (v: unknown) => T, v: unknown): T | null => (v === null ? null : check(v));
const strings = (v: unknown): string[] => {
  if (!Array.isArray(v)) throw NO;
  const out: string[] = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = str(v[i]);
  return out;
};
/** Every key of `o` is one of `keys` (a strict object). */
function onlyKeys(o: Obj, keys: Set<string>): void {
  for (const k in o) if (!keys.has(k)) throw NO;
}
/** No own key `__proto__` (JSON.parse makes one; assigning it would set a prototype). */
function noProtoKey(o: Obj): void {
  if (Object.prototype.hasOwnProperty.call(o, '__proto__')) throw NO;
}

function failure(v: unknown): Attempt['failure'] {
  if (v === null) return null;
  if (!isObj(v)) throw NO;
  const out: Obj = {
    class: oneOf(FAILURE_CLASS, v.class),
    message: str(v.message),
    httpStatus: nullable(int, v.httpStatus),
    retryAfterMs: nullable(nonneg, v.retryAfterMs),
  };
  if (v.body !== undefined) out.body = nullable(str, v.body);
  return out as Attempt['failure'];
}

function usage(v: unknown): Attempt['usage'] {
  if (v === null) return null;
  if (!isObj(v)) throw NO;
  return {
    inputTokens: nullable(nonnegInt, v.inputTokens),
    outputTokens: nullable(nonnegInt, v.outputTokens),
    reasoningTokens: nullable(nonnegInt, v.reasoningTokens),
    cachedInputTokens: nullable(nonnegInt, v.cachedInputTokens),
  };
}

function price(v: unknown): Attempt['price'] {
  if (v === null) return null;
  if (!isObj(v)) throw NO;
  return { inputPerM: nonneg(v.inputPerM), outputPerM: nonneg(v.outputPerM) };
}

const PARAM_KEYS = new Set(['temperature', 'topP', 'maxOutputTokens', 'seed', 'stop', 'responseFormat']);

function params(v: unknown): Attempt['params'] {
  if (!isObj(v)) throw NO;
  onlyKeys(v, PARAM_KEYS);
  const out: Obj = {};
  if (v.temperature !== undefined) {
    const t = num(v.temperature);
    if (t < 0 || t > 2) throw NO;
    out.temperature = t;
  }
  if (v.topP !== undefined) {
    const p = num(v.topP);
    if (p < 0 || p > 1) throw NO;
    out.topP = p;
  }
  if (v.maxOutputTokens !== undefined) {
    const m = int(v.maxOutputTokens);
    if (m <= 0) throw NO;
    out.maxOutputTokens = m;
  }
  if (v.seed !== undefined) out.seed = int(v.seed);
  if (v.stop !== undefined) out.stop = strings(v.stop);
  if (v.responseFormat !== undefined) out.responseFormat = oneOf(RESPONSE_FORMAT, v.responseFormat);
  return out as Attempt['params'];
}

function responseMeta(v: unknown): Attempt['responseMeta'] {
  if (v === null) return null;
  if (!isObj(v)) throw NO;
  const status = nullable(int, v.status);
  const h = v.headers;
  if (!isObj(h)) throw NO;
  noProtoKey(h);
  const headers: Record<string, string> = {};
  for (const k of Object.keys(h)) headers[k] = str(h[k]);
  return { status, headers };
}

function grade(v: unknown): Attempt['grades'][number] {
  if (!isObj(v)) throw NO;
  const out: Obj = {};
  if (v.id !== undefined) out.id = str(v.id);
  out.source = oneOf(GRADE_SOURCE, v.source);
  out.name = str(v.name);
  out.pass = nullable(bool, v.pass);
  out.score = nullable((x) => {
    const s = num(x);
    if (s < 0 || s > 1) throw NO;
    return s;
  }, v.score);
  if (v.note !== undefined) out.note = nullable(str, v.note);
  out.at = num(v.at);
  if (v.blind !== undefined) out.blind = bool(v.blind);
  if (v.judgeAttemptIds !== undefined) out.judgeAttemptIds = strings(v.judgeAttemptIds);
  return out as Attempt['grades'][number];
}

function grades(v: unknown): Attempt['grades'] {
  if (!Array.isArray(v)) throw NO;
  const out = new Array<Attempt['grades'][number]>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = grade(v[i]);
  return out;
}

/**
 * The attempt zod's `Attempt.parse` would give for `raw`, or undefined when
 * the record is not valid or not certainly so (ask zod then).
 */
export function fastAttempt(raw: unknown): Attempt | undefined {
  if (!isObj(raw)) return undefined;
  try {
    if (raw.schema !== ATTEMPT_SCHEMA) return undefined;
    const out: Obj = {
      schema: ATTEMPT_SCHEMA,
      id: nonEmpty(raw.id),
      runId: nonEmpty(raw.runId),
      promptId: nonEmpty(raw.promptId),
      promptVersion: nonEmpty(raw.promptVersion),
      caseId: nonEmpty(raw.caseId),
      repeatIndex: nonnegInt(raw.repeatIndex),
      retryOf: nullable(str, raw.retryOf),
    };
    if (raw.judgeOf !== undefined) out.judgeOf = nullable(str, raw.judgeOf);
    out.providerKind = oneOf(PROVIDER_KIND, raw.providerKind);
    out.providerId = str(raw.providerId);
    out.model = str(raw.model);
    out.servedModel = nullable(str, raw.servedModel);
    out.systemFingerprint = nullable(str, raw.systemFingerprint);
    out.params = params(raw.params);
    out.status = oneOf(STATUS, raw.status);
    out.failure = failure(raw.failure);
    out.finishReason = nullable(str, raw.finishReason);
    out.output = str(raw.output);
    out.outputTruncatedAt = nullable(nonnegInt, raw.outputTruncatedAt);
    // z.unknown().nullable(): any value, passed through as it is; the key must be there.
    if (!('request' in raw) || raw.request === undefined) throw NO;
    out.request = raw.request;
    out.responseMeta = responseMeta(raw.responseMeta);
    out.queuedAt = num(raw.queuedAt);
    out.startedAt = nullable(num, raw.startedAt);
    out.firstTokenAt = nullable(num, raw.firstTokenAt);
    out.endedAt = nullable(num, raw.endedAt);
    out.ttftMs = nullable(nonneg, raw.ttftMs);
    out.latencyMs = nullable(nonneg, raw.latencyMs);
    out.tokensPerSec = nullable(nonneg, raw.tokensPerSec);
    out.usage = usage(raw.usage);
    out.price = price(raw.price);
    out.costUsd = nullable(nonneg, raw.costUsd);
    out.grades = grades(raw.grades);
    if (raw.owner !== undefined) out.owner = str(raw.owner);
    if (raw.notes !== undefined) out.notes = str(raw.notes);
    if (raw.tags !== undefined) out.tags = strings(raw.tags);
    return out as Attempt;
  } catch (e) {
    if (e === NO) return undefined;
    throw e;
  }
}
