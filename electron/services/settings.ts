/**
 * App settings, kept as a small JSON file in the data folder. Plain Node: the
 * Electron entry and the browser host both run this same service.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Settings } from '../../shared/bridge/contract';

export interface SettingsService {
  get(): Promise<Settings>;
  update(patch: Partial<Settings>): Promise<Settings>;
}

export function createSettingsService(file: string): SettingsService {
  let cache: Settings | null = null;

  async function load(): Promise<Settings> {
    if (cache) return cache;
    try {
      const parsed = Settings.safeParse(JSON.parse(await readFile(file, 'utf8')));
      // A damaged settings file must not stop the app: fall back to defaults.
      cache = parsed.success ? parsed.data : Settings.parse({});
    } catch {
      cache = Settings.parse({});
    }
    return cache;
  }

  return {
    get: load,
    async update(patch) {
      const next = Settings.parse({ ...(await load()), ...patch });
      await mkdir(dirname(file), { recursive: true });
      // Write-then-rename so a crash never leaves half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(next, null, 2));
      await rename(tmp, file);
      cache = next;
      return next;
    },
  };
}
