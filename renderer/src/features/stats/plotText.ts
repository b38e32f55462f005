/**
 * The plots as text: what a reader of the canvas takes from each curve, for
 * screen readers and for copying — the quantiles an ECDF crosses, and a floor
 * series' first, lowest and latest value.
 */
import type { PlotSeries } from '../../workers/stats/protocol';

/** The smallest x at which an ECDF (y on the shared x grid) reaches `q`, or null when it never does. */
export function ecdfCrossing(x: readonly number[], y: readonly (number | null)[], q: number): number | null {
  for (let i = 0; i < x.length; i++) {
    const v = y[i];
    if (v !== null && v !== undefined && v >= q - 1e-12) return x[i]!;
  }
  return null;
}

export interface EcdfRow {
  target: string;
  n: number;
  p10: number | null;
  p50: number | null;
  p90: number | null;
}

export function ecdfRows(x: readonly number[], series: readonly PlotSeries[]): EcdfRow[] {
  return series.map((s) => ({ target: s.target, n: s.n, p10: ecdfCrossing(x, s.y, 0.1), p50: ecdfCrossing(x, s.y, 0.5), p90: ecdfCrossing(x, s.y, 0.9) }));
}

export interface FloorRow {
  target: string;
  windows: number;
  first: number | null;
  lowest: number | null;
  latest: number | null;
  /** x (epoch ms) of the lowest window. */
  lowestAt: number | null;
}

export function floorRows(x: readonly number[], series: readonly PlotSeries[]): FloorRow[] {
  return series.map((s) => {
    let first: number | null = null;
    let latest: number | null = null;
    let lowest: number | null = null;
    let lowestAt: number | null = null;
    s.y.forEach((v, i) => {
      if (v === null || v === undefined) return;
      if (first === null) first = v;
      latest = v;
      if (lowest === null || v < lowest) {
        lowest = v;
        lowestAt = x[i] ?? null;
      }
    });
    return { target: s.target, windows: s.n, first, lowest, latest, lowestAt };
  });
}
