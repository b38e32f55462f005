import { describe, expect, it, vi } from 'vitest';
import { dispatchShortcut, type Command } from '../../app/commands';

// The grading keys are single letters: they must act on the page and never while typing.
function key(k: string, target: EventTarget, mods: Partial<KeyboardEventInit> = {}) {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...mods });
  Object.defineProperty(e, 'target', { value: target });
  return e;
}

describe('single-key shortcuts', () => {
  const run = vi.fn();
  const cmds: Command[] = [
    { id: 'p', label: 'pass', group: 'g', shortcut: 'P', run },
    { id: 'k', label: 'palette', group: 'g', shortcut: 'Mod+K', run },
  ];

  it('fire on the page, not in inputs, textareas or editable elements', () => {
    run.mockClear();
    expect(dispatchShortcut(key('p', document.body), cmds)).toBe(true);
    expect(dispatchShortcut(key('p', document.createElement('textarea')), cmds)).toBe(false);
    expect(dispatchShortcut(key('p', document.createElement('input')), cmds)).toBe(false);
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(dispatchShortcut(key('p', editable), cmds)).toBe(false);
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(dispatchShortcut(key('p', box), cmds)).toBe(true);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('Mod shortcuts still work while typing', () => {
    run.mockClear();
    expect(dispatchShortcut(key('k', document.createElement('textarea'), { ctrlKey: true }), cmds)).toBe(true);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
