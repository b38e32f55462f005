import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from '../../shared/bridge/client';
import { createBridgeServer, type Handlers } from '../../shared/bridge/server';
import { httpTransport } from '../../shared/bridge/http';
import { createDownloadTickets } from '../services/backups';
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from './server';

let host: BrowserHost | null = null;
const appended: { handle: string; text: string }[] = [];
afterEach(async () => {
  await host?.close();
  host = null;
});

async function start(downloads?: BrowserHostOptions['downloads']) {
  const dir = await mkdtemp(join(tmpdir(), 'tenth-host-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Tenth</title>');
  await writeFile(join(dir, 'assets', 'a.js'), 'console.log(1)');
  await writeFile(join(dir, '..', 'secret.txt'), 'outside');
  const handlers: Partial<Handlers> = {
    'files:appendChunk': ({ handle, text }) => {
      appended.push({ handle, text });
      return { bytes: Buffer.byteLength(text) };
    },
    'app:info': () => ({ name: 'Tenth', version: '1', host: 'browser', platform: 'x', dataDir: dir, secretStore: 'file' }),
    'model:call': async (_req, emit, signal) => {
      emit({ type: 'started', startedAt: 1 });
      for (let i = 0; i < 100 && !signal.aborted; i++) {
        emit({ type: 'delta', text: 'x' });
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
  const server = createBridgeServer(handlers as Handlers);
  host = await startBrowserHost({
    server,
    rendererDir: dir,
    maxBodyBytes: 1024,
    downloads,
    appendChunkBytes: async (handle, bytes) => {
      appended.push({ handle, text: `bytes:${bytes.toString('utf8')}` });
      return { bytes: bytes.length };
    },
  });
  return { host, server };
}

/** node:http, so we can send any Host header (fetch won't let us). */
function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((ok, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => ok({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('browser host', () => {
  it('binds to loopback and prints a launch URL with the token in the fragment', async () => {
    const { host } = await start();
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.launchUrl).toBe(`${host.url}/#token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer with the CSP and never a file outside it', async () => {
    const { host } = await start();
    const page = await fetch(`${host.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<title>Tenth</title>');
    const js = await fetch(`${host.url}/assets/a.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    const h = { host: `127.0.0.1:${host.port}` };
    expect((await raw(host.port, '/../secret.txt', h)).status).not.toBe(200);
    expect((await raw(host.port, '/%2e%2e/secret.txt', h)).status).not.toBe(200);
    expect((await raw(host.port, '/..%2fsecret.txt', h)).status).toBe(403);
  });

  it('answers 401 without the token and 403 for a foreign Host or Origin', async () => {
    const { host } = await start();
    const post = (headers: Record<string, string>) => raw(host.port, '/api/call/app:info', { host: `127.0.0.1:${host.port}`, ...headers }, 'POST', '{}');
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post({ authorization: `Bearer ${host.token}` })).status).toBe(200);
    expect((await post({ authorization: `Bearer ${host.token}`, host: 'evil.example' })).status).toBe(403);
    expect((await post({ authorization: `Bearer ${host.token}`, host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await post({ authorization: `Bearer ${host.token}`, origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ authorization: `Bearer ${host.token}`, origin: `http://localhost:${host.port}` })).status).toBe(200);
    // Even static files refuse a rebinding Host.
    expect((await raw(host.port, '/', { host: 'attacker.test' })).status).toBe(403);
  });

  it('refuses oversized and non-JSON bodies', async () => {
    const { host } = await start();
    const h = { host: `127.0.0.1:${host.port}`, authorization: `Bearer ${host.token}` };
    expect((await raw(host.port, '/api/call/app:info', h, 'POST', 'x'.repeat(5000))).status).toBe(413);
    expect((await raw(host.port, '/api/call/app:info', h, 'POST', '{nope')).status).toBe(400);
  });

  it('takes an export chunk as the raw body of /api/text/, validated like the call, and only for that channel', async () => {
    const { host } = await start();
    const h = { host: `127.0.0.1:${host.port}`, authorization: `Bearer ${host.token}`, 'content-type': 'text/plain; charset=utf-8' };
    appended.length = 0;
    const handle = 'h'.repeat(24);
    const ok = await raw(host.port, `/api/text/files:appendChunk?handle=${handle}`, h, 'POST', 'línea 1\n{"a":"b"}\n');
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { bytes: Buffer.byteLength('línea 1\n{"a":"b"}\n') } });
    expect(appended).toEqual([{ handle, text: 'línea 1\n{"a":"b"}\n' }]);
    // An argument the channel does not take is refused by its schema; other channels have no raw route.
    expect(JSON.parse((await raw(host.port, `/api/text/files:appendChunk?handle=${handle}&extra=1`, h, 'POST', 'x')).body)).toMatchObject({ ok: false });
    expect((await raw(host.port, '/api/text/app:info', h, 'POST', 'x')).status).toBe(404);
    expect((await raw(host.port, `/api/text/files:appendChunk?handle=${handle}`, { ...h, authorization: 'Bearer nope' }, 'POST', 'x')).status).toBe(401);
    expect((await raw(host.port, `/api/text/files:appendChunk?handle=${handle}`, h, 'POST', 'x'.repeat(5000))).status).toBe(413);
    expect(appended).toHaveLength(1);
  });

  it('takes an export chunk as raw bytes on /api/bytes/, with the handle as its only argument', async () => {
    const { host } = await start();
    const h = { host: `127.0.0.1:${host.port}`, authorization: `Bearer ${host.token}`, 'content-type': 'application/octet-stream' };
    appended.length = 0;
    const ok = await raw(host.port, '/api/bytes/files%3AappendChunk?handle=h1', h, 'POST', 'ünï\n');
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { bytes: Buffer.byteLength('ünï\n') } });
    expect(appended).toEqual([{ handle: 'h1', text: 'bytes:ünï\n' }]);
    expect(JSON.parse((await raw(host.port, '/api/bytes/files:appendChunk?handle=h1&more=1', h, 'POST', 'x')).body)).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect((await raw(host.port, '/api/bytes/app:info', h, 'POST', 'x')).status).toBe(404);
    expect((await raw(host.port, '/api/bytes/files:appendChunk?handle=h1', { ...h, authorization: 'Bearer nope' }, 'POST', 'x')).status).toBe(401);
    expect(appended).toHaveLength(1);
  });

  it('runs the same Api over HTTP, streams, and cancels when asked', async () => {
    const { host, server } = await start();
    const api = createApi(httpTransport(host.token, host.url));
    expect((await api.app.info()).host).toBe('browser');
    const events: unknown[] = [];
    const handle = api.model.call(
      {
        attemptId: 'a',
        provider: { id: 'p', name: 'P', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
        model: 'm',
        system: '',
        messages: [{ role: 'user', content: 'hi' }],
        params: {},
        firstTokenTimeoutMs: 100,
        totalTimeoutMs: 100,
      },
      (e) => events.push(e),
    );
    await expect.poll(() => events.length).toBeGreaterThan(3);
    handle.cancel();
    await handle.done;
    expect(events[0]).toEqual({ type: 'started', startedAt: 1 });
    expect(events.length).toBeLessThan(100);
    await expect.poll(() => server.active()).toBe(0);
  });

  it('runs many streams at once over one event connection, and the page going away cancels them', async () => {
    const { host, server } = await start();
    const api = createApi(httpTransport(host.token, host.url));
    const req = {
      attemptId: 'a',
      provider: { id: 'p', name: 'P', kind: 'openai' as const, baseUrl: 'http://127.0.0.1:9/v1' },
      model: 'm',
      system: '',
      messages: [{ role: 'user' as const, content: 'hi' }],
      params: {},
      firstTokenTimeoutMs: 100,
      totalTimeoutMs: 100,
    };
    const counts = Array.from({ length: 12 }, () => 0);
    const handles = counts.map((_, i) => api.model.call(req, () => counts[i]!++));
    // All twelve stream at the same time: none waits for another to finish.
    await expect.poll(() => server.active()).toBe(12);
    await expect.poll(() => Math.min(...counts)).toBeGreaterThan(2);
    handles.slice(0, 6).forEach((h) => h.cancel());
    await Promise.all(handles.slice(0, 6).map((h) => h.done));
    expect(server.active()).toBe(6);
    // Dropping every connection (as a closed tab does) cancels the rest.
    const rest = Promise.allSettled(handles.slice(6).map((h) => h.done));
    await host.close();
    await expect.poll(() => server.active()).toBe(0);
    const ends = await rest;
    expect(ends.every((e) => e.status === 'rejected')).toBe(true);
  });

  it('serves a download once, as an attachment streamed from the exports folder, and never after it expired', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tenth-dl-'));
    const exportsDir = join(root, 'exports');
    await mkdir(exportsDir);
    const big = 'x'.repeat(1024 * 1024) + '\n';
    await writeFile(join(exportsDir, 'tenth-journal é.jsonl'), big);
    await writeFile(join(root, 'secrets.json'), '{"k":"v"}');
    let clock = 0;
    const tickets = createDownloadTickets({ exportsDir, ttlMs: 60_000, now: () => clock });
    const { host } = await start(tickets);
    const h = { host: `127.0.0.1:${host.port}` };

    const t = await tickets.issue(join(exportsDir, 'tenth-journal é.jsonl'));
    const first = await raw(host.port, t.url, h);
    expect(first.status).toBe(200);
    expect(first.body).toBe(big);
    expect(first.headers['content-disposition']).toBe(`attachment; filename="tenth-journal _.jsonl"; filename*=UTF-8''${encodeURIComponent('tenth-journal é.jsonl')}`);
    expect(first.headers['content-length']).toBe(String(big.length));
    expect(first.headers['cache-control']).toBe('no-store');
    // Once only.
    expect((await raw(host.port, t.url, h)).status).toBe(404);
    // Expired.
    const late = await tickets.issue(join(exportsDir, 'tenth-journal é.jsonl'));
    clock += 60_001;
    expect((await raw(host.port, late.url, h)).status).toBe(404);
    // Made up, or trying to walk out of the folder.
    expect((await raw(host.port, '/download/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', h)).status).toBe(404);
    expect((await raw(host.port, '/download/..%2f..%2fsecrets.json', h)).status).toBe(404);
    expect((await raw(host.port, '/download/../secrets.json', h)).status).not.toBe(200);
    await expect(tickets.issue(join(exportsDir, '..', 'secrets.json'))).rejects.toMatchObject({ code: 'not_downloadable' });
    // The same Host check as every request; no download route without tickets.
    const again = await tickets.issue(join(exportsDir, 'tenth-journal é.jsonl'));
    expect((await raw(host.port, again.url, { host: 'attacker.test' })).status).toBe(403);
    expect((await raw(host.port, again.url, h)).status).toBe(200);
  });

  it('answers 404 on /download/ when the host has no tickets', async () => {
    const { host } = await start();
    expect((await raw(host.port, '/download/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', { host: `127.0.0.1:${host.port}` })).status).toBe(404);
  });
});
