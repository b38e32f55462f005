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
  const cells = new Map<string, { key: Partial<Record<GroupBy, string>>; attempts: StatsAttempt[]; id: string }>();
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
  // Buckets are found through one Map per grouping level, keyed by the field
  // values themselves: no key string is built per attempt, and a value string
  // that is shared between attempts (see `createInterner`) keeps its cached hash.
  // The joined id is built once per cell.
  const root = new Map<string, unknown>();
  const levels = by.length;
  for (const a of attempts) {
    if (a.judgeOf) continue;
    let cell: { key: Partial<Record<GroupBy, string>>; attempts: StatsAttempt[]; id: string } | undefined;
    if (levels === 0) cell = cells.get('') as typeof cell;
    else {
      let level = root;
      for (let i = 0; i < levels - 1; i++) {
        const v = a[FIELD[by[i]]];
        let next = level.get(v) as Map<string, unknown> | undefined;
        if (!next) level.set(v, (next = new Map()));
        level = next;
      }
      const last = a[FIELD[by[levels - 1]]];
      cell = level.get(last) as typeof cell;
      if (!cell) {
        const key: Partial<Record<GroupBy, string>> = {};
        for (const g of by) key[g] = a[FIELD[g]];
        cell = { key, attempts: [], id: by.map((g) => a[FIELD[g]]).join(SEP) };
        level.set(last, cell);
        cells.set(cell.id, cell);
      }
    }
    if (!cell) {
      cell = { key: {}, attempts: [], id: '' };
      cells.set('', cell);
    }
    cell.attempts.push(a);
    if (judged.size > 0 && judged.has(a.id)) cellOfAttempt.set(a.id, cell.id);
  }
  for (const j of judges) {
    const id = j.judgeOf ? cellOfAttempt.get(j.judgeOf) : undefined;
    if (id !== undefined) cells.get(id)?.attempts.push(j);
  }
  const out: Cell[] = [];
  for (const [id, cell] of cells) out.push({ key: cell.key, id, attempts: cell.attempts, stats: cellStats(cell.attempts, opts) });
  return out;
}
