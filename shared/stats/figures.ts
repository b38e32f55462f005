/**
 * The figures of a cell as one named list: key, label, definition (PRODUCT.md
 * "Metric definitions", word for word where it defines one), unit and which way
 * is better. The Stats view, its tooltips and help panel, and `tenth stats`
 * (table, --json, --fail-under) all read figures from here, so they cannot
 * disagree about what a number is.
 */
import type { CellStats, Stat } from './cell';
import type { Confidence } from './confidence';
import type { RateStat } from './intervals';

export type FigureUnit = 'rate' | 'score' | 'ms' | 'tps' | 'usd';

export interface FigureValue {
  value: number | null;
  /** The values (or trials) behind the figure. */
  n: number;
  /** For rates: the effective sample size after clustering by case. */
  nEff?: number;
  confidence: Confidence;
}

export interface FigureDef {
  key: FigureKey;
  /** Short column label. */
  label: string;
  /** What it is and how it is computed, for a tooltip or the help panel. */
  definition: string;
  unit: FigureUnit;
  /** Which direction is better; a "floor" is the bad end of a figure where higher is better (or p90/p99 where lower is). */
  better: 'higher' | 'lower';
  get(s: CellStats): FigureValue;
}

export const FIGURE_KEYS = [
  'pass-floor',
  'score-floor',
  'pass-rate',
  'pass-upper',
  'quality-floor',
  'quality',
  'success-floor',
  'success-rate',
  'score-worst',
  'score-median',
  'score-best',
  'score-mean',
  'ttft-p50',
  'ttft-p90',
  'ttft-p99',
  'latency-p50',
  'latency-p90',
  'latency-p99',
  'tps-floor',
  'tps-median',
  'cost-per-attempt',
  'cost-per-pass',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

function rate(r: RateStat, pick: 'point' | 'lower' | 'upper'): FigureValue {
  // Wilson gives [0, 1] for n = 0; that is "no data", not a floor of 0.
  const value = r.n > 0 ? r[pick] : null;
  return { value, n: r.n, nEff: r.nEff, confidence: r.confidence };
}

function stat(s: Stat): FigureValue {
  return { value: s.value, n: s.n, confidence: s.confidence };
}

const WILSON =
  '95% Wilson score interval at the effective sample size n_eff = n / deff, where deff = max(1, SE²clustered by case / SE²iid) (Miller 2024); with one attempt per case deff = 1';
const QUANTILE = 'quantiles interpolate linearly between order statistics (numpy default, d3.quantile)';

const DEFS: FigureDef[] = [
  {
    key: 'pass-floor',
    label: 'pass floor',
    definition: `Pass-rate floor (end-to-end reliability): the lower bound of the pass rate = passes / (graded ok + failed), a failure counting as a fail. ${WILSON}.`,
    unit: 'rate',
    better: 'higher',
    get: (s) => rate(s.passRate, 'lower'),
  },
  {
    key: 'score-floor',
    label: 'p10 score',
    definition: `Score floor: the 10th percentile of scores (0..1) over graded ok and failed attempts (a failed attempt scores 0); ${QUANTILE}.`,
    unit: 'score',
    better: 'higher',
    get: (s) => stat(s.score.p10),
  },
  {
    key: 'pass-rate',
    label: 'pass rate',
    definition: 'End-to-end reliability: passes / (graded ok + failed). Ungraded ok attempts are in neither denominator.',
    unit: 'rate',
    better: 'higher',
    get: (s) => rate(s.passRate, 'point'),
  },
  {
    key: 'pass-upper',
    label: 'pass upper',
    definition: `Upper bound of the pass rate's ${WILSON}.`,
    unit: 'rate',
    better: 'higher',
    get: (s) => rate(s.passRate, 'upper'),
  },
  {
    key: 'quality-floor',
    label: 'quality floor',
    definition: `Quality given an answer, lower bound: passes / graded ok attempts (failures left out), ${WILSON}.`,
    unit: 'rate',
    better: 'higher',
    get: (s) => rate(s.quality, 'lower'),
  },
  {
    key: 'quality',
    label: 'quality',
    definition: 'Quality given an answer: passes / graded ok attempts (attempts that returned output and were graded).',
    unit: 'rate',
    better: 'higher',
    get: (s) => rate(s.quality, 'point'),
  },
  {
    key: 'success-floor',
    label: 'success floor',
    definition: `Lower bound of the success rate = ok / eligible (ok + failed), ${WILSON}.`,
    unit: 'rate',
    better: 'higher',
    get: (s) => rate(s.successRate, 'lower'),
  },
  {
    key: 'success-rate',
    label: 'success',
    definition: 'Success rate = ok / eligible, where eligible attempts are ok and failed (cancelled, interrupted and pending are never counted).',
    unit: 'rate',
    better: 'higher',
    get: (s) => rate(s.successRate, 'point'),
  },
  {
    key: 'score-worst',
    label: 'worst',
    definition: 'The lowest score over graded ok and failed attempts.',
    unit: 'score',
    better: 'higher',
    get: (s) => stat(s.score.worst),
  },
  {
    key: 'score-median',
    label: 'median',
    definition: `The median score over graded ok and failed attempts; ${QUANTILE}.`,
    unit: 'score',
    better: 'higher',
    get: (s) => stat(s.score.median),
  },
  {
    key: 'score-best',
    label: 'best',
    definition: 'The best score (the ceiling) — shown only beside the floor: it is not what you would ship.',
    unit: 'score',
    better: 'higher',
    get: (s) => stat(s.score.best),
  },
  {
    key: 'score-mean',
    label: 'mean score',
    definition: 'The mean score over graded ok and failed attempts.',
    unit: 'score',
    better: 'higher',
    get: (s) => stat(s.score.mean),
  },
  ...(['p50', 'p90', 'p99'] as const).map(
    (q): FigureDef => ({
      key: `ttft-${q}`,
      label: `TTFT ${q}`,
      definition: `Time to first token, ${q} over ok attempts: first content token − startedAt, on the client's monotonic clock (queue time kept out); ${QUANTILE}.`,
      unit: 'ms',
      better: 'lower',
      get: (s) => stat(s.ttftMs[q]),
    }),
  ),
  ...(['p50', 'p90', 'p99'] as const).map(
    (q): FigureDef => ({
      key: `latency-${q}`,
      label: `latency ${q}`,
      definition: `Latency, ${q} over ok attempts: endedAt − startedAt on the client's monotonic clock (queue time kept out); ${QUANTILE}.`,
      unit: 'ms',
      better: 'lower',
      get: (s) => stat(s.latencyMs[q]),
    }),
  ),
  {
    key: 'tps-floor',
    label: 'tok/s p10',
    definition: `Throughput floor: the 10th percentile over ok attempts of tokens/s = outputTokens / (endedAt − firstTokenAt); ${QUANTILE}.`,
    unit: 'tps',
    better: 'higher',
    get: (s) => stat(s.tokensPerSec.p10),
  },
  {
    key: 'tps-median',
    label: 'tok/s median',
    definition: 'Median over ok attempts of tokens/s = outputTokens / (endedAt − firstTokenAt).',
    unit: 'tps',
    better: 'higher',
    get: (s) => stat(s.tokensPerSec.median),
  },
  {
    key: 'cost-per-attempt',
    label: '$/attempt',
    definition: 'Mean cost (USD) of an eligible attempt with a known cost.',
    unit: 'usd',
    better: 'lower',
    get: (s) => stat(s.cost.perAttempt),
  },
  {
    key: 'cost-per-pass',
    label: '$/pass',
    definition: 'Cost per pass = total cost of all eligible attempts (retries and judge calls included) / passes.',
    unit: 'usd',
    better: 'lower',
    get: (s) => stat(s.cost.perPass),
  },
];

export const FIGURES: Readonly<Record<FigureKey, FigureDef>> = Object.fromEntries(DEFS.map((d) => [d.key, d])) as Record<FigureKey, FigureDef>;

export function isFigureKey(key: string): key is FigureKey {
  return (FIGURE_KEYS as readonly string[]).includes(key);
}

/** Every figure of a cell, keyed by figure key. */
export function cellFigures(s: CellStats): Record<FigureKey, FigureValue> {
  const out = {} as Record<FigureKey, FigureValue>;
  for (const key of FIGURE_KEYS) out[key] = FIGURES[key].get(s);
  return out;
}

/** Formats a figure for people: rates as percentages, scores with 2 decimals, ms, tok/s, USD. */
export function formatFigure(unit: FigureUnit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'score':
      return value.toFixed(2);
    case 'ms':
      return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
    case 'tps':
      return value.toFixed(1);
    case 'usd':
      return value === 0 ? '$0' : value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(2)}`;
  }
}

/** A threshold on one figure for a CI gate: `--fail-under pass-floor=0.8`. */
export interface Threshold {
  key: FigureKey;
  limit: number;
  /** `under`: fail when the figure is below the limit; `over`: fail when above. */
  kind: 'under' | 'over';
}

export interface ThresholdBreach {
  threshold: Threshold;
  value: number | null;
  message: string;
}

/**
 * Parses `pass-floor=0.8,score-floor=0.5`: figure keys only, no aliases, so a CI
 * file reads the same as the --json output. Throws a message a person can act on.
 */
export function parseThresholds(spec: string, kind: Threshold['kind']): Threshold[] {
  const out: Threshold[] = [];
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`"${item}": expected FIGURE=NUMBER, e.g. pass-floor=0.8`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    if (!isFigureKey(key)) throw new Error(`"${key}" is not a figure; one of: ${FIGURE_KEYS.join(', ')}`);
    const limit = Number(raw);
    if (raw === '' || !Number.isFinite(limit)) throw new Error(`"${item}": ${JSON.stringify(raw)} is not a number`);
    const def = FIGURES[key];
    if (kind === 'under' && def.better === 'lower') throw new Error(`${key} is better when lower; use --fail-over ${key}=${raw}`);
    if (kind === 'over' && def.better === 'higher') throw new Error(`${key} is better when higher; use --fail-under ${key}=${raw}`);
    out.push({ key, limit, kind });
  }
  return out;
}

/**
 * The thresholds a cell breaks. A figure with no value breaks its threshold:
 * a gate that passed for lack of data would let a broken model through CI.
 */
export function thresholdBreaches(s: CellStats, thresholds: readonly Threshold[]): ThresholdBreach[] {
  const out: ThresholdBreach[] = [];
  for (const t of thresholds) {
    const def = FIGURES[t.key];
    const f = def.get(s);
    const shown = (v: number) => (def.unit === 'rate' || def.unit === 'score' ? v.toFixed(4) : String(Math.round(v * 1000) / 1000));
    if (f.value === null) {
      out.push({ threshold: t, value: null, message: `${t.key} has no value (n = ${f.n}); required ${t.kind === 'under' ? '≥' : '≤'} ${t.limit}` });
    } else if (t.kind === 'under' ? f.value < t.limit : f.value > t.limit) {
      out.push({ threshold: t, value: f.value, message: `${t.key} = ${shown(f.value)} is ${t.kind} ${t.limit} (n = ${f.n}${f.nEff !== undefined ? `, n_eff = ${f.nEff.toFixed(1)}` : ''})` });
    }
  }
  return out;
}
