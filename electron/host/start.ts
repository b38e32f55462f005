/**
 * Starts the browser host over the real services, as `npm run web` and the
 * end-to-end tests do. Keys go to a 0600 file in the data folder (there is no OS
 * keychain outside Electron); exports land in the data folder's exports/.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportsDirChooser } from '../services/files';
import { createServices, type Services } from '../services/index';
import { createModelService } from '../services/models';
import { fileSecretBackend } from '../services/secrets';
import { startBrowserHost, type BrowserHost } from './server';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export interface WebHostOptions {
  dataDir: string;
  port?: number;
  token?: string;
  rendererDir?: string;
  env?: NodeJS.ProcessEnv;
}

export async function startWebHost(opts: WebHostOptions): Promise<BrowserHost & { services: Services }> {
  const services = createServices({
    host: 'browser',
    dataDir: opts.dataDir,
    version: appVersion(),
    secretBackend: fileSecretBackend(join(opts.dataDir, 'secrets.json')),
    chooseSavePath: exportsDirChooser(join(opts.dataDir, 'exports')),
    models: (secrets) => createModelService({ getKey: (id) => secrets.get(id) }),
    env: opts.env,
  });
  const host = await startBrowserHost({
    server: services.server,
    rendererDir: opts.rendererDir ?? join(repoRoot, 'out/renderer'),
    port: opts.port,
    token: opts.token,
    downloads: services.downloads,
    appendChunkBytes: services.appendChunkBytes,
  });
  return { ...host, services };
}
