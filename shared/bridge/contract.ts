/**
 * The one bridge contract between the renderer and the services (STYLE.md,
 * "Process split and IPC"). Every call is `'domain:action'` with zod schemas for
 * its arguments and result; streams carry a request id and push events.
 *
 * Three transports implement it: the preload (IPC), the browser host (HTTP +
 * streamed NDJSON) and the direct in-process server used by tests. The renderer
 * gets an `Api` built from this object and never knows which transport it has.
 */
import { z } from 'zod';
import { ModelCallEvent, ModelCallRequest } from '../domain/model-call';
import { Provider } from '../domain/schemas';
import { CALL_CHANNELS, STREAM_CHANNELS } from './channels';

export const HostKind = z.enum(['electron', 'browser', 'direct']);
export type HostKind = z.infer<typeof HostKind>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: HostKind,
  platform: z.string(),
  dataDir: z.string(),
  /** Where keys are kept: the OS keychain via safeStorage, or a 0600 file. */
  secretStore: z.enum(['safeStorage', 'file', 'memory']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

export const Settings = z.object({
  theme: Theme.default('system'),
  backup: z
    .object({
      enabled: z.boolean().default(true),
      everyHours: z.number().positive().default(24),
      keep: z.number().int().positive().default(7),
    })
    .default({ enabled: true, everyHours: 24, keep: 7 }),
});
export type Settings = z.infer<typeof Settings>;

/** What the renderer may know about a key: never the key itself. */
export const KeyStatus = z.object({
  providerId: z.string(),
  hasKey: z.boolean(),
  last4: z.string().nullable(),
});
export type KeyStatus = z.infer<typeof KeyStatus>;

const ProviderId = z.object({ providerId: z.string().min(1).max(200) }).strict();
const Empty = z.object({}).strict();

export const EnvKey = z.object({
  envVar: z.string(),
  kind: z.enum(['openai', 'anthropic', 'gemini', 'openrouter']),
  last4: z.string(),
});

export const ConnectionReport = z.object({
  ok: z.boolean(),
  /** A sentence a person can act on: "The key was rejected (401)…". */
  message: z.string(),
  httpStatus: z.number().nullable(),
  models: z.array(z.string()),
});
export type ConnectionReport = z.infer<typeof ConnectionReport>;

export const LocalServer = z.object({
  name: z.string(),
  kind: z.enum(['ollama', 'openai-compatible']),
  baseUrl: z.string(),
  models: z.array(z.string()),
});
export type LocalServer = z.infer<typeof LocalServer>;

const FileHandleId = z.string().min(1).max(100);
/** Characters per chunk a renderer may append at once (the browser host's body limit is larger). */
export const MAX_CHUNK_CHARS = 16 * 1024 * 1024;

export const BackupInfo = z.object({
  name: z.string(),
  bytes: z.number(),
  /** Epoch ms the backup started. */
  createdAt: z.number(),
});
export type BackupInfo = z.infer<typeof BackupInfo>;

export const calls = {
  'app:info': { args: Empty, result: AppInfo },
  'settings:get': { args: Empty, result: Settings },
  'settings:update': { args: Settings.partial().strict(), result: Settings },
  'secrets:set': {
    args: z.object({ providerId: z.string().min(1).max(200), key: z.string().min(1).max(10_000) }).strict(),
    result: KeyStatus,
  },
  'secrets:status': { args: ProviderId, result: KeyStatus },
  'secrets:delete': { args: ProviderId, result: KeyStatus },
  /** Keys found in OPENAI_API_KEY etc. Only their last 4 characters cross. */
  'secrets:scanEnv': { args: Empty, result: z.array(EnvKey) },
  /** Stores the key from an environment variable for a provider. */
  'secrets:importEnv': {
    args: z.object({ providerId: z.string().min(1).max(200), envVar: z.string().min(1) }).strict(),
    result: KeyStatus,
  },
  'providers:test': { args: z.object({ provider: Provider }).strict(), result: ConnectionReport },
  'providers:detectLocal': { args: Empty, result: z.array(LocalServer) },
  /** Write a text file: a save dialog in Electron, the data folder elsewhere. */
  'files:saveText': {
    args: z.object({ suggestedName: z.string().min(1).max(255), content: z.string() }).strict(),
    result: z.object({ saved: z.boolean(), path: z.string().nullable() }),
  },
  /**
   * Chunked writing (issue 7): an export too large for one string. `beginSave`
   * asks where (a save dialog in Electron, the data folder's exports/ elsewhere;
   * `handle` null when the user cancelled); `appendChunk` adds text; the file
   * is `<path>.partial` until `finishSave`; `abortSave` deletes it. Backups use
   * the same handles for their chunks.
   */
  'files:beginSave': {
    args: z.object({ suggestedName: z.string().min(1).max(255) }).strict(),
    result: z.object({ handle: z.string().nullable(), path: z.string().nullable() }),
  },
  'files:appendChunk': {
    args: z.object({ handle: FileHandleId, text: z.string().max(MAX_CHUNK_CHARS) }).strict(),
    result: z.object({ bytes: z.number() }),
  },
  'files:finishSave': { args: z.object({ handle: FileHandleId }).strict(), result: z.object({ path: z.string(), bytes: z.number() }) },
  'files:abortSave': { args: z.object({ handle: FileHandleId }).strict(), result: z.boolean() },
  /**
   * The browser host's download of a finished export: a one-time URL
   * (`/download/<ticket>`, valid for about a minute) that serves the file as an
   * attachment. Only files in the data folder's exports/ qualify. `url` is null
   * where there is nothing to download (Electron: the save dialog placed it).
   */
  'files:downloadUrl': {
    args: z.object({ path: z.string().min(1).max(4096) }).strict(),
    result: z.object({ url: z.string().nullable(), expiresAt: z.number().nullable() }),
  },
  /** Rolling journal backups in the data folder's backups/, newest first. */
  'backups:list': { args: Empty, result: z.array(BackupInfo) },
  'backups:begin': { args: Empty, result: z.object({ handle: z.string(), name: z.string() }) },
  /** Completes a backup begun with backups:begin (chunks via files:appendChunk), then keeps the newest `keep`. */
  'backups:finish': {
    args: z.object({ handle: FileHandleId, keep: z.number().int().positive().max(1000) }).strict(),
    result: z.object({ backup: BackupInfo, removed: z.array(z.string()) }),
  },
  /** A piece of a backup for restore: whole lines, at most maxBytes. */
  'backups:read': {
    args: z
      .object({ name: z.string().min(1).max(200), offset: z.number().int().nonnegative(), maxBytes: z.number().int().positive().max(MAX_CHUNK_CHARS).optional() })
      .strict(),
    result: z.object({ text: z.string(), nextOffset: z.number(), size: z.number(), done: z.boolean() }),
  },
  'stream:cancel': { args: z.object({ requestId: z.string().min(1) }).strict(), result: z.boolean() },
} as const;

export const streams = {
  /** One model call; main holds the key and does the HTTP. */
  'model:call': { args: ModelCallRequest, event: ModelCallEvent },
} as const;

export type Calls = typeof calls;
export type Streams = typeof streams;
export type CallName = keyof Calls;
export type StreamName = keyof Streams;
export type ChannelName = CallName | StreamName;

export type CallArgs<K extends CallName> = z.input<Calls[K]['args']>;
export type CallArgsParsed<K extends CallName> = z.output<Calls[K]['args']>;
export type CallResult<K extends CallName> = z.output<Calls[K]['result']>;
export type StreamArgs<K extends StreamName> = z.input<Streams[K]['args']>;
export type StreamArgsParsed<K extends StreamName> = z.output<Streams[K]['args']>;
export type StreamEvent<K extends StreamName> = z.output<Streams[K]['event']>;

export const CALL_NAMES: readonly CallName[] = CALL_CHANNELS;
export const STREAM_NAMES: readonly StreamName[] = STREAM_CHANNELS;

// Compile-time: the plain channel lists and the contract's keys are the same sets.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _callsMatch: Same<(typeof CALL_CHANNELS)[number], CallName> = true;
const _streamsMatch: Same<(typeof STREAM_CHANNELS)[number], StreamName> = true;
void _callsMatch;
void _streamsMatch;

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}
export function isStreamName(name: string): name is StreamName {
  return Object.prototype.hasOwnProperty.call(streams, name);
}

/** Errors cross as data; Electron would otherwise keep only `.message`. */
export const BridgeErrorData = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string(),
});
export type BridgeErrorData = z.infer<typeof BridgeErrorData>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: BridgeErrorData };
