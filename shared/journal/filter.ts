/**
 * A selection of attempts, as the Journal and Stats pages describe it and an
 * export, a report or a header records it. Every condition is optional; the
 * conditions combine with AND, the values of one condition with OR. Plain data
 * (structured-cloneable, JSON-safe), so it crosses to a worker and into a file
 * header as is.
 */
import { z } from 'zod';
import { AttemptStatus, FailureClass, type Attempt } from '../domain/schemas';

const Ids = z.array(z.string().min(1)).min(1).nullable().optional();

export const JournalFilter = z
  .object({
    promptIds: Ids,
    /** Requested model ids. */
    models: Ids,
    runIds: Ids,
    promptVersions: Ids,
    providerIds: Ids,
    statuses: z.array(AttemptStatus).min(1).nullable().optional(),
    failureClasses: z.array(FailureClass).min(1).nullable().optional(),
    tags: Ids,
    /** queuedAt range, epoch ms, inclusive; null or absent for open. */
    from: z.number().nullable().optional(),
    to: z.number().nullable().optional(),
  })
  .strict();
export type JournalFilter = z.infer<typeof JournalFilter>;

/** The fields a filter reads (a light stats projection has them too). */
export type FilterableAttempt = Pick<Attempt, 'promptId' | 'model' | 'runId' | 'promptVersion' | 'providerId' | 'status' | 'failure' | 'queuedAt'> & {
  tags?: readonly string[];
};

const has = (list: readonly string[] | null | undefined): list is readonly string[] => Array.isArray(list) && list.length > 0;

/** True when the filter selects every attempt. */
export function isEmptyFilter(f: JournalFilter | null | undefined): boolean {
  if (!f) return true;
  return (
    !has(f.promptIds) &&
    !has(f.models) &&
    !has(f.runIds) &&
    !has(f.promptVersions) &&
    !has(f.providerIds) &&
    !has(f.statuses) &&
    !has(f.failureClasses) &&
    !has(f.tags) &&
    (f.from ?? null) === null &&
    (f.to ?? null) === null
  );
}

/**
 * A predicate for the filter, compiled once (Sets for the lists): the export
 * checks every row an index returns against the conditions the index did not apply.
 */
export function compileFilter(f: JournalFilter | null | undefined): (a: FilterableAttempt) => boolean {
  if (!f || isEmptyFilter(f)) return () => true;
  const set = (l: readonly string[] | null | undefined) => (has(l) ? new Set(l) : null);
  const prompts = set(f.promptIds);
  const models = set(f.models);
  const runs = set(f.runIds);
  const versions = set(f.promptVersions);
  const providers = set(f.providerIds);
  const statuses = set(f.statuses);
  const classes = set(f.failureClasses);
  const tags = set(f.tags);
  const from = f.from ?? null;
  const to = f.to ?? null;
  return (a) => {
    if (from !== null && a.queuedAt < from) return false;
    if (to !== null && a.queuedAt > to) return false;
    if (prompts && !prompts.has(a.promptId)) return false;
    if (models && !models.has(a.model)) return false;
    if (runs && !runs.has(a.runId)) return false;
    if (versions && !versions.has(a.promptVersion)) return false;
    if (providers && !providers.has(a.providerId)) return false;
    if (statuses && !statuses.has(a.status)) return false;
    if (classes && !(a.failure && classes.has(a.failure.class))) return false;
    if (tags && !(a.tags ?? []).some((t) => tags.has(t))) return false;
    return true;
  };
}

/** The filter without empty conditions, for a file header (`filter` in tenth.journal/1). */
export function filterForHeader(f: JournalFilter | null | undefined): Record<string, unknown> | undefined {
  if (!f || isEmptyFilter(f)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A short description for people: "prompt p1, 2 models, status failed, from 2026-01-01". */
export function describeFilter(f: JournalFilter | null | undefined): string {
  if (!f || isEmptyFilter(f)) return 'the whole journal';
  const parts: string[] = [];
  const list = (label: string, plural: string, l: readonly string[] | null | undefined) => {
    if (!has(l)) return;
    parts.push(l.length === 1 ? `${label} ${l[0]}` : l.length <= 3 ? `${plural} ${l.join(', ')}` : `${l.length} ${plural}`);
  };
  list('prompt', 'prompts', f.promptIds);
  list('model', 'models', f.models);
  list('run', 'runs', f.runIds);
  list('version', 'versions', f.promptVersions);
  list('provider', 'providers', f.providerIds);
  list('status', 'statuses', f.statuses);
  list('failure class', 'failure classes', f.failureClasses);
  list('tag', 'tags', f.tags);
  if ((f.from ?? null) !== null) parts.push(`from ${isoDay(f.from!)}`);
  if ((f.to ?? null) !== null) parts.push(`to ${isoDay(f.to!)}`);
  return parts.join(', ');
}
