import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MatrixResult, PlotSeries, PlotsResult } from '../../workers/stats/protocol';
import type { StatsClient } from './client';
import { type TargetNames, useTargetNames } from './useNames';
import { ecdfRows, floorRows } from './plotText';

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
  // The canvas is a picture of the table under it ("as text"), which screen readers read instead.
  return <div ref={box} className="uplot-box" role="img" aria-label={`${props.yLabel} against ${props.xLabel} for ${props.series.map((s) => props.names(s.target).label).join(', ')}; the same as text below`} />;
}

const num = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

/** An ECDF plot's reading as a table: where each curve reaches 0.1, 0.5 and 0.9. */
function EcdfTable({ x, series, names, unit, digits, title }: { x: number[]; series: PlotSeries[]; names: TargetNames; unit: string; digits: number; title: string }) {
  return (
    <details className="plot-text">
      <summary>As text</summary>
      <table aria-label={`${title} as text`}>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">N</th>
            <th scope="col">p10 {unit}</th>
            <th scope="col">p50 {unit}</th>
            <th scope="col">p90 {unit}</th>
          </tr>
        </thead>
        <tbody>
          {ecdfRows(x, series).map((r) => (
            <tr key={r.target}>
              <th scope="row">{names(r.target).label}</th>
              <td>{r.n}</td>
              <td>{num(r.p10, digits)}</td>
              <td>{num(r.p50, digits)}</td>
              <td>{num(r.p90, digits)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The floor plot's reading as a table: each series' first, lowest (and when) and latest window. */
function FloorTable({ x, series, names }: { x: number[]; series: PlotSeries[]; names: TargetNames }) {
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  return (
    <details className="plot-text">
      <summary>As text</summary>
      <table aria-label="Floor over time as text">
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Windows</th>
            <th scope="col">First floor</th>
            <th scope="col">Lowest floor</th>
            <th scope="col">Lowest at</th>
            <th scope="col">Latest floor</th>
          </tr>
        </thead>
        <tbody>
          {floorRows(x, series).map((r) => (
            <tr key={r.target}>
              <th scope="row">{names(r.target).label}</th>
              <td>{r.windows}</td>
              <td>{pct(r.first)}</td>
              <td>{pct(r.lowest)}</td>
              <td>{r.lowestAt === null ? '—' : new Date(r.lowestAt).toLocaleString()}</td>
              <td>{pct(r.latest)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
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
        <EcdfTable x={plots.score.x} series={plots.score.series} names={names} unit="score" digits={2} title="Score distribution" />
      </figure>
      <figure className="card" aria-label="Latency distribution">
        <figcaption>
          <h2>Latency distribution (ECDF)</h2>
          <p className="muted">Fraction of ok attempts finished within a latency (endedAt − startedAt, monotonic clock). Where a curve crosses 0.9 is its p90. The axis ends just past the largest p99.</p>
        </figcaption>
        {plots.latency.x.length ? (
          <>
            <Chart data={aligned(plots.latency.x, plots.latency.series)} series={plots.latency.series} names={names} xLabel="latency (ms)" yLabel="fraction ≤ latency" yRange={[0, 1]} stepped />
            <EcdfTable x={plots.latency.x} series={plots.latency.series} names={names} unit="ms" digits={0} title="Latency distribution" />
          </>
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
          <>
            <Chart data={aligned(f.x.map((t) => t / 1000), f.passFloor)} series={f.passFloor} names={names} xLabel="time" yLabel="pass floor" time yRange={[0, 1]} />
            <FloorTable x={f.x} series={f.passFloor} names={names} />
          </>
        ) : (
          <p className="muted">No eligible attempts.</p>
        )}
      </figure>
    </div>
  );
}
