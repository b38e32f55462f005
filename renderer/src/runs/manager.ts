/**
 * Runs in the app: the shared run engine, calling models through the bridge and
 * journaling into Dexie. Runs live in this module, not in a component, so
 * leaving the page keeps them going; the live store below is what views read.
 *
 * Streaming text arrives many times a second per attempt. Events are applied to
 * plain mutable records and published to the store at most once per animation
 * frame, so React renders once per frame, not once per token.
 */
import { ulid } from 'ulid';
import { create } from 'zustand';
import { api } from '../bridge';
import {
  callerFromStream,
  createRunEngine,
  type PlannedAttempt,
  type RunEvent,
  type RunHandle,
  type RunPlan,
  type RunProgress,
  type RunStatus,
} from '../../../shared/engine';
import type { Attempt, Run } from '../../../shared/domain/schemas';
import { getDb } from '../db/db';
import { owner, holdOwnerLock } from './owner';
import { dexieSink } from './sink';

export type LivePhase = 'queued' | 'sending' | 'streaming' | Exclude<Attempt['status'], 'pending'> | 'dropped';

export interface LiveAttempt {
  id: string;
  runId: string;
  promptVersion: string;
  caseId: string;
  repeatIndex: number;
  providerId: string;
  model: string;
  retryOf: string | null;
  phase: LivePhase;
  text: string;
  /** The journal record once it exists (pending, then finished). */
  attempt: Attempt | null;
}

export interface LiveRun {
  runId: string;
  run: Run;
  status: RunStatus;
  progress: RunProgress;
  /** Attempt ids in the order they were queued. */
  order: string[];
  attempts: Record<string, LiveAttempt>;
}

interface LiveState {
  runs: Record<string, LiveRun>;
}

export const useLiveRuns = create<LiveState>()(() => ({ runs: {} }));

const handles = new Map<string, RunHandle>();
const mutable = new Map<string, { run: LiveRun; attempts: Map<string, LiveAttempt>; dirty: Set<string>; runDirty: boolean }>();
let flushScheduled = false;

const raf: (fn: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (fn) => requestAnimationFrame(() => fn()) : (fn) => setTimeout(fn, 16);

function scheduleFlush() {
  if (flushScheduled) return;
  flushScheduled = true;
  raf(flush);
}

/** Publishes what changed since the last frame as new objects (old ones stay for memoised rows). */
function flush() {
  flushScheduled = false;
  const current = useLiveRuns.getState().runs;
  let next: Record<string, LiveRun> | null = null;
  for (const [runId, m] of mutable) {
    if (!m.runDirty && m.dirty.size === 0) continue;
    next ??= { ...current };
    const prev = current[runId];
    const attempts = prev && m.dirty.size === 0 ? prev.attempts : { ...(prev?.attempts ?? {}) };
    for (const id of m.dirty) attempts[id] = { ...m.attempts.get(id)! };
    next[runId] = { ...m.run, order: [...m.run.order], attempts };
    m.dirty.clear();
    m.runDirty = false;
  }
  if (next) useLiveRuns.setState({ runs: next });
}

function caller() {
  return callerFromStream((req, emit, signal) => {
    const handle = api.model.call(req, emit);
    if (signal.aborted) handle.cancel();
    else signal.addEventListener('abort', () => handle.cancel(), { once: true });
    return handle.done;
  });
}

const engine = createRunEngine({ caller: caller(), sink: dexieSink(), owner });

function liveFromPlanned(runId: string, id: string, planned: PlannedAttempt, retryOf: string | null): LiveAttempt {
  return {
    id,
    runId,
    promptVersion: planned.promptVersion,
    caseId: planned.caseId,
    repeatIndex: planned.repeatIndex,
    providerId: planned.provider.id,
    model: planned.model,
    retryOf,
    phase: 'queued',
    text: '',
    attempt: null,
  };
}

function onEvent(runId: string, e: RunEvent) {
  const m = mutable.get(runId);
  if (!m) return;
  switch (e.type) {
    case 'attempt:queued': {
      m.attempts.set(e.attemptId, liveFromPlanned(runId, e.attemptId, e.planned, e.retryOf));
      m.run.order.push(e.attemptId);
      m.dirty.add(e.attemptId);
      break;
    }
    case 'attempt:started': {
      const a = m.attempts.get(e.attempt.id);
      if (a) {
        a.phase = 'sending';
        a.attempt = e.attempt;
        m.dirty.add(a.id);
      }
      break;
    }
    case 'attempt:delta': {
      const a = m.attempts.get(e.attemptId);
      if (a) {
        a.phase = 'streaming';
        // The stored output is capped by the service; the live view caps too.
        if (a.text.length < 200_000) a.text += e.text;
        m.dirty.add(a.id);
      }
      break;
    }
    case 'attempt:finished': {
      const a = m.attempts.get(e.attempt.id);
      if (a) {
        a.attempt = e.attempt;
        a.phase = e.attempt.status === 'pending' ? 'sending' : e.attempt.status;
        a.text = e.attempt.output;
        m.dirty.add(a.id);
      }
      break;
    }
    case 'attempt:dropped': {
      const a = m.attempts.get(e.attemptId);
      if (a) {
        a.phase = 'dropped';
        m.dirty.add(a.id);
      }
      break;
    }
    case 'progress':
      m.run.progress = e.progress;
      m.runDirty = true;
      break;
    case 'run:status':
      m.run.status = e.status;
      m.runDirty = true;
      break;
    case 'provider:hold':
      break;
  }
  scheduleFlush();
}

export interface LaunchInput {
  run: Omit<Run, 'id' | 'status' | 'createdAt' | 'endedAt' | 'schema' | 'owner'> & { id?: string };
  plan: RunPlan;
}

/** Starts a run; returns its id. The run keeps going when its view unmounts. */
export async function launchRun(input: LaunchInput): Promise<string> {
  await holdOwnerLock();
  const db = getDb();
  if (input.plan.implicitCases.length) await db.cases.bulkPut(input.plan.implicitCases);
  const run: Run = {
    ...input.run,
    schema: 'tenth.run/1',
    id: input.run.id ?? ulid(),
    status: 'running',
    createdAt: Date.now(),
    endedAt: null,
    owner,
  };
  const progress: RunProgress = {
    done: 0,
    total: input.plan.attempts.length,
    ok: 0,
    failed: 0,
    cancelled: 0,
    inFlight: 0,
    failuresByClass: {},
    costUsd: 0,
    elapsedMs: 0,
    etaMs: null,
  };
  const live: LiveRun = { runId: run.id, run, status: 'running', progress, order: [], attempts: {} };
  mutable.set(run.id, { run: live, attempts: new Map(), dirty: new Set(), runDirty: true });
  const handle = engine.start(run, input.plan);
  handles.set(run.id, handle);
  handle.onEvent((e) => onEvent(run.id, e));
  scheduleFlush();
  handle.done
    .catch((error: unknown) => {
      const m = mutable.get(run.id);
      if (m) {
        m.run.status = 'failed';
        m.runDirty = true;
        scheduleFlush();
      }
      console.warn('Run stopped because the journal could not be written:', error);
    })
    .finally(() => handles.delete(run.id));
  return run.id;
}

export const runControls = {
  pause: (runId: string) => handles.get(runId)?.pause(),
  resume: (runId: string) => handles.get(runId)?.resume(),
  cancel: (runId: string) => handles.get(runId)?.cancel(),
  cancelAttempt: (runId: string, attemptId: string) => handles.get(runId)?.cancelAttempt(attemptId) ?? false,
  isActive: (runId: string) => handles.has(runId),
  activeIds: () => [...handles.keys()],
};
