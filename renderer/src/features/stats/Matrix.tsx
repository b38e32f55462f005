import { usePromptNames } from '../../hooks/usePromptNames';
import { useMemo } from 'react';
import { FIGURE_KEYS, FIGURES, type FigureKey, formatFigure } from '../../../../shared/stats';
import type { MatrixCell, MatrixResult } from '../../workers/stats/protocol';
import { cellIndex, cellKey, floorTone, gradingNote, sortRows } from './matrix-model';
import { useStatsUi } from './store';
import { useCaseNames, useTargetNames } from './useNames';

/** One figure: the label carries the definition as its tooltip, the value its exact number for tests and copy. */
function Fig(props: { k: FigureKey; cell: MatrixCell; label?: string; small?: boolean; weakBecause?: string }) {
  const def = FIGURES[props.k];
  const f = def.get(props.cell.stats);
  const label = props.label ?? def.label;
  const weak = f.confidence !== 'ok' || props.weakBecause !== undefined;
  return (
    <div className={props.small ? 'fig small' : 'fig'}>
      <dt title={def.definition}>{label}</dt>
      <dd aria-label={label} data-value={f.value ?? ''} className={weak ? 'weak' : undefined} title={props.weakBecause ?? (weak && f.value !== null ? `from ${f.n} values: too few to mean much` : undefined)}>
        {formatFigure(def.unit, f.value)}
      </dd>
    </div>
  );
}

function CellView({ cell, name }: { cell: MatrixCell; name: string }) {
  const setUi = useStatsUi((s) => s.set);
  const s = cell.stats;
  const r = s.passRate;
  const ungraded = gradingNote(s);
  // Mostly ungraded: the floors would be read from the failures alone, so they step back and the note leads.
  const few = r.confidence !== 'ok' || Boolean(ungraded?.mostly);
  const fromFailures = ungraded?.mostly ? `from ${r.n} attempts with a verdict while ${s.counts.ungradedOk} answers are ungraded: not yet a floor of this model` : undefined;
  return (
    <>
      {ungraded?.mostly ? (
        <p className="too-few" role="note" title={ungraded.title}>
          {ungraded.text}
        </p>
      ) : (
        few && (
          <p className="too-few" role="note">
            {r.confidence === 'none' ? 'no graded attempts' : `too few attempts (n = ${r.n}${r.deff > 1 ? `, n_eff = ${r.nEff.toFixed(1)}` : ''})`}
          </p>
        )
      )}
      {ungraded && !ungraded.mostly && (
        <p className="ungraded-count muted" title={ungraded.title}>
          {ungraded.text}
        </p>
      )}
      <dl className={few ? 'figs few' : 'figs'}>
        <div className="lead">
          <Fig k="pass-floor" cell={cell} weakBecause={fromFailures} />
          <Fig k="score-floor" cell={cell} weakBecause={fromFailures} />
          <Fig k="score-best" cell={cell} label="best" small weakBecause={fromFailures} />
        </div>
        <Fig k="quality-floor" cell={cell} label="quality floor" />
        <Fig k="success-rate" cell={cell} label="success" />
        <div className="fig">
          <dt title="Scored attempts in the pass-rate denominator (graded ok + failed); n_eff after clustering by case when repeats of a case agree with each other.">N</dt>
          <dd aria-label="N" data-value={r.n}>
            {r.n}
            {r.deff > 1 && <span className="muted"> (n_eff {r.nEff.toFixed(1)})</span>}
          </dd>
        </div>
        <Fig k="latency-p90" cell={cell} label="latency p90" />
        <Fig k="tps-floor" cell={cell} label="tok/s p10" />
        <Fig k="cost-per-pass" cell={cell} label="$/pass" />
      </dl>
      {cell.drift.length > 0 && (
        <button type="button" className="chip warn drift-chip" aria-label={`Drift in ${name}: ${cell.drift.length} flag${cell.drift.length === 1 ? '' : 's'}`} onClick={() => setUi({ driftOpen: cell.drift })}>
          drift ×{cell.drift.length}
        </button>
      )}
    </>
  );
}

export function Matrix({ result }: { result: MatrixResult }) {
  const { sortKey, sortTarget, sortDir, set } = useStatsUi();
  // Rows and columns are keyed by ids; people read prompt, model and case names.
  const promptName = usePromptNames();
  const caseName = useCaseNames();
  const target = useTargetNames(result.targets);
  const idx = useMemo(() => cellIndex(result), [result]);
  const rows = useMemo(() => sortRows(result, sortKey, sortTarget, sortDir), [result, sortKey, sortTarget, sortDir]);
  return (
    <>
      <div className="stats-sort" role="group" aria-label="Sort">
        <label>
          Sort rows by{' '}
          <select value={sortKey} onChange={(e) => set({ sortKey: e.target.value as FigureKey | 'name' })}>
            <option value="name">name</option>
            {FIGURE_KEYS.map((k) => (
              <option key={k} value={k} title={FIGURES[k].definition}>
                {FIGURES[k].label}
              </option>
            ))}
          </select>
        </label>
        <label>
          of{' '}
          <select value={sortTarget} onChange={(e) => set({ sortTarget: e.target.value })} disabled={sortKey === 'name'}>
            <option value="">the worst model</option>
            {result.targets.map((t) => (
              <option key={t.key} value={t.key} title={target(t.key).title}>
                {target(t.key).label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order{' '}
          <select value={sortDir} onChange={(e) => set({ sortDir: e.target.value as 'asc' | 'desc' })}>
            <option value="asc">ascending</option>
            <option value="desc">descending</option>
          </select>
        </label>
        <span className="legend" aria-label="Colour legend">
          colour by pass floor: <span className="swatch good">≥ 80%</span> <span className="swatch fair">≥ 50%</span> <span className="swatch poor">&lt; 50%</span> <span className="swatch few">too few or mostly ungraded</span>
        </span>
      </div>
      <div className="matrix-scroll">
        <table className="table stats-matrix" aria-label="Floors by prompt and model">
          <thead>
            <tr>
              <th scope="col">Prompt</th>
              {result.byCase && <th scope="col">Case</th>}
              {result.targets.map((t) => (
                <th key={t.key} scope="col" title={target(t.key).title}>
                  {target(t.key).label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row" title={row.prompt}>
                  {promptName(row.prompt)}
                </th>
                {result.byCase && (
                  <th scope="row" title={row.caseId ?? undefined}>
                    {row.caseId ? caseName(row.caseId, row.prompt) : ''}
                  </th>
                )}
                {result.targets.map((t) => {
                  const cell = idx.get(cellKey(row.key, t.key));
                  const name = `${promptName(row.prompt)}${row.caseId ? ` / ${caseName(row.caseId, row.prompt)}` : ''} × ${target(t.key).label}`;
                  return (
                    <td key={t.key} aria-label={name} className={`stats-cell tone-${floorTone(cell)}`}>
                      {cell ? <CellView cell={cell} name={name} /> : <span className="muted">no attempts</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
