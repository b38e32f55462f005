/**
 * Bridge-backed sinks and helpers: an export file written chunk by chunk
 * (Electron: a save dialog chose it; the browser host: the data folder's
 * exports/), a rolling backup, and reading a backup back for restore.
 */
import type { Api } from '../../../../shared/bridge/client';
import type { ChunkSink, PieceReader } from './client';

export interface SaveTarget extends ChunkSink {
  path: string;
  finish(): Promise<{ path: string; bytes: number }>;
  abort(): Promise<void>;
}

/** Appends a chunk to a file begun with files:beginSave (renderer/src/bridge.ts `appendChunk` sends bytes raw over HTTP). */
export type AppendChunk = (handle: string, chunk: Uint8Array | string) => Promise<void>;

const decoder = new TextDecoder();

function appendThrough(api: Api): AppendChunk {
  return async (handle, chunk) => {
    await api.files.appendChunk({ handle, text: typeof chunk === 'string' ? chunk : decoder.decode(chunk) });
  };
}

/** Opens an export file; null when the user cancelled the save dialog. */
export async function openExportFile(api: Api, suggestedName: string, append: AppendChunk = appendThrough(api)): Promise<SaveTarget | null> {
  const { handle, path } = await api.files.beginSave({ suggestedName });
  if (!handle || !path) return null;
  return {
    path,
    append: (chunk) => append(handle, chunk),
    finish: () => api.files.finishSave({ handle }),
    abort: async () => {
      await api.files.abortSave({ handle }).catch(() => false);
    },
  };
}

export interface BackupTarget extends ChunkSink {
  name: string;
  finish(keep: number): Promise<{ name: string; removed: string[] }>;
  abort(): Promise<void>;
}

export async function openBackup(api: Api, append: AppendChunk = appendThrough(api)): Promise<BackupTarget> {
  const { handle, name } = await api.backups.begin();
  return {
    name,
    append: (chunk) => append(handle, chunk),
    finish: async (keep) => {
      const r = await api.backups.finish({ handle, keep });
      return { name: r.backup.name, removed: r.removed };
    },
    abort: async () => {
      await api.files.abortSave({ handle }).catch(() => false);
    },
  };
}

export function backupReader(api: Api): PieceReader {
  return (name, offset) => api.backups.read({ name, offset });
}

/**
 * Hands a finished export to the browser as a download (the browser host; in
 * Electron the save dialog already placed it and this returns false). The
 * host gives a one-time URL for the file, fetched with an `<a download>` click
 * so the browser streams it to disk and the page never holds it.
 */
export async function downloadExport(api: Api, path: string, doc: Document = document): Promise<boolean> {
  const { url } = await api.files.downloadUrl({ path });
  if (!url) return false;
  const a = doc.createElement('a');
  a.href = url;
  a.download = path.split(/[\\/]/).pop() ?? '';
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
  }
  return true;
}

/** `tenth-journal-2026-11-21.jsonl` */
export function exportFileName(kind: string, ext: string, at = Date.now()): string {
  return `tenth-${kind}-${new Date(at).toISOString().slice(0, 10)}.${ext}`;
}
