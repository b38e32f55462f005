/**
 * How the Stats page and reports name what they show. The journal keys
 * everything by id — a target by (provider id, model id), a case by ULID —
 * and people read names: a model's display name, a provider's name, a case's
 * label or its variables. Ids stay available for a tooltip.
 *
 * A target is (provider, model), never the model id alone: the same model id on
 * two endpoints (Ollama and vLLM, OpenAI direct and a proxy) is two targets.
 */
import type { Case, Provider } from '../domain/schemas';

export interface TargetRef {
  providerId: string;
  model: string;
}

/** U+001F cannot occur in ids or model names (see shared/stats/group.ts), so the key splits back unambiguously. */
const SEP = '\u001f';

/** The one string a target is keyed by in results, pickers and UI state. */
export function targetKey(providerId: string, model: string): string {
  return `${providerId}${SEP}${model}`;
}

export function parseTargetKey(key: string): TargetRef {
  const i = key.indexOf(SEP);
  return i < 0 ? { providerId: '', model: key } : { providerId: key.slice(0, i), model: key.slice(i + 1) };
}

/** The provider fields naming reads (a full Provider fits). */
export type NamingProvider = Pick<Provider, 'id' | 'name'> & { models: readonly Pick<Provider['models'][number], 'id' | 'displayName'>[] };

export interface TargetName extends TargetRef {
  key: string;
  /** What a person reads: the display name, with the provider's name where it alone would not tell targets apart. */
  label: string;
  /** The ids behind the label, for a tooltip. */
  title: string;
  /** The provider's name, or its id when the provider is not configured (an imported journal, a deleted provider). */
  providerName: string;
  /** The model's display name on its provider, else the model id. */
  displayName: string;
}

/**
 * Names for a set of targets, keyed by `targetKey`. The label is the model's
 * display name; "display name · provider name" when the model id appears under
 * more than one provider in the set, or its display name is another target's on
 * another provider. Labels are unique within the set: where those still
 * collide (one provider giving two models the same display name), the model id
 * is added, and as a last resort the provider id.
 */
export function nameTargets(targets: Iterable<TargetRef>, providers: readonly NamingProvider[]): Map<string, TargetName> {
  const byId = new Map(providers.map((p) => [p.id, p]));
  const out = new Map<string, TargetName>();
  for (const t of targets) {
    const key = targetKey(t.providerId, t.model);
    if (out.has(key)) continue;
    const p = byId.get(t.providerId);
    const providerName = p?.name.trim() || t.providerId;
    const displayName = p?.models.find((m) => m.id === t.model)?.displayName?.trim() || t.model;
    const title = `${t.model} on ${providerName}${providerName !== t.providerId ? ` (provider ${t.providerId})` : ''}`;
    out.set(key, { key, providerId: t.providerId, model: t.model, label: displayName, title, providerName, displayName });
  }
  const names = [...out.values()];
  const providersOf = (pick: (n: TargetName) => string) => {
    const m = new Map<string, Set<string>>();
    for (const n of names) {
      const k = pick(n);
      if (!m.has(k)) m.set(k, new Set());
      m.get(k)!.add(n.providerId);
    }
    return m;
  };
  const byModel = providersOf((n) => n.model);
  const byDisplay = providersOf((n) => n.displayName);
  for (const n of names) {
    if (byModel.get(n.model)!.size > 1 || byDisplay.get(n.displayName)!.size > 1) n.label = `${n.displayName} · ${n.providerName}`;
  }
  const disambiguate = (suffix: (n: TargetName) => string) => {
    const count = new Map<string, number>();
    for (const n of names) count.set(n.label, (count.get(n.label) ?? 0) + 1);
    for (const n of names) if (count.get(n.label)! > 1) n.label += suffix(n);
  };
  disambiguate((n) => (n.displayName !== n.model ? ` (${n.model})` : ''));
  disambiguate((n) => ` [${n.providerId}]`);
  return out;
}

/** A label for a target outside any set (a run name, a fallback): its display name on its provider. */
export function nameTarget(t: TargetRef, providers: readonly NamingProvider[]): TargetName {
  return nameTargets([t], providers).values().next().value!;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A case's name: its label, else its variables (`name=value, …`, long values
 * cut), else "no variables". A case not in the journal (attempts imported
 * alone) shows its id without the `promptId:` prefix the engine and fixtures
 * give ids, and the engine's default case of a prompt without cases is "no case".
 */
export function caseName(c: Pick<Case, 'label' | 'vars'> | undefined | null, caseId: string, promptId?: string): string {
  if (c) {
    const label = c.label?.trim();
    if (label) return label;
    const vars = Object.entries(c.vars);
    return vars.length ? cut(vars.map(([k, v]) => `${k}=${cut(v.replace(/\s+/g, ' ').trim(), 40)}`).join(', '), 80) : 'no variables';
  }
  const local = promptId && caseId.startsWith(`${promptId}:`) ? caseId.slice(promptId.length + 1) : caseId;
  return promptId && local === 'default' ? 'no case' : local;
}
