/**
 * The journal's filters and sort, and the light projection of an attempt they
 * read. Pure, so the worker and the unit tests share it.
 */
import type { Attempt, AttemptStatus, FailureClass } from '../../../../shared/domain/schemas';
import { verdictOf, type Verdict, type VerdictKind } from '../../../../shared/stats/verdict';

export interface JournalFilter {
  promptId?: string;
  promptVersion?: string;
  model?: string;
  providerId?: string;
  runId?: string;
  status?: AttemptStatus;
  failureClass?: FailureClass;
  verdict?: VerdictKind;
  tag?: string;
  /** queuedAt bounds, epoch ms, inclusive. */
  from?: number;
  to?: number;
  /** Judge calls: shown with the rest by default (every attempt counts). */
  judge?: 'only' | 'hide';
  /** Full-text search over outputs and notes. */
  text?: string;
}

export const SORT_KEYS = ['time', 'latency', 'ttft', 'tps', 'tokens', 'cost', 'model', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface JournalSort {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export const DEFAULT_SORT: JournalSort = { key: 'time', dir: 'desc' };

/** What the worker keeps of each attempt: enough to filter and sort, never outputs. */
export interface Projection {
  id: string;
  queuedAt: number;
  promptId: string;
  promptVersion: string;
  model: string;
  providerId: string;
  runId: string;
  status: AttemptStatus;
  failureClass: FailureClass | null;
  verdict: VerdictKind;
  tags: string[];
  judge: boolean;
  latencyMs: number | null;
  ttftMs: number | null;
  tokensPerSec: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

export function project(a: Attempt): Projection {
  return {
    id: a.id,
    queuedAt: a.queuedAt,
    promptId: a.promptId,
    promptVersion: a.promptVersion,
    model: a.model,
    providerId: a.providerId,
    runId: a.runId,
    status: a.status,
    failureClass: a.failure?.class ?? null,
    verdict: verdictOf(a).verdict,
    tags: a.tags ?? [],
    judge: Boolean(a.judgeOf),
    latencyMs: a.latencyMs,
    ttftMs: a.ttftMs,
    tokensPerSec: a.tokensPerSec,
    outputTokens: a.usage?.outputTokens ?? null,
    costUsd: a.costUsd,
  };
}

export function matches(p: Projection, f: JournalFilter): boolean {
  if (f.promptId !== undefined && p.promptId !== f.promptId) return false;
  if (f.promptVersion !== undefined && p.promptVersion !== f.promptVersion) return false;
  if (f.model !== undefined && p.model !== f.model) return false;
  if (f.providerId !== undefined && p.providerId !== f.providerId) return false;
  if (f.runId !== undefined && p.runId !== f.runId) return false;
  if (f.status !== undefined && p.status !== f.status) return false;
  if (f.failureClass !== undefined && p.failureClass !== f.failureClass) return false;
  if (f.verdict !== undefined && p.verdict !== f.verdict) return false;
  if (f.tag !== undefined && !p.tags.includes(f.tag)) return false;
  if (f.from !== undefined && p.queuedAt < f.from) return false;
  if (f.to !== undefined && p.queuedAt > f.to) return false;
  if (f.judge === 'only' && !p.judge) return false;
  if (f.judge === 'hide' && p.judge) return false;
  return true;
}

const sortValue: Record<SortKey, (p: Projection) => number | string | null> = {
  time: (p) => p.queuedAt,
  latency: (p) => p.latencyMs,
  ttft: (p) => p.ttftMs,
  tps: (p) => p.tokensPerSec,
  tokens: (p) => p.outputTokens,
  cost: (p) => p.costUsd,
  model: (p) => p.model,
  status: (p) => p.failureClass ?? p.status,
};

/** Sorts in place (documented: it mutates `list`). Missing values go last in either direction; ties by id (time). */
export function sortProjections(list: Projection[], sort: JournalSort): Projection[] {
  const get = sortValue[sort.key];
  const sign = sort.dir === 'asc' ? 1 : -1;
  return list.sort((a, b) => {
    const va = get(a);
    const vb = get(b);
    // Ties go by id (queue time) in the same direction as the sort.
    if (va === null && vb === null) return a.id < b.id ? -sign : a.id > b.id ? sign : 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    if (va < vb) return -sign;
    if (va > vb) return sign;
    return a.id < b.id ? -sign : a.id > b.id ? sign : 0;
  });
}

/** Does the filter need the worker (or can Dexie's indexes serve it in time order)? */
export function needsWorker(f: JournalFilter, sort: JournalSort): boolean {
  if (sort.key !== 'time') return true;
  if (f.text?.trim() || f.verdict !== undefined || f.judge !== undefined) return true;
  const eq = [f.promptId, f.promptVersion, f.model, f.providerId, f.runId, f.status, f.failureClass, f.tag].filter((v) => v !== undefined).length;
  if (eq > 1) return true;
  const ranged = f.from !== undefined || f.to !== undefined;
  // Only the compound [x+queuedAt] indexes (and queuedAt alone) can take a date range.
  if (ranged && eq === 1 && f.promptId === undefined && f.model === undefined && f.runId === undefined && f.status === undefined) return true;
  return false;
}

export function isEmptyFilter(f: JournalFilter): boolean {
  return Object.values(f).every((v) => v === undefined || v === '');
}

export type { Verdict, VerdictKind };

/** Messages between the journal page and its worker. */
export type ToWorker =
  | { type: 'query'; seq: number; filter: JournalFilter; sort: JournalSort }
  | { type: 'changed'; ids: string[] }
  | { type: 'deleted'; ids: string[] };

export type FromWorker =
  | { type: 'progress'; loaded: number; total: number; ready: boolean }
  | { type: 'result'; seq: number; ids: string[]; ms: number }
  | { type: 'error'; seq?: number; message: string };
