/**
 * Drift: behaviour changing over time under an unchanged model name
 * (PRODUCT.md "Who uses it": providers route traffic to new checkpoints).
 */
import { type Stat } from './cell';
import { quantileConfidence } from './confidence';
import { clusteredRate, type RateStat, twoProportionZTest } from './intervals';
import { quantileOfSorted } from './quantiles';
import { type StatsAttempt, verdictOf } from './verdict';

/** When an attempt happened: its start, or when it was queued if it never started. */
export function attemptTime(a: Pick<StatsAttempt, 'startedAt' | 'queuedAt'>): number {
  return a.startedAt ?? a.queuedAt;
}

/** Stable sort by attemptTime (ties keep input order). Does not modify its argument. */
export function sortByTime<T extends Pick<StatsAttempt, 'startedAt' | 'queuedAt'>>(attempts: readonly T[]): T[] {
  // Journals are usually read in id order, and ULIDs are time-ordered: skip the
  // sort (and its 100,000 wrapper objects) when the input is already in order.
  let sorted = true;
  for (let i = 1; i < attempts.length; i++) {
    if (attemptTime(attempts[i]) < attemptTime(attempts[i - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return attempts.slice();
  return attempts
    .map((a, i) => ({ a, i, t: attemptTime(a) }))
    .sort((x, y) => x.t - y.t || x.i - y.i)
    .map((x) => x.a);
}

export interface DriftWindow {
  index: number;
  /** Time of the first and last attempt in the window. */
  from: number;
  to: number;
  firstId: string;
  lastId: string;
  /** Eligible attempts in the window. */
  eligible: number;
  /** Pass rate (end-to-end reliability) with its Wilson interval at n_eff; its lower bound is the window's floor. */
  passRate: RateStat;
  /** p10 of scores (graded ok + failed, failed = 0). */
  p10: Stat;
}

/**
 * Consecutive, non-overlapping windows of `windowSize` eligible attempts (judge
 * calls left out), in time order. Windows are aligned to the END: the latest
 * window is always full and the oldest one may be short, because drift is read
 * at the newest edge. Each window's pass-rate interval is clustered by case like
 * every other rate.
 */
export function rollingWindows(attempts: readonly StatsAttempt[], windowSize: number, opts: { judges?: boolean } = {}): DriftWindow[] {
  if (!(windowSize >= 1)) throw new RangeError('rollingWindows: windowSize must be ≥ 1');
  const size = Math.floor(windowSize);
  const series = sortByTime(attempts.filter((a) => !a.judgeOf && (a.status === 'ok' || a.status === 'failed')));
  const windows: DriftWindow[] = [];
  const count = Math.ceil(series.length / size);
  for (let w = 0; w < count; w++) {
    const end = series.length - (count - 1 - w) * size;
    const start = Math.max(0, end - size);
    const slice = series.slice(start, end);
    const perCase = new Map<string, { n: number; k: number }>();
    const scores = new Float64Array(slice.length);
    let nScores = 0;
    for (const a of slice) {
      const v = verdictOf(a, opts);
      if (v.verdict !== 'pass' && v.verdict !== 'fail') continue;
      scores[nScores++] = v.score ?? 0;
      let t = perCase.get(a.caseId);
      if (!t) {
        t = { n: 0, k: 0 };
        perCase.set(a.caseId, t);
      }
      t.n++;
      if (v.verdict === 'pass') t.k++;
    }
    const sorted = scores.subarray(0, nScores).sort();
    windows.push({
      index: w,
      from: attemptTime(slice[0]),
      to: attemptTime(slice[slice.length - 1]),
      firstId: slice[0].id,
      lastId: slice[slice.length - 1].id,
      eligible: slice.length,
      passRate: clusteredRate('window pass rate: passes / (graded ok + failed)', perCase.values()),
      p10: { value: quantileOfSorted(sorted, 0.1), n: nScores, confidence: quantileConfidence(nScores, 0.1) },
    });
  }
  return windows;
}

export interface ServedChangeFlag {
  kind: 'served-model' | 'system-fingerprint';
  providerId: string;
  model: string;
  from: string;
  to: string;
  /** The last attempt with the old value and the first with the new one. */
  beforeAttemptId: string;
  afterAttemptId: string;
  at: number;
}

export interface PassRateShiftFlag {
  kind: 'pass-rate';
  providerId: string;
  model: string;
  promptVersion: string;
  direction: 'down' | 'up';
  previous: DriftWindow;
  latest: DriftWindow;
  /** Two-sided p of the two-proportion z-test at effective sample sizes. */
  p: number;
}

export type DriftFlag = ServedChangeFlag | PassRateShiftFlag;

export interface DriftOptions {
  /** Eligible attempts per window (default 50). */
  windowSize?: number;
  alpha?: number;
  judges?: boolean;
}

/**
 * Flags, per requested model on a provider:
 *  - every change of `servedModel` and of `systemFingerprint` between
 *    consecutive attempts that report one (nulls are skipped: a failed attempt
 *    reports no served model and is no evidence of a change), with the attempt
 *    ids on either side;
 *  - for each prompt version on that model, when the latest window's pass rate
 *    differs from the previous window's by a two-proportion z-test at p < alpha
 *    (0.05), both at their effective sample sizes. Windows are per prompt
 *    version because a new version is the user's change, not drift.
 * Served-change flags come first, in time order; then pass-rate flags.
 */
export function detectDrift(attempts: readonly StatsAttempt[], opts: DriftOptions = {}): DriftFlag[] {
  const windowSize = opts.windowSize ?? 50;
  const alpha = opts.alpha ?? 0.05;
  const subjects = sortByTime(attempts.filter((a) => !a.judgeOf));
  // Nested by provider then model: no key string built per attempt.
  const byProvider = new Map<string, Map<string, StatsAttempt[]>>();
  const byModel: StatsAttempt[][] = [];
  for (const a of subjects) {
    let models = byProvider.get(a.providerId);
    if (!models) byProvider.set(a.providerId, (models = new Map()));
    const list = models.get(a.model);
    if (list) list.push(a);
    else {
      const fresh = [a];
      models.set(a.model, fresh);
      byModel.push(fresh);
    }
  }

  const served: ServedChangeFlag[] = [];
  const shifts: PassRateShiftFlag[] = [];
  for (const series of byModel) {
    const { providerId, model } = series[0];
    for (const kind of ['served-model', 'system-fingerprint'] as const) {
      let prev: StatsAttempt | null = null;
      for (const a of series) {
        const value = kind === 'served-model' ? a.servedModel : a.systemFingerprint;
        if (value === null || value === undefined) continue;
        const prevValue = prev ? (kind === 'served-model' ? prev.servedModel : prev.systemFingerprint) : null;
        if (prev && prevValue !== value) {
          served.push({ kind, providerId, model, from: prevValue ?? '', to: value, beforeAttemptId: prev.id, afterAttemptId: a.id, at: attemptTime(a) });
        }
        prev = a;
      }
    }

    const byVersion = new Map<string, StatsAttempt[]>();
    for (const a of series) {
      const list = byVersion.get(a.promptVersion);
      if (list) list.push(a);
      else byVersion.set(a.promptVersion, [a]);
    }
    for (const [promptVersion, list] of byVersion) {
      // Only the last two windows are compared. Windows are end-aligned, so the
      // last 2·size eligible attempts give exactly those two windows; the rest of
      // the series would only cost time. Their indexes are shifted to where they
      // sit in the whole series.
      const eligible = list.filter((a) => a.status === 'ok' || a.status === 'failed');
      const size = Math.floor(windowSize);
      const windows = rollingWindows(eligible.slice(-2 * size), windowSize, { judges: opts.judges });
      if (windows.length < 2) continue;
      const shift = Math.ceil(eligible.length / size) - windows.length;
      for (const w of windows) w.index += shift;
      const latest = windows[windows.length - 1];
      const previous = windows[windows.length - 2];
      const l = latest.passRate;
      const p = previous.passRate;
      if (l.n === 0 || p.n === 0) continue;
      const test = twoProportionZTest((l.k / l.n) * l.nEff, l.nEff, (p.k / p.n) * p.nEff, p.nEff);
      if (test.p !== null && test.p < alpha && test.diff !== null) {
        shifts.push({ kind: 'pass-rate', providerId, model, promptVersion, direction: test.diff < 0 ? 'down' : 'up', previous, latest, p: test.p });
      }
    }
  }
  served.sort((x, y) => x.at - y.at);
  return [...served, ...shifts];
}
