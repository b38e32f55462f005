import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { ATTEMPT_STATUSES, FAILURE_CLASSES } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import { distinctValues } from '../../db/journal';
import type { JournalFilter } from '../../workers/journal/query';
import { useJournalUi } from './store';

const VERDICTS = ['pass', 'fail', 'ungraded', 'excluded'] as const;

function Select(props: { label: string; value: string | undefined; options: { value: string; label: string }[]; onChange(v: string | undefined): void }) {
  return (
    <label className="jf-field">
      <span>{props.label}</span>
      <select aria-label={props.label} value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value || undefined)}>
        <option value="">Any</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const toDateInput = (t: number | undefined) => (t === undefined ? '' : new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 10));

export function Filters() {
  const filter = useJournalUi((s) => s.filter);
  const setFilter = useJournalUi((s) => s.setFilter);
  const clearFilter = useJournalUi((s) => s.clearFilter);
  const prompts = useLiveQuery(() => getDb().prompts.toArray(), [], []);
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], []);
  const runs = useLiveQuery(() => getDb().runs.orderBy('createdAt').reverse().limit(500).toArray(), [], []);
  const versions = useLiveQuery(() => (filter.promptId ? getDb().promptVersions.where('promptId').equals(filter.promptId).sortBy('createdAt') : []), [filter.promptId], []);
  const models = useLiveQuery(() => distinctValues('model'), [], []);
  const tags = useLiveQuery(() => distinctValues('tags'), [], []);
  const [text, setText] = useState(filter.text ?? '');
  useEffect(() => setText(filter.text ?? ''), [filter.text]);

  const set = (patch: Partial<JournalFilter>) => setFilter(patch);
  const applySearch = () => {
    if ((filter.text ?? '') !== text.trim()) setFilter({ text: text.trim() || undefined }, 'journal:search');
  };

  return (
    <form
      className="journal-filters"
      aria-label="Journal filters"
      onSubmit={(e) => {
        e.preventDefault();
        applySearch();
      }}
    >
      <label className="jf-field jf-search">
        <span>Search outputs and notes</span>
        <input type="search" aria-label="Search outputs and notes" value={text} placeholder="words… (Enter)" onChange={(e) => setText(e.target.value)} onBlur={applySearch} />
      </label>
      <Select label="Prompt" value={filter.promptId} options={prompts.map((p) => ({ value: p.id, label: p.name }))} onChange={(v) => set({ promptId: v, promptVersion: undefined })} />
      <Select
        label="Version"
        value={filter.promptVersion}
        options={versions.map((v, i) => ({ value: v.id, label: `v${i + 1} · ${v.id.slice(0, 8)}` }))}
        onChange={(v) => set({ promptVersion: v })}
      />
      <Select label="Model" value={filter.model} options={models.map((m) => ({ value: m, label: m }))} onChange={(v) => set({ model: v })} />
      <Select label="Provider" value={filter.providerId} options={providers.map((p) => ({ value: p.id, label: p.name }))} onChange={(v) => set({ providerId: v })} />
      <Select label="Run" value={filter.runId} options={runs.map((r) => ({ value: r.id, label: `${r.name ?? 'Run'} · ${new Date(r.createdAt).toLocaleString()}` }))} onChange={(v) => set({ runId: v })} />
      <Select label="Status" value={filter.status} options={ATTEMPT_STATUSES.map((s) => ({ value: s, label: s }))} onChange={(v) => set({ status: v as JournalFilter['status'] })} />
      <Select label="Failure class" value={filter.failureClass} options={FAILURE_CLASSES.map((s) => ({ value: s, label: s }))} onChange={(v) => set({ failureClass: v as JournalFilter['failureClass'] })} />
      <Select label="Verdict" value={filter.verdict} options={VERDICTS.map((s) => ({ value: s, label: s === 'excluded' ? 'not counted' : s }))} onChange={(v) => set({ verdict: v as JournalFilter['verdict'] })} />
      <Select label="Tag" value={filter.tag} options={tags.map((t) => ({ value: t, label: t }))} onChange={(v) => set({ tag: v })} />
      <Select
        label="Judge calls"
        value={filter.judge}
        options={[
          { value: 'hide', label: 'Hide' },
          { value: 'only', label: 'Only' },
        ]}
        onChange={(v) => set({ judge: v as JournalFilter['judge'] })}
      />
      <label className="jf-field">
        <span>From</span>
        <input type="date" aria-label="From date" value={toDateInput(filter.from)} onChange={(e) => set({ from: e.target.value ? new Date(`${e.target.value}T00:00:00`).getTime() : undefined })} />
      </label>
      <label className="jf-field">
        <span>To</span>
        <input type="date" aria-label="To date" value={toDateInput(filter.to)} onChange={(e) => set({ to: e.target.value ? new Date(`${e.target.value}T23:59:59.999`).getTime() : undefined })} />
      </label>
      <button type="button" className="secondary" onClick={clearFilter} disabled={Object.keys(filter).length === 0}>
        Clear filters
      </button>
    </form>
  );
}
