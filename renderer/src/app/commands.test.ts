import { afterEach, describe, expect, it, vi } from 'vitest';
import { allCommands, listenForShortcuts, matchesShortcut, registerCommands, shortcutGroups, type Command } from './commands';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  document.body.innerHTML = '';
});

const press = (target: EventTarget, key: string, mods: Partial<KeyboardEventInit> = {}) => {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...mods });
  target.dispatchEvent(event);
  return event;
};

describe('shortcut dispatch', () => {
  it('Mod+K reaches the palette from a widget that keeps its keys (Monaco stops Ctrl+K for its chords)', () => {
    const palette = vi.fn();
    const save = vi.fn();
    cleanups.push(
      registerCommands('test', () => [
        { id: 'palette.open', label: 'Open command palette', group: 'General', shortcut: 'Mod+K', anywhere: true, run: palette },
        { id: 'save', label: 'Save', group: 'Prompt', shortcut: 'Mod+S', run: save },
      ]),
    );
    cleanups.push(listenForShortcuts(window));
    const editor = document.createElement('textarea');
    document.body.append(editor);
    const editorSaw = vi.fn();
    editor.addEventListener('keydown', (e) => {
      editorSaw(e.key);
      e.stopPropagation();
    });

    const k = press(editor, 'k', { ctrlKey: true });
    expect(palette).toHaveBeenCalledTimes(1);
    expect(k.defaultPrevented).toBe(true);
    // The editor never starts a chord with it.
    expect(editorSaw).not.toHaveBeenCalled();
    // Other shortcuts still leave the widget its keys.
    press(editor, 's', { ctrlKey: true });
    expect(save).not.toHaveBeenCalled();
    expect(editorSaw).toHaveBeenCalledWith('s');
    // Outside the widget the chord runs once, not once per phase.
    press(document.body, 'k', { ctrlKey: true });
    expect(palette).toHaveBeenCalledTimes(2);
    press(document.body, 's', { ctrlKey: true });
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('"?" is a shortcut with or without Shift (layouts differ), never while typing', () => {
    const help = vi.fn();
    cleanups.push(registerCommands('test', () => [{ id: 'help', label: 'Keyboard shortcuts', group: 'General', shortcut: '?', run: help }]));
    cleanups.push(listenForShortcuts(window));
    press(document.body, '?', { shiftKey: true });
    press(document.body, '?');
    expect(help).toHaveBeenCalledTimes(2);
    const input = document.createElement('input');
    document.body.append(input);
    press(input, '?', { shiftKey: true });
    expect(help).toHaveBeenCalledTimes(2);
    // Letters still tell Shift apart.
    expect(matchesShortcut({ key: 'L', ctrlKey: true, metaKey: false, shiftKey: false, altKey: false }, 'Mod+Shift+L', false)).toBe(false);
    expect(matchesShortcut({ key: 'L', ctrlKey: true, metaKey: false, shiftKey: true, altKey: false }, 'Mod+Shift+L', false)).toBe(true);
  });
});

describe('registry', () => {
  it('keeps one command per id: a page command replaces the global one with its id, in place', () => {
    const globalRun = vi.fn();
    const pageRun = vi.fn();
    cleanups.push(
      registerCommands('global-test', () => [
        { id: 'a', label: 'A', group: 'G', run: globalRun },
        { id: 'new', label: 'New prompt', group: 'Prompts', shortcut: 'Mod+Alt+N', run: globalRun },
        { id: 'z', label: 'Z', group: 'G', run: globalRun },
      ]),
    );
    const offPage = registerCommands('page-test', () => [{ id: 'new', label: 'New prompt', group: 'Prompts', shortcut: 'Mod+Alt+N', run: pageRun }]);
    const ids = () => allCommands().filter((c) => ['a', 'new', 'z'].includes(c.id));
    expect(ids().map((c) => c.id)).toEqual(['a', 'new', 'z']);
    expect(ids()[1]!.run).toBe(pageRun);
    offPage();
    expect(ids()[1]!.run).toBe(globalRun);
  });

  it('groups the commands that have a shortcut, in registry order', () => {
    const c = (id: string, group: string, shortcut?: string): Command => ({ id, label: id, group, shortcut, run: () => undefined });
    const groups = shortcutGroups([c('a', 'Nav', 'Mod+1'), c('b', 'General'), c('c', 'General', '?'), c('d', 'Nav', 'Mod+2')]);
    expect(groups.map((g) => [g.group, g.commands.map((x) => x.id)])).toEqual([
      ['Nav', ['a', 'd']],
      ['General', ['c']],
    ]);
  });
});
