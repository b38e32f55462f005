/**
 * Composes the plain-Node services into the bridge's handlers. The Electron
 * entry, the browser host and the tests all call this with what differs between
 * them (the secret store, where saved files go, the host kind), so they run the
 * very same code.
 */
import { join } from 'node:path';
import { MAX_CHUNK_CHARS, type AppInfo, type ConnectionReport, type HostKind, type LocalServer } from '../../shared/bridge/contract';
import { BridgeError, createBridgeServer, type BridgeServer, type Handlers } from '../../shared/bridge/server';
import type { ModelCallEvent, ModelCallRequest } from '../../shared/domain/model-call';
import type { Provider } from '../../shared/domain/schemas';
import { createChunkedFiles, createDownloadTickets, type DownloadTickets } from './backups';
import { createFilesService, type ChooseSavePath } from './files';
import { createSecretsService, type SecretBackend, type SecretsService } from './secrets';
import { createSettingsService } from './settings';

/** What the model service offers (electron/services/models.ts implements it). */
export interface ModelServiceLike {
  call(req: ModelCallRequest, emit: (e: ModelCallEvent) => void, signal: AbortSignal): Promise<void>;
  testConnection(provider: Provider): Promise<ConnectionReport>;
  detectLocal(): Promise<LocalServer[]>;
}

export interface ServiceOptions {
  host: HostKind;
  dataDir: string;
  version: string;
  platform?: string;
  secretBackend: SecretBackend;
  chooseSavePath: ChooseSavePath;
  /** Built from the secrets service so it can read keys; see createModelService. */
  models: (secrets: SecretsService) => ModelServiceLike;
  env?: NodeJS.ProcessEnv;
}

export interface Services {
  server: BridgeServer;
  handlers: Handlers;
  secrets: SecretsService;
  /** One-time download tickets for exports (the browser host serves `/download/<ticket>`). */
  downloads: DownloadTickets;
  /** files:appendChunk for a chunk that arrived as bytes (the browser host's raw route). */
  appendChunkBytes(handle: string, bytes: Buffer): Promise<{ bytes: number }>;
}

export function createServices(opts: ServiceOptions): Services {
  const settings = createSettingsService(join(opts.dataDir, 'settings.json'));
  const secrets = createSecretsService(opts.secretBackend, opts.env);
  const files = createFilesService(opts.chooseSavePath);
  const models = opts.models(secrets);
  const chunked = createChunkedFiles({ chooseSavePath: opts.chooseSavePath, backupsDir: join(opts.dataDir, 'backups') });
  // Where the browser host's exports land (exportsDirChooser in host/start.ts): only files there get a ticket.
  const downloads = createDownloadTickets({ exportsDir: join(opts.dataDir, 'exports') });

  const info: AppInfo = {
    name: 'Tenth',
    version: opts.version,
    host: opts.host,
    platform: opts.platform ?? process.platform,
    dataDir: opts.dataDir,
    secretStore: opts.secretBackend.kind,
  };

  /**
   * The last line of defence for "keys never in an export": every byte the
   * renderer asks main to write is searched for every stored key (raw and
   * JSON-escaped), with the tail of the previous chunk carried over so a key
   * split across two chunks is still caught. A hit stops the write.
   */
  const tails = new Map<string, Buffer>();
  async function refuseSecretBytes(handle: string | null, bytes: Buffer): Promise<void> {
    const keys = (await secrets.all()).filter((k) => k.length >= 8);
    if (keys.length === 0) return;
    // Each key as written raw and JSON-escaped, in UTF-8: what a file would hold.
    const needles = keys.flatMap((k) => {
      const raw = Buffer.from(k, 'utf8');
      const escaped = Buffer.from(JSON.stringify(k).slice(1, -1), 'utf8');
      return escaped.equals(raw) ? [raw] : [raw, escaped];
    });
    const longest = Math.max(...needles.map((n) => n.length));
    const tail = handle ? tails.get(handle) : undefined;
    // A key split across two chunks: the previous chunk's tail joined to this one's head.
    const seam = tail ? Buffer.concat([tail, bytes.subarray(0, longest)]) : null;
    for (const n of needles) {
      if (bytes.includes(n) || (seam !== null && seam.includes(n))) {
        if (handle) {
          tails.delete(handle);
          await chunked.abort(handle).catch(() => undefined);
        }
        throw new BridgeError('A stored API key appeared in the data being written, so the file was not written.', 'secret_in_export');
      }
    }
    if (handle) {
      const window = tail && bytes.length < longest ? Buffer.concat([tail, bytes]) : bytes;
      tails.set(handle, Buffer.from(window.subarray(Math.max(0, window.length - longest))));
    }
  }
  const refuseSecrets = (handle: string | null, text: string) => refuseSecretBytes(handle, Buffer.from(text, 'utf8'));

  /**
   * An export chunk as bytes (the browser host's raw route): checked for keys
   * and written without decoding it to a string and encoding it again.
   */
  async function appendChunkBytes(handle: string, bytes: Buffer): Promise<{ bytes: number }> {
    // The same bounds as the call's schema (contract.ts FileHandleId); the files service knows the handles.
    if (handle.length < 1 || handle.length > 100) throw new BridgeError('Invalid arguments: handle', 'invalid_args');
    if (bytes.length > MAX_CHUNK_CHARS * 3) throw new BridgeError(`A chunk is at most ${MAX_CHUNK_CHARS} characters`, 'invalid_args');
    await refuseSecretBytes(handle, bytes);
    return chunked.appendBytes(handle, bytes);
  }

  const handlers: Handlers = {
    'app:info': () => info,
    'settings:get': () => settings.get(),
    'settings:update': (patch) => settings.update(patch),
    'secrets:set': ({ providerId, key }) => secrets.set(providerId, key),
    'secrets:status': ({ providerId }) => secrets.status(providerId),
    'secrets:delete': ({ providerId }) => secrets.remove(providerId),
    'secrets:scanEnv': () => secrets.scanEnv(),
    'secrets:importEnv': ({ providerId, envVar }) => secrets.importEnv(providerId, envVar),
    'providers:test': ({ provider }) => models.testConnection(provider),
    'providers:detectLocal': () => models.detectLocal(),
    'files:saveText': async ({ suggestedName, content }) => {
      await refuseSecrets(null, content);
      return files.saveText(suggestedName, content);
    },
    'files:beginSave': ({ suggestedName }) => chunked.beginSave(suggestedName),
    'files:appendChunk': async ({ handle, text }) => {
      await refuseSecrets(handle, text);
      return chunked.append(handle, text);
    },
    'files:finishSave': ({ handle }) => {
      tails.delete(handle);
      return chunked.finishSave(handle);
    },
    'files:abortSave': ({ handle }) => {
      tails.delete(handle);
      return chunked.abort(handle);
    },
    'files:downloadUrl': async ({ path }) => {
      // Electron's save dialog already put the file where the user wanted it.
      if (opts.host === 'electron') return { url: null, expiresAt: null };
      const { url, expiresAt } = await downloads.issue(path);
      return { url, expiresAt };
    },
    'backups:list': () => chunked.listBackups(),
    'backups:begin': () => chunked.beginBackup(),
    'backups:finish': ({ handle, keep }) => {
      tails.delete(handle);
      return chunked.finishBackup(handle, keep);
    },
    'backups:read': ({ name, offset, maxBytes }) => chunked.readBackup(name, offset, maxBytes),
    // Handled inside the bridge server (it owns the running streams).
    'stream:cancel': () => false,
    'model:call': (req, emit, signal) => models.call(req, emit, signal),
  };
  return { server: createBridgeServer(handlers), handlers, secrets, downloads, appendChunkBytes };
}
