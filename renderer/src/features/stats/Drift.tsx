import { useEffect, useState } from 'react';
import type { Attempt } from '../../../../shared/domain/schemas';
import { type DriftFlag, verdictOf } from '../../../../shared/stats';
import { getAttempts } from '../../db/journal';
import { targetKey } from '../../../../shared/report/names';
import type { MatrixResult } from '../../workers/stats/protocol';
import { useStatsUi } from './store';
import { useCaseNames, useTargetNames } from './useNames';

const when = (t: number) => new Date(t).toLocaleString();
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

export function flagTime(f: DriftFlag): number {
  return f.kind === 'pass-rate' ? f.latest.from : f.at;
}

export function flagText(f: DriftFlag): string {
  if (f.kind === 'pass-rate') {
    return `pass rate ${f.direction === 'down' ? 'fell' : 'rose'} from ${pct(f.previous.passRate.point)} (floor ${pct(f.previous.passRate.lower)}) to ${pct(f.latest.passRate.point)} (floor ${pct(f.latest.passRate.lower)}) in the latest window of version ${f.promptVersion} (p = ${f.p.toPrecision(2)})`;
  }
  return `${f.kind === 'served-model' ? 'served model' : 'system fingerprint'} changed: ${f.from} → ${f.to}`;
}

/** The attempts on either side of a flag: the last before and first after the change. */
export function flagAttemptIds(f: DriftFlag): [string, string] {
  return f.kind === 'pass-rate' ? [f.previous.lastId, f.latest.firstId] : [f.beforeAttemptId, f.afterAttemptId];
}

/** The side panel: the flags chosen and, for each, the attempts on either side with their outputs. */
export function DriftPanel({ matrix }: { matrix: MatrixResult }) {
  const open = useStatsUi((s) => s.driftOpen);
  const set = useStatsUi((s) => s.set);
  const target = useTargetNames(matrix.targets);
  const caseName = useCaseNames();
  const [rows, setRows] = useState<Map<string, Attempt>>(new Map());
  const flags = (open ?? []).map((i) => matrix.flags[i]).filter((f): f is DriftFlag => Boolean(f));
  const key = (open ?? []).join(',');
  useEffect(() => {
    if (!flags.length) return;
    const ids = flags.flatMap(flagAttemptIds);
    let live = true;
    void getAttempts(ids).then((list) => live && setRows(new Map(list.map((a) => [a.id, a]))));
    return () => {
      live = false;
    };
  }, [key, matrix]);
  if (!open || flags.length === 0) return null;
  return (
    <aside className="drift-panel card" aria-label="Drift details">
      <div className="card-head">
        <h2>Drift</h2>
        <button type="button" className="ghost small" aria-label="Close drift details" onClick={() => set({ driftOpen: null })}>
          ×
        </button>
      </div>
      {flags.map((f, i) => {
        const t = target(targetKey(f.providerId, f.model));
        return (
          <section key={i} aria-label={`Drift flag ${i + 1}`}>
            <p>
              <strong title={t.title}>{t.label}</strong> <span className="muted">(on {t.providerName})</span>: {flagText(f)}
            </p>
            <div className="either-side">
              {flagAttemptIds(f).map((id, side) => {
                const a = rows.get(id);
                const v = a ? verdictOf(a) : null;
                return (
                  <article key={id} className="attempt-card" aria-label={`${side === 0 ? 'Before' : 'After'}: attempt ${id}`}>
                    <div className="card-head">
                      <span className="muted">
                        {side === 0 ? 'before' : 'after'} · {id}
                      </span>
                      {a && <span className={`chip ${a.status === 'failed' ? 'bad' : v?.verdict === 'pass' ? 'ok' : 'warn'}`}>{a.status === 'failed' ? a.failure?.class : `${v?.verdict}${v?.score != null ? ` ${v.score.toFixed(2)}` : ''}`}</span>}
                    </div>
                    {a ? (
                      <>
                        <p className="muted small-text">
                          {when(a.startedAt ?? a.queuedAt)} · served {a.servedModel ?? '—'}
                          {a.systemFingerprint ? ` · fingerprint ${a.systemFingerprint}` : ''} · case <span title={a.caseId}>{caseName(a.caseId, a.promptId)}</span> #{a.repeatIndex + 1}
                        </p>
                        {a.output && <pre className="attempt-text">{a.output.slice(0, 4000)}</pre>}
                      </>
                    ) : (
                      <p className="muted">Loading…</p>
                    )}
                  </article>
                );
              })}
            </div>
          </section>
        );
      })}
    </aside>
  );
}

/** Per target (provider, model): a timeline of its flags across the loaded span, and the same flags as a list. */
export function DriftView({ matrix }: { matrix: MatrixResult }) {
  const set = useStatsUi((s) => s.set);
  const target = useTargetNames(matrix.targets);
  const byTarget = new Map<string, number[]>();
  matrix.flags.forEach((f, i) => {
    const key = targetKey(f.providerId, f.model);
    const list = byTarget.get(key);
    if (list) list.push(i);
    else byTarget.set(key, [i]);
  });
  if (matrix.flags.length === 0) {
    return (
      <p className="muted" role="status">
        No drift: no model changed its served model id or system fingerprint, and no latest window of 50 attempts differs significantly from the one before.
      </p>
    );
  }
  const span = matrix.span ?? { from: 0, to: 1 };
  const width = Math.max(1, span.to - span.from);
  return (
    <div className="drift">
      <p className="muted">
        A flag is raised when a model's served model id or system fingerprint changes, or when its pass rate in the latest window of 50 eligible attempts (per prompt version) differs from the window before by a two-proportion z-test at p &lt; 0.05 on effective sample sizes.
      </p>
      {[...byTarget.entries()].map(([key, idx]) => {
        const model = target(key).label;
        return (
          <section key={key} className="card" aria-label={`Drift timeline of ${model}`}>
            <h2 title={target(key).title}>{model}</h2>
            <div className="timeline" aria-hidden="true">
              {idx.map((i) => (
                <span key={i} className={`tick ${matrix.flags[i].kind}`} style={{ left: `${((flagTime(matrix.flags[i]) - span.from) / width) * 100}%` }} />
              ))}
            </div>
            <div className="timeline-ends muted" aria-hidden="true">
              <span>{when(span.from)}</span>
              <span>{when(span.to)}</span>
            </div>
            <ol className="flag-list">
              {idx.map((i) => {
                const f = matrix.flags[i];
                return (
                  <li key={i}>
                    <span className="chip warn">{f.kind}</span> {when(flagTime(f))}: {flagText(f)}{' '}
                    <button type="button" className="link" onClick={() => set({ driftOpen: [i] })} aria-label={`Show the attempts either side of ${f.kind} drift of ${model}`}>
                      attempts either side
                    </button>
                  </li>
                );
              })}
            </ol>
          </section>
        );
      })}
    </div>
  );
}
