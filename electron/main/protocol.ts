/**
 * Serving the renderer to Electron through `app://tenth/…` rather than file://,
 * so Monaco's workers, the CSP and relative URLs behave as in the browser host.
 * The path resolution is plain Node and tested; index.ts wires it to
 * protocol.handle.
 */
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/bridge/security';

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
};

/** Maps an app:// URL to a file under root, or null when it escapes root. */
export function resolveAppFile(url: string, root: string): string | null {
  const base = resolve(root);
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const file = normalize(join(base, pathname));
  return file.startsWith(base + sep) ? file : null;
}

export function responseHeaders(file: string): Record<string, string> {
  return {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
  };
}
