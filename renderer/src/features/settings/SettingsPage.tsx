import { useEffect, useState } from 'react';
import { api } from '../../bridge';
import { PageHeader } from '../../components/PageHeader';
import { useUi } from '../../store/ui';
import { DataSection } from '../data/DataSection';
import type { AppInfo, Theme } from '../../../../shared/bridge/contract';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsPage() {
  const themePref = useUi((s) => s.themePref);
  const setThemePref = useUi((s) => s.setThemePref);
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    api.app.info().then(setInfo, () => setInfo(null));
  }, []);
  return (
    <>
      <PageHeader title="Settings" />
      <section className="card" aria-labelledby="appearance-h">
        <h2 id="appearance-h">Appearance</h2>
        <fieldset className="radio-row">
          <legend>Theme</legend>
          {THEMES.map((t) => (
            <label key={t.value}>
              <input
                type="radio"
                name="theme"
                value={t.value}
                checked={themePref === t.value}
                onChange={() => {
                  setThemePref(t.value);
                  void api.settings.update({ theme: t.value }).catch(() => undefined);
                }}
              />
              {t.label}
            </label>
          ))}
        </fieldset>
      </section>
      <DataSection />
      <section className="card" aria-labelledby="about-h">
        <h2 id="about-h">About this installation</h2>
        {info ? (
          <dl className="facts">
            <dt>Version</dt>
            <dd>{info.version}</dd>
            <dt>Running as</dt>
            <dd>{info.host === 'electron' ? 'Desktop app' : 'Browser host (127.0.0.1 only)'}</dd>
            <dt>Data folder</dt>
            <dd>
              <code>{info.dataDir}</code>
            </dd>
            <dt>Keys kept in</dt>
            <dd>
              {info.secretStore === 'safeStorage'
                ? 'The OS keychain (Electron safeStorage)'
                : info.secretStore === 'file'
                  ? 'secrets.json in the data folder, readable only by you (mode 0600)'
                  : 'Memory only'}
            </dd>
          </dl>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    </>
  );
}
