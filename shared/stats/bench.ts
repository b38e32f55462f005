/**
 * Benchmark (run on purpose, prints figures; not a test):
 *   npx tsx shared/stats/bench.ts [attempts] [cells]
 * Builds synthetic attempts spread over cells × cases × repeats and times
 * groupCells, comparePair on the two largest cells, and detectDrift.
 */
import { comparePair } from './compare';
import { detectDrift } from './drift';
import { groupCells } from './group';
import { mulberry32 } from './prng';
import { attempt, check } from './testing';
import type { StatsAttempt } from './verdict';

const total = Number(globalThis.process?.argv?.[2] ?? 100_000);
const cellCount = Number(globalThis.process?.argv?.[3] ?? 100);
const rng = mulberry32(2024);
const attempts: StatsAttempt[] = [];
for (let i = 0; i < total; i++) {
  const cell = i % cellCount;
  const caseIdx = Math.floor(i / cellCount) % 50;
  const failed = rng() < 0.05;
  attempts.push(
    attempt({
      promptId: `p${cell % 10}`,
      model: `m${Math.floor(cell / 10)}`,
      caseId: `c${caseIdx}`,
      repeatIndex: Math.floor(i / (cellCount * 50)),
      status: failed ? 'failed' : 'ok',
      failure: failed ? { class: 'timeout' } : null,
      grades: failed ? [] : [check(rng() < 0.8, rng())],
      ttftMs: 100 + rng() * 900,
      latencyMs: 1000 + rng() * 9000,
      tokensPerSec: 20 + rng() * 80,
      costUsd: 0.001,
      startedAt: i,
      servedModel: i < total / 2 ? 'old' : 'new',
    }),
  );
}

/** Best of three runs, so JIT warm-up and a busy machine distort less. */
function time<T>(label: string, f: () => T): T {
  let best = Infinity;
  let out: T | undefined;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    out = f();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${label}: best of 3 ${best.toFixed(1)} ms`);
  return out as T;
}

const cells = time(`groupCells ${total} attempts → ['prompt','model']`, () => groupCells(attempts, ['prompt', 'model']));
console.log(`  ${cells.length} cells; first: pass rate ${cells[0].stats.passRate.point?.toFixed(3)} (n ${cells[0].stats.passRate.n}, n_eff ${cells[0].stats.passRate.nEff.toFixed(1)})`);
time(`groupCells → ['prompt','model','case']`, () => groupCells(attempts, ['prompt', 'model', 'case']));
const [a, b] = cells;
time(`comparePair ${a.attempts.length} vs ${b.attempts.length} attempts, B = 2000`, () => comparePair(a.attempts, b.attempts));
time(`detectDrift ${total} attempts`, () => detectDrift(attempts));
