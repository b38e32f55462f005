import { describe, expect, it } from 'vitest';
import { moveCursor } from './JournalTable';

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
