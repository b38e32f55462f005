/** What a response said so far, folded from its events; the classifier reads it. */
import type { Usage } from '../domain/schemas';
import type { WireError, WireEvent } from './types';

export interface StreamError extends WireError {
  /** The finish reason already seen when the error arrived (OpenRouter reports a length stop this way). */
  afterFinish: string | null;
}

export interface StreamState {
  /** Answer text, capped at maxStoredChars. */
  text: string;
  /** All answer characters received, stored or not. */
  textChars: number;
  /** Where stored text was cut, or null. */
  outputTruncatedAt: number | null;
  reasoningChars: number;
  refusal: string;
  toolCalls: number;
  finishReason: string | null;
  usage: Usage | null;
  servedModel: string | null;
  systemFingerprint: string | null;
  errors: StreamError[];
  malformed: { message: string; raw: string }[];
  blockReason: string | null;
  /** The protocol marked its end ([DONE], message_stop, a finish reason, done:true). */
  ended: boolean;
  events: number;
  readonly maxStoredChars: number;
}

export function createStreamState(maxStoredChars = Number.POSITIVE_INFINITY): StreamState {
  return {
    text: '',
    textChars: 0,
    outputTruncatedAt: null,
    reasoningChars: 0,
    refusal: '',
    toolCalls: 0,
    finishReason: null,
    usage: null,
    servedModel: null,
    systemFingerprint: null,
    errors: [],
    malformed: [],
    blockReason: null,
    ended: false,
    events: 0,
    maxStoredChars,
  };
}

/**
 * Folds one event into the state (mutates `state`). Returns the answer text that
 * was stored by this event, so a caller streaming deltas sends exactly what is kept.
 */
export function applyEvent(state: StreamState, ev: WireEvent): string {
  state.events++;
  switch (ev.type) {
    case 'text': {
      state.textChars += ev.text.length;
      const room = state.maxStoredChars - state.text.length;
      if (room <= 0) {
        if (state.outputTruncatedAt === null) state.outputTruncatedAt = state.text.length;
        return '';
      }
      const kept = ev.text.length > room ? ev.text.slice(0, room) : ev.text;
      if (kept.length < ev.text.length) state.outputTruncatedAt = state.text.length + kept.length;
      state.text += kept;
      return kept;
    }
    case 'reasoning':
      state.reasoningChars += ev.text.length;
      return '';
    case 'refusal':
      state.refusal += ev.text;
      return '';
    case 'tool-call':
      state.toolCalls++;
      return '';
    case 'finish':
      state.finishReason = ev.reason;
      state.ended = true;
      return '';
    case 'usage': {
      const prev: Usage = state.usage ?? { inputTokens: null, outputTokens: null, reasoningTokens: null, cachedInputTokens: null };
      const next = { ...prev };
      for (const key of ['inputTokens', 'outputTokens', 'reasoningTokens', 'cachedInputTokens'] as const) {
        const v = ev.usage[key];
        if (v != null && Number.isFinite(v) && v >= 0) next[key] = Math.round(v);
      }
      state.usage = next;
      return '';
    }
    case 'model':
      state.servedModel = ev.id;
      return '';
    case 'fingerprint':
      state.systemFingerprint = ev.value;
      return '';
    case 'error':
      state.errors.push({ ...ev.error, afterFinish: state.finishReason });
      return '';
    case 'block':
      state.blockReason = ev.reason;
      return '';
    case 'malformed':
      state.malformed.push({ message: ev.message, raw: ev.raw });
      return '';
    case 'end':
      state.ended = true;
      return '';
  }
}
