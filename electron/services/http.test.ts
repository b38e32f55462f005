import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedirectError, undiciTransport } from './http';

let server: Server;
let base = '';
const seen: { method: string; body: string; headers: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', body, headers: req.headers });
      if (req.url === '/redirect') {
        res.writeHead(308, { location: '/elsewhere' });
        res.end('moved');
      } else if (req.url === '/big') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('x'.repeat(200_000));
      } else {
        // Two values of one header, as a proxy might send them.
        res.setHeader('x-ratelimit-remaining-requests', ['9', '8']);
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'X-Request-Id': 'req_1' });
        res.write('data: one\n\n');
        res.end('data: two\n\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('undiciTransport', () => {
  it('sends the method, headers and body, and gives lower-cased headers with repeated values joined', async () => {
    const res = await undiciTransport(`${base}/ok`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: '{"a":1}' });
    let text = '';
    for await (const chunk of res.body) text += new TextDecoder().decode(chunk);
    expect(res.status).toBe(200);
    expect(text).toBe('data: one\n\ndata: two\n\n');
    expect(res.headers['x-request-id']).toBe('req_1');
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['x-ratelimit-remaining-requests']).toBe('9, 8');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'x-test': 'yes' } });
  });

  it('does not follow a redirect: it fails naming the status and the location', async () => {
    const before = seen.length;
    const err = await undiciTransport(`${base}/redirect`, { method: 'POST', headers: {}, body: 'payload' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as Error).message).toContain('308 to /elsewhere');
    // Nothing was sent again to the new location.
    expect(seen.length).toBe(before + 1);
  });

  it('reads at most the bytes asked for', async () => {
    const res = await undiciTransport(`${base}/big`, { method: 'GET', headers: {} });
    const text = await res.text(64 * 1024);
    expect(res.status).toBe(500);
    expect(text.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(text.length).toBeLessThan(200_000);
  });

  it('an aborted request rejects', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(undiciTransport(`${base}/ok`, { method: 'GET', headers: {}, signal: ctrl.signal })).rejects.toThrow();
  });
});
