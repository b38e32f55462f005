/**
 * The Electron entry: a thin shell. It injects the few Electron objects the
 * plain-Node services need (safeStorage, the save dialog, shell), serves the
 * renderer through app://, locks the window down and registers the bridge.
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServices } from '../services/index';
import { createModelService } from '../services/models';
import { fileSecretBackend, safeStorageSecretBackend } from '../services/secrets';
import { registerBridgeIpc } from './ipc';
import { resolveAppFile, responseHeaders } from './protocol';
import { APP_ORIGIN, APP_SCHEME, guardContents, mainWindowOptions, setDevRendererOrigin } from './window';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

setDevRendererOrigin(process.env.ELECTRON_RENDERER_URL, app.isPackaged);

// Electron windows we created; IPC from any other contents is refused.
const ours = new Set<number>();

async function createWindow(): Promise<void> {
  const win = new BrowserWindow(mainWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
  ours.add(win.webContents.id);
  const id = win.webContents.id;
  win.on('closed', () => ours.delete(id));
  guardContents(win.webContents, (url) => void shell.openExternal(url));
  win.once('ready-to-show', () => win.show());
  await win.loadURL(!app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : `${APP_ORIGIN}/index.html`);
}

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

await app.whenReady();

const rendererRoot = join(import.meta.dirname, '../renderer');
protocol.handle(APP_SCHEME, async (request) => {
  const file = resolveAppFile(request.url, rendererRoot);
  if (!file) return new Response('Forbidden', { status: 403 });
  const upstream = await net.fetch(pathToFileURL(file).toString()).catch(() => null);
  if (!upstream?.ok) return new Response('Not found', { status: 404 });
  return new Response(upstream.body, { status: 200, headers: responseHeaders(file) });
});
session.defaultSession.setPermissionRequestHandler((_wc, _p, cb) => cb(false));

const dataDir = app.getPath('userData');
function keychainUsable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  return backend !== 'basic_text' && backend !== 'unknown';
}
const services = createServices({
  host: 'electron',
  dataDir,
  version: app.getVersion(),
  secretBackend: keychainUsable()
    ? safeStorageSecretBackend(join(dataDir, 'secrets.bin.json'), safeStorage)
    : // No OS keychain (e.g. Linux without a keyring: Electron would fall back to a
      // hard-coded password). Say so honestly: a 0600 file, as the browser host does.
      fileSecretBackend(join(dataDir, 'secrets.json')),
  chooseSavePath: async (suggestedName) => {
    const result = await dialog.showSaveDialog({ defaultPath: suggestedName });
    return result.canceled || !result.filePath ? null : result.filePath;
  },
  models: (secrets) => createModelService({ getKey: (id) => secrets.get(id) }),
});
registerBridgeIpc(ipcMain, services.server, () => ours);

await createWindow();
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0) void createWindow();
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
