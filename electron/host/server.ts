/**
 * The browser host: the same app in a browser, for machines where Electron's
 * binary can't run (and for the end-to-end tests). It serves the built renderer
 * and the bridge over HTTP on 127.0.0.1 only, running the very same services as
 * the Electron main process.
 *
 * Every bridge request must carry the per-launch token (Authorization: Bearer);
 * requests whose Host or Origin is not our own loopback address are refused, so
 * another web page (or a DNS-rebinding attack) can't drive the services.
 */
import { timingSafeEqual, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { toErrorData, type BridgeServer } from '../../shared/bridge/server';
import { CONTENT_SECURITY_POLICY } from '../../shared/bridge/security';

export interface BrowserHostOptions {
  server: BridgeServer;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
  /** Bridge request bodies larger than this are refused (413). */
  maxBodyBytes?: number;
  /**
   * Redeems a one-time download ticket (`GET /download/<ticket>`): the file to
   * stream, or null. Without it the route answers 404.
   */
  downloads?: { redeem(ticket: string): Promise<{ path: string; name: string; size: number } | null> };
  /**
   * files:appendChunk for a chunk sent as bytes (`POST /api/bytes/files:appendChunk?handle=…`,
   * what the page sends export chunks as): checked for keys and written as they are.
   */
  appendChunkBytes?(handle: string, bytes: Buffer): Promise<{ bytes: number }>;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  /** The URL to open, with the token in the fragment (never sent to the server). */
  launchUrl: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const DOWNLOAD_MIME: Record<string, string> = {
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function deny(res: ServerResponse, status: number, message: string, code: string): void {
  sendJson(res, status, { ok: false, error: { name: 'HostError', message, code } });
}

/** Set instead of a body when reading it failed and the answer (413 or 400) has been sent. */
const DENIED = Symbol('denied');

/** Reads a request body with `read`; on failure answers 413 (over the limit) or 400 and gives DENIED. */
async function bodyOrDeny<T>(req: IncomingMessage, res: ServerResponse, limit: number, read: (req: IncomingMessage, limit: number) => Promise<T>): Promise<T | typeof DENIED> {
  try {
    return await read(req, limit);
  } catch (error) {
    const status = (error as { status?: number }).status ?? 400;
    deny(res, status, (error as Error).message, status === 413 ? 'too_large' : 'bad_body');
    return DENIED;
  }
}

async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error(`Request body over ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readRaw(req, limit);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw Object.assign(new Error('Request body is not JSON'), { status: 400 });
  }
}

/**
 * Channels whose large `text` argument may come as the raw body
 * (`POST /api/text/<channel>?<other args>`), sparing a JSON envelope around
 * megabytes of text on both sides: export chunks.
 */
const TEXT_CHANNELS = new Set(['files:appendChunk']);

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.rendererDir);
  const maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  let allowedHosts: Set<string> = new Set();
  let allowedOrigins: Set<string> = new Set();

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed', 'method');
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return deny(res, 400, 'Bad path', 'bad_path');
    }
    let file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) return deny(res, 403, 'Forbidden', 'forbidden');
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info) {
      // The app routes in the fragment, so an unknown path is simply not found.
      return deny(res, 404, 'Not found', 'not_found');
    }
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': info.size,
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  /**
   * `GET /download/<ticket>`: a finished export as an attachment, streamed from
   * disk (constant memory whatever its size). No bearer token: a download
   * started by a link cannot send one, so the single-use, short-lived ticket is
   * the credential; Host and Origin are checked as for every request.
   */
  async function serveDownload(req: IncomingMessage, res: ServerResponse, ticket: string): Promise<void> {
    if (req.method !== 'GET') return deny(res, 405, 'Use GET', 'method');
    const file = /^[A-Za-z0-9_-]{16,100}$/.test(ticket) && opts.downloads ? await opts.downloads.redeem(ticket) : null;
    if (!file) return deny(res, 404, 'Unknown, used or expired download', 'not_found');
    const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': DOWNLOAD_MIME[extname(file.name)] ?? 'application/octet-stream',
      'content-length': file.size,
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'cache-control': 'no-store',
    });
    const stream = createReadStream(file.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  /** One long-lived NDJSON response per page, carrying the events of all its streams. */
  interface EventChannel {
    res: ServerResponse;
    streams: Set<string>;
  }
  const channels = new Map<string, EventChannel>();

  function openEvents(res: ServerResponse): void {
    const id = randomBytes(12).toString('base64url');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    const channel: EventChannel = { res, streams: new Set() };
    channels.set(id, channel);
    res.write(`${JSON.stringify({ channel: id })}\n`);
    // The page going away (closed, reloaded) cancels whatever it was streaming.
    res.on('close', () => {
      channels.delete(id);
      for (const requestId of channel.streams) opts.server.cancel(requestId);
    });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!given || !sameToken(given, token)) return deny(res, 401, 'Missing or wrong token', 'unauthorized');
    const [, , kind, channel] = url.pathname.split('/');
    if (kind === 'events' && req.method === 'GET') return openEvents(res);
    if (req.method !== 'POST') return deny(res, 405, 'Use POST', 'method');
    if (kind === 'text' && channel) {
      const name = decodeURIComponent(channel);
      if (!TEXT_CHANNELS.has(name)) return deny(res, 404, `No raw-text route for ${name}`, 'not_found');
      const raw = await bodyOrDeny(req, res, maxBody, readRaw);
      if (raw === DENIED) return;
      const text = raw.toString('utf8');
      // The same validation as a JSON call: the channel's schema sees every argument.
      const envelope = await opts.server.invoke(name, { ...Object.fromEntries(url.searchParams), text });
      return sendJson(res, 200, envelope);
    }
    if (kind === 'bytes' && channel && decodeURIComponent(channel) === 'files:appendChunk' && opts.appendChunkBytes) {
      // The chunk as bytes, written as they came (no decode and encode again);
      // the one other argument is the handle, as in the call's schema.
      const params = [...url.searchParams.keys()];
      if (params.length !== 1 || params[0] !== 'handle') return sendJson(res, 200, { ok: false, error: { name: 'BridgeError', message: 'Invalid arguments: only handle', code: 'invalid_args' } });
      const raw = await bodyOrDeny(req, res, maxBody, readRaw);
      if (raw === DENIED) return;
      try {
        return sendJson(res, 200, { ok: true, value: await opts.appendChunkBytes(url.searchParams.get('handle')!, raw) });
      } catch (error) {
        return sendJson(res, 200, { ok: false, error: toErrorData(error) });
      }
    }
    if (kind === 'bytes') return deny(res, 404, `No bytes route for ${channel ?? ''}`, 'not_found');
    const args = await bodyOrDeny(req, res, maxBody, readBody);
    if (args === DENIED) return;
    if (kind === 'call' && channel) {
      const envelope = await opts.server.invoke(decodeURIComponent(channel), args);
      return sendJson(res, 200, envelope);
    }
    if (kind === 'stream' && channel) {
      const requestId = url.searchParams.get('id') ?? '';
      const events = channels.get(url.searchParams.get('channel') ?? '');
      if (!events) return deny(res, 409, 'Open /api/events first: no such event channel', 'no_channel');
      if (events.streams.has(requestId)) return deny(res, 409, `Request ${requestId} is already streaming`, 'duplicate_request');
      events.streams.add(requestId);
      const push = (message: unknown) => {
        if (!events.res.writableEnded) events.res.write(`${JSON.stringify(message)}\n`);
      };
      // The stream runs on; its events and its end travel on the page's one
      // event connection, so many streams never queue behind the browser's
      // per-host connection limit.
      void opts.server
        .stream(decodeURIComponent(channel), requestId, args, (event) => push({ id: requestId, event }))
        .then((envelope) => {
          events.streams.delete(requestId);
          push({ id: requestId, end: envelope });
        });
      return sendJson(res, 202, { ok: true, value: null });
    }
    return deny(res, 404, 'Unknown bridge route', 'not_found');
  }

  const http: Server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    if (!allowedHosts.has(host)) return deny(res, 403, 'Host not allowed', 'bad_host');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return deny(res, 403, 'Origin not allowed', 'bad_origin');
    const url = new URL(req.url ?? '/', `http://${host}`);
    const work = url.pathname.startsWith('/api/')
      ? handleApi(req, res, url)
      : url.pathname.startsWith('/download/')
        ? serveDownload(req, res, url.pathname.slice('/download/'.length))
        : serveStatic(req, res, url.pathname);
    work.catch((error: unknown) => {
      if (!res.headersSent) deny(res, 500, (error as Error).message, 'internal');
      else res.destroy();
    });
  });
  http.keepAliveTimeout = 5_000;

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (http.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    token,
    launchUrl: `${url}/#token=${token}`,
    close: () =>
      new Promise<void>((ok) => {
        http.closeAllConnections();
        http.close(() => ok());
      }),
  };
}
