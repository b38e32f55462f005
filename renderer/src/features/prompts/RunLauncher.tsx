import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useMemo, useState } from 'react';
import { getDb } from '../../db/db';
import { launchRun } from '../../runs/manager';
import { useUi } from '../../store/ui';
import { useRunsUi } from '../runs/RunsPage';
import { estimateCost, expandRun } from '../../../../shared/engine';
import {
  DEFAULT_RETRY_POLICY,
  FAILURE_CLASSES,
  PROMPT_VERSION_SCHEMA,
  type Case,
  type FailureClass,
  type Prompt,
  type PromptVersion,
  type RunTarget,
} from '../../../../shared/domain/schemas';
import { saveRecentConfig, type RunConfig } from './recent';
import { registerCommands } from '../../app/commands';
import type { DraftContent, DraftVersion } from './draftVersion';

const targetKey = (t: RunTarget) => `${t.providerId}\u0000${t.model}`;
const short = (versionId: string) => versionId.replace(/^pv_/, '').slice(0, 8);
/** The Version choice that stands for the draft in the editor, saved as a version on launch. */
const DRAFT = 'draft';

export interface RunLauncherProps {
  prompt: Prompt;
  cases: Case[];
  /** What the editor holds now. */
  draft: DraftContent;
  draftVersion: DraftVersion;
  /** Saves the draft as a version (saying why not, and answering null, when it can't be). */
  onSaveDraft(): Promise<PromptVersion | null>;
}

/**
 * The Run tab. A run uses saved versions only, so what ran is known exactly.
 * When the editor holds text no version has, that draft is what the launcher
 * offers first — saved as a new version as the run starts — and choosing an
 * older version instead is said in so many words: a run never quietly uses
 * other text than the one on screen.
 */
export function RunLauncher({ prompt, cases, draft, draftVersion, onSaveDraft }: RunLauncherProps) {
  const versions = useLiveQuery(() => getDb().promptVersions.where('promptId').equals(prompt.id).reverse().sortBy('createdAt'), [prompt.id], null);
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], null);
  const setPage = useUi((s) => s.setPage);
  const toast = useUi((s) => s.toast);
  const openRun = useRunsUi((s) => s.open);
  const recent = useLiveQuery(async () => ((await getDb().meta.get(`recentRuns:${prompt.id}`))?.value as RunConfig[] | undefined) ?? [], [prompt.id], []);

  const [choice, setChoice] = useState<string | null>(null);
  const noteId = useId();
  const [caseIds, setCaseIds] = useState<Set<string> | null>(null);
  const [targets, setTargets] = useState<Set<string>>(new Set());
  const [repeats, setRepeats] = useState('5');
  const [concurrency, setConcurrency] = useState('4');
  const [firstTokenS, setFirstTokenS] = useState('60');
  const [totalS, setTotalS] = useState('300');
  const [retryClasses, setRetryClasses] = useState<Set<FailureClass>>(new Set(DEFAULT_RETRY_POLICY.classes));
  const [maxRetries, setMaxRetries] = useState(String(DEFAULT_RETRY_POLICY.maxRetries));
  const [launching, setLaunching] = useState(false);

  // The draft is offered while no version holds it; otherwise the version that
  // does is chosen first. A choice the user made stands while it exists.
  const draftOpen = draftVersion.status === 'unsaved' || draftVersion.status === 'invalid';
  const draftId = draftVersion.status === 'unsaved' ? draftVersion.versionId : null;
  const chosen = choice === DRAFT ? (draftOpen ? DRAFT : null) : choice && versions?.some((v) => v.id === choice) ? choice : null;
  const selected = chosen ?? (draftOpen ? DRAFT : draftVersion.status === 'saved' ? draftVersion.versionId : null);
  const runsDraft = selected === DRAFT;
  // The draft as the version it will become, for the plan and the estimate; its
  // id is the one saving will give it (the content hash).
  const draftAsVersion = useMemo<PromptVersion | null>(
    () => (draftId ? { schema: PROMPT_VERSION_SCHEMA, id: draftId, promptId: prompt.id, system: draft.system, messages: draft.messages, params: draft.params, createdAt: Date.now() } : null),
    [draftId, prompt.id, draft],
  );

  const chosenCases = caseIds ?? new Set(cases.map((c) => c.id));
  const allTargets = useMemo(() => (providers ?? []).flatMap((p) => p.models.map((m) => ({ provider: p, model: m }))), [providers]);
  const version = runsDraft ? draftAsVersion : (versions?.find((v) => v.id === selected) ?? null);

  const config: RunConfig | null = version
    ? {
        promptVersionIds: [version.id],
        caseIds: cases.filter((c) => chosenCases.has(c.id)).map((c) => c.id),
        targets: allTargets.filter((t) => targets.has(targetKey({ providerId: t.provider.id, model: t.model.id }))).map((t) => ({ providerId: t.provider.id, model: t.model.id })),
        repeats: Number(repeats),
        concurrency: Number(concurrency),
        firstTokenTimeoutMs: Math.round(Number(firstTokenS) * 1000),
        totalTimeoutMs: Math.round(Number(totalS) * 1000),
        retry: { classes: [...retryClasses], maxRetries: Number(maxRetries), baseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs },
      }
    : null;

  const errors: string[] = [];
  if (config) {
    if (!Number.isInteger(config.repeats) || config.repeats < 1 || config.repeats > 1000) errors.push('Repeats is a whole number from 1 to 1000.');
    if (!Number.isInteger(config.concurrency) || config.concurrency < 1 || config.concurrency > 64) errors.push('Concurrency is a whole number from 1 to 64.');
    if (!(config.firstTokenTimeoutMs > 0) || !(config.totalTimeoutMs >= config.firstTokenTimeoutMs)) errors.push('Timeouts must be positive, and the total at least the first-token timeout.');
    if (!Number.isInteger(config.retry.maxRetries) || config.retry.maxRetries < 0 || config.retry.maxRetries > 10) errors.push('Retries is a whole number from 0 to 10.');
    if (config.targets.length === 0) errors.push('Choose at least one model.');
    if (cases.length > 0 && config.caseIds.length === 0) errors.push('Choose at least one case.');
  }

  const plan = useMemo(
    () => (config && version && providers && errors.length === 0 ? expandRun(config, [version], cases, providers) : null),
    [JSON.stringify(config), version, providers, cases, errors.length],
  );
  const estimate = useMemo(() => (plan ? estimateCost(plan.attempts) : null), [plan]);

  const launch = async (planned: RunConfig, saveDraftFirst = false) => {
    if (!providers) return;
    setLaunching(true);
    try {
      let cfg = planned;
      if (saveDraftFirst) {
        const saved = await onSaveDraft();
        if (!saved) return;
        cfg = { ...cfg, promptVersionIds: [saved.id] };
      }
      const versionsNeeded = await getDb().promptVersions.bulkGet(cfg.promptVersionIds);
      const fresh = expandRun(cfg, versionsNeeded.filter((v) => v !== undefined), cases, providers);
      if (fresh.attempts.length === 0) {
        toast(fresh.problems[0]?.message ?? 'Nothing to run.', 'error');
        return;
      }
      const runId = await launchRun({ run: { ...cfg, name: prompt.name }, plan: fresh });
      await saveRecentConfig(prompt.id, cfg);
      openRun(runId);
      setPage('runs');
    } catch (e) {
      toast(`The run did not start: ${(e as Error).message}`, 'error');
    } finally {
      setLaunching(false);
    }
  };

  const canLaunch = Boolean(plan) && !launching;
  const submit = () => {
    if (config && errors.length === 0) void launch(config, runsDraft);
  };
  const launchRef = { canLaunch, submit };
  useEffect(
    () =>
      registerCommands('run-launcher', () => [
        {
          id: 'run.launch',
          label: 'Launch run',
          group: 'Prompt',
          shortcut: 'Mod+Enter',
          run: () => {
            if (launchRef.canLaunch) launchRef.submit();
          },
          enabled: () => launchRef.canLaunch,
        },
      ]),
  );

  if (versions === null || providers === null) return null;
  if (versions.length === 0 && draftVersion.status !== 'unsaved') {
    return (
      <div className="launcher">
        <p>A run uses a saved version, so what ran is known exactly. Save the current draft first.</p>
        <button type="button" onClick={() => void onSaveDraft()}>
          Save version
        </button>
      </div>
    );
  }
  if (allTargets.length === 0) {
    return (
      <div className="launcher">
        <p>No models to run against yet. Add a provider and its models first.</p>
        <button type="button" onClick={() => setPage('providers')}>
          Go to Providers
        </button>
      </div>
    );
  }

  return (
    <form
      className="launcher"
      aria-label="Launch a run"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="launch-grid">
        <fieldset>
          <legend>Version</legend>
          <select aria-label="Prompt version" value={selected ?? ''} onChange={(e) => setChoice(e.target.value)}>
            {selected === null && <option value="">Checking the draft…</option>}
            {draftOpen && <option value={DRAFT}>Draft in the editor (unsaved)</option>}
            {versions.map((v, i) => (
              <option key={v.id} value={v.id}>
                {short(v.id)} — {new Date(v.createdAt).toLocaleString()}
                {i === 0 ? ' (latest)' : ''}
                {draftVersion.status === 'saved' && draftVersion.versionId === v.id ? ' — the draft' : ''}
              </option>
            ))}
          </select>
          {runsDraft && draftVersion.status === 'unsaved' && (
            <p className="warning" id={noteId}>
              The draft in the editor has changes no saved version holds. Launching saves it as a new version ({short(draftVersion.versionId)}), then runs it.
            </p>
          )}
          {runsDraft && draftVersion.status === 'invalid' && (
            <p className="warning" id={noteId}>
              The draft can't be run: {draftVersion.reason} Or choose a saved version.
            </p>
          )}
          {!runsDraft && draftOpen && selected && (
            <p className="warning" id={noteId}>
              This runs saved version {short(selected)}, not the draft in the editor, which has unsaved changes.
            </p>
          )}
        </fieldset>

        <fieldset>
          <legend>Models</legend>
          <ul className="check-list">
            {allTargets.map(({ provider, model }) => {
              const key = targetKey({ providerId: provider.id, model: model.id });
              return (
                <li key={key}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={targets.has(key)}
                      onChange={(e) => {
                        const next = new Set(targets);
                        if (e.target.checked) next.add(key);
                        else next.delete(key);
                        setTargets(next);
                      }}
                    />
                    {model.displayName ?? model.id} <span className="muted">· {provider.name}</span>
                    {!model.price && <span className="chip warn">no price</span>}
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>

        <fieldset>
          <legend>Cases</legend>
          {cases.length === 0 ? (
            <p className="muted">No cases: the prompt runs as written.</p>
          ) : (
            <ul className="check-list">
              {cases.map((c, i) => (
                <li key={c.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={chosenCases.has(c.id)}
                      onChange={(e) => {
                        const next = new Set(chosenCases);
                        if (e.target.checked) next.add(c.id);
                        else next.delete(c.id);
                        setCaseIds(next);
                      }}
                    />
                    {c.label ?? `Case ${i + 1}`}{' '}
                    <span className="muted">
                      {Object.entries(c.vars)
                        .map(([k, v]) => `${k}=${v.length > 24 ? `${v.slice(0, 24)}…` : v}`)
                        .join(', ')}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>

        <fieldset className="launch-numbers">
          <legend>Settings</legend>
          <label>
            Repeats <input type="number" min={1} max={1000} value={repeats} onChange={(e) => setRepeats(e.target.value)} />
          </label>
          <label>
            Concurrency <input type="number" min={1} max={64} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
          </label>
          <label>
            First-token timeout (s) <input type="number" min={1} value={firstTokenS} onChange={(e) => setFirstTokenS(e.target.value)} />
          </label>
          <label>
            Total timeout (s) <input type="number" min={1} value={totalS} onChange={(e) => setTotalS(e.target.value)} />
          </label>
          <label>
            Retries <input type="number" min={0} max={10} value={maxRetries} onChange={(e) => setMaxRetries(e.target.value)} />
          </label>
          <details>
            <summary>Retry on…</summary>
            <ul className="check-list">
              {FAILURE_CLASSES.map((c) => (
                <li key={c}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={retryClasses.has(c)}
                      onChange={(e) => {
                        const next = new Set(retryClasses);
                        if (e.target.checked) next.add(c);
                        else next.delete(c);
                        setRetryClasses(next);
                      }}
                    />
                    {c}
                  </label>
                </li>
              ))}
            </ul>
          </details>
        </fieldset>
      </div>

      <div className="launch-summary" role="status" aria-label="Run summary">
        {plan ? (
          <>
            <strong>{plan.attempts.length.toLocaleString()} attempts</strong>
            {estimate && (
              <span>
                {' '}
                · estimated cost ≤ ${estimate.usd.toFixed(estimate.usd < 1 ? 4 : 2)}
                {estimate.missingPrices.length > 0 &&
                  ` (no price for ${estimate.missingPrices.map((m) => m.model).join(', ')}: their ${estimate.missingPrices.reduce((n, m) => n + m.attempts, 0)} attempts are not counted)`}
              </span>
            )}
            {plan.problems.length > 0 && <div className="warning">{plan.problems.slice(0, 3).map((p) => p.message).join(' ')}</div>}
          </>
        ) : (
          <span className="muted">{errors[0] ?? 'Choose a version and models.'}</span>
        )}
      </div>
      <div className="page-actions">
        <button type="submit" disabled={!plan || launching} title="Ctrl/Cmd+Enter" aria-describedby={draftOpen ? noteId : undefined}>
          {launching ? 'Starting…' : runsDraft ? 'Save as a new version and run' : 'Launch run'}
        </button>
      </div>

      {recent.length > 0 && (
        <section aria-label="Recent run configurations" className="recent">
          <h2>Recent configurations</h2>
          <ul className="list">
            {recent.map((r, i) => (
              <li key={i} className="row">
                <span>
                  {r.targets.map((t) => t.model).join(', ')} · {r.caseIds.length || 1} case{(r.caseIds.length || 1) === 1 ? '' : 's'} · ×{r.repeats} · version{' '}
                  {r.promptVersionIds.map(short).join(', ')}
                </span>
                <button type="button" className="secondary" aria-label={`Re-launch configuration ${i + 1}`} disabled={launching} onClick={() => void launch(r)}>
                  Re-launch
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </form>
  );
}
