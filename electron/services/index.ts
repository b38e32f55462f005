/**
 * Composes the plain-Node services into the bridge's handlers. The Electron
 * entry, the browser host and the tests all call this with what differs between
 * them (the secret store, where saved files go, the host kind), so they run the
 * very same code.
 */
import { join } from 'node:path';
import type { AppInfo, ConnectionReport, HostKind, LocalServer } from '../../shared/bridge/contract';
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
  const tails = new Map<string, string>();
  async function refuseSecrets(handle: string | null, text: string): Promise<void> {
    const keys = (await secrets.all()).filter((k) => k.length >= 8);
    if (keys.length === 0) return;
    const longest = Math.max(...keys.map((k) => JSON.stringify(k).length));
    const window = (handle ? (tails.get(handle) ?? '') : '') + text;
    for (const k of keys) {
      if (window.includes(k) || window.includes(JSON.stringify(k).slice(1, -1))) {
        if (handle) {
          tails.delete(handle);
          await chunked.abort(handle).catch(() => undefined);
        }
        throw new BridgeError('A stored API key appeared in the data being written, so the file was not written.', 'secret_in_export');
      }
    }
    if (handle) tails.set(handle, window.slice(-longest));
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
  return { server: createBridgeServer(handlers), handlers, secrets, downloads };
}
