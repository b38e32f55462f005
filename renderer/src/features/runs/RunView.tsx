import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { registerCommands } from '../../app/commands';
import { PageHeader } from '../../components/PageHeader';
import { getDb } from '../../db/db';
import { queryAttempts } from '../../db/journal';
import { cellKey, coverage, familyOf, interruptedToRerun, isJudgeFamily, isSettled, plannedCells, repeatOffset, type Coverage, type SentCell } from '../../runs/coverage';
import { launchRun, runControls, useLiveRuns, type LiveAttempt, type LivePhase } from '../../runs/manager';
import { cellOf, planInputs, resumeRun } from '../../runs/resume';
import { useUi } from '../../store/ui';
import { expandRun, type RunProgress } from '../../../../shared/engine';
import type { Attempt, Case, Provider, Run } from '../../../../shared/domain/schemas';
import { fmtUsd } from '../journal/format';
import { concurrencyText, progressFacts } from './facts';
import { statusTone, useRunsUi } from './RunsPage';

const fromRecord = (a: Attempt): LiveAttempt => ({
  id: a.id,
  runId: a.runId,
  promptVersion: a.promptVersion,
  caseId: a.caseId,
  repeatIndex: a.repeatIndex,
  providerId: a.providerId,
  model: a.model,
  retryOf: a.retryOf,
  phase: a.status === 'pending' ? 'sending' : a.status,
  text: a.output,
  attempt: a,
});

function progressOf(attempts: LiveAttempt[], run: Run): RunProgress {
  const p: RunProgress = { done: 0, total: attempts.length, ok: 0, failed: 0, cancelled: 0, inFlight: 0, failuresByClass: {}, costUsd: 0, elapsedMs: 0, etaMs: null };
  let last = run.createdAt;
  for (const a of attempts) {
    const r = a.attempt;
    if (!r || r.status === 'pending') continue;
    p.done++;
    if (r.status === 'ok') p.ok++;
    if (r.status === 'failed') {
      p.failed++;
      const c = r.failure?.class;
      if (c) p.failuresByClass[c] = (p.failuresByClass[c] ?? 0) + 1;
    }
    if (r.status === 'cancelled') p.cancelled++;
    p.costUsd += r.costUsd ?? 0;
    last = Math.max(last, r.endedAt ?? 0);
  }
  p.elapsedMs = (run.endedAt ?? last) - run.createdAt;
  return p;
}

const fmtMs = (ms: number | null | undefined) => (ms == null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

export function RunView({ runId }: { runId: string }) {
  const live = useLiveRuns((s) => s.runs[runId]);
  // All runs, for the family this run belongs to (runs/coverage.ts); a short list.
  const allRuns = useLiveQuery(() => getDb().runs.toArray(), [], null);
  const stored = useMemo(() => allRuns?.find((r) => r.id === runId), [allRuns, runId]);
  // Once the run is no longer live in this page, the journal is the source.
  const records = useLiveQuery(async () => (live ? null : await queryAttempts({ runIds: [runId] })), [runId, Boolean(live)], null);
  const cases = useLiveQuery(async () => {
    const run = stored ?? live?.run;
    if (!run) return new Map<string, Case>();
    const list = await getDb().cases.bulkGet(run.caseIds);
    return new Map(list.filter((c): c is Case => Boolean(c)).map((c) => [c.id, c]));
  }, [stored, live?.run], new Map<string, Case>());
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], []);
  const close = useRunsUi((s) => s.open);
  const toast = useUi((s) => s.toast);
  const active = runControls.isActive(runId);

  const run = live?.run ?? stored ?? null;
  const attempts = useMemo(() => (live ? live.order.map((id) => live.attempts[id]!).filter(Boolean) : (records ?? []).map(fromRecord)), [live, records]);
  const progress = live?.progress ?? (run ? progressOf(attempts, run) : null);
  const status = live?.status ?? run?.status ?? 'done';

  const family = useMemo(() => (allRuns ? familyOf(runId, allRuns) : null), [allRuns, runId]);
  const memberIds = family?.members.map((r) => r.id) ?? [];
  const memberStatuses = useLiveRuns(useShallow((s) => memberIds.map((id) => s.runs[id]?.status ?? null)));
  // Until every run of the plan has stopped, attempts still queued somewhere have no record and would look unsent.
  const settled = family !== null && family.members.every((r, i) => !runControls.isActive(r.id) && isSettled(memberStatuses[i] ?? r.status));
  const otherIds = memberIds.filter((id) => id !== runId);
  const inputs = useLiveQuery(async () => (family && settled ? await planInputs(family.root) : null), [family?.root.id, settled], null);
  const others = useLiveQuery(
    async () => {
      if (!settled) return null;
      const list = otherIds.length ? await queryAttempts({ runIds: otherIds }) : [];
      return { sent: list.map((a): SentCell => ({ ...cellOf(a), runId: a.runId })), judge: list.some((a) => a.judgeOf) };
    },
    [settled, otherIds.join(',')],
    null,
  );

  const columns = useMemo(() => {
    const by = new Map<string, LiveAttempt[]>();
    for (const a of attempts) {
      const key = `${a.providerId}\u0000${a.model}`;
      if (!by.has(key)) by.set(key, []);
      by.get(key)!.push(a);
    }
    return [...by.entries()].map(([key, list]) => ({ key, providerId: list[0]!.providerId, model: list[0]!.model, list }));
  }, [attempts]);

  // A judge run is re-run through its judge panel, not by re-planning its prompt.
  const isJudgeRun = attempts.some((a) => a.attempt?.judgeOf) || Boolean(others?.judge) || (family ? isJudgeFamily(family, []) : false);

  /** The plan of this run's family against what its runs sent; null while any of them is going. */
  const plan: Coverage | null = useMemo(() => {
    if (!family || !settled || !inputs || !others || isJudgeRun) return null;
    const own = attempts.filter((a) => a.phase !== 'dropped').map((a): SentCell => ({ ...cellOf(a), runId }));
    const sent = [...own, ...others.sent];
    return coverage(plannedCells(family.root, inputs.versions, inputs.cases, repeatOffset(sent)), sent, runId);
  }, [family, settled, inputs, others, isJudgeRun, attempts, runId]);
  const isRoot = family?.root.id === runId;
  const notSent = plan?.notSent.length ?? 0;

  const allInterrupted = useMemo(() => (isJudgeRun ? [] : attempts.filter((a) => a.phase === 'interrupted')), [isJudgeRun, attempts]);
  // Interrupted attempts a later run of the family already sent again are not offered twice.
  const createdAt = run?.createdAt ?? 0;
  const interrupted = useMemo(() => {
    if (!family || !others) return allInterrupted;
    const later = new Set(family.members.filter((r) => r.createdAt > createdAt).map((r) => r.id));
    return interruptedToRerun(allInterrupted, others.sent.filter((c) => later.has(c.runId)));
  }, [family, others, allInterrupted, createdAt]);
  const canRerun = settled && interrupted.length > 0;
  const canResume = settled && notSent > 0;

  const rerunInterrupted = async () => {
    if (!run) return;
    const db = getDb();
    const versions = (await db.promptVersions.bulkGet(run.promptVersionIds)).filter((v) => v !== undefined);
    const allCases = (await db.cases.bulkGet(run.caseIds)).filter((c) => c !== undefined);
    const plan = expandRun(run, versions, allCases, providers);
    // Numbered as the family's plan is (a settle run's repeats start after the journal's).
    const offset = repeatOffset([...attempts, ...(others?.sent ?? [])]);
    const want = new Set(interrupted.map(cellKey));
    const attemptsToRun = plan.attempts.map((p) => ({ ...p, repeatIndex: p.repeatIndex + offset })).filter((p) => want.has(cellKey({ ...p, providerId: p.provider.id })));
    if (attemptsToRun.length === 0) {
      toast('Those attempts can no longer be planned (a provider or version is gone).', 'error');
      return;
    }
    const { id: _id, status: _s, createdAt: _c, endedAt: _e, schema: _sc, owner: _o, ...config } = run;
    const newId = await launchRun({ run: { ...config, name: `${run.name ?? 'Run'} (re-run of interrupted)`, rerunOf: run.id }, plan: { ...plan, attempts: attemptsToRun } });
    useRunsUi.getState().open(newId);
  };

  // One resume at a time: a second click before the first run is journaled would plan the same attempts again.
  const [resuming, setResuming] = useState(false);
  const resume = async () => {
    if (resuming) return;
    setResuming(true);
    try {
      const r = await resumeRun(runId);
      if (!r.ok) toast(r.message, 'error');
      else {
        if (r.attempts < r.notSent) toast(`${r.notSent - r.attempts} of the attempts not sent can no longer be planned (a provider or version is gone).`, 'error');
        useRunsUi.getState().open(r.runId);
      }
    } catch (e) {
      toast(`The run did not resume: ${(e as Error).message}`, 'error');
    } finally {
      setResuming(false);
    }
  };

  useEffect(
    () =>
      registerCommands('run-view', () => [
        { id: 'run.back', label: 'Back to all runs', group: 'Run', run: () => close(null) },
        { id: 'run.pause', label: 'Pause run', group: 'Run', run: () => runControls.pause(runId), enabled: () => runControls.isActive(runId) && status === 'running' },
        { id: 'run.resume', label: 'Resume run', group: 'Run', run: () => runControls.resume(runId), enabled: () => runControls.isActive(runId) && status === 'paused' },
        { id: 'run.cancel', label: 'Cancel run', group: 'Run', run: () => runControls.cancel(runId), enabled: () => runControls.isActive(runId) },
        { id: 'run.rerun', label: 'Re-run interrupted attempts', group: 'Run', run: rerunInterrupted, enabled: () => canRerun },
        { id: 'run.resume-unsent', label: 'Resume: send the planned attempts not sent', group: 'Run', run: resume, enabled: () => canResume },
      ]),
    [runId, status, interrupted.length, canRerun, canResume, others, resuming],
  );

  if (!run || !progress) return <PageHeader title="Run" subtitle="Loading…" />;
  const facts = progressFacts({
    status,
    progress,
    interrupted: allInterrupted.length,
    retries: attempts.filter((a) => a.retryOf).length,
    plan: isRoot && plan ? { planned: plan.planned, notSent, sentElsewhere: plan.sentElsewhere } : null,
  });
  const pct = facts.total ? Math.round((facts.done / facts.total) * 100) : 0;
  const concurrency = concurrencyText(run, providers);
  const root = family && !isRoot ? family.root : null;

  return (
    <div className="run-view">
      <PageHeader
        title={run.name ?? 'Run'}
        subtitle={
          <>
            <span className={`chip ${statusTone(status)}`} aria-label={`Run status: ${status}`}>
              {status}
            </span>{' '}
            started {new Date(run.createdAt).toLocaleString()} · {run.repeats} repeat{run.repeats === 1 ? '' : 's'} · <span title={concurrency.title}>{concurrency.text}</span>
          </>
        }
        actions={
          <>
            <button type="button" className="secondary" onClick={() => close(null)}>
              All runs
            </button>
            {active && status === 'running' && (
              <button type="button" className="secondary" onClick={() => runControls.pause(runId)}>
                Pause
              </button>
            )}
            {active && status === 'paused' && (
              <button type="button" onClick={() => runControls.resume(runId)}>
                Resume
              </button>
            )}
            {active && (status === 'running' || status === 'paused') && (
              <button type="button" className="danger" onClick={() => runControls.cancel(runId)}>
                Cancel run
              </button>
            )}
            {canRerun && (
              <button type="button" onClick={() => void rerunInterrupted()}>
                Re-run {interrupted.length} interrupted
              </button>
            )}
            {canResume && (
              <button type="button" disabled={resuming} onClick={() => void resume()} title="Send the planned attempts this run never sent — same versions, cases, models and repeat numbers — as a run that continues it.">
                Resume: {notSent} not sent
              </button>
            )}
          </>
        }
      />
      <section className="run-progress" aria-label="Progress">
        <div className="progress" role="progressbar" aria-label="Attempts finished" aria-valuemin={0} aria-valuemax={facts.total} aria-valuenow={facts.done} aria-valuetext={`${facts.done} of ${facts.total}`}>
          <div className="progress-bar" style={{ width: `${pct}%` }} />
        </div>
        <div className="progress-facts">
          <span>
            <strong>{facts.headline.value}</strong> {facts.headline.label}
          </span>
          {facts.facts.map((f) => (
            <span key={f}>{f}</span>
          ))}
        </div>
        {root && (
          <p className="muted">
            Continues{' '}
            <button type="button" className="link" onClick={() => useRunsUi.getState().open(root.id)} aria-label={`Open run ${root.name ?? root.id}`}>
              {root.name ?? root.id.slice(-8)}
            </button>
            {plan && notSent > 0 && ` · ${notSent} of its ${plan.planned} planned attempts not sent`}
          </p>
        )}
        {Object.keys(progress.failuresByClass).length > 0 && (
          <ul className="failure-chips" aria-label="Failures by class">
            {Object.entries(progress.failuresByClass).map(([cls, n]) => (
              <li key={cls} className="chip bad">
                {cls} × {n}
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="columns" style={{ gridTemplateColumns: `repeat(${Math.max(1, columns.length)}, minmax(280px, 1fr))` }}>
        {columns.map((c) => (
          <AttemptColumn key={c.key} {...columnTitle(providers, c.providerId, c.model)} attempts={c.list} cases={cases} runId={runId} active={active} />
        ))}
      </div>
    </div>
  );
}

function AttemptColumn(props: { title: string; subtitle: string; label: string; attempts: LiveAttempt[]; cases: Map<string, Case>; runId: string; active: boolean }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: props.attempts.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 150,
    overscan: 6,
    getItemKey: (i) => props.attempts[i]!.id,
  });
  return (
    <section className="attempt-column" aria-label={`Attempts of ${props.label}`}>
      <header>
        <strong title={props.label}>{props.title}</strong> <span className="muted">{props.subtitle}</span> <span className="muted">· {props.attempts.length}</span>
      </header>
      <div ref={scroller} className="column-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const a = props.attempts[v.index]!;
            return (
              <div key={v.key} data-index={v.index} ref={virtualizer.measureElement} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}>
                <AttemptCard attempt={a} caseLabel={caseLabel(props.cases, a.caseId)} runId={props.runId} active={props.active} />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

/** A column is named by the model's display name where the provider gives one. */
function columnTitle(providers: Provider[], providerId: string, model: string): { title: string; subtitle: string; label: string } {
  const provider = providers.find((p) => p.id === providerId);
  const display = provider?.models.find((m) => m.id === model)?.displayName;
  return { title: display ?? model, subtitle: provider?.name ?? providerId, label: model };
}

function caseLabel(cases: Map<string, Case>, id: string): string {
  const c = cases.get(id);
  if (!c) return id.endsWith(':default') ? 'no case' : 'case';
  return c.label ?? Object.values(c.vars).join(' · ').slice(0, 40) ?? 'case';
}

const PHASE_LABEL: Partial<Record<LivePhase, string>> = { queued: 'queued', sending: 'waiting', streaming: 'streaming', ok: 'ok', cancelled: 'cancelled', interrupted: 'interrupted', dropped: 'not sent' };

const AttemptCard = memo(function AttemptCard({ attempt: a, caseLabel, runId, active }: { attempt: LiveAttempt; caseLabel: string; runId: string; active: boolean }) {
  const r = a.attempt;
  const failure = r?.status === 'failed' ? r.failure : null;
  const chip = failure ? failure.class : (PHASE_LABEL[a.phase] ?? a.phase);
  const [open, setOpen] = useState(false);
  const text = a.text.length > 4000 && !open ? `${a.text.slice(0, 4000)}…` : a.text;
  const cancellable = active && (a.phase === 'queued' || a.phase === 'sending' || a.phase === 'streaming');
  return (
    <article className={`attempt-card phase-${a.phase}`} aria-label={`Attempt ${caseLabel} #${a.repeatIndex + 1}: ${chip}`}>
      <div className="card-head">
        <span className="muted">
          {caseLabel} · #{a.repeatIndex + 1}
          {a.retryOf && ' · retry'}
        </span>
        <span className={`chip ${failure ? 'bad' : statusTone(a.phase)}`}>{chip}</span>
      </div>
      {failure && <p className="failure-msg">{failure.message}</p>}
      {text && (
        <pre className="attempt-text" onClick={() => setOpen(!open)}>
          {text}
        </pre>
      )}
      {r && r.status !== 'pending' && (
        <dl className="metrics">
          <dt>TTFT</dt>
          <dd>{fmtMs(r.ttftMs)}</dd>
          <dt>latency</dt>
          <dd>{fmtMs(r.latencyMs)}</dd>
          <dt>tok/s</dt>
          <dd>{r.tokensPerSec == null ? '—' : r.tokensPerSec.toFixed(1)}</dd>
          <dt>tokens</dt>
          <dd>{r.usage ? `${r.usage.inputTokens ?? '?'}→${r.usage.outputTokens ?? '?'}` : '—'}</dd>
          <dt>cost</dt>
          <dd>{fmtUsd(r.costUsd)}</dd>
        </dl>
      )}
      {cancellable && (
        <button type="button" className="ghost small" aria-label={`Cancel attempt ${caseLabel} #${a.repeatIndex + 1}`} onClick={() => runControls.cancelAttempt(runId, a.id)}>
          Cancel
        </button>
      )}
    </article>
  );
});
