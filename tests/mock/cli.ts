/**
 * `npm run mock`: the mock provider as a long-running process for the app, e2e
 * tests and benchmarks. Flags override env; see ./README.md for knobs and faults.
 *
 *   --port N        (env TENTH_MOCK_PORT; default 11555, 0 picks a free port)
 *   --log FILE      append each request's ground truth as JSONL
 *   --ttft MS --tps N --tokens N --seed N --served ID
 *   --fault NAME --fault-rate R --retry-after S
 */
import { parseArgs } from 'node:util';
import { FAULTS, KNOB_WIRE_NAMES, type Knobs } from './knobs';
import { startMock } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    log: { type: 'string' },
    ttft: { type: 'string' },
    tps: { type: 'string' },
    tokens: { type: 'string' },
    seed: { type: 'string' },
    served: { type: 'string' },
    fault: { type: 'string' },
    'fault-rate': { type: 'string' },
    'retry-after': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    'usage: npm run mock -- [--port N] [--log FILE] [--ttft MS] [--tps N] [--tokens N] [--seed N] [--served ID] [--fault NAME] [--fault-rate R] [--retry-after S]\n' +
      `faults: ${FAULTS.join(', ')}\n`,
  );
  process.exit(0);
}

const portRaw = values.port ?? process.env.TENTH_MOCK_PORT ?? '11555';
const port = Number(portRaw);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`mock: bad port ${JSON.stringify(portRaw)}\n`);
  process.exit(2);
}

// Knob flags use the same names as the wire knobs; checkKnobs (inside startMock) validates them.
const defaults: Partial<Record<keyof Knobs, string>> = {};
for (const [key, wire] of Object.entries(KNOB_WIRE_NAMES) as [keyof Knobs, string][]) {
  const v = (values as Record<string, string | boolean | undefined>)[wire];
  if (typeof v === 'string') defaults[key] = v;
}

try {
  const mock = await startMock({ port, defaults: defaults as Partial<Knobs>, groundTruthLog: values.log });
  const width = Math.max(...Object.keys(mock.baseUrls).map((k) => k.length));
  const lines = [
    `Tenth mock provider on ${mock.url} (any non-empty key works; "bad-key" gets a 401)`,
    ...Object.entries(mock.baseUrls).map(([kind, url]) => `  ${kind.padEnd(width)}  ${url}`),
    `Faults: header "x-mock-fault: rate_limit" (or ?mock_fault=, or model "gpt-4o+fault=rate_limit"), with x-mock-fault-rate: 0.2; names: ${FAULTS.join(' ')}`,
    `Defaults: ${JSON.stringify(mock.defaults())}${values.log ? `; ground truth -> ${values.log}` : ''}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void mock.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`mock: ${(e as Error).message}\n`);
  process.exit(1);
}
