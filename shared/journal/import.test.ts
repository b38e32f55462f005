import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from './csv';
import { collectText, exportCsv, exportJsonBackup, exportJsonl } from './export';
import { serializeRecord, type JournalInput } from './jsonl';
import { JournalChangedError, planImport, type BatchSink, type ImportMode, type ImportReport } from './import';
import type { DataRecordType } from './records';
import { sampleAttempt, sampleJournal, seededRandom } from './sample';

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

/** A PNG as a camera or a screenshot tool writes it: signature, then chunks holding newlines and bytes that are not UTF-8. */
function pngBytes(): Uint8Array {
  const out = new Uint8Array(20_000);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const rnd = seededRandom(7);
  for (let i = 16; i < out.length; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

/** Every mode, each handing over nothing and reporting the one whole-file error. */
async function importBoth(source: () => JournalInput): Promise<ImportReport> {
  let last: ImportReport | null = null;
  const modes: [ImportMode, boolean][] = [
    ['all-or-nothing', false],
    ['all-or-nothing', true],
    ['valid-only', false],
  ];
  for (const [mode, onePass] of modes) {
    const rec = recorder();
    const r = await planImport(source, null, { mode, onePass, onBatch: rec.sink });
    expect(rec.batches, mode).toEqual([]);
    expect(r.committed, mode).toBe(false);
    expect(r.ok, mode).toBe(false);
    expect(r.errorCount, mode).toBe(1);
    expect(r.errors, mode).toHaveLength(1);
    expect(r.errors[0].code, mode).toBe('not_journal');
    expect(r.errors[0].message, mode).toBe(r.notJournal?.message);
    if (last) expect(r.notJournal, mode).toEqual(last.notJournal);
    last = r;
  }
  return last!;
}

describe('planImport: a file that is not a journal gets one message, not one per line', () => {
  it('an empty file, as text, bytes or a stream', async () => {
    for (const source of [() => '', () => new Uint8Array(0), () => (async function* () {})(), () => '\uFEFF']) {
      expect((await importBoth(source)).notJournal).toEqual({ kind: 'empty', line: 0, message: 'The file is empty.' });
    }
    expect((await importBoth(() => '\n  \r\n\n')).notJournal?.message).toBe('The file is empty: it holds only blank lines.');
  });

  it('a PNG renamed to .jsonl, read before a line is split, and the stream closed', async () => {
    const png = pngBytes();
    expect(new TextDecoder().decode(png).split('\n').length).toBeGreaterThan(50);
    let pulled = 0;
    let closed = 0;
    const stream = () =>
      (async function* () {
        try {
          for (let i = 0; i < png.length; i += 512) {
            pulled++;
            yield png.subarray(i, i + 512);
          }
        } finally {
          closed++;
        }
      })();
    const r = await importBoth(stream);
    expect(r.notJournal).toEqual({ kind: 'binary', line: 0, message: 'This is not a text file (it looks like a PNG image); Tenth imports its JSONL or JSON export.' });
    expect(r.lines).toBe(0);
    // Three imports, each reading only the first 4 KB.
    expect(pulled).toBe(3 * 8);
    expect(closed).toBe(3);
    expect((await importBoth(() => png)).notJournal?.kind).toBe('binary');
  });

  it('other binary files: by signature, or by the controls and bytes no text has', async () => {
    const gz = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0a, 0x7b]);
    expect((await importBoth(() => gz)).notJournal?.message).toBe('This is not a text file (it looks like a gzip archive); Tenth imports its JSONL or JSON export.');
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x0a]);
    expect((await importBoth(() => xlsx)).notJournal?.message).toContain('an Excel or Word file');
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0a, 0x7b, 0x7d, 0x0a]);
    expect((await importBoth(() => exe)).notJournal).toEqual({ kind: 'binary', line: 0, message: 'This is not a text file; Tenth imports its JSONL or JSON export.' });
  });

  it('text in another encoding', async () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode('name,caf'), 0xe9, 0x0a, 0x61, 0x2c, 0x31, 0x0a]);
    expect((await importBoth(() => latin1)).notJournal).toEqual({
      kind: 'encoding',
      line: 1,
      message: 'This is not a UTF-8 text file (byte 0xe9 on line 1); Tenth imports its JSONL or JSON export.',
    });
    const text = await journalText(2);
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + 2 * i] = text.charCodeAt(i);
    expect((await importBoth(() => utf16)).notJournal?.kind).toBe('encoding');
    // Without its byte order mark.
    expect((await importBoth(() => utf16.subarray(2))).notJournal?.message).toMatch(/^This file is UTF-16 text/);
  });

  it("Tenth's own CSV export, with or without the BOM Excel wants", async () => {
    const j = sampleJournal(30);
    for (const bom of [false, true]) {
      const csv = await collectText(exportCsv(j.attempts, { bom }));
      expect(csv.startsWith(`${bom ? '\uFEFF' : ''}${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
      const r = await importBoth(() => new TextEncoder().encode(csv));
      expect(r.notJournal).toEqual({
        kind: 'csv',
        line: 1,
        message:
          'This is a CSV export: CSV exports can’t be imported back, they flatten each attempt and leave the other records out. Import the JSONL export or the JSON backup instead.',
      });
    }
  });

  it('a web page, XML, a JSON array, JSON over several lines, other CSV and other text', async () => {
    const cases: [string, string, RegExp][] = [
      ['<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n<title>Report</title>\n', 'html', /^This is a web page, not a journal \(a Tenth report can’t be imported back\)/],
      ['\n\n<?xml version="1.0"?>\n<a>\n</a>\n', 'html', /^This is an XML or HTML file/],
      ['[{"schema":"tenth.attempt/1"},\n{"schema":"tenth.attempt/1"}]\n', 'json', /^This is a JSON array.*jq -c '\.\[\]'/],
      [JSON.stringify(JSON.parse(await collectText(exportJsonBackup(sampleJournal(2), { app: APP }))), null, 2), 'json', /^This is JSON laid out over several lines.*jq -c/],
      ['name,score\nalice,3\nbob,4\n', 'csv', /^This looks like a CSV file, not a journal/],
      ['# Report\n\nTwo models, ten cases.\n', 'text', /^This is not a journal: no line is a record \(the first reads “# Report”\)/],
    ];
    for (const [text, kind, message] of cases) {
      const r = await importBoth(() => text);
      expect(r.notJournal?.kind, text).toBe(kind);
      expect(r.notJournal?.message, text).toMatch(message);
      expect(r.notJournal?.message, text).toMatch(/Tenth imports its JSONL or JSON export|JSONL export or the JSON backup/);
    }
    // The line that shows it, past the blank ones.
    expect((await importBoth(() => '\n\n<?xml version="1.0"?>\n')).errors[0].line).toBe(3);
  });

  it('keeps line errors for a journal that is broken, not something else', async () => {
    const good = (await journalText(3)).trimEnd().split('\n');
    // Every line broken, but they are meant as records.
    const r = await planImport('{"a":1}\n{"schema":"tenth.attempt/1"\n', null, { mode: 'all-or-nothing' });
    expect(r.notJournal).toBeNull();
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [1, 'bad_schema'],
      [2, 'json'],
    ]);
    // A stray first line before good records: its error, and valid-only imports the rest.
    const stray = ['exported by hand', ...good.slice(1)].join('\n');
    const rec = recorder();
    const partial = await planImport(stray, null, { mode: 'valid-only', onBatch: rec.sink });
    expect(partial.notJournal).toBeNull();
    expect(partial.errors.map((e) => [e.line, e.code])).toEqual([[1, 'json']]);
    expect(partial.added.attempt).toBe(3);
    // A journal with only its header holds no records, and is a journal.
    const header = await planImport(good[0], null, { mode: 'all-or-nothing' });
    expect(header.ok && header.notJournal === null && header.addedTotal === 0).toBe(true);
  });

  it('reads a stream whose producer reuses its buffer, past the bytes it looked at', async () => {
    const bytes = new TextEncoder().encode(await journalText(40));
    const buf = new Uint8Array(300);
    const open = () =>
      (async function* () {
        for (let i = 0; i < bytes.length; i += buf.length) {
          const piece = bytes.subarray(i, i + buf.length);
          buf.set(piece);
          yield buf.subarray(0, piece.length);
        }
      })();
    const rec = recorder();
    const r = await planImport(open, null, { mode: 'all-or-nothing', onBatch: rec.sink });
    expect(r.ok).toBe(true);
    expect(r.added.attempt).toBe(40);
    expect((await planImport(open(), null, { mode: 'valid-only' })).added.attempt).toBe(40);
  });
});
