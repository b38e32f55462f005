import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { Attempt, Grade } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import { getAttempt } from '../../db/journal';
import { judgeCallsOf, retryChain, setNotes, setTags } from '../../db/repo/attempts';
import { addGrade, newGradeId } from '../../db/repo/grades';
import { useUi } from '../../store/ui';
import { attemptVerdict, fmtMs, fmtNum, fmtTime, fmtUsd, scoreFromKey, shortId, statusText, statusTone, verdictLabel, verdictTone } from './format';
import { Markdown } from './Markdown';
import { useJournalUi } from './store';

const SECRET_KEY = /^(authorization|x-api-key|api[-_]?key|x-goog-api-key|key|token|access[-_]?token|secret|password)$/i;

/** The request as stored is already redacted by the model service; this hides any key-like field again, belt and braces. */
export function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(x)]));
  return v;
}

function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

export function OutputView({ a, label = 'Output' }: { a: Attempt; label?: string }) {
  const json = prettyJson(a.output);
  const [mode, setMode] = useState<'rendered' | 'raw' | 'json'>(json ? 'json' : 'rendered');
  return (
    <section className="detail-section" aria-label={label}>
      <div className="row">
        <h3>{label}</h3>
        <div role="radiogroup" aria-label={`${label} view`} className="seg">
          {(['rendered', 'raw', 'json'] as const).map((m) => (
            <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? 'seg-on' : 'ghost'} disabled={m === 'json' && !json} onClick={() => setMode(m)}>
              {m === 'rendered' ? 'Markdown' : m === 'raw' ? 'Raw' : 'JSON'}
            </button>
          ))}
        </div>
      </div>
      {a.output === '' ? (
        <p className="muted">(no output)</p>
      ) : mode === 'rendered' ? (
        <Markdown text={a.output} />
      ) : (
        <pre className="detail-pre">{mode === 'json' ? json : a.output}</pre>
      )}
      {a.outputTruncatedAt !== null && <p className="warning">Stored output was cut at {a.outputTruncatedAt.toLocaleString()} characters.</p>}
    </section>
  );
}

function GradeList({ grades }: { grades: Grade[] }) {
  if (grades.length === 0) return <p className="muted">No grades yet.</p>;
  return (
    <table className="table" aria-label="Grades">
      <thead>
        <tr>
          <th>Source</th>
          <th>Name</th>
          <th>Pass</th>
          <th>Score</th>
          <th>Note</th>
          <th>When</th>
        </tr>
      </thead>
      <tbody>
        {[...grades]
          .sort((x, y) => y.at - x.at)
          .map((g, i) => (
            <tr key={g.id ?? i}>
              <td>
                {g.source}
                {g.blind && <span className="chip"> blind</span>}
              </td>
              <td>{g.name}</td>
              <td>{g.pass === null ? '—' : g.pass ? 'pass' : 'fail'}</td>
              <td>{g.score === null ? '—' : g.score.toFixed(2)}</td>
              <td className="grade-note">{g.note ?? ''}</td>
              <td className="mono">{fmtTime(g.at)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

function ChainLink({ a, relation }: { a: Attempt; relation: string }) {
  const open = useJournalUi((s) => s.open);
  return (
    <li>
      <button type="button" className="link" onClick={() => open(a.id)}>
        {relation}: {fmtTime(a.queuedAt)} · {statusText(a)} · …{shortId(a.id)}
      </button>
    </li>
  );
}

/** Pass / fail / 1–5 and a note: one human grade per click. */
export function HandGrade({ a }: { a: Attempt }) {
  const toast = useUi((s) => s.toast);
  const [note, setNote] = useState('');
  const grade = (pass: boolean | null, score: number | null) =>
    addGrade(a.id, { id: newGradeId(), source: 'human', name: 'hand', pass, score, note: note.trim() || null, at: Date.now() })
      .then(() => setNote(''))
      .catch((e: unknown) => toast(`Could not save the grade: ${(e as Error).message}`, 'error'));
  return (
    <div className="hand-grade" role="group" aria-label="Grade by hand">
      <button type="button" onClick={() => void grade(true, null)}>
        Pass
      </button>
      <button type="button" className="danger" onClick={() => void grade(false, null)}>
        Fail
      </button>
      {[1, 2, 3, 4, 5].map((n) => (
        <button key={n} type="button" className="secondary" aria-label={`Score ${n} of 5`} onClick={() => void grade(null, scoreFromKey(n))}>
          {n}
        </button>
      ))}
      <input aria-label="Grade note" placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
    </div>
  );
}

export function AttemptDetail({ id }: { id: string }) {
  const a = useLiveQuery(() => getAttempt(id), [id]);
  const chain = useLiveQuery(async () => (a ? retryChain(a) : null), [a?.id, a?.runId]);
  const judges = useLiveQuery(async () => (a ? judgeCallsOf(a) : []), [a?.grades.length]);
  const graded = useLiveQuery(async () => (a?.judgeOf ? getAttempt(a.judgeOf) : undefined), [a?.judgeOf]);
  const prompt = useLiveQuery(async () => (a ? getDb().prompts.get(a.promptId) : undefined), [a?.promptId]);
  const theCase = useLiveQuery(async () => (a ? getDb().cases.get(a.caseId) : undefined), [a?.caseId]);
  // A case reads as its label, else its values; the id stays in the title.
  const caseText = theCase
    ? (theCase.label ?? (Object.entries(theCase.vars).map(([k, v]) => `${k}=${v.length > 40 ? `${v.slice(0, 40)}…` : v}`).join(', ') || 'no variables'))
    : null;
  const close = useJournalUi((s) => s.open);
  const [notes, setNotesText] = useState('');
  const [tags, setTagsText] = useState('');
  useEffect(() => {
    setNotesText(a?.notes ?? '');
    setTagsText((a?.tags ?? []).join(', '));
  }, [a?.id, a?.notes, a?.tags]);

  if (a === undefined) return <aside className="attempt-detail" aria-label="Attempt detail">Loading…</aside>;
  if (a === null) return null;
  const v = attemptVerdict(a);
  const f = a.failure;

  return (
    <aside
      className="attempt-detail"
      aria-label="Attempt detail"
      onKeyDown={(e) => {
        if (e.key === 'Escape') close(null);
      }}
    >
      <div className="row">
        <h2>
          Attempt <span className="mono">…{shortId(a.id)}</span>
        </h2>
        <button type="button" className="ghost" onClick={() => close(null)} aria-label="Close attempt detail">
          ✕
        </button>
      </div>
      <p>
        <span className={`chip ${statusTone(a)}`}>{statusText(a)}</span>{' '}
        <span className={`chip ${verdictTone(v)}`} aria-label={`Verdict: ${verdictLabel(v)}`}>
          {verdictLabel(v)}
        </span>{' '}
        {a.judgeOf && <span className="chip">judge call</span>}
      </p>
      <dl className="facts">
        <dt>Prompt</dt>
        <dd>
          {prompt?.name ?? a.promptId} · version <span className="mono">{a.promptVersion.slice(0, 12)}</span> · case <span title={a.caseId}>{caseText ?? <span className="mono">{a.caseId}</span>}</span> · repeat {a.repeatIndex + 1}
        </dd>
        <dt>Model</dt>
        <dd>
          {a.model} <span className="muted">({a.providerKind})</span>
        </dd>
        <dt>Served model</dt>
        <dd>{a.servedModel ?? '—'}</dd>
        <dt>Fingerprint</dt>
        <dd className="mono">{a.systemFingerprint ?? '—'}</dd>
        <dt>Finish reason</dt>
        <dd>{a.finishReason ?? '—'}</dd>
      </dl>

      {f && (
        <section className="detail-section failure-box" aria-label="Failure">
          <h3>Failure: {f.class}</h3>
          <p>{f.message}</p>
          <p className="muted">
            HTTP {f.httpStatus ?? '—'}
            {f.retryAfterMs !== null ? ` · retry after ${fmtMs(f.retryAfterMs)}` : ''}
          </p>
          <h4>Error body</h4>
          {f.body ? <pre className="detail-pre" aria-label="Error body">{f.body}</pre> : <p className="muted">The provider sent no error body.</p>}
        </section>
      )}

      <OutputView a={a} />

      <section className="detail-section" aria-label="Grades">
        <h3>Grades</h3>
        <HandGrade a={a} />
        <GradeList grades={a.grades} />
        {judges && judges.length > 0 && (
          <ul className="plain-list" aria-label="Judge calls">
            {judges.map((j) => (
              <ChainLink key={j.id} a={j} relation="judge call" />
            ))}
          </ul>
        )}
      </section>

      <section className="detail-section" aria-label="Timings and cost">
        <h3>Timings, usage and cost</h3>
        <dl className="facts">
          <dt>Queued</dt>
          <dd>{fmtTime(a.queuedAt)}</dd>
          <dt>Started</dt>
          <dd>{fmtTime(a.startedAt)}</dd>
          <dt>First token</dt>
          <dd>{fmtTime(a.firstTokenAt)}</dd>
          <dt>Ended</dt>
          <dd>{fmtTime(a.endedAt)}</dd>
          <dt>TTFT</dt>
          <dd>{fmtMs(a.ttftMs)}</dd>
          <dt>Latency</dt>
          <dd>{fmtMs(a.latencyMs)}</dd>
          <dt>Tokens/s</dt>
          <dd>{fmtNum(a.tokensPerSec, 1)}</dd>
          <dt>Usage</dt>
          <dd>
            {a.usage
              ? `in ${fmtNum(a.usage.inputTokens)} · out ${fmtNum(a.usage.outputTokens)} · reasoning ${fmtNum(a.usage.reasoningTokens)} · cached ${fmtNum(a.usage.cachedInputTokens)}`
              : '—'}
          </dd>
          <dt>Cost</dt>
          <dd>
            {fmtUsd(a.costUsd)}
            {a.price ? ` at $${a.price.inputPerM} / $${a.price.outputPerM} per 1M in / out` : ' (no price)'}
          </dd>
        </dl>
      </section>

      <section className="detail-section" aria-label="Retry chain">
        <h3>Retry chain</h3>
        {chain && chain.before.length + chain.after.length > 0 ? (
          <ul className="plain-list">
            {chain.before.map((x) => (
              <ChainLink key={x.id} a={x} relation={x.id === a.retryOf ? 'retry of' : 'earlier'} />
            ))}
            {chain.after.map((x) => (
              <ChainLink key={x.id} a={x} relation={x.retryOf === a.id ? 'retried by' : 'later retry'} />
            ))}
          </ul>
        ) : (
          <p className="muted">Not a retry and not retried.</p>
        )}
        {graded && (
          <ul className="plain-list">
            <ChainLink a={graded} relation="grades attempt" />
          </ul>
        )}
      </section>

      <section className="detail-section" aria-label="Notes and tags">
        <h3>Notes and tags</h3>
        <label className="field-label" htmlFor={`notes-${a.id}`}>
          Notes
        </label>
        <textarea id={`notes-${a.id}`} aria-label="Notes" rows={3} value={notes} onChange={(e) => setNotesText(e.target.value)} onBlur={() => notes !== (a.notes ?? '') && void setNotes(a.id, notes)} />
        <label className="field-label" htmlFor={`tags-${a.id}`}>
          Tags (comma separated)
        </label>
        <input
          id={`tags-${a.id}`}
          aria-label="Tags"
          value={tags}
          onChange={(e) => setTagsText(e.target.value)}
          onBlur={() => tags !== (a.tags ?? []).join(', ') && void setTags(a.id, tags.split(','))}
        />
      </section>

      <section className="detail-section" aria-label="Request and response">
        <h3>Request as sent</h3>
        {a.request ? <pre className="detail-pre" aria-label="Request body">{JSON.stringify(redact(a.request), null, 2)}</pre> : <p className="muted">Not recorded.</p>}
        <h3>Response</h3>
        <p>Status {a.responseMeta?.status ?? '—'}</p>
        {a.responseMeta && Object.keys(a.responseMeta.headers).length > 0 && (
          <table className="table" aria-label="Response headers">
            <tbody>
              {Object.entries(a.responseMeta.headers).map(([k, val]) => (
                <tr key={k}>
                  <th className="mono">{k}</th>
                  <td className="mono">{val}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </aside>
  );
}
