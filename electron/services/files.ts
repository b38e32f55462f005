/**
 * Writing files the user asked for (exports, reports). Where the file goes is
 * injected: Electron asks with a save dialog; the browser host and the CLI
 * write into the data folder's exports/ directory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export type ChooseSavePath = (suggestedName: string) => Promise<string | null>;

/** Keeps only a plain file name: no folders, no traversal, no control characters. */
export function safeFileName(name: string): string {
  const cleaned = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim();
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned.slice(0, 200) : 'tenth-export.txt';
}

export function exportsDirChooser(exportsDir: string): ChooseSavePath {
  return async (suggestedName) => {
    await mkdir(exportsDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return join(exportsDir, `${stamp}-${safeFileName(suggestedName)}`);
  };
}

export function createFilesService(choose: ChooseSavePath) {
  return {
    async saveText(suggestedName: string, content: string): Promise<{ saved: boolean; path: string | null }> {
      const path = await choose(safeFileName(suggestedName));
      if (!path) return { saved: false, path: null };
      await writeFile(path, content);
      return { saved: true, path };
    },
  };
}
