import { useEffect, useState } from 'react';
import { useUi } from '../store/ui';

const query = '(prefers-color-scheme: dark)';

/** Applies the theme to <html data-theme>, following the OS when set to "system". */
export function useTheme(): 'light' | 'dark' {
  const pref = useUi((s) => s.themePref);
  const [osDark, setOsDark] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mql = window.matchMedia(query);
    const onChange = (e: MediaQueryListEvent) => setOsDark(e.matches);
    mql.addEventListener('change', onChange);
    return () => mql.removeEventListener('change', onChange);
  }, []);
  const resolved = pref === 'system' ? (osDark ? 'dark' : 'light') : pref;
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
  }, [resolved]);
  return resolved;
}
