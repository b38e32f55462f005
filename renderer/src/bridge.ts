/**
 * The renderer's one way to the services. In Electron the preload has put
 * `window.api` (IPC) in place; in the browser host we build the same Api over
 * HTTP with the per-launch token. Code elsewhere calls `api` and never knows.
 */
import { createApi, type Api } from '../../shared/bridge/client';
import { httpTransport } from '../../shared/bridge/http';

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

function connect(): { api: Api; host: 'electron' | 'browser' } {
  if (window.api) return { api: window.api, host: 'electron' };
  const token = takeToken() ?? '';
  return { api: createApi(httpTransport(token)), host: 'browser' };
}

const connection = connect();
export const api: Api = connection.api;
export const hostKind = connection.host;
