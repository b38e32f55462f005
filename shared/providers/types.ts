import type { ProviderKind, Usage } from '../domain/schemas';

/** The wire formats Tenth speaks; several provider kinds share one. */
export type WireFormat = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama';

/** The format the app sends for each provider kind (Chat Completions for every OpenAI-style API). */
export function wireFormatOf(kind: ProviderKind): WireFormat {
  switch (kind) {
    case 'openai':
    case 'openrouter':
    case 'openai-compatible':
      return 'openai-chat';
    case 'anthropic':
      return 'anthropic';
    case 'gemini':
      return 'gemini';
    case 'ollama':
      return 'ollama';
  }
}

/** An error the provider reported inside a 2xx body or stream. */
export interface WireError {
  /** The provider's code or type (`insufficient_quota`, `overloaded_error`, `CANCELLED`, `429`). */
  code: string | null;
  /** A numeric status the provider put in the error object, if any. */
  status: number | null;
  message: string;
  /** The event payload as received. */
  raw: string;
}

/**
 * One normalized thing a provider said. Text is answer content only; reasoning is
 * counted apart because it is not the first token (PRODUCT.md, "latency").
 */
export type WireEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'refusal'; text: string }
  | { type: 'tool-call'; name: string | null }
  | { type: 'finish'; reason: string }
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'model'; id: string }
  | { type: 'fingerprint'; value: string }
  | { type: 'error'; error: WireError }
  | { type: 'block'; reason: string }
  | { type: 'malformed'; message: string; raw: string }
  /** The protocol's own end marker: `[DONE]`, `message_stop`, `done:true`, `response.completed`. */
  | { type: 'end' };

/** Turns one JSON payload (an SSE `data:` field, an NDJSON line or a whole body) into events. */
export interface PayloadMapper {
  map(data: string, eventName?: string): WireEvent[];
}

export interface WireDecoder {
  /** Feed decoded text; returns the events completed by it. */
  push(text: string): WireEvent[];
  /** The body ended cleanly: flush what is left. */
  end(): WireEvent[];
}
