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

export interface Cell {
  /** The grouping fields and their values, e.g. `{prompt: 'p1', model: 'gpt-x'}`. */
  key: Partial<Record<GroupBy, string>>;
  /** A stable string form of `key` (JSON of the values in `by` order). */
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
  const cellOfAttempt = new Map<string, string>();
  const judges: StatsAttempt[] = [];
  for (const a of attempts) {
    if (a.judgeOf) {
      judges.push(a);
      continue;
    }
    const values = by.map((g) => a[FIELD[g]]);
    const id = JSON.stringify(values);
    let cell = cells.get(id);
    if (!cell) {
      const key: Partial<Record<GroupBy, string>> = {};
      by.forEach((g, i) => (key[g] = values[i]));
      cell = { key, attempts: [] };
      cells.set(id, cell);
    }
    cell.attempts.push(a);
    cellOfAttempt.set(a.id, id);
  }
  for (const j of judges) {
    const id = j.judgeOf ? cellOfAttempt.get(j.judgeOf) : undefined;
    if (id !== undefined) cells.get(id)?.attempts.push(j);
  }
  const out: Cell[] = [];
  for (const [id, cell] of cells) out.push({ key: cell.key, id, attempts: cell.attempts, stats: cellStats(cell.attempts, opts) });
  return out;
}
