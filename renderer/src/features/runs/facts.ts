/**
 * The words of the run view's header and progress line, kept out of the
 * component so what a run says about itself is tested as plain data.
 */
import type { RunProgress } from '../../../../shared/engine';
import type { Provider, Run } from '../../../../shared/domain/schemas';
import { fmtUsd } from '../journal/format';

export function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** What a settled run's plan lacks (runs/coverage.ts); null while the run or its family is still going. */
export interface PlanFacts {
  planned: number;
  notSent: number;
  sentElsewhere: number;
}

export interface ProgressFactsInput {
  status: string;
  progress: RunProgress;
  /** This run's interrupted attempts. */
  interrupted: number;
  retries: number;
  plan: PlanFacts | null;
}

export interface ProgressFacts {
  /** The bar: attempts finished out of `total`. */
  done: number;
  total: number;
  /** "52 / 52" + "done", or "52" + "done of 300 planned" when part of the plan was never sent by this run. */
  headline: { value: string; label: string };
  facts: string[];
}

export function progressFacts({ status, progress: p, interrupted, retries, plan }: ProgressFactsInput): ProgressFacts {
  const facts: string[] = [];
  let total = p.total;
  let headline = { value: `${p.done} / ${p.total}`, label: 'done' };
  if (plan && (plan.notSent > 0 || plan.sentElsewhere > 0)) {
    // The engine's total drops what was never sent; the plan still holds it.
    total = p.done + p.inFlight + plan.notSent + plan.sentElsewhere;
    headline = { value: String(p.done), label: `done of ${plan.planned} planned` };
    if (plan.notSent > 0) facts.push(`${plan.notSent} not sent`);
    if (plan.sentElsewhere > 0) facts.push(`${plan.sentElsewhere} sent by a later run`);
    if (retries > 0) facts.push(`${retries} ${retries === 1 ? 'retry' : 'retries'}`);
  }
  facts.push(`${p.ok} ok`, `${p.failed} failed`);
  if (p.cancelled > 0) facts.push(`${p.cancelled} cancelled`);
  if (interrupted > 0) facts.push(`${interrupted} interrupted`);
  if (p.inFlight > 0) facts.push(`${p.inFlight} in flight`);
  facts.push(`elapsed ${fmtDuration(p.elapsedMs)}`);
  // A paused run has no pace to project: its ETA would count down the pause.
  if (status === 'running' && p.etaMs != null) facts.push(`ETA ${fmtDuration(p.etaMs)}`);
  facts.push(`cost ${fmtUsd(p.costUsd)}`);
  return { done: p.done, total, headline, facts };
}

/**
 * "concurrency 16", or "concurrency 16 (Mock allows 4)" when the providers'
 * own limits (engine.ts: each provider's lane runs at most its concurrency)
 * add up to less than the run's, so the figure in flight is not a surprise.
 */
export function concurrencyText(run: Pick<Run, 'concurrency' | 'targets'>, providers: readonly Provider[]): { text: string; title: string } {
  const used = [...new Set(run.targets.map((t) => t.providerId))].map((id) => providers.find((p) => p.id === id)).filter((p): p is Provider => p !== undefined);
  const cap = used.reduce((sum, p) => sum + Math.max(1, p.concurrency), 0);
  const text = `concurrency ${run.concurrency}`;
  if (used.length === 0 || cap >= run.concurrency) return { text, title: `At most ${run.concurrency} attempts are sent at once.` };
  return {
    text: `${text} (${used.map((p) => `${p.name} allows ${Math.max(1, p.concurrency)}`).join(', ')})`,
    title: `At most ${cap} attempts are sent at once: each provider sends no more than its own concurrency setting (Providers page), whatever the run's.`,
  };
}
