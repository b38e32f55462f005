/**
 * The receiving side of the bridge, shared by all three transports: it parses
 * arguments with the contract's schema (main trusts nothing), runs the handler,
 * and turns every outcome into an envelope. The direct transport used by tests is
 * this object itself.
 */
import type { ZodError } from 'zod';
import {
  calls,
  isCallName,
  isStreamName,
  streams,
  type BridgeErrorData,
  type CallArgsParsed,
  type CallName,
  type CallResult,
  type Envelope,
  type StreamArgsParsed,
  type StreamEvent,
  type StreamName,
} from './contract';

/** An error a handler throws on purpose, with a code the renderer can act on. */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly code: string,
    name = 'BridgeError',
  ) {
    super(message);
    this.name = name;
  }
}

export type CallHandlers = {
  [K in CallName]: (args: CallArgsParsed<K>) => Promise<CallResult<K>> | CallResult<K>;
};
export type StreamHandlers = {
  [K in StreamName]: (
    args: StreamArgsParsed<K>,
    emit: (event: StreamEvent<K>) => void,
    signal: AbortSignal,
  ) => Promise<void>;
};
export type Handlers = CallHandlers & StreamHandlers;

export interface BridgeServer {
  invoke(channel: string, rawArgs: unknown): Promise<Envelope<unknown>>;
  stream(
    channel: string,
    requestId: string,
    rawArgs: unknown,
    emit: (event: unknown) => void,
  ): Promise<Envelope<null>>;
  cancel(requestId: string): boolean;
  /** Streams still running (for shutdown and tests). */
  active(): number;
}

function formatZod(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`)
    .join('; ');
}

export function toErrorData(error: unknown): BridgeErrorData {
  if (error instanceof BridgeError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, code: typeof code === 'string' ? code : 'internal' };
  }
  return { name: 'Error', message: String(error), code: 'internal' };
}

export function createBridgeServer(handlers: Handlers): BridgeServer {
  const running = new Map<string, AbortController>();
  // A cancel can arrive before its stream has started (the HTTP transport sends
  // them on separate requests); it is kept for a while and applied on arrival.
  const cancelledEarly = new Map<string, number>();
  const EARLY_CANCEL_MS = 60_000;

  const server: BridgeServer = {
    async invoke(channel, rawArgs) {
      if (channel === 'stream:cancel') {
        const parsed = calls['stream:cancel'].args.safeParse(rawArgs);
        if (!parsed.success) return invalid(formatZod(parsed.error));
        return { ok: true, value: server.cancel(parsed.data.requestId) };
      }
      if (!isCallName(channel)) return unknownChannel(channel);
      const parsed = calls[channel].args.safeParse(rawArgs ?? {});
      if (!parsed.success) return invalid(formatZod(parsed.error));
      try {
        const handler = handlers[channel] as (a: unknown) => unknown;
        const value = await handler(parsed.data);
        return { ok: true, value };
      } catch (error) {
        return { ok: false, error: toErrorData(error) };
      }
    },

    async stream(channel, requestId, rawArgs, emit) {
      if (!isStreamName(channel)) return unknownChannel(channel);
      if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 200) {
        return invalid('requestId: expected a non-empty string');
      }
      if (running.has(requestId)) return invalid(`requestId ${requestId} is already streaming`);
      const parsed = streams[channel].args.safeParse(rawArgs);
      if (!parsed.success) return invalid(formatZod(parsed.error));
      const controller = new AbortController();
      running.set(requestId, controller);
      if (cancelledEarly.delete(requestId)) controller.abort();
      try {
        const handler = handlers[channel] as (
          a: unknown,
          e: (event: unknown) => void,
          s: AbortSignal,
        ) => Promise<void>;
        await handler(parsed.data, emit, controller.signal);
        return { ok: true, value: null };
      } catch (error) {
        return { ok: false, error: toErrorData(error) };
      } finally {
        running.delete(requestId);
      }
    },

    cancel(requestId) {
      const controller = running.get(requestId);
      if (!controller) {
        const now = Date.now();
        for (const [id, at] of cancelledEarly) if (now - at > EARLY_CANCEL_MS) cancelledEarly.delete(id);
        if (cancelledEarly.size < 10_000) cancelledEarly.set(requestId, now);
        return false;
      }
      controller.abort();
      return true;
    },

    active: () => running.size,
  };
  return server;
}

function invalid(message: string): Envelope<never> {
  return { ok: false, error: { name: 'ValidationError', message, code: 'invalid_arguments' } };
}
function unknownChannel(channel: string): Envelope<never> {
  return {
    ok: false,
    error: { name: 'ValidationError', message: `Unknown bridge channel: ${String(channel).slice(0, 80)}`, code: 'unknown_channel' },
  };
}
