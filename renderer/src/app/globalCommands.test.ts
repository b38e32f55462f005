import { afterEach, describe, expect, it, vi } from 'vitest';
import { useUi } from '../store/ui';
import { listenForShortcuts, registerCommands } from './commands';
import { globalCommands } from './globalCommands';
import { useShortcutsHelp } from './ShortcutsDialog';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('global commands', () => {
  it('Ctrl+Alt+N on another page opens Prompts and runs the Prompts page’s own New prompt, once', async () => {
    useUi.getState().setPage('journal');
    cleanups.push(registerCommands('global', globalCommands));
    cleanups.push(listenForShortcuts(window));
    const pageNew = vi.fn();
    // Stands in for PromptsPage: it registers its commands once it is shown.
    cleanups.push(
      useUi.subscribe((s, prev) => {
        if (s.page === 'prompts' && prev.page !== 'prompts') {
          cleanups.push(registerCommands('prompts', () => [{ id: 'prompts.new', label: 'New prompt', group: 'Prompts', shortcut: 'Mod+Alt+N', run: pageNew }]));
        }
      }),
    );
    const event = new KeyboardEvent('keydown', { key: 'n', ctrlKey: true, altKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(useUi.getState().page).toBe('prompts');
    await vi.waitFor(() => expect(pageNew).toHaveBeenCalledTimes(1));
    // On Prompts the page's command is the one the key runs.
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', ctrlKey: true, altKey: true, bubbles: true, cancelable: true }));
    expect(pageNew).toHaveBeenCalledTimes(2);
  });

  it('the palette takes the place of the shortcuts dialog rather than stacking on it', () => {
    const palette = globalCommands().find((c) => c.id === 'palette.open')!;
    const help = globalCommands().find((c) => c.id === 'help.shortcuts')!;
    expect(palette.anywhere).toBe(true);
    void help.run();
    expect(useShortcutsHelp.getState().open).toBe(true);
    void palette.run();
    expect(useUi.getState().paletteOpen).toBe(true);
    expect(useShortcutsHelp.getState().open).toBe(false);
    void palette.run();
    expect(useUi.getState().paletteOpen).toBe(false);
  });
});
