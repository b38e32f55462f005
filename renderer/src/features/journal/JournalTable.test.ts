import { describe, expect, it } from 'vitest';
import { COLS, fitColumns, moveCursor } from './JournalTable';

describe('journal table cursor keys', () => {
  it('↓/J and ↑/K move one row, clamped to the table', () => {
    expect(moveCursor('ArrowDown', 3, 10, 5)).toBe(4);
    expect(moveCursor('j', 3, 10, 5)).toBe(4);
    expect(moveCursor('J', 9, 10, 5)).toBe(9);
    expect(moveCursor('ArrowUp', 3, 10, 5)).toBe(2);
    expect(moveCursor('k', 0, 10, 5)).toBe(0);
  });

  it('starts at the first row when there is no cursor yet', () => {
    expect(moveCursor('ArrowDown', null, 10, 5)).toBe(0);
    expect(moveCursor('k', null, 10, 5)).toBe(0);
    expect(moveCursor('PageUp', null, 10, 5)).toBe(0);
  });

  it('Page Up/Down by a screenful, Home/End to the ends', () => {
    expect(moveCursor('PageDown', 2, 100, 15)).toBe(17);
    expect(moveCursor('PageDown', 95, 100, 15)).toBe(99);
    expect(moveCursor('PageUp', 10, 100, 15)).toBe(0);
    expect(moveCursor('PageDown', 0, 100, 0)).toBe(1);
    expect(moveCursor('Home', 50, 100, 15)).toBe(0);
    expect(moveCursor('End', 5, 100, 15)).toBe(99);
  });

  it('ignores other keys and empty tables', () => {
    expect(moveCursor('x', 3, 10, 5)).toBeNull();
    expect(moveCursor('Enter', 3, 10, 5)).toBeNull();
    expect(moveCursor('ArrowDown', null, 0, 5)).toBeNull();
  });
});

describe('journal table columns by width', () => {
  const labels = (room: number | null, sort: Parameters<typeof fitColumns>[1] = 'time') => fitColumns(room, sort).cols.map((c) => c.label);
  const all = COLS.map((c) => c.label);
  const widest = COLS.reduce((n, c) => n + c.min, 0);

  it('shows every column before it is measured and when there is room', () => {
    expect(labels(null)).toEqual(all);
    expect(labels(widest)).toEqual(all);
    expect(fitColumns(widest, 'time').hidden).toEqual([]);
  });

  it('gives way served model first, then the rates, and keeps cost and verdict', () => {
    expect(labels(widest - 1)).toEqual(all.filter((l) => l !== 'Served'));
    const narrow = labels(700);
    for (const gone of ['Served', 'Tok/s', 'TTFT', 'Tokens']) expect(narrow).not.toContain(gone);
    for (const kept of ['Compare', 'Time', 'Prompt', 'Case', 'Model', 'Status', 'Latency', 'Cost', 'Verdict']) expect(narrow).toContain(kept);
    // Order is kept: the columns that stay are in the same order as ever.
    expect(narrow).toEqual(all.filter((l) => narrow.includes(l)));
  });

  it('fits what it shows in the room given once a column has gone', () => {
    for (let room = 700; room <= widest + 50; room += 7) {
      const fit = fitColumns(room, 'time');
      if (fit.hidden.length < 4) expect(fit.minWidth).toBeLessThanOrEqual(room);
      expect(fit.minWidth).toBe(fit.cols.reduce((n, c) => n + c.min, 0));
    }
  });

  it('never hides the column the table is sorted by', () => {
    expect(labels(700, 'tps')).toContain('Tok/s');
    expect(labels(700, 'ttft')).toContain('TTFT');
    expect(labels(700, 'tokens')).toContain('Tokens');
  });

  it('gives one grid template per set of columns, with the growing columns in fr', () => {
    expect(fitColumns(900, 'time')).toBe(fitColumns(905, 'time'));
    expect(fitColumns(widest, 'time').grid.split(' ').filter((t) => t.startsWith('minmax('))).toHaveLength(4);
  });
});
