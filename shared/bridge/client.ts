/**
 * Builds the namespaced `Api` (`api.secrets.set(...)`, `api.model.call(...)`)
 * from the contract over any transport. The preload, the browser host's HTTP
 * client and the direct test transport all go through this one function, so the
 * renderer's type of `window.api` comes from code, not from a hand-kept .d.ts.
 */
import { CALL_CHANNELS, STREAM_CHANNELS } from './channels';
import type {
  BridgeErrorData,
  CallArgs,
  CallName,
  CallResult,
  Envelope,
  StreamArgs,
  StreamEvent,
  StreamName,
} from './contract';

export interface Transport {
  invoke(channel: string, args: unknown): Promise<Envelope<unknown>>;
  /** Resolves when the stream has ended, with its final envelope. */
  stream(channel: string, requestId: string, args: unknown, onEvent: (event: unknown) => void): Promise<Envelope<null>>;
  cancel(requestId: string): void;
}

/** A bridge error rebuilt on the calling side, with the code the service gave. */
export class ApiError extends Error {
  readonly code: string;
  constructor(data: BridgeErrorData) {
    super(data.message);
    this.name = data.name;
    this.code = data.code;
  }
}

export interface StreamHandle {
  readonly requestId: string;
  /** Resolves when the stream ends normally; rejects with ApiError otherwise. */
  readonly done: Promise<void>;
  cancel(): void;
}

type Namespace<K extends string> = K extends `${infer N}:${string}` ? N : never;

export type Api = {
  [N in Namespace<CallName | StreamName>]: {
    [K in CallName as K extends `${N}:${infer A}` ? A : never]: (args?: CallArgs<K>) => Promise<CallResult<K>>;
  } & {
    [K in StreamName as K extends `${N}:${infer A}` ? A : never]: (
      args: StreamArgs<K>,
      onEvent: (event: StreamEvent<K>) => void,
    ) => StreamHandle;
  };
};

/** The value of an envelope, or its error thrown as an ApiError. */
export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new ApiError(envelope.error);
}

let counter = 0;
function newRequestId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function createApi(transport: Transport): Api {
  const api: Record<string, Record<string, unknown>> = {};
  const slot = (name: string) => {
    const [ns, action] = name.split(':') as [string, string];
    api[ns] ??= {};
    return (fn: unknown) => {
      api[ns]![action] = fn;
    };
  };
  for (const name of CALL_CHANNELS) {
    slot(name)(async (args?: unknown) => unwrap(await transport.invoke(name, args ?? {})));
  }
  for (const name of STREAM_CHANNELS) {
    slot(name)((args: unknown, onEvent: (event: unknown) => void): StreamHandle => {
      const requestId = newRequestId();
      const done = transport.stream(name, requestId, args, onEvent).then((envelope) => {
        unwrap(envelope);
      });
      return { requestId, done, cancel: () => transport.cancel(requestId) };
    });
  }
  return api as unknown as Api;
}

/** The in-process transport: the bridge server itself, for tests and the CLI. */
export function directTransport(server: {
  invoke: Transport['invoke'];
  stream: Transport['stream'];
  cancel(requestId: string): boolean;
}): Transport {
  return {
    invoke: (channel, args) => server.invoke(channel, structuredClone(args)),
    stream: (channel, id, args, onEvent) => server.stream(channel, id, structuredClone(args), onEvent),
    cancel: (id) => {
      server.cancel(id);
    },
  };
}
