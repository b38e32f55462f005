import { describe, expect, it } from 'vitest';
import { cellStats, toStatsAttempt } from '../../../../shared/stats';
import { KNOWN_PROVIDER, knownJournal } from '../../../../shared/stats/known-journal';
import { attempt, check } from '../../../../shared/stats/testing';
import { targetKey } from '../../../../shared/report/names';
import { computeMatrix } from '../../workers/stats/compute';
import type { MatrixCell } from '../../workers/stats/protocol';
import { cellIndex, cellKey, floorTone, gradingNote, sortRows } from './matrix-model';

const matrix = () => computeMatrix(knownJournal().map((a) => toStatsAttempt(a)), false, { access: '', versions: [], tags: [], prompts: [] });
const k = (model: string) => targetKey(KNOWN_PROVIDER, model);

describe('matrix helpers', () => {
  it('colours by the pass floor and leaves weak cells uncoloured', () => {
    const m = matrix();
    const idx = cellIndex(m);
    expect(floorTone(idx.get(cellKey('extract', k('model-a'))))).toBe('good'); // 83.9%
    expect(floorTone(idx.get(cellKey('extract', k('model-b'))))).toBe('fair'); // 58.4%
    expect(floorTone(idx.get(cellKey('summarise', k('model-b'))))).toBe('poor'); // 29.9%
    expect(floorTone(idx.get(cellKey('extract', k('model-c'))))).toBe('few'); // 3 attempts
    expect(floorTone(idx.get(cellKey('extract', k('model-d'))))).toBe('none');
  });

  it('sorts rows by a figure of one model or by the worst across models', () => {
    const m = matrix();
    const keys = (rows: { key: string }[]) => rows.map((r) => r.key);
    expect(keys(sortRows(m, 'name', '', 'asc'))).toEqual(['extract', 'summarise']);
    expect(keys(sortRows(m, 'name', '', 'desc'))).toEqual(['summarise', 'extract']);
    // model-a: extract 83.9% > summarise 76.4%
    expect(keys(sortRows(m, 'pass-floor', k('model-a'), 'asc'))).toEqual(['summarise', 'extract']);
    // worst across models: extract 43.8% (model-c) vs summarise 29.9% (model-b)
    expect(keys(sortRows(m, 'pass-floor', '', 'desc'))).toEqual(['extract', 'summarise']);
    // model-c has no summarise cell: that row goes last either way
    expect(keys(sortRows(m, 'pass-floor', k('model-c'), 'asc'))).toEqual(['extract', 'summarise']);
    expect(keys(sortRows(m, 'pass-floor', k('model-c'), 'desc'))).toEqual(['extract', 'summarise']);
  });
});

/** A cell of `failed` overloaded failures, `graded` passing answers and `ungraded` answers nobody graded, over 5 cases. */
function cell(failed: number, graded: number, ungraded: number): MatrixCell {
  const list = [
    ...Array.from({ length: failed }, (_, i) => attempt({ caseId: `c${i % 5}`, status: 'failed', failure: { class: 'overloaded' } })),
    ...Array.from({ length: graded }, (_, i) => attempt({ caseId: `c${i % 5}`, grades: [check(true, 1)] })),
    ...Array.from({ length: ungraded }, (_, i) => attempt({ caseId: `c${i % 5}` })),
  ];
  return { row: 'p', prompt: 'p', caseId: null, target: 't', providerId: 'prov', model: 'm', stats: cellStats(list), drift: [] };
}

describe('ungraded answers in a cell', () => {
  it('mock-large after the tour (14 failures, 60 ungraded): says what the floor counts and is not coloured as a floor', () => {
    const c = cell(14, 0, 60);
    // The numbers stay as defined: 0 passes of 14 with a verdict.
    expect(c.stats.passRate).toMatchObject({ k: 0, n: 14, confidence: 'ok' });
    expect(floorTone(c)).toBe('ungraded');
    expect(gradingNote(c.stats)).toMatchObject({ mostly: true, text: '14 failures, 60 ungraded — grade them to get a pass floor' });
    expect(gradingNote(c.stats)!.title).toMatch(/graded answers \(0\) and failures \(14, each a fail\); the 60 ungraded answers are in neither/);
  });

  it('no failures and nothing graded', () => {
    const c = cell(0, 0, 60);
    expect(gradingNote(c.stats)!.text).toBe('60 ungraded — grade them to get a pass floor');
    expect(floorTone(c)).toBe('ungraded');
  });

  it('some graded: the floor leads, and the ungraded ones are counted beside it', () => {
    expect(gradingNote(cell(1, 4, 20).stats)!.text).toBe('4 graded, 1 failure, 20 ungraded — grade them to get a pass floor');
    const mostlyGraded = cell(2, 30, 5);
    expect(gradingNote(mostlyGraded.stats)).toMatchObject({ mostly: false, text: '5 ungraded answers not counted' });
    expect(floorTone(mostlyGraded)).not.toBe('ungraded');
    expect(gradingNote(cell(3, 30, 0).stats)).toBeNull();
  });
});
