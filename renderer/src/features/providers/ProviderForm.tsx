import { useId, useState, type FormEvent } from 'react';
import { api } from '../../bridge';
import { headerLines, parseHeaderLines, saveProvider, validateProvider, type FieldErrors } from '../../db/repo/providers';
import { PROVIDER_KIND_INFO } from '../../../../shared/domain/provider-kinds';
import { useKeyEpoch } from './keyStatus';
import { PROVIDER_KINDS, type Model, type Provider, type ProviderKind } from '../../../../shared/domain/schemas';

export type FormSeed =
  | { mode: 'new'; name?: string; kind?: ProviderKind; baseUrl?: string; models?: string[]; envVar?: string }
  | { mode: 'edit'; provider: Provider };

interface ModelRow {
  id: string;
  displayName: string;
  inputPerM: string;
  outputPerM: string;
  contextWindow: string;
}

const toRow = (m: Model): ModelRow => ({
  id: m.id,
  displayName: m.displayName ?? '',
  inputPerM: m.price ? String(m.price.inputPerM) : '',
  outputPerM: m.price ? String(m.price.outputPerM) : '',
  contextWindow: m.contextWindow ? String(m.contextWindow) : '',
});

function toModel(r: ModelRow): { model: Model; error: string | null } {
  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const inP = num(r.inputPerM);
  const outP = num(r.outputPerM);
  const ctx = num(r.contextWindow);
  let error: string | null = null;
  if ((inP === null) !== (outP === null)) error = `${r.id || 'A model'}: give both prices or neither.`;
  else if ((inP !== null && (!Number.isFinite(inP) || inP < 0)) || (outP !== null && (!Number.isFinite(outP) || outP < 0)))
    error = `${r.id || 'A model'}: prices are numbers of dollars per million tokens.`;
  else if (ctx !== null && (!Number.isInteger(ctx) || ctx <= 0)) error = `${r.id || 'A model'}: the context window is a whole number of tokens.`;
  return {
    model: {
      id: r.id,
      displayName: r.displayName.trim() || undefined,
      price: inP !== null && outP !== null ? { inputPerM: inP, outputPerM: outP } : null,
      contextWindow: ctx,
    },
    error,
  };
}

export function ProviderForm({ seed, onDone }: { seed: FormSeed; onDone(saved: Provider | null): void }) {
  const base = seed.mode === 'edit' ? seed.provider : null;
  const initialKind: ProviderKind = base?.kind ?? (seed.mode === 'new' ? seed.kind : undefined) ?? 'openai';
  const [name, setName] = useState(base?.name ?? (seed.mode === 'new' ? seed.name : '') ?? '');
  const [kind, setKind] = useState<ProviderKind>(initialKind);
  const [baseUrl, setBaseUrl] = useState(
    base?.baseUrl ?? (seed.mode === 'new' ? seed.baseUrl : undefined) ?? PROVIDER_KIND_INFO[initialKind].defaultBaseUrl,
  );
  const [key, setKey] = useState('');
  const [headers, setHeaders] = useState(base ? headerLines(base.headers) : '');
  const [concurrency, setConcurrency] = useState(String(base?.concurrency ?? 4));
  const [rpm, setRpm] = useState(base?.rpm ? String(base.rpm) : '');
  const [rows, setRows] = useState<ModelRow[]>(
    base?.models.map(toRow) ??
      (seed.mode === 'new' && seed.models ? seed.models.map((id) => toRow({ id, price: null, contextWindow: null })) : []),
  );
  const [errors, setErrors] = useState<FieldErrors & { key?: string; form?: string }>({});
  const [saving, setSaving] = useState(false);
  const envVar = seed.mode === 'new' ? seed.envVar : undefined;
  const uid = useId();
  const fid = (f: string) => `${uid}-${f}`;

  const changeKind = (next: ProviderKind) => {
    // Follow the kind's usual URL unless the user typed their own.
    if (Object.values(PROVIDER_KIND_INFO).some((i) => i.defaultBaseUrl === baseUrl) || !baseUrl) {
      setBaseUrl(PROVIDER_KIND_INFO[next].defaultBaseUrl);
    }
    setKind(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      const next: typeof errors = {};
      let parsedHeaders: Record<string, string> = {};
      try {
        parsedHeaders = parseHeaderLines(headers);
      } catch (e) {
        next.headers = (e as Error).message;
      }
      const models = rows.map(toModel);
      const modelError = models.find((m) => m.error)?.error;
      const draft = {
        id: base?.id,
        name,
        kind,
        baseUrl,
        headers: parsedHeaders,
        concurrency: Number(concurrency),
        rpm: rpm.trim() === '' ? null : Number(rpm),
        models: models.map((m) => m.model),
      };
      Object.assign(next, await validateProvider(draft));
      if (modelError) next.models = modelError;
      setErrors(next);
      if (Object.keys(next).length > 0) return;
      const saved = await saveProvider(draft);
      try {
        if (key.trim()) await api.secrets.set({ providerId: saved.id, key });
        else if (envVar) await api.secrets.importEnv({ providerId: saved.id, envVar });
        useKeyEpoch.getState().bump();
      } catch (e) {
        setErrors({ key: `The provider was saved, but its key was not: ${(e as Error).message}` });
        return;
      }
      onDone(saved);
    } catch (e) {
      setErrors({ form: (e as Error).message });
    } finally {
      setSaving(false);
    }
  };

  const field = (f: keyof typeof errors) =>
    errors[f] ? { 'aria-invalid': true as const, 'aria-describedby': fid(`${f}-err`) } : {};
  const errorText = (f: keyof typeof errors) =>
    errors[f] ? (
      <span id={fid(`${f}-err`)} className="field-error">
        {errors[f]}
      </span>
    ) : null;
  const setRow = (i: number, patch: Partial<ModelRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <form className="card form" aria-label={base ? `Edit provider ${base.name}` : 'New provider'} onSubmit={submit} noValidate>
      <h2>{base ? `Edit ${base.name}` : 'New provider'}</h2>
      <div className="grid-2">
        <label htmlFor={fid('name')}>Name</label>
        <div>
          <input id={fid('name')} value={name} onChange={(e) => setName(e.target.value)} {...field('name')} autoFocus />
          {errorText('name')}
        </div>
        <label htmlFor={fid('kind')}>Kind</label>
        <select id={fid('kind')} value={kind} onChange={(e) => changeKind(e.target.value as ProviderKind)}>
          {PROVIDER_KINDS.map((k) => (
            <option key={k} value={k}>
              {PROVIDER_KIND_INFO[k].label}
            </option>
          ))}
        </select>
        <label htmlFor={fid('baseUrl')}>Base URL</label>
        <div>
          <input id={fid('baseUrl')} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} {...field('baseUrl')} spellCheck={false} />
          {errorText('baseUrl')}
        </div>
        <label htmlFor={fid('key')}>API key</label>
        <div>
          <input
            id={fid('key')}
            type="password"
            autoComplete="off"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder={
              envVar
                ? `From ${envVar}`
                : base
                  ? 'Leave empty to keep the current key'
                  : PROVIDER_KIND_INFO[kind].needsKey
                    ? 'Required by this provider'
                    : 'Optional'
            }
            {...field('key')}
          />
          {errorText('key')}
        </div>
        <label htmlFor={fid('headers')}>Extra headers</label>
        <div>
          <textarea
            id={fid('headers')}
            rows={2}
            value={headers}
            onChange={(e) => setHeaders(e.target.value)}
            placeholder="HTTP-Referer: https://example.com"
            spellCheck={false}
            {...field('headers')}
          />
          {errorText('headers')}
        </div>
        <label htmlFor={fid('concurrency')}>Concurrency</label>
        <div>
          <input id={fid('concurrency')} type="number" min={1} max={256} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} {...field('concurrency')} />
          {errorText('concurrency')}
        </div>
        <label htmlFor={fid('rpm')}>Requests per minute</label>
        <div>
          <input id={fid('rpm')} type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} placeholder="No limit" {...field('rpm')} />
          {errorText('rpm')}
        </div>
      </div>

      <fieldset className="models-editor">
        <legend>Models</legend>
        {rows.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Model id</th>
                <th scope="col">Display name</th>
                <th scope="col">Input $/1M</th>
                <th scope="col">Output $/1M</th>
                <th scope="col">Context</th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>
                    <input aria-label={`Model ${i + 1} id`} value={r.id} onChange={(e) => setRow(i, { id: e.target.value })} spellCheck={false} />
                  </td>
                  <td>
                    <input aria-label={`Model ${i + 1} display name`} value={r.displayName} onChange={(e) => setRow(i, { displayName: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={`Model ${i + 1} input price`} inputMode="decimal" value={r.inputPerM} onChange={(e) => setRow(i, { inputPerM: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={`Model ${i + 1} output price`} inputMode="decimal" value={r.outputPerM} onChange={(e) => setRow(i, { outputPerM: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={`Model ${i + 1} context window`} inputMode="numeric" value={r.contextWindow} onChange={(e) => setRow(i, { contextWindow: e.target.value })} />
                  </td>
                  <td>
                    <button type="button" className="ghost" aria-label={`Remove model ${r.id || i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {errors.models && (
          <p className="field-error" role="alert">
            {errors.models}
          </p>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() => setRows([...rows, { id: '', displayName: '', inputPerM: '', outputPerM: '', contextWindow: '' }])}
        >
          Add model
        </button>
      </fieldset>

      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="page-actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save provider'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
