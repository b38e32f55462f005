import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MatrixResult, PlotSeries, PlotsResult } from '../../workers/stats/protocol';
import type { StatsClient } from './client';
import { type TargetNames, useTargetNames } from './useNames';

// Distinguishable in light and dark themes, and for the common colour-vision deficiencies (Okabe–Ito).
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** One uPlot chart, rebuilt when its data changes and sized to its container. */
function Chart(props: { data: uPlot.AlignedData; series: PlotSeries[]; names: TargetNames; xLabel: string; yLabel: string; time?: boolean; yRange?: [number, number]; stepped?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssVar('--muted', '#666');
    const grid = cssVar('--border', '#ddd');
    const axis = (label: string): uPlot.Axis => ({ label, stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } });
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: 260,
      scales: { x: { time: Boolean(props.time) }, y: props.yRange ? { range: props.yRange } : {} },
      axes: [axis(props.xLabel), axis(props.yLabel)],
      series: [
        {},
        ...props.series.map((s, i) => ({
          label: `${props.names(s.target).label} (n ${s.n}${s.ungraded ? `, ${s.ungraded} ungraded` : ''})`,
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          spanGaps: true,
          points: { show: Boolean(props.time) },
          ...(props.stepped ? { paths: uPlot.paths.stepped?.({ align: 1 }) } : {}),
        })),
      ],
    };
    const chart = new uPlot(opts, props.data, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(320, el.clientWidth), height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [props.data, props.series, props.names, props.xLabel, props.yLabel, props.time, props.yRange, props.stepped]);
  return <div ref={box} className="uplot-box" />;
}

function aligned(x: number[], series: PlotSeries[]): uPlot.AlignedData {
  return [x, ...series.map((s) => s.y)] as uPlot.AlignedData;
}

export function Plots({ client, version, matrix }: { client: StatsClient; version: number; matrix: MatrixResult }) {
  const names = useTargetNames(matrix.targets);
  const [plots, setPlots] = useState<PlotsResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client
      .plots(null)
      .then((r) => live && setPlots(r.result))
      .catch((e: Error) => live && e.name !== 'StaleRequest' && setError(e.message));
    return () => {
      live = false;
    };
  }, [client, version]);

  if (error) return <p className="notice bad" role="alert">{error}</p>;
  if (!plots) return <p className="muted" role="status">Computing plots…</p>;
  const f = plots.floor;
  const ungradedScores = plots.score.series.filter((s) => s.ungraded);
  const leftOut = f.passFloor.filter((s) => s.ungradedWindows);
  return (
    <div className="plots">
      <figure className="card" aria-label="Score distribution">
        <figcaption>
          <h2>Score distribution (ECDF)</h2>
          <p className="muted">Fraction of each model's scored attempts (graded ok + failed, failed = 0) at or below a score. Where a curve crosses 0.1 on the vertical axis is that model's p10 score floor; a curve that starts high on the left has many near-worthless answers.</p>
          {ungradedScores.length > 0 && (
            <p className="muted" role="note">
              Ungraded answers have no score and are not in these curves: {ungradedScores.map((s) => `${names(s.target).label} ${s.ungraded} of ${s.ungraded! + s.n}`).join(', ')}.
            </p>
          )}
        </figcaption>
        <Chart data={aligned(plots.score.x, plots.score.series)} series={plots.score.series} names={names} xLabel="score" yLabel="fraction ≤ score" yRange={[0, 1]} stepped />
      </figure>
      <figure className="card" aria-label="Latency distribution">
        <figcaption>
          <h2>Latency distribution (ECDF)</h2>
          <p className="muted">Fraction of ok attempts finished within a latency (endedAt − startedAt, monotonic clock). Where a curve crosses 0.9 is its p90. The axis ends just past the largest p99.</p>
        </figcaption>
        {plots.latency.x.length ? (
          <Chart data={aligned(plots.latency.x, plots.latency.series)} series={plots.latency.series} names={names} xLabel="latency (ms)" yLabel="fraction ≤ latency" yRange={[0, 1]} stepped />
        ) : (
          <p className="muted">No latencies recorded.</p>
        )}
      </figure>
      <figure className="card" aria-label="Floor over time">
        <figcaption>
          <h2>Floor over time</h2>
          <p className="muted">
            Per model, consecutive windows of {f.windowSize} eligible attempts (the latest window is always full): the pass-rate floor (95% Wilson lower bound at n_eff) of each window, plotted at the window's last attempt.
          </p>
          {leftOut.length > 0 && (
            <p className="muted" role="note">
              Windows where most answers are ungraded are left out — their floor would count the failures alone: {leftOut.map((s) => `${names(s.target).label} ${s.ungradedWindows} of ${s.ungradedWindows! + s.n} windows`).join(', ')}. Grade the answers to plot them.
            </p>
          )}
        </figcaption>
        {f.x.length ? (
          <Chart data={aligned(f.x.map((t) => t / 1000), f.passFloor)} series={f.passFloor} names={names} xLabel="time" yLabel="pass floor" time yRange={[0, 1]} />
        ) : (
          <p className="muted">No eligible attempts.</p>
        )}
      </figure>
    </div>
  );
}
