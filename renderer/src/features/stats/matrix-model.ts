/**
 * Pure helpers of the matrix view: lookup, row sorting by any figure and the
 * colour of a cell by its floor.
 */
import { FIGURES, type FigureKey } from '../../../../shared/stats';
import type { MatrixCell, MatrixResult } from '../../workers/stats/protocol';

export type FloorTone = 'good' | 'fair' | 'poor' | 'few' | 'none';

/**
 * Colour by the pass-rate floor: ≥ 80% good, ≥ 50% fair, below poor. A floor from
 * too few attempts gets no colour at all — a colour would claim what the data
 * cannot.
 */
export function floorTone(cell: MatrixCell | undefined): FloorTone {
  if (!cell) return 'none';
  const r = cell.stats.passRate;
  if (r.confidence === 'none') return 'none';
  if (r.confidence === 'low') return 'few';
  if (r.lower >= 0.8) return 'good';
  if (r.lower >= 0.5) return 'fair';
  return 'poor';
}

export function cellIndex(m: MatrixResult): Map<string, MatrixCell> {
  return new Map(m.cells.map((c) => [`${c.row}\u0000${c.model}`, c]));
}

export function figureOf(cell: MatrixCell | undefined, key: FigureKey): number | null {
  return cell ? FIGURES[key].get(cell.stats).value : null;
}

/**
 * Rows sorted by a figure of one model's column, or by the worst value across
 * models (the floor of floors) when `model` is ''. Rows without a value go last
 * whichever the direction; ties keep name order.
 */
export function sortRows(m: MatrixResult, key: FigureKey | 'name', model: string, dir: 'asc' | 'desc'): MatrixResult['rows'] {
  const rows = [...m.rows];
  const sign = dir === 'asc' ? 1 : -1;
  if (key === 'name') return dir === 'asc' ? rows : rows.reverse();
  const idx = cellIndex(m);
  const worseIsLower = FIGURES[key].better === 'higher';
  const value = (row: string): number | null => {
    if (model) return figureOf(idx.get(`${row}\u0000${model}`), key);
    let worst: number | null = null;
    for (const mod of m.models) {
      const v = figureOf(idx.get(`${row}\u0000${mod}`), key);
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
