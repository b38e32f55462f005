import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { getDb } from '../../db/db';
import { launchRun } from '../../runs/manager';
import { useUi } from '../../store/ui';
import { useRunsUi } from '../runs/RunsPage';
import { estimateCost, expandRun } from '../../../../shared/engine';
import { DEFAULT_RETRY_POLICY, FAILURE_CLASSES, type Case, type FailureClass, type Prompt, type RunTarget } from '../../../../shared/domain/schemas';
import { saveRecentConfig, type RunConfig } from './recent';
import { registerCommands } from '../../app/commands';

const targetKey = (t: RunTarget) => `${t.providerId}\u0000${t.model}`;

export function RunLauncher({ prompt, cases, onSaveFirst }: { prompt: Prompt; cases: Case[]; onSaveFirst(): Promise<void> }) {
  const versions = useLiveQuery(() => getDb().promptVersions.where('promptId').equals(prompt.id).reverse().sortBy('createdAt'), [prompt.id], null);
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], null);
  const setPage = useUi((s) => s.setPage);
  const toast = useUi((s) => s.toast);
  const openRun = useRunsUi((s) => s.open);
  const recent = useLiveQuery(async () => ((await getDb().meta.get(`recentRuns:${prompt.id}`))?.value as RunConfig[] | undefined) ?? [], [prompt.id], []);

  const [versionId, setVersionId] = useState<string | null>(null);
  const [caseIds, setCaseIds] = useState<Set<string> | null>(null);
  const [targets, setTargets] = useState<Set<string>>(new Set());
  const [repeats, setRepeats] = useState('5');
  const [concurrency, setConcurrency] = useState('4');
  const [firstTokenS, setFirstTokenS] = useState('60');
  const [totalS, setTotalS] = useState('300');
  const [retryClasses, setRetryClasses] = useState<Set<FailureClass>>(new Set(DEFAULT_RETRY_POLICY.classes));
  const [maxRetries, setMaxRetries] = useState(String(DEFAULT_RETRY_POLICY.maxRetries));
  const [launching, setLaunching] = useState(false);

  useEffect(() => {
    if (versions?.length && (!versionId || !versions.some((v) => v.id === versionId))) setVersionId(versions[0]!.id);
  }, [versions, versionId]);

  const chosenCases = caseIds ?? new Set(cases.map((c) => c.id));
  const allTargets = useMemo(() => (providers ?? []).flatMap((p) => p.models.map((m) => ({ provider: p, model: m }))), [providers]);
  const version = versions?.find((v) => v.id === versionId) ?? null;

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

  const launch = async (cfg: RunConfig) => {
    if (!version || !providers) return;
    setLaunching(true);
    try {
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
  const launchRef = { config, canLaunch, launch };
  useEffect(
    () =>
      registerCommands('run-launcher', () => [
        {
          id: 'run.launch',
          label: 'Launch run',
          group: 'Prompt',
          shortcut: 'Mod+Enter',
          run: () => {
            if (launchRef.canLaunch && launchRef.config) void launchRef.launch(launchRef.config);
          },
          enabled: () => launchRef.canLaunch,
        },
      ]),
  );

  if (versions === null || providers === null) return null;
  if (versions.length === 0) {
    return (
      <div className="launcher">
        <p>A run uses a saved version, so what ran is known exactly. Save the current draft first.</p>
        <button type="button" onClick={() => void onSaveFirst()}>
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
        if (config && errors.length === 0) void launch(config);
      }}
    >
      <div className="launch-grid">
        <fieldset>
          <legend>Version</legend>
          <select aria-label="Prompt version" value={versionId ?? ''} onChange={(e) => setVersionId(e.target.value)}>
            {versions.map((v, i) => (
              <option key={v.id} value={v.id}>
                {v.id.slice(3, 11)} — {new Date(v.createdAt).toLocaleString()}
                {i === 0 ? ' (latest)' : ''}
              </option>
            ))}
          </select>
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
        <button type="submit" disabled={!plan || launching} title="Ctrl/Cmd+Enter">
          {launching ? 'Starting…' : 'Launch run'}
        </button>
      </div>

      {recent.length > 0 && (
        <section aria-label="Recent run configurations" className="recent">
          <h2>Recent configurations</h2>
          <ul className="list">
            {recent.map((r, i) => (
              <li key={i} className="row">
                <span>
                  {r.targets.map((t) => t.model).join(', ')} · {r.caseIds.length || 1} case{(r.caseIds.length || 1) === 1 ? '' : 's'} · ×{r.repeats}
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
