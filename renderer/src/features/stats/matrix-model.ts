/**
 * Pure helpers of the matrix view: lookup, row sorting by any figure, the
 * colour of a cell by its floor, and what a cell says about its ungraded answers.
 */
import { type CellStats, FIGURES, type FigureKey } from '../../../../shared/stats';
import { mostlyUngraded } from '../../workers/stats/compute';
import type { MatrixCell, MatrixResult } from '../../workers/stats/protocol';

export type FloorTone = 'good' | 'fair' | 'poor' | 'few' | 'ungraded' | 'none';

/**
 * Colour by the pass-rate floor: ≥ 80% good, ≥ 50% fair, below poor. A floor from
 * too few attempts, or one read mostly from failures because most answers are
 * ungraded, gets no colour at all — a colour would claim what the data cannot.
 */
export function floorTone(cell: MatrixCell | undefined): FloorTone {
  if (!cell) return 'none';
  const s = cell.stats;
  if (mostlyUngraded(s.counts.eligible, s.counts.ungradedOk)) return 'ungraded';
  const r = s.passRate;
  if (r.confidence === 'none') return 'none';
  if (r.confidence === 'low') return 'few';
  if (r.lower >= 0.8) return 'good';
  if (r.lower >= 0.5) return 'fair';
  return 'poor';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export interface GradingNote {
  /** Most answers are ungraded: the floors are not the cell's headline. */
  mostly: boolean;
  text: string;
  /** What the pass floor counts, in full, for a tooltip. */
  title: string;
}

/**
 * What a cell says when some of its answers are ungraded. The pass floor counts
 * graded ok answers and failures (a failure is a fail); ungraded answers are in
 * neither its numerator nor its denominator (PRODUCT.md "pass rate"). So when
 * most answers are ungraded the floor is read from the failures and the few
 * graded answers alone: the note says what it counts and asks for grades.
 * null when every answer has a verdict.
 */
export function gradingNote(s: CellStats): GradingNote | null {
  const { gradedOk, failed, ungradedOk, eligible } = s.counts;
  if (ungradedOk === 0) return null;
  const title = `The pass floor and p10 score count graded answers (${gradedOk}) and failures (${failed}, each a fail); the ${ungradedOk} ungraded answers are in neither. Grade them (a human grade, or checks on the prompt) to count them.`;
  if (mostlyUngraded(eligible, ungradedOk)) {
    const parts = [gradedOk > 0 ? `${gradedOk} graded` : null, failed > 0 ? plural(failed, 'failure') : null, `${ungradedOk} ungraded`].filter(Boolean);
    return { mostly: true, text: `${parts.join(', ')} — grade them to get a pass floor`, title };
  }
  return { mostly: false, text: `${plural(ungradedOk, 'ungraded answer')} not counted`, title };
}

export const cellKey = (row: string, target: string) => `${row}\u0000${target}`;

export function cellIndex(m: MatrixResult): Map<string, MatrixCell> {
  return new Map(m.cells.map((c) => [cellKey(c.row, c.target), c]));
}

export function figureOf(cell: MatrixCell | undefined, key: FigureKey): number | null {
  return cell ? FIGURES[key].get(cell.stats).value : null;
}

/**
 * Rows sorted by a figure of one target's column, or by the worst value across
 * targets (the floor of floors) when `target` is ''. Rows without a value go last
 * whichever the direction; ties keep name order.
 */
export function sortRows(m: MatrixResult, key: FigureKey | 'name', target: string, dir: 'asc' | 'desc'): MatrixResult['rows'] {
  const rows = [...m.rows];
  const sign = dir === 'asc' ? 1 : -1;
  if (key === 'name') return dir === 'asc' ? rows : rows.reverse();
  const idx = cellIndex(m);
  const worseIsLower = FIGURES[key].better === 'higher';
  const value = (row: string): number | null => {
    if (target) return figureOf(idx.get(cellKey(row, target)), key);
    let worst: number | null = null;
    for (const t of m.targets) {
      const v = figureOf(idx.get(cellKey(row, t.key)), key);
      if (v === null) continue;
      if (worst === null || (worseIsLower ? v < worst : v > worst)) worst = v;
    }
    return worst;
  };
  const values = new Map(rows.map((r) => [r.key, value(r.key)]));
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => {
      const vx = values.get(x.r.key) ?? null;
      const vy = values.get(y.r.key) ?? null;
      if (vx === null && vy === null) return x.i - y.i;
      if (vx === null) return 1;
      if (vy === null) return -1;
      return sign * (vx - vy) || x.i - y.i;
    })
    .map((x) => x.r);
}
