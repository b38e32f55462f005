/**
 * The page ↔ worker conversation, in process: the real data worker module runs
 * against fake-indexeddb, its messages delivered to the real DataClient.
 * Export under credit into a slow sink, import from a File, restore from a
 * backup pulled piece by piece, cancel.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleJournal } from '../../../../shared/journal/sample';
import type { DataRequest, DataResponse } from '../../workers/data/protocol';
import { createDb, DB_NAME } from '../../db/db';
import { isBackupDue } from './backup';
import { CancelledError, DataClient } from './client';

type Fake = { onmessage: ((e: MessageEvent<DataResponse>) => void) | null; onerror: ((e: ErrorEvent) => void) | null; postMessage(m: DataRequest): void };
const fake: Fake = { onmessage: null, onerror: null, postMessage: () => undefined };

beforeAll(async () => {
  const db = createDb(DB_NAME);
  const j = sampleJournal(900, 31);
  await db.prompts.bulkAdd(j.prompts);
  await db.promptVersions.bulkAdd(j.versions);
  await db.cases.bulkAdd(j.cases);
  await db.runs.bulkAdd(j.runs);
  await db.attempts.bulkAdd(j.attempts);
  db.close();
  const scope = self as unknown as { postMessage(m: DataResponse): void; onmessage: ((e: { data: DataRequest }) => void) | null };
  // Asynchronous delivery both ways, as with a real worker.
  // (A chunk's bytes cross as themselves, as a transferred buffer does.)
  scope.postMessage = (m) => void Promise.resolve().then(() => fake.onmessage?.({ data: m.kind === 'chunk' ? { ...m, progress: structuredClone(m.progress) } : structuredClone(m) } as MessageEvent<DataResponse>));
  await import('../../workers/data.worker');
  // (A File crosses as itself: jsdom's clone of it would lose the stream() the test gives it.)
  fake.postMessage = (m) => void Promise.resolve().then(() => scope.onmessage?.({ data: m.kind === 'import' && m.from.kind === 'file' ? m : structuredClone(m) }));
});

const APP = { name: 'Tenth', version: 'test' };

describe('DataClient × data worker', () => {
  it('streams an export under credit: never more than 2 chunks unwritten', async () => {
    const client = new DataClient(fake as never);
    const written: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const sink = {
      append: async (t: Uint8Array | string) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        written.push(typeof t === 'string' ? t : new TextDecoder().decode(t));
        inFlight--;
      },
    };
    const job = client.exportTo({ format: 'csv', filter: { statuses: ['ok', 'failed'] }, app: APP }, sink, () => undefined);
    const { attempts } = await job.done;
    expect(attempts).toBeGreaterThan(300);
    const text = written.join('');
    expect(text.split('\r\n').filter(Boolean).length).toBeGreaterThanOrEqual(attempts + 1);
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });

  it('imports a File into an empty journal and reports; a broken file writes nothing', async () => {
    const client = new DataClient(fake as never);
    const chunks: string[] = [];
    await client.exportTo({ format: 'jsonl', filter: { runIds: ['run-1'] }, app: APP }, { append: async (t) => void chunks.push(typeof t === "string" ? t : new TextDecoder().decode(t)) }, () => undefined).done;
    const jsonl = chunks.join('');
    // Import into the same journal: everything exists already.
    const again = await client.importFrom({ kind: 'text', text: jsonl }, 'all-or-nothing', () => undefined).done;
    expect(again.ok).toBe(true);
    expect(again.addedTotal).toBe(0);
    const extra = sampleJournal(3, 99).attempts.map((a) => ({ ...a, id: `new-${a.id}` }));
    const lines = [...jsonl.trimEnd().split('\n'), ...extra.map((a) => JSON.stringify(a))];
    const file = new File([lines.join('\n')], 'x.jsonl');
    // jsdom's File lacks stream(); the worker reads File.stream() in the browser.
    Object.defineProperty(file, 'stream', { value: () => new Response(lines.join('\n')).body! });
    const progress: string[] = [];
    const r = await client.importFrom({ kind: 'file', file }, 'all-or-nothing', (p) => progress.push(p.phase)).done;
    expect(r.added.attempt).toBe(3);
    expect(progress).toContain('writing');
    const broken = [...lines.slice(0, -1), '{"schema":"tenth.attempt/1","id":"x"}'].join('\n');
    const bad = await client.importFrom({ kind: 'text', text: broken.replaceAll('new-', 'newer-') }, 'all-or-nothing', () => undefined).done;
    expect(bad.committed).toBe(false);
    expect(bad.errors[0]).toMatchObject({ line: lines.length, code: 'invalid' });
    const db = createDb(DB_NAME);
    expect(await db.attempts.where(':id').startsWith('newer-').count()).toBe(0);
    db.close();
  });

  it('restores from a backup pulled piece by piece through the page', async () => {
    const client = new DataClient(fake as never);
    const chunks: string[] = [];
    await client.exportTo({ format: 'jsonl', filter: null, app: APP }, { append: async (t) => void chunks.push(typeof t === "string" ? t : new TextDecoder().decode(t)) }, () => undefined).done;
    const backup = chunks.join('').replaceAll('"att-', '"bk-');
    const pulls: number[] = [];
    const reader = async (_name: string, offset: number) => {
      pulls.push(offset);
      const end = Math.min(backup.length, offset + 50_000);
      return { text: backup.slice(offset, end), nextOffset: end, done: end >= backup.length };
    };
    const r = await client.importFrom({ kind: 'backup', name: 'b', size: backup.length }, 'all-or-nothing', () => undefined, reader).done;
    expect(r.ok).toBe(true);
    expect(r.added.attempt).toBe(900);
    expect(pulls.length).toBeGreaterThan(4);
  });

  it('cancel stops an export and rejects with CancelledError', async () => {
    const client = new DataClient(fake as never);
    let n = 0;
    const job = client.exportTo({ format: 'json', filter: null, app: APP }, { append: async () => void n++ }, () => undefined);
    job.cancel();
    await expect(job.done).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('isBackupDue', () => {
  const s = { enabled: true, everyHours: 24, keep: 7 };
  it('is due with no backup, or when the newest is older than the interval; never when disabled', () => {
    expect(isBackupDue(s, null, 0)).toBe(true);
    expect(isBackupDue(s, 0, 24 * 3_600_000 - 1)).toBe(false);
    expect(isBackupDue(s, 0, 24 * 3_600_000)).toBe(true);
    expect(isBackupDue({ ...s, enabled: false }, null, 0)).toBe(false);
    expect(isBackupDue({ ...s, everyHours: 0.5 }, 0, 1_800_000)).toBe(true);
  });
});
