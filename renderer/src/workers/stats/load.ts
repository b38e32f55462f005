/**
 * Reading the attempts of a filter through the journal (db/journal: an index,
 * never a full scan, when a filter narrows the set) and projecting them to the
 * light shape the statistics read.
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import { isEmptyFilter, type JournalFilter } from '../../../../shared/journal/filter';
import { createInterner, toStatsAttempt } from '../../../../shared/stats';
import type { TenthDb } from '../../db/db';
import { attemptsJudging, distinctValues, scanAttempts, selectAttempts } from '../../db/journal';
import type { WorkerAttempt } from './compute';
import type { StatsFilter } from './protocol';

export interface Loaded {
  attempts: WorkerAttempt[];
  /** Which index (or scan) served the query, for the page and the benchmark. */
  access: string;
}

/**
 * The stats filter as the journal's (shared/journal/filter): the journal picks
 * the index (or, for imported attempts, the in-memory columns) that serves it.
 */
export function journalFilterOf(f: StatsFilter): JournalFilter {
  return {
    promptVersions: f.promptVersion !== null ? [f.promptVersion] : null,
    promptIds: f.promptIds && f.promptIds.length ? f.promptIds : null,
    tags: f.tag !== null ? [f.tag] : null,
    from: f.from,
    to: f.to,
  };
}

/**
 * Rows per read when walking the whole table: small enough that a page of full
 * records dies in the young generation (in `bench:stats`, 1000 roughly halved the
 * spread of the compute time that follows, against 5000).
 */
const PAGE = 1000;

export async function loadAttempts(db: TenthDb, f: StatsFilter): Promise<Loaded> {
  const filter = journalFilterOf(f);
  const selection = await selectAttempts(filter, db);
  const attempts: WorkerAttempt[] = [];
  const intern = createInterner();
  const take = (a: Attempt) => {
    const s = toStatsAttempt(a, intern) as WorkerAttempt;
    s.runId = intern(a.runId);
    attempts.push(s);
  };
  // Read and projected a page at a time, so the full records — outputs,
  // request bodies — die young instead of 100,000 of them surviving into the
  // old generation and being collected in the middle of the computation that follows.
  for await (const page of scanAttempts(filter, { pageSize: PAGE, selection }, db)) for (const a of page) take(a);
  if (!isEmptyFilter(filter)) {
    // Judge calls are queued after (and tagged apart from) the attempts they
    // grade, so a filter drops them; their cost still belongs to those attempts.
    const have = new Set(attempts.map((a) => a.id));
    const subjects = attempts.filter((a) => !a.judgeOf).map((a) => a.id);
    for (const j of await attemptsJudging(subjects, db)) if (!have.has(j.id)) take(j);
  }
  return { attempts, access: selection.access };
}

/** Distinct values for the filter controls, read from index keys alone (no rows). */
export async function filterChoices(db: TenthDb): Promise<{ versions: string[]; tags: string[]; prompts: string[] }> {
  const [versions, tags, prompts] = await Promise.all([distinctValues('promptVersion', db), distinctValues('tags', db), distinctValues('promptId', db)]);
  return { versions, tags, prompts };
}
