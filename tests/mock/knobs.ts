/**
 * The mock provider's knobs and faults: what a request (or the server's defaults)
 * can ask for, how the names are spelled on the wire, and which failure class of
 * PRODUCT.md a correct client should file each fault under on each wire format.
 */
import type { FailureClass } from '../../shared/domain/schemas';

export const MOCK_KINDS = ['openai', 'anthropic', 'gemini', 'ollama', 'openrouter', 'openai-compatible'] as const;
export type MockKind = (typeof MOCK_KINDS)[number];

/**
 * Fault names. `refuse` is the *connection* being refused (transport); `refusal`
 * is the *model* declining (content). Both spellings with `_` and `-` are
 * accepted on input (see normalizeFault), plus a few aliases.
 */
export const FAULTS = [
  'refuse',
  'reset',
  'hang',
  'hang-after-first',
  'auth',
  'bad_request',
  'rate_limit',
  'overloaded',
  'overloaded-midstream',
  'server_error',
  'stream-error',
  'malformed',
  'content_filter',
  'prompt-blocked',
  'refusal',
  'length',
  'empty',
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface Knobs {
  /** Milliseconds from receiving the request to the first content token. */
  ttft: number;
  /** Output tokens per second; 0 sends everything at once. */
  tps: number;
  /** Output length in tokens (a token is one word). */
  tokens: number;
  /** Text seed: the same seed and prompt always give the same text. */
  seed: number;
  /** Served model id; null echoes the requested model. */
  served: string | null;
  fault: FaultName | null;
  /** Fraction of requests (0..1) the fault applies to, spread evenly by a counter. */
  faultRate: number;
  /** Seconds a 429 asks the client to wait (header `retry-after`, Gemini `retryDelay`). */
  retryAfter: number;
}

export const DEFAULT_KNOBS: Knobs = {
  ttft: 0,
  tps: 0,
  tokens: 16,
  seed: 0,
  served: null,
  fault: null,
  faultRate: 1,
  retryAfter: 1,
};

/** Wire spelling of each knob: header `x-mock-<name>`, query `mock_<name>`, model suffix `+<name>=v`. */
export const KNOB_WIRE_NAMES: Record<keyof Knobs, string> = {
  ttft: 'ttft',
  tps: 'tps',
  tokens: 'tokens',
  seed: 'seed',
  served: 'served',
  fault: 'fault',
  faultRate: 'fault-rate',
  retryAfter: 'retry-after',
};

const FAULT_ALIASES: Record<string, FaultName> = {
  'connection-refused': 'refuse',
  econnrefused: 'refuse',
  network: 'reset',
  'connection-reset': 'reset',
  timeout: 'hang',
  'rate-limited': 'rate_limit',
  'server-error': 'server_error',
  'bad-request': 'bad_request',
  'content-filter': 'content_filter',
  'stream-error': 'stream-error',
  truncated: 'length',
  max_tokens: 'length',
  'max-tokens': 'length',
};

const CANONICAL_BY_DASHED = new Map<string, FaultName>(FAULTS.map((f) => [f.replace(/_/g, '-'), f]));

/** A fault name as sent by a person or a test, or null for none/unknown ("none", ""). */
export function normalizeFault(raw: string | null | undefined): FaultName | null | 'unknown' {
  if (raw == null) return null;
  const dashed = raw.trim().toLowerCase().replace(/_/g, '-');
  if (dashed === '' || dashed === 'none' || dashed === 'off') return null;
  return CANONICAL_BY_DASHED.get(dashed) ?? FAULT_ALIASES[dashed] ?? FAULT_ALIASES[dashed.replace(/-/g, '_')] ?? 'unknown';
}

export class KnobError extends Error {}

function num(name: string, raw: string, min: number, max = Number.POSITIVE_INFINITY): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw new KnobError(`mock knob ${name}: ${JSON.stringify(raw)} is not a number in [${min}, ${max}]`);
  }
  return v;
}

/** Parses one knob from its wire string; throws KnobError on a bad value so the caller can answer 400. */
export function parseKnob(key: keyof Knobs, raw: string): Partial<Knobs> {
  switch (key) {
    case 'ttft':
      return { ttft: num('ttft', raw, 0) };
    case 'tps':
      return { tps: num('tps', raw, 0) };
    case 'tokens':
      return { tokens: Math.floor(num('tokens', raw, 0, 1_000_000)) };
    case 'seed':
      return { seed: num('seed', raw, Number.MIN_SAFE_INTEGER) };
    case 'served':
      return { served: raw.trim() === '' ? null : raw.trim() };
    case 'fault': {
      const f = normalizeFault(raw);
      if (f === 'unknown') throw new KnobError(`mock knob fault: unknown fault ${JSON.stringify(raw)}; known: ${FAULTS.join(', ')}`);
      return { fault: f };
    }
    case 'faultRate':
      return { faultRate: num('fault-rate', raw, 0, 1) };
    case 'retryAfter':
      return { retryAfter: num('retry-after', raw, 0) };
  }
}

const KNOB_KEYS = Object.keys(KNOB_WIRE_NAMES) as (keyof Knobs)[];
const KEY_BY_LOOSE_NAME = new Map<string, keyof Knobs>();
for (const k of KNOB_KEYS) {
  const wire = KNOB_WIRE_NAMES[k];
  KEY_BY_LOOSE_NAME.set(wire, k);
  KEY_BY_LOOSE_NAME.set(wire.replace(/-/g, '_'), k);
  KEY_BY_LOOSE_NAME.set(k.toLowerCase(), k);
}

/** Knob key for a loose name: `fault-rate`, `fault_rate`, `faultrate`. */
export function knobKey(name: string): keyof Knobs | undefined {
  return KEY_BY_LOOSE_NAME.get(name.toLowerCase());
}

/**
 * Knobs carried in a model id after `+`, e.g. `gpt-4o+fault=rate_limit+ttft=200`,
 * so a UI that can only pick model names can still ask for a fault. Returns the
 * bare model id and the knobs found.
 */
export function splitModelKnobs(model: string): { model: string; knobs: Partial<Knobs> } {
  const plus = model.indexOf('+');
  if (plus < 0) return { model, knobs: {} };
  const knobs: Partial<Knobs> = {};
  for (const part of model.slice(plus + 1).split('+')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = knobKey(part.slice(0, eq));
    if (key) Object.assign(knobs, parseKnob(key, decodeURIComponent(part.slice(eq + 1))));
  }
  return { model: model.slice(0, plus), knobs };
}

/** Validates a whole Partial<Knobs> given as an object (server defaults, control endpoint). */
export function checkKnobs(k: Partial<Knobs>): Partial<Knobs> {
  const out: Partial<Knobs> = {};
  for (const key of KNOB_KEYS) {
    const v = k[key];
    if (v === undefined) continue;
    Object.assign(out, parseKnob(key, v === null ? '' : String(v)));
  }
  return out;
}

/**
 * Decides whether a fault with rate r applies to the n-th request that asked for
 * it: exactly floor(n·r) of the first n requests get it, evenly spread, with no
 * randomness (repeated runs see the same pattern).
 */
export class FaultGate {
  private counters = new Map<string, number>();

  applies(fault: FaultName, rate: number): boolean {
    if (rate >= 1) return true;
    if (rate <= 0) return false;
    const key = `${fault}@${rate}`;
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    return Math.floor((n + 1) * rate) > Math.floor(n * rate);
  }

  reset(): void {
    this.counters.clear();
  }
}

/** The failure class (PRODUCT.md) a correct client files this fault under, or 'ok'. */
export function expectedClass(kind: MockKind, fault: FaultName | null): FailureClass | 'ok' {
  switch (fault) {
    case null:
      return 'ok';
    case 'refuse':
    case 'reset':
      return 'network';
    case 'hang':
    case 'hang-after-first':
      return 'timeout';
    case 'auth':
      return 'auth';
    case 'bad_request':
      return 'bad_request';
    case 'rate_limit':
      return 'rate_limited';
    case 'overloaded':
    case 'overloaded-midstream':
      return 'overloaded';
    case 'server_error':
    case 'stream-error':
      return 'server_error';
    case 'malformed':
      return 'malformed';
    case 'content_filter':
    case 'prompt-blocked':
      // Ollama is local and has no filter: the mock answers normally.
      return kind === 'ollama' ? 'ok' : 'content_filter';
    case 'refusal':
      // Gemini and Ollama have no refusal signal; the refusal is plain text.
      return kind === 'gemini' || kind === 'ollama' ? 'ok' : 'refusal';
    case 'length':
      return 'truncated';
    case 'empty':
      return 'empty';
  }
}
