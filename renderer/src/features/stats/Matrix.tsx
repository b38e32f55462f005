import { usePromptNames } from '../../hooks/usePromptNames';
import { useMemo } from 'react';
import { FIGURE_KEYS, FIGURES, type FigureKey, formatFigure } from '../../../../shared/stats';
import type { MatrixCell, MatrixResult } from '../../workers/stats/protocol';
import { cellIndex, floorTone, sortRows } from './matrix-model';
import { useStatsUi } from './store';

const caseLabel = (prompt: string, caseId: string) => (caseId.startsWith(`${prompt}:`) ? caseId.slice(prompt.length + 1) : caseId);

/** One figure: the label carries the definition as its tooltip, the value its exact number for tests and copy. */
function Fig(props: { k: FigureKey; cell: MatrixCell; label?: string; small?: boolean }) {
  const def = FIGURES[props.k];
  const f = def.get(props.cell.stats);
  const label = props.label ?? def.label;
  const weak = f.confidence !== 'ok';
  return (
    <div className={props.small ? 'fig small' : 'fig'}>
      <dt title={def.definition}>{label}</dt>
      <dd aria-label={label} data-value={f.value ?? ''} className={weak ? 'weak' : undefined} title={weak && f.value !== null ? `from ${f.n} values: too few to mean much` : undefined}>
        {formatFigure(def.unit, f.value)}
      </dd>
    </div>
  );
}

function CellView({ cell, name }: { cell: MatrixCell; name: string }) {
  const setUi = useStatsUi((s) => s.set);
  const s = cell.stats;
  const r = s.passRate;
  const few = r.confidence !== 'ok';
  return (
    <>
      {few && (
        <p className="too-few" role="note">
          {r.confidence === 'none' ? 'no graded attempts' : `too few attempts (n = ${r.n}${r.deff > 1 ? `, n_eff = ${r.nEff.toFixed(1)}` : ''})`}
        </p>
      )}
      <dl className={few ? 'figs few' : 'figs'}>
        <div className="lead">
          <Fig k="pass-floor" cell={cell} />
          <Fig k="score-floor" cell={cell} />
          <Fig k="score-best" cell={cell} label="best" small />
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
  const { sortKey, sortModel, sortDir, set } = useStatsUi();
  // Rows are keyed by prompt id; people read prompt names.
  const promptName = usePromptNames();
  const idx = useMemo(() => cellIndex(result), [result]);
  const rows = useMemo(() => sortRows(result, sortKey, sortModel, sortDir), [result, sortKey, sortModel, sortDir]);
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
          <select value={sortModel} onChange={(e) => set({ sortModel: e.target.value })} disabled={sortKey === 'name'}>
            <option value="">the worst model</option>
            {result.models.map((m) => (
              <option key={m} value={m}>
                {m}
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
          colour by pass floor: <span className="swatch good">≥ 80%</span> <span className="swatch fair">≥ 50%</span> <span className="swatch poor">&lt; 50%</span> <span className="swatch few">too few</span>
        </span>
      </div>
      <div className="matrix-scroll">
        <table className="table stats-matrix" aria-label="Floors by prompt and model">
          <thead>
            <tr>
              <th scope="col">Prompt</th>
              {result.byCase && <th scope="col">Case</th>}
              {result.models.map((m) => (
                <th key={m} scope="col">
                  {m}
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
                {result.byCase && <th scope="row">{row.caseId ? caseLabel(row.prompt, row.caseId) : ''}</th>}
                {result.models.map((m) => {
                  const cell = idx.get(`${row.key}\u0000${m}`);
                  const name = `${promptName(row.prompt)}${row.caseId ? ` / ${caseLabel(row.prompt, row.caseId)}` : ''} × ${m}`;
                  return (
                    <td key={m} aria-label={name} className={`stats-cell tone-${floorTone(cell)}`}>
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
