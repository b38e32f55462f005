/**
 * Benchmark, run on purpose (not a test): `npx tsx shared/journal/bench.ts [attempts]`.
 * Exports a sample journal to JSONL and CSV, then validates and imports it
 * (all-or-nothing: two passes), and prints attempts per second for each step.
 * Targets from the brief: export ≥ 50,000/s, import with validation ≥ 20,000/s.
 */
import { exportCsv, exportJsonl } from './export';
import { planImport } from './import';
import { validateJournal } from './jsonl';
import { sampleJournal } from './sample';

const n = Number(globalThis.process?.argv?.[2] ?? 100_000);
const j = sampleJournal(n);
const app = { name: 'Tenth', version: 'bench' };

// CPU time of this process when the host exposes it (Node): on a shared, loaded
// machine wall-clock rates mostly measure the neighbours.
const cpuUsage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage;
const cpuMs = (): number => {
  const u = cpuUsage?.();
  return u ? (u.user + u.system) / 1000 : NaN;
};
let cpuStart = cpuMs();

function rate(label: string, count: number, ms: number, extra = ''): void {
  const cpu = cpuMs() - cpuStart;
  const cpuRate = Number.isFinite(cpu) ? `, ${Math.round((count / cpu) * 1000)} /s of CPU time` : '';
  console.log(`${label.padEnd(34)} ${String(Math.round((count / ms) * 1000)).padStart(9)} /s  (${ms.toFixed(0)} ms${cpuRate}${extra})`);
}

async function main(): Promise<void> {
  // Export: chunks as a file writer would receive them.
  let t = performance.now();
  cpuStart = cpuMs();
  const chunks: string[] = [];
  let chars = 0;
  for await (const c of exportJsonl(j, { app, exportedAt: 1 })) {
    chunks.push(c);
    chars += c.length;
  }
  rate('export JSONL (validated)', n, performance.now() - t, `, ${(chars / 1e6).toFixed(1)} M chars`);

  t = performance.now();
  cpuStart = cpuMs();
  for await (const c of exportJsonl(j, { app, exportedAt: 1, validate: false })) void c;
  rate('export JSONL (no validation)', n, performance.now() - t);

  t = performance.now();
  cpuStart = cpuMs();
  let csvChars = 0;
  for await (const c of exportCsv(j.attempts)) csvChars += c.length;
  rate('export CSV', n, performance.now() - t, `, ${(csvChars / 1e6).toFixed(1)} M chars`);

  // Import from bytes, as read from a file in 64 KiB chunks.
  const enc = new TextEncoder();
  const bytes = chunks.map((c) => enc.encode(c));
  const open = async function* (): AsyncGenerator<Uint8Array> {
    yield* bytes;
  };

  t = performance.now();
  cpuStart = cpuMs();
  const v = await validateJournal(open());
  rate('validate (one pass)', n, performance.now() - t, `, ok=${v.ok}`);

  t = performance.now();
  cpuStart = cpuMs();
  let written = 0;
  const r = await planImport(open, null, {
    mode: 'all-or-nothing',
    onBatch: (_type, records) => {
      written += records.length;
    },
  });
  rate('import all-or-nothing (two passes)', n, performance.now() - t, `, added=${r.addedTotal}, written=${written}`);

  t = performance.now();
  cpuStart = cpuMs();
  await planImport(open, null, { mode: 'valid-only', onBatch: () => undefined });
  rate('import valid-only (one pass)', n, performance.now() - t);
}

await main();
