/**
 * Reading the attempts of a filter from Dexie through an index — never a full
 * scan when a filter narrows the set — and projecting them to the light shape
 * the statistics read.
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import { createInterner, toStatsAttempt } from '../../../../shared/stats';
import type { TenthDb } from '../../db/db';
import type { WorkerAttempt } from './compute';
import type { StatsFilter } from './protocol';

export interface Loaded {
  attempts: WorkerAttempt[];
  /** Which index (or scan) served the query, for the page and the benchmark. */
  access: string;
}

function hasIndex(db: TenthDb, name: string): boolean {
  return Boolean(db.attempts.schema.idxByName[name]);
}

/**
 * Picks the most selective index the filter allows: a prompt version, then
 * prompts within a date range (`[promptId+queuedAt]`), then a tag, then prompts,
 * then the date range (`queuedAt`). The remaining conditions are checked on the
 * rows the index returns. An index missing from an older schema falls back to
 * the next choice.
 */
type AttemptCollection = ReturnType<TenthDb['attempts']['toCollection']>;

export function queryFor(db: TenthDb, f: StatsFilter): { collection: AttemptCollection | null; access: string } {
  const lo = f.from ?? -Infinity;
  const hi = f.to ?? Infinity;
  const dated = f.from !== null || f.to !== null;
  const t = db.attempts;
  if (f.promptVersion !== null && hasIndex(db, 'promptVersion')) {
    return { collection: t.where('promptVersion').equals(f.promptVersion), access: 'index promptVersion' };
  }
  if (f.promptIds && dated && hasIndex(db, '[promptId+queuedAt]')) {
    // One key range per prompt; Dexie merges them into one cursor walk.
    const ranges = f.promptIds.map((p) => [[p, lo], [p, hi]] as [[string, number], [string, number]]);
    return { collection: t.where('[promptId+queuedAt]').inAnyRange(ranges, { includeLowers: true, includeUppers: true }), access: 'index [promptId+queuedAt]' };
  }
  if (f.tag !== null && hasIndex(db, 'tags')) {
    return { collection: t.where('tags').equals(f.tag), access: 'index tags' };
  }
  if (f.promptIds) {
    return { collection: t.where('promptId').anyOf(f.promptIds), access: 'index promptId' };
  }
  if (dated) {
    return { collection: t.where('queuedAt').between(lo, hi, true, true), access: 'index queuedAt' };
  }
  return { collection: null, access: 'all attempts' };
}

/** Whether an attempt passes every condition of the filter (those the index did not already apply). */
export function matches(a: Attempt, f: StatsFilter): boolean {
  if (f.from !== null && a.queuedAt < f.from) return false;
  if (f.to !== null && a.queuedAt > f.to) return false;
  if (f.promptVersion !== null && a.promptVersion !== f.promptVersion) return false;
  if (f.tag !== null && !(a.tags ?? []).includes(f.tag)) return false;
  if (f.promptIds && !f.promptIds.includes(a.promptId)) return false;
  return true;
}

/**
 * Rows per read when walking the whole table: small enough that a page of full
 * records dies in the young generation (in `bench:stats`, 1000 roughly halved the
 * spread of the compute time that follows, against 5000).
 */
const PAGE = 1000;

export async function loadAttempts(db: TenthDb, f: StatsFilter): Promise<Loaded> {
  const { collection, access } = queryFor(db, f);
  const attempts: WorkerAttempt[] = [];
  const intern = createInterner();
  const take = (rows: Attempt[]) => {
    for (const a of rows) {
      if (!matches(a, f)) continue;
      const s = toStatsAttempt(a, intern) as WorkerAttempt;
      s.runId = intern(a.runId);
      attempts.push(s);
    }
  };
  if (collection) {
    take(await collection.toArray());
    // Judge calls are queued after (and tagged apart from) the attempts they
    // grade, so a filter drops them; their cost still belongs to those attempts.
    if (hasIndex(db, 'judgeOf')) {
      const have = new Set(attempts.map((a) => a.id));
      const subjects = attempts.filter((a) => !a.judgeOf).map((a) => a.id);
      for (let i = 0; i < subjects.length; i += 5000) {
        const judges = await db.attempts.where('judgeOf').anyOf(subjects.slice(i, i + 5000)).toArray();
        for (const j of judges) {
          if (have.has(j.id)) continue;
          const s = toStatsAttempt(j, intern) as WorkerAttempt;
          s.runId = intern(j.runId);
          attempts.push(s);
        }
      }
    }
  } else {
    // The whole journal is read in primary-key pages (one getAll each) and
    // projected page by page, so the full records — outputs, request bodies —
    // die young instead of 100,000 of them surviving into the old generation
    // and being collected in the middle of the computation that follows.
    let last: string | null = null;
    for (;;) {
      const page: Attempt[] = await (last === null ? db.attempts.limit(PAGE).toArray() : db.attempts.where(':id').above(last).limit(PAGE).toArray());
      take(page);
      if (page.length < PAGE) break;
      last = page[page.length - 1].id;
    }
  }
  return { attempts, access };
}

/** Distinct values for the filter controls, read from index keys alone (no rows). */
export async function filterChoices(db: TenthDb): Promise<{ versions: string[]; tags: string[]; prompts: string[] }> {
  const keys = async (index: string) => (hasIndex(db, index) ? ((await db.attempts.orderBy(index).uniqueKeys()) as string[]) : []);
  const [versions, tags, prompts] = await Promise.all([keys('promptVersion'), keys('tags'), keys('promptId')]);
  return { versions, tags, prompts };
}
