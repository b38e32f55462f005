/**
 * Prints how many requests per second the mock serves at ttft 0 / tps 0 with
 * bare fetch over keep-alive, per wire format. A benchmark, run on purpose:
 *   npx tsx tests/mock/throughput.ts [--requests N] [--concurrency C] [--stream] [--url http://127.0.0.1:11555]
 * With --url it loads a mock already running in another process (npm run mock), so
 * the client's own cost does not share the server's event loop.
 */
import { parseArgs } from 'node:util';
import { buildRequest } from './client';
import { MOCK_KINDS } from './knobs';
import { startMock } from './server';

const { values } = parseArgs({ options: { requests: { type: 'string' }, concurrency: { type: 'string' }, stream: { type: 'boolean' }, url: { type: 'string' } } });
const total = Number(values.requests ?? 3000);
const concurrency = Number(values.concurrency ?? 16);
const stream = values.stream ?? false;

const mock = values.url ? null : await startMock({ defaults: { tokens: 16 } });
const baseUrls = mock
  ? mock.baseUrls
  : ((await (await fetch(new URL('/', values.url))).json()) as { baseUrls: Parameters<typeof buildRequest>[0] }).baseUrls;
for (const kind of MOCK_KINDS) {
  const { url, init } = buildRequest(baseUrls, kind, { stream, headers: { 'x-mock-tokens': '16' } });
  // Warm up the connection pool and the JIT.
  await Promise.all(Array.from({ length: concurrency }, async () => (await fetch(url, init)).text()));
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const res = await fetch(url, init);
        await res.text();
        if (res.status !== 200) failures++;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(`${kind.padEnd(18)} ${stream ? 'stream' : 'json  '} ${(total / s).toFixed(0).padStart(6)} req/s  (${total} requests, concurrency ${concurrency}, ${failures} non-200)\n`);
}
if (mock) {
  process.stdout.write(`max in flight ${mock.maxInFlight()}\n`);
  await mock.close();
}
