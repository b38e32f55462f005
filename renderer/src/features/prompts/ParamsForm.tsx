import { useEffect, useId, useState } from 'react';
import { Params } from '../../../../shared/domain/schemas';

interface Fields {
  temperature: string;
  topP: string;
  maxOutputTokens: string;
  seed: string;
  stop: string;
  responseFormat: 'text' | 'json';
}

const toFields = (p: Params): Fields => ({
  temperature: p.temperature?.toString() ?? '',
  topP: p.topP?.toString() ?? '',
  maxOutputTokens: p.maxOutputTokens?.toString() ?? '',
  seed: p.seed?.toString() ?? '',
  stop: (p.stop ?? []).join(', '),
  responseFormat: p.responseFormat ?? 'text',
});

/** Builds Params from the fields, or an error for each bad field. */
export function parseParamFields(f: Fields): { params: Params | null; errors: Partial<Record<keyof Fields, string>> } {
  const errors: Partial<Record<keyof Fields, string>> = {};
  const num = (key: keyof Fields, min: number, max: number, integer: boolean, label: string) => {
    const raw = f[key].trim();
    if (!raw) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      errors[key] = `${label} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.`;
      return undefined;
    }
    return n;
  };
  const candidate = {
    temperature: num('temperature', 0, 2, false, 'Temperature'),
    topP: num('topP', 0, 1, false, 'Top p'),
    maxOutputTokens: num('maxOutputTokens', 1, 1_000_000, true, 'Max output tokens'),
    seed: num('seed', -2_147_483_648, 2_147_483_647, true, 'Seed'),
    stop: f.stop.trim() ? f.stop.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    responseFormat: f.responseFormat === 'json' ? ('json' as const) : undefined,
  };
  if (candidate.stop && candidate.stop.length > 4) errors.stop = 'At most 4 stop sequences (the limit most providers accept).';
  if (Object.keys(errors).length) return { params: null, errors };
  const clean = Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined));
  return { params: Params.parse(clean), errors };
}

export function ParamsForm(props: { params: Params; onChange(p: Params): void; onValidity(valid: boolean): void }) {
  const [fields, setFields] = useState<Fields>(() => toFields(props.params));
  const [errors, setErrors] = useState<Partial<Record<keyof Fields, string>>>({});
  const uid = useId();
  const { onValidity } = props;
  useEffect(() => onValidity(Object.keys(errors).length === 0), [errors, onValidity]);

  const set = (patch: Partial<Fields>) => {
    const next = { ...fields, ...patch };
    setFields(next);
    const { params, errors } = parseParamFields(next);
    setErrors(errors);
    if (params) props.onChange(params);
  };
  const input = (key: Exclude<keyof Fields, 'responseFormat'>, label: string, placeholder: string, hint?: string) => (
    <div className="param">
      <label htmlFor={`${uid}-${key}`}>{label}</label>
      <input
        id={`${uid}-${key}`}
        value={fields[key]}
        placeholder={placeholder}
        inputMode={key === 'stop' ? 'text' : 'decimal'}
        onChange={(e) => set({ [key]: e.target.value })}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `${uid}-${key}-err` : undefined}
        title={hint}
      />
      {errors[key] && (
        <span id={`${uid}-${key}-err`} className="field-error">
          {errors[key]}
        </span>
      )}
    </div>
  );
  return (
    <fieldset className="params">
      <legend>Parameters</legend>
      <div className="params-grid">
        {input('temperature', 'Temperature', 'provider default', '0–2')}
        {input('topP', 'Top p', 'provider default', '0–1')}
        {input('maxOutputTokens', 'Max output tokens', 'provider default')}
        {input('seed', 'Seed', 'none')}
        {input('stop', 'Stop sequences', 'comma separated')}
        <div className="param">
          <label htmlFor={`${uid}-fmt`}>Response format</label>
          <select id={`${uid}-fmt`} value={fields.responseFormat} onChange={(e) => set({ responseFormat: e.target.value as 'text' | 'json' })}>
            <option value="text">Text</option>
            <option value="json">JSON</option>
          </select>
        </div>
      </div>
    </fieldset>
  );
}
