import { useEffect, useState } from 'react';
import { api, hostKind } from '../bridge';
import { CommandPalette } from '../components/CommandPalette';
import { Toasts } from '../components/Toasts';
import { useTheme } from '../hooks/useTheme';
import { PAGE_LABELS, PAGES, useUi, type Page } from '../store/ui';
import { dispatchShortcut, registerCommands, type Command } from './commands';
import { PageView } from './PageView';
import { holdOwnerLock } from '../runs/owner';
import { startMockTour } from '../features/onboarding/TryMockButton';
import { startAutoChecks } from '../features/journal/checksRunner';
import { AutoBackup } from '../features/data';
import { recoverInterruptedWork } from '../runs/recovery';
import type { Theme } from '../../../shared/bridge/contract';

const THEME_LABEL: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };
const NEXT_THEME: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

function globalCommands(): Command[] {
  const ui = useUi.getState();
  const go = PAGES.map(
    (page, i): Command => ({
      id: `go.${page}`,
      label: `Go to ${PAGE_LABELS[page]}`,
      group: 'Navigate',
      shortcut: `Mod+${i + 1}`,
      run: () => useUi.getState().setPage(page),
    }),
  );
  const themes = (['system', 'light', 'dark'] as const).map(
    (theme): Command => ({
      id: `theme.${theme}`,
      label: `Theme: ${THEME_LABEL[theme]}`,
      group: 'Appearance',
      keywords: ['dark mode', 'light mode', 'appearance'],
      run: () => applyTheme(theme),
      enabled: () => useUi.getState().themePref !== theme,
    }),
  );
  return [
    {
      id: 'palette.open',
      label: 'Open command palette',
      group: 'General',
      shortcut: 'Mod+K',
      run: () => useUi.getState().setPaletteOpen(!useUi.getState().paletteOpen),
    },
    ...go,
    ...themes,
    {
      id: 'onboarding.mock',
      label: 'Try it with the mock provider',
      group: 'General',
      keywords: ['sample', 'demo', 'no key'],
      run: startMockTour,
    },
    {
      id: 'theme.cycle',
      label: 'Switch theme',
      group: 'Appearance',
      shortcut: 'Mod+Shift+L',
      run: () => applyTheme(NEXT_THEME[ui.themePref]),
    },
  ];
}

function applyTheme(theme: Theme) {
  useUi.getState().setThemePref(theme);
  // Kept in the settings service too, so a new profile or the Electron app agrees.
  void api.settings.update({ theme }).catch(() => undefined);
}

export function App() {
  const page = useUi((s) => s.page);
  const setPage = useUi((s) => s.setPage);
  const themePref = useUi((s) => s.themePref);
  const setPaletteOpen = useUi((s) => s.setPaletteOpen);
  const resolved = useTheme();
  const [version, setVersion] = useState<string | null>(null);

  useEffect(() => registerCommands('global', globalCommands), [themePref]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => dispatchShortcut(event);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    // Checks run on every attempt that finishes, whichever page is open.
    startAutoChecks();
    // Hold this page's owner lock first, then mark what a closed page left pending.
    void holdOwnerLock()
      .then(() => recoverInterruptedWork())
      .then(({ attempts, runs }) => {
        if (attempts > 0) {
          useUi.getState().toast(`${attempts} attempt${attempts === 1 ? ' was' : 's were'} cut off when Tenth last stopped; ${runs} run${runs === 1 ? ' is' : 's are'} marked interrupted.`);
        }
      })
      .catch((e: unknown) => useUi.getState().toast(`Could not check for interrupted attempts: ${(e as Error).message}`, 'error'));
    api.app
      .info()
      .then((info) => setVersion(info.version))
      .catch(() => setVersion(null));
    api.settings
      .get()
      .then((s) => {
        if (!localStorage.getItem('tenth.theme')) useUi.getState().setThemePref(s.theme);
      })
      .catch(() => undefined);
  }, []);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand" aria-hidden="true">
          <img src="./icon.svg" alt="" width={24} height={24} />
          <span>Tenth</span>
        </div>
        <ul>
          {PAGES.map((p: Page) => (
            <li key={p}>
              <button
                type="button"
                className={p === page ? 'nav-item active' : 'nav-item'}
                aria-current={p === page ? 'page' : undefined}
                onClick={() => setPage(p)}
              >
                {PAGE_LABELS[p]}
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <button type="button" className="ghost" onClick={() => setPaletteOpen(true)} aria-label="Open command palette">
            Commands <kbd>{navigator.platform.includes('Mac') ? '⌘K' : 'Ctrl+K'}</kbd>
          </button>
          <button
            type="button"
            className="ghost"
            aria-label={`Theme: ${THEME_LABEL[themePref]} (click to switch)`}
            onClick={() => applyTheme(NEXT_THEME[themePref])}
          >
            {resolved === 'dark' ? '☾' : '☀'} {THEME_LABEL[themePref]}
          </button>
          <small className="muted">
            {hostKind === 'browser' ? 'Browser host' : 'Desktop'}
            {version ? ` · v${version}` : ''}
          </small>
        </div>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <PageView page={page} />
      </main>
      <CommandPalette />
      <Toasts />
      <AutoBackup />
    </div>
  );
}
