import type { Attempt } from '../../../../shared/domain/schemas';
import { verdictOf, type Verdict } from '../../../../shared/stats/verdict';

export const fmtMs = (ms: number | null | undefined) => (ms == null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
/**
 * Dollars at the precision the size needs: a call costs millionths of a
 * dollar, a run dollars. Zero is "$0"; a cost too small to show is said to be
 * so rather than printed as zero.
 */
export function fmtUsd(usd: number | null | undefined): string {
  if (usd == null) return '—';
  if (usd === 0) return '$0';
  if (usd > 0 && usd < 0.000_001) return '<$0.000001';
  if (usd < 0.01) return `$${usd.toFixed(6)}`;
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}
export const fmtNum = (n: number | null | undefined, digits = 0) => (n == null ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: digits }));
export const fmtTime = (t: number | null | undefined) => (t == null ? '—' : new Date(t).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }));
export const shortId = (id: string) => id.slice(-6);

/** "pass · human", "fail · failure", "ungraded" — the verdict and what decided it, everywhere a verdict shows. */
export function verdictLabel(v: Verdict): string {
  if (v.verdict === 'excluded') return 'not counted';
  if (v.verdict === 'ungraded') return 'ungraded';
  const score = v.score !== null && v.source !== 'failure' ? ` ${Math.round(v.score * 100) / 100}` : '';
  return `${v.verdict}${score} · ${v.source}`;
}
export const verdictTone = (v: Verdict) => (v.verdict === 'pass' ? 'ok' : v.verdict === 'fail' ? 'bad' : '');

export function attemptVerdict(a: Attempt): Verdict {
  return verdictOf(a);
}

export function statusText(a: Pick<Attempt, 'status' | 'failure'>): string {
  return a.status === 'failed' ? (a.failure?.class ?? 'failed') : a.status;
}
export const statusTone = (a: Pick<Attempt, 'status'>) => (a.status === 'ok' ? 'ok' : a.status === 'failed' ? 'bad' : a.status === 'pending' ? '' : 'warn');

/** A 1–5 score as stored (0..1): (n − 1) / 4 (PRODUCT.md). */
export const scoreFromKey = (n: number) => (n - 1) / 4;
export const scoreToFive = (s: number) => Math.round(s * 4) + 1;
