import { useLiveQuery } from 'dexie-react-hooks';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getAttempts } from '../../db/journal';
import { DiffField } from '../../editor/CodeField';
import { attemptVerdict, fmtMs, fmtTime, fmtUsd, statusText, verdictLabel } from './format';
import { useJournalUi } from './store';

/** Two attempts side by side: facts in columns, outputs as a text diff. */
export function Compare({ ids }: { ids: [string, string] }) {
  const pair = useLiveQuery(() => getAttempts(ids), [ids[0], ids[1]]);
  const close = useJournalUi((s) => s.compare);
  if (!pair) return <p className="muted">Loading…</p>;
  // getAttempts leaves out an id the journal no longer has.
  if (pair.length < 2) return <p className="warning">One of these attempts is no longer in the journal.</p>;
  const [a, b] = pair as [Attempt, Attempt];
  const rows: [string, (x: Attempt) => string][] = [
    ['Time', (x) => fmtTime(x.queuedAt)],
    ['Model', (x) => x.model],
    ['Served', (x) => x.servedModel ?? '—'],
    ['Status', (x) => statusText(x)],
    ['Verdict', (x) => verdictLabel(attemptVerdict(x))],
    ['TTFT', (x) => fmtMs(x.ttftMs)],
    ['Latency', (x) => fmtMs(x.latencyMs)],
    ['Output tokens', (x) => String(x.usage?.outputTokens ?? '—')],
    ['Cost', (x) => fmtUsd(x.costUsd)],
    ['Case', (x) => x.caseId],
    ['Version', (x) => x.promptVersion.slice(0, 12)],
  ];
  return (
    <section className="card compare" aria-label="Compare attempts">
      <div className="row">
        <h2>Compare two attempts</h2>
        <button type="button" className="secondary" onClick={() => close(null)}>
          Close comparison
        </button>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th />
            <th>A</th>
            <th>B</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, get]) => (
            <tr key={label} className={get(a) !== get(b) ? 'differs' : undefined}>
              <th>{label}</th>
              <td>{get(a)}</td>
              <td>{get(b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="diff-title">Output A → B</h3>
      <DiffField label="Output diff" original={a.output} modified={b.output} language="plaintext" height={360} />
    </section>
  );
}
