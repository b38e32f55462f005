import type { Prompt } from '../../../../shared/domain/schemas';

/** The "choose a prompt" field the checks, judge and blind-review panels share. */
export function PromptPicker(props: { label: string; prompts: Pick<Prompt, 'id' | 'name'>[]; value: string; onChange(id: string): void }) {
  return (
    <label className="jf-field">
      <span>Prompt</span>
      <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">Choose…</option>
        {props.prompts.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
