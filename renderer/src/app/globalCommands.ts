/**
 * The commands that work from every page (App registers them once). Pages add
 * their own while they are shown; a page command with the same id as one here
 * replaces it there (commands.ts).
 */
import { api } from '../bridge';
import { dataCommands } from '../features/data';
import { useJournalUi } from '../features/journal/store';
import { startMockTour } from '../features/onboarding/TryMockButton';
import { PAGE_LABELS, PAGES, useUi, type Page } from '../store/ui';
import type { Theme } from '../../../shared/bridge/contract';
import { allCommands, commandSource, subscribeCommands, type Command } from './commands';
import { useShortcutsHelp } from './ShortcutsDialog';

export const THEME_LABEL: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };
export const NEXT_THEME: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
// Each theme's own words only: "dark" must find "Theme: Dark", not every theme command.
const THEME_KEYWORDS: Record<Theme, string[]> = {
  system: ['follow the os', 'auto', 'appearance'],
  light: ['light mode', 'day', 'appearance'],
  dark: ['dark mode', 'night', 'appearance'],
};

export function applyTheme(theme: Theme) {
  useUi.getState().setThemePref(theme);
  // Kept in the settings service too, so a new profile or the Electron app agrees.
  void api.settings.update({ theme }).catch(() => undefined);
}

/** How long a page may take to register the command a global one hands over to. */
const PAGE_COMMAND_WAIT_MS = 5000;

/**
 * Opens `page` and runs the command `id` as that page registers it — its own
 * code, so "New prompt" from anywhere is exactly the Prompts page's button —
 * once the page is shown. Resolves when it has run (or after a wait, with a
 * toast, if the page never registered it).
 */
export function runOnPage(page: Page, id: string, globalSource = 'global'): Promise<void> {
  useUi.getState().setPage(page);
  return new Promise((resolve) => {
    let settled = false;
    const attempt = () => {
      const source = commandSource(id);
      if (settled || source === undefined || source === globalSource) return;
      settle();
      const command = allCommands().find((c) => c.id === id);
      resolve((async () => command?.run())().catch((e: unknown) => useUi.getState().toast((e as Error).message, 'error')));
    };
    const unsubscribe = subscribeCommands(attempt);
    const timer = setTimeout(() => {
      if (settled) return;
      settle();
      useUi.getState().toast(`${PAGE_LABELS[page]} did not open in time; try again from there.`, 'error');
      resolve();
    }, PAGE_COMMAND_WAIT_MS);
    function settle() {
      settled = true;
      unsubscribe();
      clearTimeout(timer);
    }
    attempt();
  });
}

const PAGE_KEYWORDS: Record<Page, string[]> = {
  prompts: ['library', 'edit'],
  runs: ['progress', 'history'],
  journal: ['attempts', 'outputs', 'history'],
  stats: ['floors', 'metrics', 'charts'],
  providers: ['models', 'api keys', 'endpoints'],
  settings: ['preferences', 'options', 'data'],
};

export function globalCommands(): Command[] {
  const go = PAGES.map(
    (page, i): Command => ({
      id: `go.${page}`,
      label: `Go to ${PAGE_LABELS[page]}`,
      group: 'Navigate',
      shortcut: `Mod+${i + 1}`,
      keywords: PAGE_KEYWORDS[page],
      run: () => useUi.getState().setPage(page),
    }),
  );
  // Always offered, the current one too: "dark" should find the dark theme whatever is on now.
  const themes = (['system', 'light', 'dark'] as const).map(
    (theme): Command => ({
      id: `theme.${theme}`,
      label: `Theme: ${THEME_LABEL[theme]}`,
      group: 'Appearance',
      keywords: THEME_KEYWORDS[theme],
      run: () => applyTheme(theme),
    }),
  );
  return [
    {
      id: 'palette.open',
      label: 'Open command palette',
      group: 'General',
      shortcut: 'Mod+K',
      // Monaco keeps Ctrl+K for its own chords; the palette must open from the editor too.
      anywhere: true,
      run: () => {
        const ui = useUi.getState();
        if (!ui.paletteOpen) useShortcutsHelp.getState().setOpen(false);
        ui.setPaletteOpen(!ui.paletteOpen);
      },
    },
    {
      id: 'help.shortcuts',
      label: 'Keyboard shortcuts',
      group: 'General',
      shortcut: '?',
      keywords: ['help', 'keys', 'keybindings', 'hotkeys', 'cheat sheet'],
      run: () => useShortcutsHelp.getState().setOpen(!useShortcutsHelp.getState().open),
    },
    ...go,
    {
      id: 'prompts.new',
      label: 'New prompt',
      group: 'Prompts',
      shortcut: 'Mod+Alt+N',
      keywords: ['create', 'add'],
      // The Prompts page registers its own (same id), which replaces this one there.
      run: () => runOnPage('prompts', 'prompts.new'),
    },
    {
      // The Journal page's own "Journal: Grade" (same id) takes its place there.
      id: 'journal.tab.grade',
      label: 'Grade attempts by hand',
      group: 'Journal',
      keywords: ['grading', 'score', 'pass', 'fail', 'review', 'queue'],
      run: () => {
        useJournalUi.getState().setTab('grade');
        useUi.getState().setPage('journal');
      },
    },
    ...dataCommands(),
    ...themes,
    {
      id: 'theme.cycle',
      label: 'Switch theme',
      group: 'Appearance',
      shortcut: 'Mod+Shift+L',
      keywords: ['toggle', 'next theme'],
      run: () => applyTheme(NEXT_THEME[useUi.getState().themePref]),
    },
    {
      id: 'onboarding.mock',
      label: 'Try it with the mock provider',
      group: 'General',
      keywords: ['sample', 'demo', 'no key'],
      run: startMockTour,
    },
  ];
}
