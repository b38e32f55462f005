import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { registerCommands } from '../../app/commands';
import { EmptyState } from '../../components/EmptyState';
import { GoToPrompts } from '../../components/GoToPrompts';
import { PageHeader } from '../../components/PageHeader';
import { countAttempts, onAttemptsChanged } from '../../db/journal';
import { BackupsNotice, ExportButton, ReportButton } from '../data';
import type { JournalFilter } from '../../../../shared/journal/filter';

/** The stats filter as a journal selection, for exports and reports of what is shown. */
function selectionOf(f: StatsFilter): JournalFilter {
  return {
    promptIds: f.promptIds ?? undefined,
    promptVersions: f.promptVersion ? [f.promptVersion] : undefined,
    tags: f.tag ? [f.tag] : undefined,
    from: f.from,
    to: f.to,
  };
}
import { FIGURE_KEYS, FIGURES, QUALITY_LABEL, RELIABILITY_LABEL } from '../../../../shared/stats';
import type { MatrixResult, StatsFilter, Timings } from '../../workers/stats/protocol';
import { StatsClient } from './client';
import { Compare } from './Compare';
import { DriftPanel, DriftView } from './Drift';
import { Matrix } from './Matrix';
import { Plots } from './Plots';
import { type StatsTab, useStatsUi } from './store';
import { useThrottled } from './useThrottled';
import './stats.css';

const TABS: { id: StatsTab; label: string }[] = [
  { id: 'matrix', label: 'Matrix' },
  { id: 'compare', label: 'Compare' },
  { id: 'plots', label: 'Plots' },
  { id: 'drift', label: 'Drift' },
];

/** yyyy-mm-dd in local time ↔ epoch ms at the start (from) or end (to) of that day. */
const dayValue = (t: number | null) => {
  if (t === null) return '';
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const dayStart = (v: string) => (v ? new Date(`${v}T00:00:00`).getTime() : null);
const dayEnd = (v: string) => (v ? new Date(`${v}T23:59:59.999`).getTime() : null);

function Filters({ matrix }: { matrix: MatrixResult | null }) {
  const { filter, byCase, set } = useStatsUi();
  const patch = (p: Partial<StatsFilter>) => set({ filter: { ...filter, ...p } });
  return (
    <div className="stats-filters" role="group" aria-label="Filters">
      <label>
        From <input type="date" value={dayValue(filter.from)} onChange={(e) => patch({ from: dayStart(e.target.value) })} />
      </label>
      <label>
        To <input type="date" value={dayValue(filter.to)} onChange={(e) => patch({ to: dayEnd(e.target.value) })} />
      </label>
      <label>
        Prompt version{' '}
        <select value={filter.promptVersion ?? ''} onChange={(e) => patch({ promptVersion: e.target.value || null })}>
          <option value="">all</option>
          {(matrix?.versions ?? []).map((v) => (
            <option key={v} value={v}>
              {v.length > 16 ? `${v.slice(0, 14)}…` : v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tag{' '}
        <select value={filter.tag ?? ''} onChange={(e) => patch({ tag: e.target.value || null })}>
          <option value="">all</option>
          {(matrix?.tags ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={byCase} onChange={(e) => set({ byCase: e.target.checked })} /> Expand by case
      </label>
    </div>
  );
}

function Help() {
  return (
    <details className="stats-help card">
      <summary>What the figures mean</summary>
      <p>
        Two denominators, never mixed up: <strong>end-to-end reliability</strong> ({RELIABILITY_LABEL}) — the pass floor — and <strong>quality given an answer</strong> ({QUALITY_LABEL}). Eligible attempts are ok and failed; cancelled, interrupted and pending attempts are
        listed in the journal but never counted. Figures from too few attempts are greyed and the cell says so.
      </p>
      <dl className="help-list">
        {FIGURE_KEYS.map((k) => (
          <div key={k}>
            <dt>{FIGURES[k].label}</dt>
            <dd>{FIGURES[k].definition}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function StatsPage() {
  const liveCount = useLiveQuery(() => countAttempts(), [], null);
  // During a run the count changes with every attempt; recompute every few seconds at most.
  const count = useThrottled(liveCount, 3000);
  // The count alone misses attempts finishing (pending → ok) and new grades
  // (automatic checks, a person grading): those come through the change feed.
  const [changeEpoch, setChangeEpoch] = useState(0);
  useEffect(() => onAttemptsChanged(() => setChangeEpoch((n) => n + 1)), []);
  const changes = useThrottled(changeEpoch, 3000);
  const { tab, filter, byCase, set } = useStatsUi();
  const [client] = useState(() => new StatsClient());
  const [matrix, setMatrix] = useState<MatrixResult | null>(null);
  const [timings, setTimings] = useState<(Timings & { roundTripMs: number }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [refreshTick, setRefreshTick] = useState(0);
  const region = useRef<HTMLElement>(null);
  const [shareOpen, setShareOpen] = useState(false);
  const shareId = useId();

  useEffect(() => () => client.dispose(), [client]);

  // Re-read the journal when the filter changes, the journal grows (a run
  // finishing attempts) or the user asks; expanding by case alone reuses the
  // attempts the worker already holds.
  const readFor = useRef<unknown[]>([]);
  useEffect(() => {
    if (!count) return;
    let live = true;
    const t0 = performance.now();
    const inputs = [filter, count, changes, refreshTick];
    const reload = inputs.some((v, i) => !Object.is(v, readFor.current[i]));
    readFor.current = inputs;
    performance.mark('tenth:stats:request');
    client
      .matrix(filter, byCase, reload)
      .then((r) => {
        if (!live) return;
        setMatrix(r.result);
        setTimings({ ...r.timings, roundTripMs: performance.now() - t0 });
        setVersion((v) => v + 1);
        setError(null);
      })
      .catch((e: Error) => live && e.name !== 'StaleRequest' && setError(e.message));
    return () => {
      live = false;
    };
  }, [client, filter, byCase, count, changes, refreshTick]);

  // Once the matrix is on screen: a mark and attributes the benchmark and tests read.
  useLayoutEffect(() => {
    const el = region.current;
    if (!matrix || !timings || !el) return;
    performance.mark('tenth:stats:ready');
    el.dataset.statsReady = String(version);
    el.dataset.loadMs = timings.loadMs.toFixed(1);
    el.dataset.computeMs = timings.computeMs.toFixed(1);
    el.dataset.statsMs = timings.roundTripMs.toFixed(1);
    el.dataset.cells = String(matrix.cells.length);
    el.dataset.attempts = String(matrix.attempts);
  }, [matrix, timings, version]);

  useEffect(
    () =>
      registerCommands('stats', () => [
        ...TABS.map((t) => ({ id: `stats.tab.${t.id}`, label: `Stats: show ${t.label.toLowerCase()}`, group: 'Stats', run: () => useStatsUi.getState().set({ tab: t.id }) })),
        { id: 'stats.refresh', label: 'Stats: recompute', group: 'Stats', run: () => setRefreshTick((n) => n + 1) },
        {
          id: 'stats.by-case',
          label: 'Stats: expand rows by case',
          group: 'Stats',
          run: () => useStatsUi.getState().set({ byCase: !useStatsUi.getState().byCase }),
        },
        { id: 'stats.clear-filters', label: 'Stats: clear filters', group: 'Stats', run: () => useStatsUi.getState().set({ filter: { from: null, to: null, promptVersion: null, tag: null, promptIds: null } }) },
      ]),
    [],
  );

  if (count === 0) {
    return (
      <>
        <PageHeader title="Stats" subtitle="Floors first: p10 score, pass-rate lower bound, p90 latency." />
        <BackupsNotice />
        <EmptyState
          title="Nothing to measure yet"
          action={<GoToPrompts />}
        >
          <p>
            The floor of a model is the output you would have to ship. Run a prompt many times against one or more models — 20 repeats per case is a good start — and the floors appear here, with their sample sizes.
          </p>
        </EmptyState>
      </>
    );
  }

  return (
    <div className="stats-page">
      <PageHeader
        title="Stats"
        subtitle="Floors first: the pass-rate lower bound and the p10 score lead every cell; the best result stands small beside them."
        actions={
          <>
            <button type="button" className="secondary" onClick={() => setRefreshTick((n) => n + 1)}>
              Recompute
            </button>
            <button type="button" className="secondary" aria-expanded={shareOpen} aria-controls={shareId} onClick={() => setShareOpen((o) => !o)}>
              Report or export {shareOpen ? '▴' : '▾'}
            </button>
          </>
        }
      />
      {/* Folded away by default so the matrix leads at laptop sizes; kept mounted while folded,
          so an export or report under way keeps its progress and result. */}
      <section id={shareId} className="card stats-share" aria-label="Report or export this selection" hidden={!shareOpen}>
        <ReportButton filter={selectionOf(filter)} title="Tenth report" />
        <ExportButton filter={selectionOf(filter)} label="Export this selection" />
      </section>
      <Filters matrix={matrix} />
      <div className="tabs" role="tablist" aria-label="Stats views">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" id={`stats-tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`stats-panel-${t.id}`} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => set({ tab: t.id })}>
            {t.label}
            {t.id === 'drift' && matrix && matrix.flags.length > 0 && <span className="chip warn"> {matrix.flags.length}</span>}
          </button>
        ))}
      </div>
      {error && (
        <p className="notice bad" role="alert">
          Could not compute the statistics: {error}
        </p>
      )}
      <section ref={region} className="stats-body" id={`stats-panel-${tab}`} role="tabpanel" aria-labelledby={`stats-tab-${tab}`} aria-busy={!matrix}>
        {matrix && timings && (
          <p className="muted stats-status" role="status">
            {matrix.attempts.toLocaleString()} attempts ({matrix.access}) · {matrix.cells.length} cells · loaded in {Math.round(timings.loadMs)} ms, computed in {Math.round(timings.computeMs)} ms
          </p>
        )}
        {!matrix && !error && <p className="muted">Computing…</p>}
        {matrix && matrix.attempts === 0 && <p className="muted">No attempts match these filters.</p>}
        {matrix && matrix.attempts > 0 && (
          <>
            {tab === 'matrix' && <Matrix result={matrix} />}
            {tab === 'compare' && <Compare matrix={matrix} client={client} />}
            {tab === 'plots' && <Plots client={client} version={version} matrix={matrix} />}
            {tab === 'drift' && <DriftView matrix={matrix} />}
          </>
        )}
      </section>
      {matrix && <DriftPanel matrix={matrix} />}
      <Help />
    </div>
  );
}
