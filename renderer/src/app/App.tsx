import { useEffect, useState } from 'react';
import { api, hostKind } from '../bridge';
import { Toasts } from '../components/Toasts';
import { useTheme } from '../hooks/useTheme';
import { PAGE_LABELS, PAGES, useUi, type Page } from '../store/ui';
import { CommandPalette } from './CommandPalette';
import { listenForShortcuts, registerCommands } from './commands';
import { applyTheme, globalCommands, NEXT_THEME, THEME_LABEL } from './globalCommands';
import { PageView } from './PageView';
import { ShortcutsDialog } from './ShortcutsDialog';
import { holdOwnerLock } from '../runs/owner';
import { startAutoChecks } from '../features/journal/checksRunner';
import { AutoBackup } from '../features/data';
import { recoverInterruptedWork } from '../runs/recovery';

export function App() {
  const page = useUi((s) => s.page);
  const setPage = useUi((s) => s.setPage);
  const themePref = useUi((s) => s.themePref);
  const setPaletteOpen = useUi((s) => s.setPaletteOpen);
  const resolved = useTheme();
  const [version, setVersion] = useState<string | null>(null);

  useEffect(() => registerCommands('global', globalCommands), []);
  useEffect(() => listenForShortcuts(window), []);

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
      <ShortcutsDialog />
      <Toasts />
      <AutoBackup />
    </div>
  );
}
