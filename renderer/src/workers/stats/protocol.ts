/**
 * Messages between the Stats page and its worker. Everything crossing is plain
 * data (structured clone): figures, flags and small arrays — never 100,000
 * attempts.
 */
import type { CellStats, DriftFlag, PairComparison } from '../../../../shared/stats';

export interface StatsFilter {
  /** queuedAt range, epoch ms, inclusive; null for open. */
  from: number | null;
  to: number | null;
  promptVersion: string | null;
  tag: string | null;
  /** Only these prompts; null for all. */
  promptIds: string[] | null;
}

export const NO_FILTER: StatsFilter = { from: null, to: null, promptVersion: null, tag: null, promptIds: null };

/**
 * What attempts were sent to: a provider and a model id on it. Keyed by
 * `targetKey` (shared/report/names); the page names it (display name, provider
 * name where needed) with `nameTargets`.
 */
export interface Target {
  key: string;
  providerId: string;
  model: string;
}

export interface MatrixCell {
  /** Row key: prompt, or prompt + case when expanded. */
  row: string;
  prompt: string;
  caseId: string | null;
  /** Column: the target's key. */
  target: string;
  providerId: string;
  model: string;
  stats: CellStats;
  /** Indexes into MatrixResult.flags of the drift flags touching this cell. */
  drift: number[];
}

export interface MatrixResult {
  /** Attempts loaded for the filter (judge calls included). */
  attempts: number;
  /** How the attempts were read, e.g. `index [promptId+queuedAt]`, `all attempts`, or `cached` when reused. */
  access: string;
  byCase: boolean;
  rows: { key: string; prompt: string; caseId: string | null }[];
  /** The columns, by model id then provider id. */
  targets: Target[];
  cells: MatrixCell[];
  flags: DriftFlag[];
  /** Distinct values for the filter controls. */
  versions: string[];
  tags: string[];
  prompts: string[];
  /** Attempt time range of what was loaded. */
  span: { from: number; to: number } | null;
}

export interface Timings {
  /** Matrix: reading the attempts; compare: reading the gallery's outputs. */
  loadMs: number;
  computeMs: number;
}

/** What "Run N more to settle this" needs to plan the extra attempts. */
export interface SettlePlan {
  prompt: string;
  /** The latest prompt version those attempts used. */
  promptVersion: string;
  caseIds: string[];
  targets: { providerId: string; model: string }[];
  /** Extra repeats of every case, per target. */
  repeats: number;
  /** First repeat index of the new attempts, after the ones already journaled. */
  firstRepeatIndex: number;
  /** The run the latest of those attempts belongs to: its settings are reused. */
  fromRunId: string;
}

export interface PromptComparison {
  prompt: string;
  comparison: PairComparison;
  /** null when more repeats cannot settle it (more cases are needed) or it is settled. */
  settle: SettlePlan | null;
}

export interface PairResult {
  /** Target keys. */
  a: string;
  b: string;
  perPrompt: PromptComparison[];
  /** All chosen prompts at once: cases are (prompt, case) pairs. */
  overall: PairComparison;
  /** A sentence that never claims more than the data supports. */
  verdict: string;
}

export interface GalleryItem {
  id: string;
  prompt: string;
  caseId: string;
  repeatIndex: number;
  status: string;
  score: number;
  failureClass: string | null;
  failureMessage: string | null;
  output: string;
}

export interface GalleryColumn {
  target: string;
  /** Scored attempts (graded ok + failed) the decile was taken from. */
  scored: number;
  items: GalleryItem[];
}

export interface CompareResult {
  targets: string[];
  prompts: string[];
  pairs: PairResult[];
  gallery: GalleryColumn[];
}

export interface PlotSeries {
  target: string;
  /** Values behind the series: scored attempts, ok latencies, or windows plotted. */
  n: number;
  /** y values on the shared x grid; null where the series has no point. */
  y: (number | null)[];
  /** Score series: ok answers without a verdict, in no score distribution. */
  ungraded?: number;
  /** Floor series: windows left out because most of their answers are ungraded. */
  ungradedWindows?: number;
}

export interface PlotsResult {
  score: { x: number[]; series: PlotSeries[] };
  latency: { x: number[]; series: PlotSeries[] };
  /** x: window end times (epoch ms, seconds for uPlot are converted by the page). */
  floor: { x: number[]; windowSize: number; passFloor: PlotSeries[]; scoreFloor: PlotSeries[] };
}

export type StatsRequest =
  /** `reload: false` reuses the attempts already loaded for the same filter (e.g. only `byCase` changed). */
  | { id: number; kind: 'matrix'; filter: StatsFilter; byCase: boolean; reload: boolean }
  /** `targets` are target keys; `labels` name them in the verdict sentences. */
  | { id: number; kind: 'compare'; targets: string[]; prompts: string[] | null; labels: Record<string, string> }
  | { id: number; kind: 'plots'; targets: string[] | null };

export type StatsResponse =
  | { id: number; kind: 'matrix'; result: MatrixResult; timings: Timings }
  | { id: number; kind: 'compare'; result: CompareResult; timings: Timings }
  | { id: number; kind: 'plots'; result: PlotsResult }
  | { id: number; kind: 'error'; message: string };
