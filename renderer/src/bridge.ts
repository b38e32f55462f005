/**
 * The renderer's one way to the services. In Electron the preload has put
 * `window.api` (IPC) in place; in the browser host we build the same Api over
 * HTTP with the per-launch token. Code elsewhere calls `api` and never knows.
 */
import { createApi, unwrap, type Api } from '../../shared/bridge/client';
import { httpTextCall, httpTransport } from '../../shared/bridge/http';

declare global {
  interface Window {
    api?: Api;
    tenthHost?: string;
  }
}

const TOKEN_KEY = 'tenth.token';

/** Takes the token from `#token=…` once, keeps it for this tab, and cleans the URL. */
export function takeToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

type TextCall = ReturnType<typeof httpTextCall>;

function connect(): { api: Api; host: 'electron' | 'browser'; textCall: TextCall | null } {
  if (window.api) return { api: window.api, host: 'electron', textCall: null };
  const token = takeToken() ?? '';
  return { api: createApi(httpTransport(token)), host: 'browser', textCall: httpTextCall(token) };
}

const connection = connect();
export const api: Api = connection.api;
export const hostKind = connection.host;

const decoder = new TextDecoder();

/**
 * Appends an export chunk to a file begun with files:beginSave. Over HTTP the
 * chunk (UTF-8 bytes from the data worker) is the raw request body; over IPC
 * it travels as text, which structured clone copies cheaply.
 */
export async function appendChunk(handle: string, chunk: Uint8Array | string): Promise<void> {
  if (connection.textCall) {
    unwrap(await connection.textCall('files:appendChunk', { handle }, chunk));
    return;
  }
  await api.files.appendChunk({ handle, text: typeof chunk === 'string' ? chunk : decoder.decode(chunk) });
}
