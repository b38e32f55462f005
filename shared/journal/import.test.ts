import { describe, expect, it } from 'vitest';
import { collectText, exportJsonl } from './export';
import { serializeRecord } from './jsonl';
import { JournalChangedError, planImport, type BatchSink } from './import';
import type { DataRecordType } from './records';
import { sampleAttempt, sampleJournal } from './sample';

const APP = { name: 'Tenth', version: '0.1.0' };

async function journalText(n: number): Promise<string> {
  const j = sampleJournal(n);
  return collectText(exportJsonl({ ...j, versions: j.versions }, { app: APP, exportedAt: 1 }));
}

function recorder(): { sink: BatchSink; batches: { type: DataRecordType; n: number }[]; ids: string[] } {
  const batches: { type: DataRecordType; n: number }[] = [];
  const ids: string[] = [];
  return {
    batches,
    ids,
    sink: (type, records) => {
      batches.push({ type, n: records.length });
      for (const r of records) ids.push(`${type}:${r.id}`);
    },
  };
}

describe('planImport', () => {
  it('all-or-nothing: a bad last line means nothing is handed over, and the report says where and why', async () => {
    const good = await journalText(40);
    const bad = JSON.stringify({ ...JSON.parse(serializeRecord(sampleAttempt(999))), latencyMs: 'slow' });
    const rec = recorder();
    const r = await planImport(good + bad, null, { mode: 'all-or-nothing', onBatch: rec.sink });
    expect(r.committed).toBe(false);
    expect(rec.batches).toEqual([]);
    expect(r.addedTotal).toBe(0);
    expect(r.invalid).toBe(1);
    const lastLine = good.split('\n').length;
    expect(r.errors).toEqual([
      expect.objectContaining({ line: lastLine, field: 'latencyMs', expected: 'a number', code: 'invalid' }),
    ]);
    expect(r.errors[0].message).toBe(`line ${lastLine}: tenth.attempt/1 latencyMs: expected a number, got "slow"`);
  });

  it('all-or-nothing in one pass: batches come during validation, the rest only when the file is valid', async () => {
    const good = await journalText(40);
    const bad = JSON.stringify({ ...JSON.parse(serializeRecord(sampleAttempt(999))), latencyMs: 'slow' });
    // A one-shot stream is enough: the file is read once.
    const once = async function* () {
      yield good + bad;
    };
    const failed = recorder();
    const r = await planImport(once(), null, { mode: 'all-or-nothing', onePass: true, batchSize: 16, onBatch: failed.sink });
    expect(r.committed).toBe(false);
    expect(r.invalid).toBe(1);
    // Full batches went out while reading (the caller stages and discards them); the tail did not.
    expect(failed.batches.length).toBeGreaterThan(0);
    expect(failed.batches.every((b) => b.n === 16)).toBe(true);

    const ok = recorder();
    const r2 = await planImport(good, null, { mode: 'all-or-nothing', onePass: true, batchSize: 16, onBatch: ok.sink });
    expect(r2.committed).toBe(true);
    const twoPass = recorder();
    await planImport(good, null, { mode: 'all-or-nothing', batchSize: 16, onBatch: twoPass.sink });
    expect([...ok.ids].sort()).toEqual([...twoPass.ids].sort());
  });

  it('valid-only: commits the valid records and reports the rest', async () => {
    const good = (await journalText(10)).trimEnd().split('\n');
    const a3 = good.findIndex((l) => l.includes('"att-000003"'));
    const conflicting = JSON.stringify({ ...JSON.parse(good[a3]), output: 'changed' });
    const lines = [...good, '{"schema":"tenth.attempt/1"', conflicting, serializeRecord(sampleAttempt(50))];
    const rec = recorder();
    const r = await planImport(lines.join('\r\n'), null, { mode: 'valid-only', onBatch: rec.sink });
    expect(r.committed).toBe(true);
    expect(r.invalid).toBe(2);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [good.length + 1, 'json'],
      [good.length + 2, 'duplicate'],
    ]);
    expect(r.added.attempt).toBe(11);
    expect(rec.ids).toContain('attempt:att-000050');
    // The first version of a conflicting id wins.
    expect(rec.ids.filter((id) => id === 'attempt:att-000003')).toHaveLength(1);
  });

  it('merges by id using the batched lookup, in batches of at most batchSize', async () => {
    const text = await journalText(100);
    const asked: number[] = [];
    const existing = {
      existingIds: (type: DataRecordType, ids: readonly string[]) => {
        asked.push(ids.length);
        return type === 'attempt' ? ids.filter((id) => Number(id.slice(4)) % 2 === 0) : [];
      },
    };
    const rec = recorder();
    const r = await planImport(text, existing, { mode: 'all-or-nothing', onBatch: rec.sink, batchSize: 16 });
    expect(r.added.attempt).toBe(50);
    expect(r.skippedExisting).toBe(50);
    expect(Math.max(...asked)).toBeLessThanOrEqual(16);
    expect(rec.batches.every((b) => b.n <= 16)).toBe(true);
    expect(rec.ids.filter((id) => id.startsWith('attempt:')).every((id) => Number(id.slice(-6)) % 2 === 1)).toBe(true);
  });

  it('accepts an async hasId', async () => {
    const text = await journalText(5);
    const r = await planImport(text, { hasId: async (type, id) => type === 'run' && id === 'run-1' }, { mode: 'valid-only' });
    expect(r.skippedExisting).toBe(1);
    expect(r.added.run).toBe(2);
  });

  it('reads a factory source twice and streams byte chunks', async () => {
    const bytes = new TextEncoder().encode(await journalText(30));
    let opened = 0;
    async function* open(): AsyncGenerator<Uint8Array> {
      opened++;
      for (let i = 0; i < bytes.length; i += 777) yield bytes.subarray(i, i + 777);
    }
    const rec = recorder();
    const r = await planImport(open, null, { mode: 'all-or-nothing', onBatch: rec.sink });
    expect(opened).toBe(2);
    expect(r.added.attempt).toBe(30);
  });

  it('refuses a one-shot stream in all-or-nothing mode, accepts it in valid-only', async () => {
    const text = await journalText(3);
    async function* once(): AsyncGenerator<string> {
      yield text;
    }
    await expect(planImport(once(), null, { mode: 'all-or-nothing' })).rejects.toThrow(TypeError);
    const r = await planImport(once(), null, { mode: 'valid-only' });
    expect(r.added.attempt).toBe(3);
  });

  it('notices a file that changed between the two passes', async () => {
    const text = await journalText(5);
    let n = 0;
    const open = (): string => (n++ === 0 ? text : text + '{"broken"\n');
    await expect(planImport(open, null, { mode: 'all-or-nothing' })).rejects.toThrow(JournalChangedError);
  });

  it('propagates a commit failure', async () => {
    const text = await journalText(5);
    await expect(
      planImport(text, null, {
        mode: 'all-or-nothing',
        onBatch: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
  });
});
