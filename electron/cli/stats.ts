/**
 * `tenth stats FILE.jsonl [--by prompt,model|prompt,case,model] [--json]
 *   [--fail-under pass-floor=0.8,...] [--fail-over latency-p90=2000,...]`
 *
 * The Stats view's figures, from the same code (shared/stats), over a journal
 * export or `tenth run` output. `tenth run` writes each attempt twice — pending,
 * then final — so the LAST line for an id wins.
 *
 * Exit codes: 0 every gate holds; 1 a figure broke a --fail-under/--fail-over
 * gate (stderr says which cell and figure); 2 bad usage or an unreadable file.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Attempt } from '../../shared/domain/schemas';
import { parseLine, readLines } from '../../shared/journal/jsonl';
import {
  type Cell,
  cellFigures,
  createInterner,
  detectDrift,
  FIGURES,
  type FigureKey,
  formatFigure,
  type GroupBy,
  groupCells,
  parseThresholds,
  type StatsAttempt,
  type Threshold,
  type ThresholdBreach,
  thresholdBreaches,
  toStatsAttempt,
} from '../../shared/stats';
import type { TextOut } from './report';

export interface StatsIO {
  stdout: TextOut;
  stderr: TextOut;
  cwd: string;
}

export const STATS_USAGE = `usage: tenth stats FILE.jsonl [--by prompt,model|prompt,case,model] [--json]
                   [--fail-under FIGURE=N,...] [--fail-over FIGURE=N,...]

Reads a journal export or \`tenth run\` output and prints the figures per cell,
floors first. For an attempt written more than once, the last line wins.

  --by FIELDS        grouping: prompt,model (default) or prompt,case,model
                     (any of prompt, version, case, model, provider)
  --json             one JSON object per line per cell, every figure with its n
  --fail-under SPEC  exit 1 when a figure of any cell is below its limit, or has
                     no value: e.g. pass-floor=0.8,score-floor=0.5
  --fail-over SPEC   the same for figures where lower is better: latency-p90=2000

Figures: ${Object.keys(FIGURES).join(', ')}
`;

const GROUP_FIELDS: readonly GroupBy[] = ['prompt', 'version', 'case', 'model', 'provider'];

function defaultIO(): StatsIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

export interface LoadedJournal {
  attempts: StatsAttempt[];
  /** Lines that could not be read, with their messages (first few kept). */
  errors: { count: number; first: string[] };
  lines: number;
}

/** Reads attempts from a JSONL journal; a later line for the same id replaces an earlier one. */
export async function loadJournalAttempts(file: string): Promise<LoadedJournal> {
  const byId = new Map<string, StatsAttempt>();
  const errors = { count: 0, first: [] as string[] };
  const intern = createInterner();
  let lines = 0;
  for await (const item of readLines(createReadStream(file))) {
    lines++;
    if (item.error) {
      errors.count++;
      if (errors.first.length < 5) errors.first.push(item.error.message);
      continue;
    }
    if (item.text.trim() === '') continue;
    const parsed = parseLine(item.text, item.line);
    if (!parsed.ok) {
      errors.count++;
      if (errors.first.length < 5) errors.first.push(parsed.error.message);
      continue;
    }
    if (parsed.type !== 'attempt') continue;
    const a = parsed.record as Attempt;
    byId.set(a.id, toStatsAttempt(a, intern));
  }
  return { attempts: [...byId.values()], errors, lines };
}

export function parseBy(spec: string): GroupBy[] {
  const fields = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (fields.length === 0) throw new Error('--by needs at least one field');
  for (const f of fields) {
    if (!(GROUP_FIELDS as readonly string[]).includes(f)) throw new Error(`--by: "${f}" is not one of ${GROUP_FIELDS.join(', ')}`);
  }
  if (new Set(fields).size !== fields.length) throw new Error('--by: a field appears twice');
  return fields as GroupBy[];
}

/** The --json object of one cell: its key, counts, failures and every figure with its n. */
export function cellJson(cell: Cell, breaches: ThresholdBreach[] | null): Record<string, unknown> {
  const s = cell.stats;
  const { total, eligible, ok, failed, cancelled, interrupted, pending, passes, fails, gradedOk, ungradedOk, cases, judgeAttempts } = s.counts;
  const failuresByClass = Object.fromEntries(Object.entries(s.failuresByClass).filter(([, n]) => n > 0));
  return {
    ...cell.key,
    counts: { total, eligible, ok, failed, cancelled, interrupted, pending, passes, fails, gradedOk, ungradedOk, cases, judgeAttempts },
    failuresByClass,
    ...cellFigures(s),
    denominators: { reliability: s.passRate.label, quality: s.quality.label, success: s.successRate.label },
    warnings: s.warnings.map((w) => `${w.figure}: ${w.message}`),
    ...(breaches ? { breaches: breaches.map((b) => b.message) } : {}),
  };
}

const TABLE_FIGURES: { key: FigureKey; title: string }[] = [
  { key: 'pass-floor', title: 'pass floor' },
  { key: 'score-floor', title: 'p10 score' },
  { key: 'score-best', title: '(best)' },
  { key: 'quality-floor', title: 'quality floor' },
  { key: 'success-rate', title: 'success' },
  { key: 'latency-p90', title: 'lat p90' },
  { key: 'tps-floor', title: 'tok/s p10' },
  { key: 'cost-per-pass', title: '$/pass' },
];

/** A table for people: floors first; `*` marks a figure from too few attempts to mean much. */
export function renderStatsTable(cells: readonly Cell[], by: readonly GroupBy[]): string {
  const header = [...by, ...TABLE_FIGURES.slice(0, 3).map((f) => f.title), 'N (n_eff)', ...TABLE_FIGURES.slice(3).map((f) => f.title)];
  const right = header.map((_, i) => i >= by.length);
  const rows = cells.map((c) => {
    const figures = cellFigures(c.stats);
    const show = (key: FigureKey) => {
      const f = figures[key];
      const text = formatFigure(FIGURES[key].unit, f.value);
      return f.confidence === 'low' && f.value !== null ? `${text}*` : text;
    };
    const r = c.stats.passRate;
    const n = r.deff > 1 ? `${r.n} (${r.nEff.toFixed(1)})` : `${r.n}`;
    return [
      ...by.map((g) => c.key[g] ?? ''),
      ...TABLE_FIGURES.slice(0, 3).map((f) => show(f.key)),
      n,
      ...TABLE_FIGURES.slice(3).map((f) => show(f.key)),
    ];
  });
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((v, i) => (right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const LEGEND = `pass floor: 95% Wilson lower bound of end-to-end reliability, passes / (graded ok + failed), at n_eff clustered by case
quality floor: the same bound for quality given an answer, passes / graded ok
p10 score: 10th percentile of scores (failed = 0); (best) is the ceiling, for reference only
N: graded ok + failed attempts (effective n after clustering by case, when it differs)
*: too few attempts for this figure to mean much (rates and p10/p90 need 10, p99 needs 100)`;

export async function statsCommand(argv: string[], io: StatsIO = defaultIO()): Promise<number> {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        by: { type: 'string' },
        json: { type: 'boolean' },
        'fail-under': { type: 'string', multiple: true },
        'fail-over': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    err(`tenth stats: ${(e as Error).message}\n\n${STATS_USAGE}`);
    return 2;
  }
  if (args.values.help) {
    io.stdout.write(STATS_USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) {
    err(`tenth stats: expected one journal file\n\n${STATS_USAGE}`);
    return 2;
  }
  let by: GroupBy[];
  let thresholds: Threshold[];
  try {
    by = parseBy(args.values.by ?? 'prompt,model');
    thresholds = [
      ...(args.values['fail-under'] ?? []).flatMap((s) => parseThresholds(s, 'under')),
      ...(args.values['fail-over'] ?? []).flatMap((s) => parseThresholds(s, 'over')),
    ];
  } catch (e) {
    err(`tenth stats: ${(e as Error).message}`);
    return 2;
  }

  const file = resolve(io.cwd, args.positionals[0]);
  let loaded: LoadedJournal;
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    loaded = await loadJournalAttempts(file);
  } catch (e) {
    err(`tenth stats: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  if (loaded.errors.count > 0) {
    err(`tenth stats: skipped ${loaded.errors.count} unreadable line${loaded.errors.count === 1 ? '' : 's'}:`);
    for (const m of loaded.errors.first) err(`  ${m}`);
  }

  // One model id served by two providers (a local server and a proxy, say) is
  // two targets: without --by, the default grouping keeps them apart.
  if (args.values.by === undefined && !by.includes('provider')) {
    const providersOf = new Map<string, Set<string>>();
    for (const a of loaded.attempts) (providersOf.get(a.model) ?? providersOf.set(a.model, new Set()).get(a.model)!).add(a.providerId);
    if ([...providersOf.values()].some((p) => p.size > 1)) {
      by = ['prompt', 'provider', 'model'];
      err('tenth stats: a model id appears under more than one provider; grouping by prompt, provider and model (pass --by to choose)');
    }
  }
  const cells = groupCells(loaded.attempts, by);
  const breachesByCell = cells.map((c) => (thresholds.length ? thresholdBreaches(c.stats, thresholds) : null));

  if (args.values.json) {
    for (let i = 0; i < cells.length; i++) io.stdout.write(`${JSON.stringify(cellJson(cells[i], breachesByCell[i]))}\n`);
  } else if (cells.length === 0) {
    io.stdout.write(`No attempts in ${file}.\n`);
  } else {
    io.stdout.write(`${renderStatsTable(cells, by)}\n\n${LEGEND}\n`);
    const flags = detectDrift(loaded.attempts);
    if (flags.length > 0) {
      io.stdout.write('\nDrift:\n');
      for (const f of flags) {
        if (f.kind === 'pass-rate') {
          io.stdout.write(
            `  ${f.model} (${f.providerId}), version ${f.promptVersion}: pass rate ${f.direction} from ${formatFigure('rate', f.previous.passRate.point)} to ${formatFigure('rate', f.latest.passRate.point)} in the latest window (p = ${f.p.toPrecision(2)}; attempts ${f.previous.lastId} | ${f.latest.firstId})\n`,
          );
        } else {
          io.stdout.write(`  ${f.model} (${f.providerId}): ${f.kind} ${f.from} → ${f.to} between attempts ${f.beforeAttemptId} and ${f.afterAttemptId}\n`);
        }
      }
    }
  }

  let broken = 0;
  for (let i = 0; i < cells.length; i++) {
    const breaches = breachesByCell[i];
    if (!breaches?.length) continue;
    const name = by.map((g) => `${g} ${cells[i].key[g]}`).join(', ');
    for (const b of breaches) {
      broken++;
      err(`FAIL ${name}: ${b.message}`);
    }
  }
  if (thresholds.length > 0 && cells.length === 0) {
    err('FAIL: no attempts, so no floor can be shown to hold');
    return 1;
  }
  return broken > 0 ? 1 : 0;
}
