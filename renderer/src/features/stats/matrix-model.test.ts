import { describe, expect, it } from 'vitest';
import { toStatsAttempt } from '../../../../shared/stats';
import { knownJournal } from '../../../../shared/stats/known-journal';
import { computeMatrix } from '../../workers/stats/compute';
import { cellIndex, floorTone, sortRows } from './matrix-model';

const matrix = () => computeMatrix(knownJournal().map((a) => toStatsAttempt(a)), false, { access: '', versions: [], tags: [], prompts: [] });

describe('matrix helpers', () => {
  it('colours by the pass floor and leaves weak cells uncoloured', () => {
    const m = matrix();
    const idx = cellIndex(m);
    expect(floorTone(idx.get('extract\u0000model-a'))).toBe('good'); // 83.9%
    expect(floorTone(idx.get('extract\u0000model-b'))).toBe('fair'); // 58.4%
    expect(floorTone(idx.get('summarise\u0000model-b'))).toBe('poor'); // 29.9%
    expect(floorTone(idx.get('extract\u0000model-c'))).toBe('few'); // 3 attempts
    expect(floorTone(idx.get('extract\u0000model-d'))).toBe('none');
  });

  it('sorts rows by a figure of one model or by the worst across models', () => {
    const m = matrix();
    const keys = (rows: { key: string }[]) => rows.map((r) => r.key);
    expect(keys(sortRows(m, 'name', '', 'asc'))).toEqual(['extract', 'summarise']);
    expect(keys(sortRows(m, 'name', '', 'desc'))).toEqual(['summarise', 'extract']);
    // model-a: extract 83.9% > summarise 76.4%
    expect(keys(sortRows(m, 'pass-floor', 'model-a', 'asc'))).toEqual(['summarise', 'extract']);
    // worst across models: extract 43.8% (model-c) vs summarise 29.9% (model-b)
    expect(keys(sortRows(m, 'pass-floor', '', 'desc'))).toEqual(['extract', 'summarise']);
    // model-c has no summarise cell: that row goes last either way
    expect(keys(sortRows(m, 'pass-floor', 'model-c', 'asc'))).toEqual(['extract', 'summarise']);
    expect(keys(sortRows(m, 'pass-floor', 'model-c', 'desc'))).toEqual(['extract', 'summarise']);
  });
});
