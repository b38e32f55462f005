/**
 * One model call as it crosses the bridge: what the run engine asks main to send,
 * and what comes back. Main holds the key and does the HTTP; the engine (renderer
 * or CLI) holds the journal. Timings are taken in the process that does the HTTP,
 * on its monotonic clock, and converted to epoch ms there (PRODUCT.md, "latency").
 */
import { z } from 'zod';
import { Failure, Message, Params, Provider, ResponseMeta, Usage } from './schemas';

export const ModelCallRequest = z.object({
  /** Journal id of the attempt this call belongs to (for logs and cancellation). */
  attemptId: z.string().min(1),
  provider: Provider,
  model: z.string().min(1),
  system: z.string(),
  messages: z.array(Message).min(1),
  params: Params,
  firstTokenTimeoutMs: z.number().int().positive(),
  totalTimeoutMs: z.number().int().positive(),
  /** Stored output is capped at this many characters (outputTruncatedAt is set when cut). */
  maxStoredChars: z.number().int().positive().default(1_000_000),
});
export type ModelCallRequest = z.infer<typeof ModelCallRequest>;
export type ModelCallRequestInput = z.input<typeof ModelCallRequest>;

/** The finished call: everything the journal needs from the wire. */
export const ModelCallResult = z.object({
  status: z.enum(['ok', 'failed', 'cancelled']),
  failure: Failure.nullable(),
  finishReason: z.string().nullable(),
  output: z.string(),
  outputTruncatedAt: z.number().int().nonnegative().nullable(),
  /** The request body as sent, with any key removed. */
  request: z.unknown().nullable(),
  responseMeta: ResponseMeta.nullable(),
  servedModel: z.string().nullable(),
  systemFingerprint: z.string().nullable(),
  usage: Usage.nullable(),
  /** Epoch ms, derived from the monotonic clock (performance.timeOrigin + now()). */
  startedAt: z.number(),
  firstTokenAt: z.number().nullable(),
  endedAt: z.number(),
  ttftMs: z.number().nonnegative().nullable(),
  latencyMs: z.number().nonnegative(),
});
export type ModelCallResult = z.infer<typeof ModelCallResult>;

export const ModelCallEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), startedAt: z.number() }),
  /** Text deltas, coalesced by the sender (several tokens per event). */
  z.object({ type: z.literal('delta'), text: z.string() }),
  z.object({ type: z.literal('done'), result: ModelCallResult }),
]);
export type ModelCallEvent = z.infer<typeof ModelCallEvent>;
