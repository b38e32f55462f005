/**
 * Grading by hand with the keyboard: a queue of the `ok` attempts of a run or
 * prompt that have no human grade yet. J / K next and previous, 1–5 a score,
 * P / F pass or fail (and on to the next), N a note. The keys are commands, so
 * the palette lists them too; they never fire while typing (commands.ts).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import type { Grade } from '../../../../shared/domain/schemas';
import { registerCommands } from '../../app/commands';
import { getDb } from '../../db/db';
import { getAttempt } from '../../db/journal';
import { ungradedQueue, type QueueScope } from '../../db/repo/attempts';
import { newGradeId, upsertHumanGrade } from '../../db/repo/grades';
import { useUi } from '../../store/ui';
import { OutputView } from './AttemptDetail';
import { attemptVerdict, scoreFromKey, scoreToFive, verdictLabel, verdictTone } from './format';

type SessionGrade = Grade & { id: string };

export function GradeQueue() {
  const prompts = useLiveQuery(() => getDb().prompts.toArray(), [], []);
  const runs = useLiveQuery(() => getDb().runs.orderBy('createdAt').reverse().limit(200).toArray(), [], []);
  const [scopeKind, setScopeKind] = useState<'run' | 'prompt'>('run');
  const [scopeId, setScopeId] = useState('');
  const [queue, setQueue] = useState<string[] | null>(null);
  const [i, setI] = useState(0);
  const [session, setSession] = useState<Record<string, SessionGrade>>({});
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState('');
  const toast = useUi((s) => s.toast);

  const id = queue?.[i];
  const a = useLiveQuery(() => (id ? getAttempt(id) : undefined), [id]);
  const c = useLiveQuery(() => (a ? getDb().cases.get(a.caseId) : undefined), [a?.caseId]);
  const current = id ? session[id] : undefined;

  useEffect(() => setNote(current?.note ?? ''), [id, current?.note]);

  const start = async () => {
    const scope: QueueScope = scopeKind === 'run' ? { runId: scopeId } : { promptId: scopeId };
    const ids = await ungradedQueue(scope);
    setQueue(ids);
    setI(0);
    setSession({});
    if (ids.length === 0) toast('Nothing to grade here: every answered attempt already has a human grade.');
  };

  const save = (patch: Partial<Pick<Grade, 'pass' | 'score' | 'note'>>, advance: boolean) => {
    if (!id) return;
    const prev = session[id];
    const g: SessionGrade = { id: prev?.id ?? newGradeId(), source: 'human', name: 'hand', pass: prev?.pass ?? null, score: prev?.score ?? null, note: prev?.note ?? null, at: Date.now(), ...patch };
    setSession((s) => ({ ...s, [id]: g }));
    upsertHumanGrade(id, g).catch((e: unknown) => toast(`Could not save the grade: ${(e as Error).message}`, 'error'));
    if (advance && queue) setI((x) => Math.min(queue.length - 1, x + 1));
  };

  const saveNote = () => {
    if (!id || (current?.note ?? '') === note.trim()) return;
    save({ note: note.trim() || null }, false);
  };

  // The key bindings, as commands while a queue is open.
  const live = useRef({ save, queue, setI });
  live.current = { save, queue, setI };
  useEffect(() => {
    if (!queue || queue.length === 0) return;
    return registerCommands('journal.grade', () => [
      { id: 'grade.next', label: 'Grade: next attempt', group: 'Grading', shortcut: 'J', run: () => live.current.setI((x) => Math.min((live.current.queue?.length ?? 1) - 1, x + 1)) },
      { id: 'grade.prev', label: 'Grade: previous attempt', group: 'Grading', shortcut: 'K', run: () => live.current.setI((x) => Math.max(0, x - 1)) },
      { id: 'grade.pass', label: 'Grade: pass (and next)', group: 'Grading', shortcut: 'P', run: () => live.current.save({ pass: true }, true) },
      { id: 'grade.fail', label: 'Grade: fail (and next)', group: 'Grading', shortcut: 'F', run: () => live.current.save({ pass: false }, true) },
      ...[1, 2, 3, 4, 5].map((n) => ({ id: `grade.score${n}`, label: `Grade: score ${n} of 5`, group: 'Grading', shortcut: String(n), run: () => live.current.save({ score: scoreFromKey(n) }, false) })),
      { id: 'grade.note', label: 'Grade: write a note', group: 'Grading', shortcut: 'N', run: () => noteRef.current?.focus() },
    ]);
  }, [queue]);

  const graded = queue ? queue.filter((q) => session[q]?.pass !== undefined && (session[q]!.pass !== null || session[q]!.score !== null)).length : 0;

  return (
    <div className="grade-queue">
      <form
        className="card grade-setup"
        aria-label="Grading queue"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <fieldset className="radio-row">
          <legend>Grade the ungraded answers of a</legend>
          <label>
            <input type="radio" name="scope" checked={scopeKind === 'run'} onChange={() => { setScopeKind('run'); setScopeId(''); }} /> run
          </label>
          <label>
            <input type="radio" name="scope" checked={scopeKind === 'prompt'} onChange={() => { setScopeKind('prompt'); setScopeId(''); }} /> prompt
          </label>
        </fieldset>
        <select aria-label={scopeKind === 'run' ? 'Run to grade' : 'Prompt to grade'} value={scopeId} onChange={(e) => setScopeId(e.target.value)}>
          <option value="">Choose…</option>
          {scopeKind === 'run'
            ? runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name ?? 'Run'} · {new Date(r.createdAt).toLocaleString()}
                </option>
              ))
            : prompts.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
        </select>
        <button type="submit" disabled={!scopeId}>
          Start grading
        </button>
      </form>

      {queue && queue.length > 0 && a && (
        <section className="card" aria-label="Attempt to grade">
          <div className="row">
            <h2>
              {i + 1} / {queue.length}
            </h2>
            <span className="muted">{graded} graded this session</span>
          </div>
          <p className="kbd-legend muted">
            <kbd>J</kbd>/<kbd>K</kbd> next/previous · <kbd>1</kbd>–<kbd>5</kbd> score · <kbd>P</kbd> pass · <kbd>F</kbd> fail · <kbd>N</kbd> note
          </p>
          <dl className="facts">
            <dt>Model</dt>
            <dd>{a.model}</dd>
            <dt>Case</dt>
            <dd>{c ? (c.label ?? Object.entries(c.vars).map(([k, v]) => `${k}=${v}`).join(', ')) : a.caseId}</dd>
            <dt>This session</dt>
            <dd aria-label="Grade in this session">
              {current ? `${current.pass === null ? 'no verdict' : current.pass ? 'pass' : 'fail'} · ${current.score === null ? 'no score' : `score ${scoreToFive(current.score)}/5`}${current.note ? ' · note' : ''}` : 'not graded yet'}
            </dd>
            <dt>Verdict</dt>
            <dd>
              <span className={`chip ${verdictTone(attemptVerdict(a))}`}>{verdictLabel(attemptVerdict(a))}</span>
            </dd>
          </dl>
          <OutputView key={a.id} a={a} />
          <label className="field-label" htmlFor="grade-note">
            Note (N)
          </label>
          <textarea
            id="grade-note"
            ref={noteRef}
            aria-label="Note for this attempt"
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            onBlur={saveNote}
            onKeyDown={(e) => {
              if (e.key === 'Escape' || (e.key === 'Enter' && !e.shiftKey)) {
                e.preventDefault();
                saveNote();
                (e.target as HTMLTextAreaElement).blur();
              }
            }}
          />
        </section>
      )}
      {queue && queue.length === 0 && <p className="muted">Nothing left to grade in this {scopeKind}.</p>}
    </div>
  );
}
