/**
 * Expanding a run into its planned attempts: prompt versions × cases × targets
 * × repeats, each with its rendered text, provider and price in force.
 */
import type { Case, Message, Model, Params, Price, Provider, PromptVersion, Run } from '../domain/schemas';
import { renderTemplate } from './template';

/** One attempt the run intends to make (before it has an id or a journal record). */
export interface PlannedAttempt {
  /** Position in the plan; stable for a given input. */
  index: number;
  promptId: string;
  promptVersion: string;
  caseId: string;
  repeatIndex: number;
  provider: Provider;
  model: string;
  /** The price in force, copied into the attempt (null when the model has none). */
  price: Price | null;
  system: string;
  messages: Message[];
  params: Params;
}

export interface PlanProblem {
  /** `unknown_variable`: `{{name}}` with no value in the case; left in the text as written. */
  kind: 'unknown_variable' | 'missing_version' | 'missing_case' | 'missing_provider' | 'unknown_model';
  message: string;
  promptVersion?: string;
  caseId?: string;
  providerId?: string;
  model?: string;
  variable?: string;
}

export interface RunPlan {
  attempts: PlannedAttempt[];
  /** Cases made up for prompt versions the run gives no case for (one empty case each). */
  implicitCases: Case[];
  problems: PlanProblem[];
}

/** The id of the empty case used when a run names no case for a prompt. */
export function implicitCaseId(promptId: string): string {
  return `${promptId}:default`;
}

/**
 * Expands a run. Cases belong to prompts: a version runs on the run's cases
 * whose `promptId` matches it; if the run lists none for that prompt, it runs
 * once per repeat on one empty case (`implicitCaseId`), returned in
 * `implicitCases` so the caller can journal it.
 *
 * Order: repeat is the outermost loop, then version, case and target. A run
 * stopped half way has then covered every cell about evenly, instead of having
 * finished all repeats of the first cell and none of the last.
 *
 * A target whose model is not listed on its provider still runs (providers
 * often serve models nobody typed in) but without a price, and is reported.
 */
export function expandRun(
  run: Pick<Run, 'promptVersionIds' | 'caseIds' | 'targets' | 'repeats'>,
  versions: readonly PromptVersion[],
  cases: readonly Case[],
  providers: readonly Provider[],
): RunPlan {
  const problems: PlanProblem[] = [];
  const implicitCases: Case[] = [];

  const versionById = new Map(versions.map((v) => [v.id, v]));
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const providerById = new Map(providers.map((p) => [p.id, p]));

  const chosenVersions: PromptVersion[] = [];
  for (const id of run.promptVersionIds) {
    const v = versionById.get(id);
    if (v) chosenVersions.push(v);
    else problems.push({ kind: 'missing_version', message: `Prompt version ${id} is not available.`, promptVersion: id });
  }
  const chosenCases: Case[] = [];
  for (const id of run.caseIds) {
    const c = caseById.get(id);
    if (c) chosenCases.push(c);
    else problems.push({ kind: 'missing_case', message: `Case ${id} is not available.`, caseId: id });
  }

  interface Target {
    provider: Provider;
    model: string;
    price: Price | null;
  }
  const targets: Target[] = [];
  for (const t of run.targets) {
    const provider = providerById.get(t.providerId);
    if (!provider) {
      problems.push({ kind: 'missing_provider', message: `Provider ${t.providerId} is not configured.`, providerId: t.providerId });
      continue;
    }
    const model: Model | undefined = provider.models.find((m) => m.id === t.model);
    if (!model) {
      problems.push({
        kind: 'unknown_model',
        message: `Model ${t.model} is not listed on provider ${provider.name}; it runs without a price.`,
        providerId: provider.id,
        model: t.model,
      });
    }
    targets.push({ provider, model: t.model, price: model?.price ?? null });
  }

  // Render each (version, case) once; repeats and targets share the text.
  interface Cell {
    version: PromptVersion;
    caseId: string;
    system: string;
    messages: Message[];
  }
  const cells: Cell[] = [];
  for (const version of chosenVersions) {
    let own = chosenCases.filter((c) => c.promptId === version.promptId);
    if (own.length === 0) {
      const id = implicitCaseId(version.promptId);
      let implicit = implicitCases.find((c) => c.id === id);
      if (!implicit) {
        implicit = { schema: 'tenth.case/1', id, promptId: version.promptId, label: null, vars: {}, order: 0 };
        implicitCases.push(implicit);
      }
      own = [implicit];
    }
    for (const c of own) {
      const unknown: string[] = [];
      const render = (text: string): string => {
        const r = renderTemplate(text, c.vars);
        for (const name of r.unknown) if (!unknown.includes(name)) unknown.push(name);
        return r.text;
      };
      const system = render(version.system);
      const messages = version.messages.map((m) => ({ role: m.role, content: render(m.content) }));
      for (const variable of unknown) {
        problems.push({
          kind: 'unknown_variable',
          message: `{{${variable}}} has no value in case ${c.label ?? c.id}; it is sent as written.`,
          promptVersion: version.id,
          caseId: c.id,
          variable,
        });
      }
      cells.push({ version, caseId: c.id, system, messages });
    }
  }

  const attempts: PlannedAttempt[] = [];
  for (let repeatIndex = 0; repeatIndex < run.repeats; repeatIndex++) {
    for (const cell of cells) {
      for (const target of targets) {
        attempts.push({
          index: attempts.length,
          promptId: cell.version.promptId,
          promptVersion: cell.version.id,
          caseId: cell.caseId,
          repeatIndex,
          provider: target.provider,
          model: target.model,
          price: target.price,
          system: cell.system,
          messages: cell.messages,
          params: cell.version.params,
        });
      }
    }
  }
  return { attempts, implicitCases, problems };
}
