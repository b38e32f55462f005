/**
 * Messages between the page and the data worker. The worker owns the heavy
 * work (reading Dexie page by page, validating a file, building a report); the
 * page owns the bridge (saving chunks, reading a backup), because `window.api`
 * exists only on the page. Export chunks flow under credit: the worker sends a
 * chunk and waits for the page's ack before producing more than CREDIT chunks
 * ahead, so a slow disk never piles text up in memory. A chunk is UTF-8 bytes
 * in a transferred buffer, which the ack transfers back for the next chunk: an
 * export of any size cycles the same few buffers.
 */
import type { JournalFilter } from '../../../../shared/journal/filter';
import type { ImportMode, ImportReport } from '../../../../shared/journal/import';
import type { ExportFormat, ExportProgress } from './io';

export const CREDIT = 2;

export type ImportFrom =
  | { kind: 'file'; file: Blob }
  /** A backup in the data folder: the worker pulls it piece by piece through the page. */
  | { kind: 'backup'; name: string; size: number }
  | { kind: 'text'; text: string };

export interface ImportProgress {
  phase: 'validating' | 'writing';
  /** Bytes read in this pass and the file's size (null when unknown). */
  bytes: number;
  size: number | null;
  /** Records written so far. */
  written: number;
}

/** What crosses back of an import: the report without its bulky parts. */
export type ImportSummary = Omit<ImportReport, 'duplicateIds'> & { duplicateIds: number };

export type DataRequest =
  | { id: number; kind: 'export'; format: ExportFormat; filter: JournalFilter | null; app: { name: string; version: string }; exportedAt?: number; bom?: boolean }
  /** A chunk was written; `buffer` is its buffer, back for reuse. */
  | { id: number; kind: 'ack'; buffer?: ArrayBuffer }
  | { id: number; kind: 'cancel' }
  | { id: number; kind: 'import'; from: ImportFrom; mode: ImportMode }
  | { id: number; kind: 'piece'; text: string; nextOffset: number; done: boolean }
  | { id: number; kind: 'pieceError'; message: string }
  | { id: number; kind: 'report'; filter: JournalFilter | null; app: { name: string; version: string }; title?: string; generatedAt: number };

export type DataResponse =
  /** A chunk of the export as UTF-8 bytes (a transferred buffer): the page hands it to the bridge as it is (renderer/src/bridge.ts). */
  | { id: number; kind: 'chunk'; chunk: Uint8Array; progress: ExportProgress }
  | { id: number; kind: 'progress'; progress: ExportProgress }
  | { id: number; kind: 'exported'; attempts: number }
  | { id: number; kind: 'importProgress'; progress: ImportProgress }
  | { id: number; kind: 'imported'; report: ImportSummary }
  | { id: number; kind: 'pull'; name: string; offset: number }
  | { id: number; kind: 'report'; html: string; markdown: string; attempts: number }
  | { id: number; kind: 'error'; name: string; message: string };
