import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { agreementWithHumans, JudgeConfig } from '../../../../shared/judge';
import { getDb } from '../../db/db';
import { queryAttempts } from '../../db/journal';
import { useUi } from '../../store/ui';
import { judgeSelfAgreement, runJudge } from './judgeRunner';
import { PromptPicker } from './PromptPicker';

const JUDGES_KEY = 'journal.judges';
type Stored = JudgeConfig & { promptId: string };

async function storedJudges(): Promise<Stored[]> {
  const row = await getDb().meta.get(JUDGES_KEY);
  return Array.isArray(row?.value) ? (row.value as Stored[]) : [];
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

export function JudgePanel() {
  const prompts = useLiveQuery(() => getDb().prompts.toArray(), [], []);
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], []);
  const judges = useLiveQuery(storedJudges, [], []);
  const [promptId, setPromptId] = useState('');
  const [form, setForm] = useState({ name: 'judge', rubric: '', providerId: '', model: '', k: 3, temperature: 0.7 });
  const [onlyNew, setOnlyNew] = useState(true);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const toast = useUi((s) => s.toast);

  const attempts = useLiveQuery(
    async () => (promptId ? queryAttempts({ promptIds: [promptId] }, { where: (a) => a.status === 'ok' && !a.judgeOf }) : []),
    [promptId],
    [],
  );
  const mine = judges.filter((j) => j.promptId === promptId);
  const stats = useLiveQuery(
    async () =>
      Promise.all(
        mine.map(async (j) => {
          const graded = attempts.filter((a) => a.grades.some((g) => g.source === 'judge' && g.name === j.name));
          return { name: j.name, graded: graded.length, self: await judgeSelfAgreement(graded, j.name), human: agreementWithHumans(attempts, j.name) };
        }),
      ),
    [attempts, judges, promptId],
    [],
  );

  const parsed = JudgeConfig.safeParse(form);
  const provider = providers.find((p) => p.id === form.providerId);
  const targets = attempts.filter((a) => !onlyNew || !a.grades.some((g) => g.source === 'judge' && g.name === form.name.trim()));

  const run = async () => {
    if (!parsed.success) return;
    const config = parsed.data;
    const rest = judges.filter((j) => !(j.promptId === promptId && j.name === config.name));
    await getDb().meta.put({ key: JUDGES_KEY, value: [...rest, { ...config, promptId }] });
    setProgress({ done: 0, total: targets.length * config.k });
    try {
      const r = await runJudge(config, targets.map((a) => a.id), (done, total) => setProgress({ done, total }));
      toast(`Judge graded ${r.graded} attempt${r.graded === 1 ? '' : 's'} with ${r.calls} call${r.calls === 1 ? '' : 's'}${r.unusable ? `; ${r.unusable} got no usable reply` : ''}.`);
    } catch (e) {
      toast(`The judge run failed: ${(e as Error).message}`, 'error');
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="card judge-panel">
      <h2>Judge models</h2>
      <p className="muted">
        A judge model grades answers against your rubric, k times each; its grade is the median. Every judge call is journaled as an attempt (marked as a judge call), so its cost and failures count. A judge decides a verdict only where there is no human grade and no check.
      </p>
      <PromptPicker label="Prompt to judge" prompts={prompts} value={promptId} onChange={setPromptId} />
      {promptId && (
        <>
          {mine.length > 0 && (
            <table className="table" aria-label="Judges of this prompt">
              <thead>
                <tr>
                  <th>Judge</th>
                  <th>Graded</th>
                  <th>Self-agreement (k calls)</th>
                  <th>Score spread</th>
                  <th>Agreement with humans</th>
                  <th>Kappa</th>
                </tr>
              </thead>
              <tbody>
                {stats.map((s) => (
                  <tr key={s.name}>
                    <td>
                      <button type="button" className="link" onClick={() => { const j = mine.find((x) => x.name === s.name)!; setForm({ name: j.name, rubric: j.rubric, providerId: j.providerId, model: j.model, k: j.k, temperature: j.temperature }); }}>
                        {s.name}
                      </button>
                    </td>
                    <td>{s.graded}</td>
                    <td>{pct(s.self.passAgreement)}</td>
                    <td>{s.self.scoreSpread === null ? '—' : s.self.scoreSpread.toFixed(2)}</td>
                    <td>
                      {pct(s.human.agreement)} <span className="muted">(n = {s.human.n})</span>
                    </td>
                    <td>{s.human.kappa === null ? '—' : s.human.kappa.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form
            className="judge-form"
            aria-label="Judge settings"
            onSubmit={(e) => {
              e.preventDefault();
              void run();
            }}
          >
            <label className="jf-field">
              <span>Judge name</span>
              <input aria-label="Judge name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </label>
            <label className="jf-field jf-wide">
              <span>Rubric</span>
              <textarea aria-label="Rubric" rows={4} value={form.rubric} onChange={(e) => setForm({ ...form, rubric: e.target.value })} placeholder="What a passing answer must do…" />
            </label>
            <label className="jf-field">
              <span>Judge provider</span>
              <select aria-label="Judge provider" value={form.providerId} onChange={(e) => setForm({ ...form, providerId: e.target.value, model: '' })}>
                <option value="">Choose…</option>
                {providers.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="jf-field">
              <span>Judge model</span>
              <input aria-label="Judge model" list="judge-models" value={form.model} onChange={(e) => setForm({ ...form, model: e.target.value })} />
              <datalist id="judge-models">{provider?.models.map((m) => <option key={m.id} value={m.id} />)}</datalist>
            </label>
            <label className="jf-field">
              <span>Repeats (k)</span>
              <input aria-label="Judge repeats" type="number" min={1} max={15} value={form.k} onChange={(e) => setForm({ ...form, k: Number(e.target.value) })} />
            </label>
            <label className="jf-field">
              <span>Temperature</span>
              <input aria-label="Judge temperature" type="number" step="0.1" min={0} max={2} value={form.temperature} onChange={(e) => setForm({ ...form, temperature: Number(e.target.value) })} />
            </label>
            <label className="check">
              <input type="checkbox" checked={onlyNew} onChange={(e) => setOnlyNew(e.target.checked)} /> only answers this judge has not graded
            </label>
            <button type="submit" disabled={!parsed.success || targets.length === 0 || progress !== null}>
              {progress ? `Judging… ${progress.done}/${progress.total}` : `Judge ${targets.length} answer${targets.length === 1 ? '' : 's'} (${targets.length * (parsed.success ? parsed.data.k : form.k)} calls)`}
            </button>
            {!parsed.success && <small className="field-error">{parsed.error.issues[0]?.message}</small>}
          </form>
        </>
      )}
    </div>
  );
}
