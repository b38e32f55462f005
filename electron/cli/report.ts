/**
 * What `tenth run` prints: the progress bar on stderr and the summary table
 * per prompt × model on stdout.
 */
import { FAILURE_CLASSES, type Attempt, type FailureClass } from '../../shared/domain/schemas';
import type { RunProgress } from '../../shared/engine/engine';
import { groupCells } from '../../shared/stats/group';
import { toStatsAttempt } from '../../shared/stats/projection';
import type { StatsAttempt } from '../../shared/stats/verdict';

export interface TextOut {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--:--';
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

export function formatUsd(usd: number | null): string {
  if (usd === null) return '-';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(5)}` : `$${usd.toFixed(2)}`;
}

export function formatFailures(byClass: Partial<Record<FailureClass, number>>): string {
  const parts = FAILURE_CLASSES.filter((c) => (byClass[c] ?? 0) > 0).map((c) => `${c} ${byClass[c]}`);
  return parts.join(', ');
}

export function progressLine(p: RunProgress, width = 24): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(frac * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const failures = formatFailures(p.failuresByClass);
  return [
    `${bar} ${p.done}/${p.total}`,
    `ok ${p.ok}`,
    `failed ${p.failed}${failures ? ` (${failures})` : ''}`,
    ...(p.cancelled > 0 ? [`cancelled ${p.cancelled}`] : []),
    `in flight ${p.inFlight}`,
    formatUsd(p.costUsd),
    `elapsed ${formatDuration(p.elapsedMs)}`,
    `ETA ${formatDuration(p.etaMs)}`,
  ].join('  ');
}

/**
 * A progress display. On a terminal it redraws one line (at most ten times a
 * second); elsewhere (a pipe, a CI log) it prints a plain line every 10% or 10
 * seconds, whichever comes first, so logs stay readable.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastPlainFrac = -1;
  private lastPlainAt = 0;
  private drawn = false;

  constructor(
    private readonly out: TextOut,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(p: RunProgress, force = false): void {
    const t = this.now();
    if (this.out.isTTY) {
      if (!force && t - this.lastDraw < 100) return;
      this.lastDraw = t;
      let line = progressLine(p);
      const cols = this.out.columns ?? 0;
      if (cols > 10 && line.length >= cols) line = `${line.slice(0, cols - 2)}…`;
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
      return;
    }
    const frac = p.total > 0 ? p.done / p.total : 1;
    if (!force && frac - this.lastPlainFrac < 0.1 && t - this.lastPlainAt < 10_000) return;
    if (force && frac === this.lastPlainFrac) return;
    this.lastPlainFrac = frac;
    this.lastPlainAt = t;
    this.out.write(`${progressLine(p)}\n`);
  }

  /** Ends the redrawn line so later output starts on a fresh one. */
  finish(p: RunProgress): void {
    this.update(p, true);
    if (this.out.isTTY && this.drawn) this.out.write('\n');
  }

  /** Writes a message above the bar. */
  log(text: string): void {
    if (this.out.isTTY && this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(`${text}\n`);
    this.lastDraw = 0;
  }
}

// ---------------------------------------------------------------------------
// Summary

function ms(v: number | null): string {
  return v === null ? '-' : String(Math.round(v));
}

export interface SummaryRow {
  prompt: string;
  model: string;
  attempts: number;
  ok: number;
  failures: string;
  ttftP50: string;
  ttftP90: string;
  latencyP90: string;
  tpsP10: string;
  cost: string;
}

/** One row per prompt × provider/model, over the finished attempts of the run (retries included). */
export function summaryRows(attempts: readonly StatsAttempt[]): SummaryRow[] {
  return groupCells(attempts, ['prompt', 'provider', 'model']).map((cell) => {
    const s = cell.stats;
    const failures = formatFailures(s.failuresByClass);
    const other = [
      ...(s.counts.cancelled > 0 ? [`cancelled ${s.counts.cancelled}`] : []),
      ...(s.counts.interrupted > 0 ? [`interrupted ${s.counts.interrupted}`] : []),
    ].join(', ');
    return {
      prompt: cell.key.prompt ?? '',
      model: `${cell.key.provider}/${cell.key.model}`,
      attempts: s.counts.total,
      ok: s.counts.ok,
      failures: [failures, other].filter(Boolean).join(', ') || '-',
      ttftP50: ms(s.ttftMs.p50.value),
      ttftP90: ms(s.ttftMs.p90.value),
      latencyP90: ms(s.latencyMs.p90.value),
      tpsP10: s.tokensPerSec.p10.value === null ? '-' : s.tokensPerSec.p10.value.toFixed(1),
      cost: s.cost.unknown > 0 && s.cost.totalUsd === 0 ? '-' : formatUsd(s.cost.totalUsd),
    };
  });
}

const COLUMNS: { key: keyof SummaryRow; title: string; right: boolean }[] = [
  { key: 'prompt', title: 'prompt', right: false },
  { key: 'model', title: 'model', right: false },
  { key: 'attempts', title: 'attempts', right: true },
  { key: 'ok', title: 'ok', right: true },
  { key: 'failures', title: 'failures by class', right: false },
  { key: 'ttftP50', title: 'TTFT p50 ms', right: true },
  { key: 'ttftP90', title: 'TTFT p90 ms', right: true },
  { key: 'latencyP90', title: 'latency p90 ms', right: true },
  { key: 'tpsP10', title: 'tok/s p10', right: true },
  { key: 'cost', title: 'cost', right: true },
];

export function renderTable(rows: readonly SummaryRow[]): string {
  const cells = [COLUMNS.map((c) => c.title), ...rows.map((r) => COLUMNS.map((c) => String(r[c.key])))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((v, i) => (COLUMNS[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The light projection the summary needs: no output text or request body kept in memory. */
export const statsView = (a: Attempt): StatsAttempt => toStatsAttempt(a);
