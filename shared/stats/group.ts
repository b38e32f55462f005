/**
 * Grouping attempts into cells and computing each cell's statistics.
 */
import { type CellOptions, type CellStats, cellStats } from './cell';
import type { StatsAttempt } from './verdict';

export type GroupBy = 'prompt' | 'version' | 'case' | 'model' | 'provider';

const FIELD: Record<GroupBy, 'promptId' | 'promptVersion' | 'caseId' | 'model' | 'providerId'> = {
  prompt: 'promptId',
  version: 'promptVersion',
  case: 'caseId',
  model: 'model',
  provider: 'providerId',
};

/**
 * Joins key values. U+001F (unit separator) cannot occur in ids, hashes or model
 * names, and a plain join is several times faster than JSON.stringify per attempt.
 */
const SEP = '\u001f';

export interface Cell {
  /** The grouping fields and their values, e.g. `{prompt: 'p1', model: 'gpt-x'}`. */
  key: Partial<Record<GroupBy, string>>;
  /** A stable string form of `key`: the values in `by` order joined by U+001F. */
  id: string;
  /** The attempts of this cell (judge calls included), in input order. */
  attempts: StatsAttempt[];
  stats: CellStats;
}

/**
 * Groups attempts by the given fields and computes `cellStats` for each group.
 *
 * One pass buckets the attempts (a Map keyed by the joined field values); each
 * bucket then costs one pass plus one sort per numeric figure, so the total is
 * O(N log N) for N attempts however many cells there are. Judge calls (attempts
 * with `judgeOf`) join the cell of the attempt they grade, so their cost lands in
 * that cell's cost per pass; a judge call whose graded attempt is not in the
 * input joins no cell. Cells come out in order of first appearance. No DOM or
 * Node APIs: this is meant to run in a Web Worker.
 */
export function groupCells(attempts: readonly StatsAttempt[], by: readonly GroupBy[], opts: CellOptions = {}): Cell[] {
  const cells = new Map<string, { key: Partial<Record<GroupBy, string>>; attempts: StatsAttempt[] }>();
  // Only attempts that some judge call grades need their cell remembered; a map
  // over every attempt id would dominate the cost when there are no judges.
  const judges: StatsAttempt[] = [];
  const judged = new Set<string>();
  for (const a of attempts) {
    if (a.judgeOf) {
      judges.push(a);
      judged.add(a.judgeOf);
    }
  }
  const cellOfAttempt = new Map<string, string>();
  for (const a of attempts) {
    if (a.judgeOf) continue;
    let id = by.length === 0 ? '' : a[FIELD[by[0]]];
    for (let i = 1; i < by.length; i++) id += SEP + a[FIELD[by[i]]];
    let cell = cells.get(id);
    if (!cell) {
      const key: Partial<Record<GroupBy, string>> = {};
      for (const g of by) key[g] = a[FIELD[g]];
      cell = { key, attempts: [] };
      cells.set(id, cell);
    }
    cell.attempts.push(a);
    if (judged.size > 0 && judged.has(a.id)) cellOfAttempt.set(a.id, id);
  }
  for (const j of judges) {
    const id = j.judgeOf ? cellOfAttempt.get(j.judgeOf) : undefined;
    if (id !== undefined) cells.get(id)?.attempts.push(j);
  }
  const out: Cell[] = [];
  for (const [id, cell] of cells) out.push({ key: cell.key, id, attempts: cell.attempts, stats: cellStats(cell.attempts, opts) });
  return out;
}
