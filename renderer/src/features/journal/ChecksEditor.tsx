/**
 * The checks of one prompt: add, edit, enable, remove, save (to `Prompt.checks`),
 * and re-run over the prompt's past attempts. Usable on the Journal's Checks tab
 * and meant to be mounted in the prompt workspace too (`<ChecksEditor promptId=… />`).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { ulid } from 'ulid';
import { CHECK_KIND_LABELS, CHECK_KINDS, Check, defaultCheck, duplicateNames, readChecks, type CheckKind } from '../../../../shared/checks';
import { getDb } from '../../db/db';
import { useUi } from '../../store/ui';
import { rerunChecks } from './checksRunner';
import { PromptPicker } from './PromptPicker';

type Draft = Check;

function Field(props: { label: string; children: React.ReactNode; error?: string }) {
  return (
    <label className="ce-field">
      <span>{props.label}</span>
      {props.children}
      {props.error && <small className="field-error">{props.error}</small>}
    </label>
  );
}

const numOrNull = (s: string) => (s.trim() === '' ? null : Number(s));

function CheckFields({ c, onChange, errors }: { c: Draft; onChange(c: Draft): void; errors: Record<string, string> }) {
  const n = c.name;
  switch (c.kind) {
    case 'contains':
    case 'not_contains':
      return (
        <>
          <Field label={`${n}: text`} error={errors.text}>
            <input aria-label={`${n}: text`} value={c.text} onChange={(e) => onChange({ ...c, text: e.target.value })} />
          </Field>
          <label className="check">
            <input type="checkbox" checked={c.caseSensitive} onChange={(e) => onChange({ ...c, caseSensitive: e.target.checked })} /> case sensitive
          </label>
        </>
      );
    case 'regex':
      return (
        <>
          <Field label={`${n}: pattern`} error={errors.pattern}>
            <input aria-label={`${n}: pattern`} className="mono" value={c.pattern} onChange={(e) => onChange({ ...c, pattern: e.target.value })} />
          </Field>
          <Field label={`${n}: flags`} error={errors.flags}>
            <input aria-label={`${n}: flags`} className="mono ce-short" value={c.flags} onChange={(e) => onChange({ ...c, flags: e.target.value })} />
          </Field>
        </>
      );
    case 'json_valid':
      return <span className="muted">Passes when the whole output parses as JSON.</span>;
    case 'json_schema':
      return (
        <Field label={`${n}: JSON Schema`} error={errors.schema}>
          <textarea aria-label={`${n}: JSON Schema`} className="mono" rows={6} value={c.schema} onChange={(e) => onChange({ ...c, schema: e.target.value })} />
          <small className="muted">Draft-07 keywords and $defs; local $ref only; format is not asserted.</small>
        </Field>
      );
    case 'js':
      return (
        <>
          <Field label={`${n}: expression`} error={errors.expression}>
            <textarea aria-label={`${n}: expression`} className="mono" rows={2} value={c.expression} onChange={(e) => onChange({ ...c, expression: e.target.value })} />
            <small className="muted">
              An expression over <code>output</code>, <code>vars</code> and <code>attempt</code>; truthy passes. Runs in a worker with no network; throwing or running over the limit fails the check.
            </small>
          </Field>
          <Field label={`${n}: time limit (ms)`} error={errors.timeoutMs}>
            <input aria-label={`${n}: time limit (ms)`} type="number" className="ce-short" value={c.timeoutMs} onChange={(e) => onChange({ ...c, timeoutMs: Number(e.target.value) })} />
          </Field>
        </>
      );
    case 'length':
      return (
        <>
          <Field label={`${n}: unit`}>
            <select aria-label={`${n}: unit`} value={c.unit} onChange={(e) => onChange({ ...c, unit: e.target.value as typeof c.unit })}>
              <option value="chars">characters</option>
              <option value="words">words</option>
              <option value="lines">lines</option>
            </select>
          </Field>
          <Field label={`${n}: minimum`} error={errors.min}>
            <input aria-label={`${n}: minimum`} type="number" className="ce-short" value={c.min ?? ''} onChange={(e) => onChange({ ...c, min: numOrNull(e.target.value) })} />
          </Field>
          <Field label={`${n}: maximum`} error={errors.max}>
            <input aria-label={`${n}: maximum`} type="number" className="ce-short" value={c.max ?? ''} onChange={(e) => onChange({ ...c, max: numOrNull(e.target.value) })} />
          </Field>
        </>
      );
    case 'latency':
      return (
        <>
          <Field label={`${n}: measure`}>
            <select aria-label={`${n}: measure`} value={c.metric} onChange={(e) => onChange({ ...c, metric: e.target.value as typeof c.metric })}>
              <option value="latency">latency</option>
              <option value="ttft">time to first token</option>
            </select>
          </Field>
          <Field label={`${n}: at most (ms)`} error={errors.maxMs}>
            <input aria-label={`${n}: at most (ms)`} type="number" className="ce-short" value={c.maxMs} onChange={(e) => onChange({ ...c, maxMs: Number(e.target.value) })} />
          </Field>
        </>
      );
    case 'cost':
      return (
        <Field label={`${n}: at most (USD)`} error={errors.maxUsd}>
          <input aria-label={`${n}: at most (USD)`} type="number" step="any" className="ce-short" value={c.maxUsd} onChange={(e) => onChange({ ...c, maxUsd: Number(e.target.value) })} />
        </Field>
      );
  }
}

function errorsOf(c: Draft): Record<string, string> {
  const r = Check.safeParse(c);
  if (r.success) return {};
  const out: Record<string, string> = {};
  for (const i of r.error.issues) out[String(i.path[0] ?? 'name')] ??= i.message;
  return out;
}

export function ChecksEditor({ promptId }: { promptId: string }) {
  const prompt = useLiveQuery(() => getDb().prompts.get(promptId), [promptId]);
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [kind, setKind] = useState<CheckKind>('contains');
  const [rerun, setRerun] = useState<{ done: number; total: number } | null>(null);
  const toast = useUi((s) => s.toast);
  const stored = prompt ? readChecks(prompt.checks) : null;

  useEffect(() => {
    if (prompt && drafts === null) setDrafts(readChecks(prompt.checks).checks);
  }, [prompt, drafts]);
  useEffect(() => setDrafts(null), [promptId]);

  if (!prompt || !drafts || !stored) return <p className="muted">Loading checks…</p>;

  const errors = drafts.map(errorsOf);
  const dups = duplicateNames(drafts);
  const dirty = JSON.stringify(drafts) !== JSON.stringify(stored.checks);
  const valid = errors.every((e) => Object.keys(e).length === 0) && dups.length === 0;

  const save = async () => {
    const parsed = drafts.map((d) => Check.parse(d));
    // Entries this version can't read are kept, so nothing made elsewhere is lost.
    const kept = stored.invalid.map((i) => prompt.checks[i.index]);
    await getDb().prompts.update(promptId, { checks: [...parsed, ...kept] });
    toast(`Saved ${parsed.length} check${parsed.length === 1 ? '' : 's'}. New attempts are checked when they finish.`);
  };

  const runOverPast = async () => {
    setRerun({ done: 0, total: 0 });
    try {
      const n = await rerunChecks(promptId, (done, total) => setRerun({ done, total }));
      toast(`Checked ${n} past attempt${n === 1 ? '' : 's'}; earlier grades are kept.`);
    } catch (e) {
      toast(`Re-running checks failed: ${(e as Error).message}`, 'error');
    } finally {
      setRerun(null);
    }
  };

  const update = (i: number, c: Draft) => setDrafts(drafts.map((d, j) => (j === i ? c : d)));

  return (
    <section className="checks-editor" aria-label={`Checks of ${prompt.name}`}>
      {drafts.length === 0 && <p className="muted">No checks yet. Each check grades every finished answer of this prompt.</p>}
      <ol className="ce-list">
        {drafts.map((c, i) => (
          <li key={c.id} className="ce-item" aria-label={`Check ${c.name}`}>
            <div className="ce-head">
              <Field label={`Check ${i + 1} name`} error={errors[i]!.name ?? (dups.includes(c.name.trim()) ? 'Names must be unique' : undefined)}>
                <input aria-label={`Check ${i + 1} name`} value={c.name} onChange={(e) => update(i, { ...c, name: e.target.value })} />
              </Field>
              <span className="chip">{CHECK_KIND_LABELS[c.kind]}</span>
              <label className="check">
                <input type="checkbox" checked={c.enabled} onChange={(e) => update(i, { ...c, enabled: e.target.checked })} aria-label={`${c.name} enabled`} /> enabled
              </label>
              <button type="button" className="danger small" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))} aria-label={`Remove check ${c.name}`}>
                Remove
              </button>
            </div>
            <div className="ce-body">
              <CheckFields c={c} onChange={(x) => update(i, x)} errors={errors[i]!} />
            </div>
          </li>
        ))}
      </ol>
      {stored.invalid.length > 0 && <p className="warning">{stored.invalid.length} stored check(s) could not be read and are kept as they are.</p>}
      <div className="ce-actions">
        <select aria-label="New check kind" value={kind} onChange={(e) => setKind(e.target.value as CheckKind)}>
          {CHECK_KINDS.map((k) => (
            <option key={k} value={k}>
              {CHECK_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={() => setDrafts([...drafts, defaultCheck(kind, ulid(), uniqueName(CHECK_KIND_LABELS[kind], drafts))])}>
          Add check
        </button>
        <span className="spacer" />
        <button type="button" disabled={!dirty || !valid} onClick={() => void save()}>
          Save checks
        </button>
        <button type="button" className="secondary" disabled={dirty || rerun !== null || stored.checks.length === 0} onClick={() => void runOverPast()} title={dirty ? 'Save the checks first' : undefined}>
          {rerun ? `Re-running… ${rerun.done}/${rerun.total}` : 'Re-run checks over past attempts'}
        </button>
      </div>
    </section>
  );
}

function uniqueName(base: string, list: readonly Draft[]): string {
  const names = new Set(list.map((c) => c.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base} ${i}`)) return `${base} ${i}`;
}

/** The Journal's Checks tab: pick a prompt, edit its checks. */
export function ChecksSection() {
  const prompts = useLiveQuery(() => getDb().prompts.toArray(), [], []);
  const [promptId, setPromptId] = useState('');
  return (
    <div className="card">
      <h2>Automatic checks</h2>
      <PromptPicker label="Prompt for checks" prompts={prompts} value={promptId} onChange={setPromptId} />
      {promptId && <ChecksEditor promptId={promptId} />}
    </div>
  );
}
