import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../../shared/bridge/contract';
import { api } from '../../bridge';

/** The app's name and version (for file headers and reports) and where files go. */
export function useAppInfo(): AppInfo | null {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let live = true;
    api.app.info().then(
      (i) => live && setInfo(i),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return info;
}
