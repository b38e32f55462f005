/**
 * Blind review: the outputs of two or more models for the same cases, one case
 * at a time, in shuffled order, with nothing on the page (text, title, DOM
 * attributes) that names the model or provider until the user reveals them.
 * Grades made here carry `blind: true`.
 *
 * Identities live only in this component's state; the DOM sees letters. The
 * setup form, which does list models, is unmounted while a review runs.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { Attempt } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import { queryAttempts } from '../../db/journal';
import { addGrade, newGradeId } from '../../db/repo/grades';
import { useUi } from '../../store/ui';
import { Markdown } from './Markdown';
import { scoreFromKey } from './format';
import { PromptPicker } from './PromptPicker';

interface Target {
  key: string;
  providerId: string;
  model: string;
}
interface Item {
  caseId: string;
  caseLabel: string;
  /** Shuffled; position = letter. */
  attempts: Attempt[];
}
interface Marks {
  pass?: boolean;
  score?: number;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const targetKey = (a: Pick<Attempt, 'providerId' | 'model'>) => `${a.providerId}\u0000${a.model}`;

/** Fisher–Yates with the platform's CSPRNG, so the order gives nothing away. */
export function shuffle<T>(list: readonly T[], random: () => number = cryptoRandom): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
function cryptoRandom(): number {
  const b = new Uint32Array(1);
  crypto.getRandomValues(b);
  return b[0]! / 2 ** 32;
}

export function BlindReview() {
  const [items, setItems] = useState<Item[] | null>(null);
  const [pos, setPos] = useState(0);
  const [marks, setMarks] = useState<Record<string, Marks>>({});
  const [better, setBetter] = useState<Record<number, number>>({});
  const [revealed, setRevealed] = useState(false);
  const toast = useUi((s) => s.toast);

  if (!items) return <BlindSetup onStart={(list) => { setItems(list); setPos(0); setMarks({}); setBetter({}); setRevealed(false); }} />;

  const item = items[pos]!;
  const grade = (a: Attempt, patch: Marks) => {
    const m = { ...marks[a.id], ...patch };
    setMarks((s) => ({ ...s, [a.id]: m }));
    addGrade(a.id, { id: newGradeId(), source: 'human', name: 'blind review', pass: m.pass ?? null, score: m.score ?? null, note: null, at: Date.now(), blind: true }).catch((e: unknown) =>
      toast(`Could not save the grade: ${(e as Error).message}`, 'error'),
    );
  };
  const prefer = (idx: number) => {
    setBetter((s) => ({ ...s, [pos]: idx }));
    const chosen = item.attempts[idx]!;
    const others = item.attempts.filter((_, j) => j !== idx).map((x) => x.id);
    // A preference is a note-like grade (no pass, no score): it never changes a verdict.
    addGrade(chosen.id, { id: newGradeId(), source: 'human', name: 'blind preference', pass: null, score: null, note: `preferred over ${others.join(', ')}`, at: Date.now(), blind: true }).catch((e: unknown) =>
      toast(`Could not save the preference: ${(e as Error).message}`, 'error'),
    );
  };

  if (revealed) {
    return (
      <section className="card" aria-label="Blind review results">
        <div className="row">
          <h2>Revealed</h2>
          <button type="button" className="secondary" onClick={() => setItems(null)}>
            New blind review
          </button>
        </div>
        <table className="table">
          <thead>
            <tr>
              <th>Case</th>
              <th>Response</th>
              <th>Model</th>
              <th>Your grade</th>
              <th>Preferred</th>
            </tr>
          </thead>
          <tbody>
            {items.flatMap((it, p) =>
              it.attempts.map((a, j) => (
                <tr key={`${p}-${j}`}>
                  <td>{it.caseLabel}</td>
                  <td>{LETTERS[j]}</td>
                  <td>
                    {a.model} <span className="muted">({a.providerId})</span>
                  </td>
                  <td>
                    {marks[a.id]?.pass === undefined ? '—' : marks[a.id]!.pass ? 'pass' : 'fail'}
                    {marks[a.id]?.score !== undefined ? ` · ${Math.round(marks[a.id]!.score! * 4) + 1}/5` : ''}
                  </td>
                  <td>{better[p] === j ? '★' : ''}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </section>
    );
  }

  return (
    <section className="card blind" aria-label="Blind review">
      <div className="row">
        <h2>
          Case {pos + 1} of {items.length}: {item.caseLabel}
        </h2>
        <div className="page-actions">
          <button type="button" className="secondary" disabled={pos === 0} onClick={() => setPos(pos - 1)}>
            Previous case
          </button>
          {pos < items.length - 1 ? (
            <button type="button" onClick={() => setPos(pos + 1)}>
              Next case
            </button>
          ) : (
            <button type="button" onClick={() => setRevealed(true)}>
              Reveal models
            </button>
          )}
        </div>
      </div>
      <div className="blind-grid">
        {item.attempts.map((a, j) => {
          const m = marks[a.id] ?? {};
          return (
            <article key={`${pos}-${j}`} className="blind-response" aria-label={`Response ${LETTERS[j]}`}>
              <h3>Response {LETTERS[j]}</h3>
              <Markdown text={a.output} />
              <div className="hand-grade" role="group" aria-label={`Grade response ${LETTERS[j]}`}>
                <button type="button" aria-pressed={m.pass === true} className={m.pass === true ? '' : 'secondary'} onClick={() => grade(a, { pass: true })}>
                  Pass
                </button>
                <button type="button" aria-pressed={m.pass === false} className={m.pass === false ? 'danger seg-on' : 'danger'} onClick={() => grade(a, { pass: false })}>
                  Fail
                </button>
                {[1, 2, 3, 4, 5].map((n) => (
                  <button key={n} type="button" aria-pressed={m.score === scoreFromKey(n)} aria-label={`Score ${n} of 5 for response ${LETTERS[j]}`} className={m.score === scoreFromKey(n) ? '' : 'secondary'} onClick={() => grade(a, { score: scoreFromKey(n) })}>
                    {n}
                  </button>
                ))}
              </div>
              {item.attempts.length > 1 && (
                <button type="button" aria-pressed={better[pos] === j} className={better[pos] === j ? '' : 'secondary'} onClick={() => prefer(j)}>
                  {item.attempts.length === 2 ? `${LETTERS[j]} is better` : `${LETTERS[j]} is best`}
                </button>
              )}
            </article>
          );
        })}
      </div>
    </section>
  );
}

function BlindSetup({ onStart }: { onStart(items: Item[]): void }) {
  const prompts = useLiveQuery(() => getDb().prompts.toArray(), [], []);
  const [promptId, setPromptId] = useState('');
  const cases = useLiveQuery(() => (promptId ? getDb().cases.where('promptId').equals(promptId).sortBy('order') : []), [promptId], []);
  const answered = useLiveQuery(
    async () => (promptId ? queryAttempts({ promptIds: [promptId] }, { where: (a) => a.status === 'ok' && !a.judgeOf }) : []),
    [promptId],
    [],
  );
  const [caseIds, setCaseIds] = useState<string[]>([]);
  const [targets, setTargets] = useState<string[]>([]);
  const toast = useUi((s) => s.toast);

  const available: Target[] = [];
  const seen = new Set<string>();
  for (const a of answered) {
    const k = targetKey(a);
    if (!seen.has(k)) {
      seen.add(k);
      available.push({ key: k, providerId: a.providerId, model: a.model });
    }
  }
  const caseList = cases.length ? cases.map((c) => ({ id: c.id, label: c.label ?? (Object.values(c.vars).join(', ') || c.id) })) : [...new Set(answered.map((a) => a.caseId))].map((id) => ({ id, label: id }));

  const start = () => {
    const items: Item[] = [];
    const chosenCases = caseIds.length ? caseIds : caseList.map((c) => c.id);
    for (const cid of chosenCases) {
      const picks: Attempt[] = [];
      for (const t of targets) {
        // The latest answer of this model on this case.
        const mine = answered.filter((a) => a.caseId === cid && targetKey(a) === t).sort((x, y) => y.queuedAt - x.queuedAt);
        if (mine[0]) picks.push(mine[0]);
      }
      if (picks.length >= 2) items.push({ caseId: cid, caseLabel: caseList.find((c) => c.id === cid)?.label ?? cid, attempts: shuffle(picks) });
    }
    if (items.length === 0) {
      toast('No case has answers from two of the chosen models yet.', 'error');
      return;
    }
    onStart(shuffle(items));
  };

  return (
    <form
      className="card blind-setup"
      aria-label="Set up a blind review"
      onSubmit={(e) => {
        e.preventDefault();
        start();
      }}
    >
      <h2>Blind review</h2>
      <p className="muted">Outputs are shown one case at a time, shuffled, with the model hidden until you reveal it. Grades made here are marked blind.</p>
      <PromptPicker label="Prompt for blind review" prompts={prompts} value={promptId} onChange={(id) => { setPromptId(id); setCaseIds([]); setTargets([]); }} />
      {promptId && (
        <div className="launch-grid">
          <fieldset>
            <legend>Cases (none ticked = all)</legend>
            <ul className="check-list">
              {caseList.map((c) => (
                <li key={c.id}>
                  <label className="check">
                    <input type="checkbox" checked={caseIds.includes(c.id)} onChange={() => setCaseIds((s) => (s.includes(c.id) ? s.filter((x) => x !== c.id) : [...s, c.id]))} /> {c.label}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <fieldset>
            <legend>Models (two or more)</legend>
            <ul className="check-list">
              {available.map((t) => (
                <li key={t.key}>
                  <label className="check">
                    <input type="checkbox" checked={targets.includes(t.key)} onChange={() => setTargets((s) => (s.includes(t.key) ? s.filter((x) => x !== t.key) : [...s, t.key]))} /> {t.model}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        </div>
      )}
      <button type="submit" disabled={targets.length < 2}>
        Start blind review
      </button>
    </form>
  );
}
