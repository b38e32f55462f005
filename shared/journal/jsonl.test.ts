import { describe, expect, it } from 'vitest';
import { ATTEMPT_SCHEMA } from '../domain/schemas';
import {
  firstInvalidUtf8,
  hashString,
  parseLine,
  readLines,
  serializeParsed,
  serializeRecord,
  sniffHead,
  validateJournal,
  type JournalChunk,
  type LineItem,
} from './jsonl';
import { collectText, exportJsonBackup, exportJsonl } from './export';
import { sampleAttempt, sampleJournal } from './sample';

const enc = new TextEncoder();

async function collect(input: Parameters<typeof readLines>[0], opts?: Parameters<typeof readLines>[1]): Promise<LineItem[]> {
  const out: LineItem[] = [];
  for await (const l of readLines(input, opts)) out.push(l);
  return out;
}

/** Splits bytes into chunks of the given sizes (cycled), to put boundaries everywhere. */
function* chunked(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = sizes[i++ % sizes.length];
    yield bytes.subarray(pos, pos + n);
    pos += n;
  }
}

describe('serializeRecord', () => {
  it('writes schema first and the PRODUCT.md field order, whatever the object order', () => {
    const a = sampleAttempt(4);
    const shuffled = Object.fromEntries(Object.entries(a).reverse());
    const line = serializeRecord(shuffled as typeof a);
    expect(line).toBe(serializeRecord(a));
    const keys = Object.keys(JSON.parse(line));
    expect(keys.slice(0, 8)).toEqual(['schema', 'id', 'runId', 'promptId', 'promptVersion', 'caseId', 'repeatIndex', 'retryOf']);
    expect(keys.indexOf('providerKind')).toBeLessThan(keys.indexOf('status'));
    expect(keys.indexOf('status')).toBeLessThan(keys.indexOf('queuedAt'));
    expect(keys.indexOf('queuedAt')).toBeLessThan(keys.indexOf('usage'));
    expect(keys.indexOf('costUsd')).toBeLessThan(keys.indexOf('grades'));
    expect(line).not.toContain('\n');
  });

  it('orders nested objects too and drops undeclared fields', () => {
    const a = sampleAttempt(12); // failed
    const messy = { ...a, extra: 'x', failure: { retryAfterMs: null, httpStatus: null, message: 'm', class: 'network', stack: 'secret' } };
    const parsed = JSON.parse(serializeRecord(messy as never));
    expect(Object.keys(parsed.failure)).toEqual(['class', 'message', 'httpStatus', 'retryAfterMs']);
    expect(parsed).not.toHaveProperty('extra');
  });

  it('is what parsing the line gives back', () => {
    for (let i = 0; i < 60; i++) {
      const line = serializeRecord(sampleAttempt(i));
      const r = parseLine(line, 1);
      expect(r.ok, line).toBe(true);
      if (r.ok) expect(serializeRecord(r.record)).toBe(line);
    }
  });
});

describe('parseLine errors name the line, the field and the expectation', () => {
  const base = (): Record<string, unknown> => JSON.parse(serializeRecord(sampleAttempt(12)));

  it('wrong enum value in a nested field', () => {
    const o = base();
    (o.failure as Record<string, unknown>).class = 'gremlins';
    const r = parseLine(JSON.stringify(o), 17);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ line: 17, code: 'invalid', field: 'failure.class' });
    expect(r.error.expected).toContain('"rate_limited"');
    expect(r.error.message).toMatch(/^line 17: tenth\.attempt\/1 failure\.class: expected one of .* got "gremlins"/);
  });

  it('wrong type', () => {
    const o = base();
    o.repeatIndex = 'three';
    const r = parseLine(JSON.stringify(o), 2);
    expect(!r.ok && r.error).toMatchObject({ field: 'repeatIndex', expected: 'a number' });
    o.repeatIndex = 1.5;
    const r2 = parseLine(JSON.stringify(o), 2);
    expect(!r2.ok && r2.error).toMatchObject({ field: 'repeatIndex', expected: 'an integer' });
  });

  it('missing field', () => {
    const o = base();
    delete o.runId;
    const r = parseLine(JSON.stringify(o), 3);
    expect(!r.ok && r.error).toMatchObject({ field: 'runId', expected: 'a string' });
    expect(!r.ok && r.error.message).toContain('missing required field runId');
  });

  it('array element out of range', () => {
    const o = base();
    o.grades = [{ source: 'human', name: 'review', pass: true, score: 1.5, at: 1 }];
    const r = parseLine(JSON.stringify(o), 8);
    expect(!r.ok && r.error).toMatchObject({ field: 'grades[0].score', expected: 'a number ≤ 1' });
  });

  it('unknown key in strict params', () => {
    const o = base();
    o.params = { temperature: 1, frobnicate: true };
    const r = parseLine(JSON.stringify(o), 5);
    expect(!r.ok && r.error.field).toBe('params');
    expect(!r.ok && r.error.message).toContain('"frobnicate"');
  });

  it('not JSON, or not an object', () => {
    const r = parseLine('{"schema":"tenth.attempt/1","id":', 6);
    expect(!r.ok && r.error).toMatchObject({ line: 6, code: 'json', field: null, expected: 'one JSON object' });
    const r2 = parseLine('[1,2]', 7);
    expect(!r2.ok && r2.error.message).toBe('line 7: expected a JSON object, got an array');
  });
});

describe('readLines', () => {
  const text = ['first line é', '', 'third 🙂 line', 'last without newline'].join('\n');

  it('splits strings and bytes at any chunk boundary, multi-byte characters included', async () => {
    const expected = [
      { line: 1, text: 'first line é' },
      { line: 2, text: '' },
      { line: 3, text: 'third 🙂 line' },
      { line: 4, text: 'last without newline' },
    ];
    expect(await collect(text)).toEqual(expected);
    const bytes = enc.encode(text);
    for (const sizes of [[1], [2], [3], [5, 1, 7], [bytes.length]]) {
      expect(await collect(chunked(bytes, sizes)), String(sizes)).toEqual(expected);
    }
    const strChunks = [text.slice(0, 3), text.slice(3, 14), text.slice(14)];
    expect(await collect(strChunks)).toEqual(expected);
  });

  it('handles CRLF, a final newline, and a BOM', async () => {
    const items = await collect(enc.encode('\uFEFFa\r\nb\r\n'));
    expect(items).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
    ]);
    // A CR split from its LF by a chunk boundary.
    expect(await collect(['x\r', '\ny'])).toEqual([
      { line: 1, text: 'x' },
      { line: 2, text: 'y' },
    ]);
  });

  it('reports bad UTF-8 on its own line and reads on', async () => {
    const bytes = new Uint8Array([...enc.encode('ok\n'), 0x61, 0xc3, 0x28, 0x62, 0x0a, ...enc.encode('fine')]);
    for (const sizes of [[1], [4], [100]]) {
      const items = await collect(chunked(bytes, sizes));
      expect(items[0]).toEqual({ line: 1, text: 'ok' });
      expect(items[1].error).toMatchObject({ line: 2, code: 'utf8' });
      expect(items[1].error!.message).toContain('0xc3 at byte 2');
      expect(items[2]).toEqual({ line: 3, text: 'fine' });
    }
  });

  it('turns an over-long line into an error without keeping it', async () => {
    const max = 64;
    const long = 'x'.repeat(1000);
    const src = `short\n${long}\nafter\n${long}`;
    for (const input of [src, chunked(enc.encode(src), [7])] as Iterable<JournalChunk>[]) {
      const items = await collect(input, { maxLineLength: max });
      expect(items.map((i) => i.text ?? i.error!.code)).toEqual(['short', 'too_long', 'after', 'too_long']);
      expect(items[1].error!.line).toBe(2);
      expect(items[3].error!.line).toBe(4);
    }
  });

  it('mixes string and byte chunks', async () => {
    expect(await collect(['ab', enc.encode('c\nd'), 'e\n'])).toEqual([
      { line: 1, text: 'abc' },
      { line: 2, text: 'de' },
    ]);
  });

  it('reads from an async source', async () => {
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield enc.encode('1\n2');
      yield enc.encode('\n3');
    }
    expect((await collect(gen())).map((i) => i.text)).toEqual(['1', '2', '3']);
  });
});

describe('hashString', () => {
  it('tells apart near-identical strings of odd and even length', () => {
    const xs = ['', 'a', 'b', 'ab', 'ba', 'abc', 'abd', 'a\u0000', '\u0000a', 'x'.repeat(1001), `${'x'.repeat(1000)}y`];
    expect(new Set(xs.map(hashString)).size).toBe(xs.length);
    expect(hashString('same text')).toBe(hashString('same text'));
    for (const x of xs) expect(Number.isSafeInteger(hashString(x))).toBe(true);
  });
});

describe('firstInvalidUtf8', () => {
  it('finds the offending byte', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xff]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xe2, 0x82]))).toBe(0); // truncated sequence
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xf0, 0x9f, 0x99, 0x82, 0x80]))).toBe(5);
  });
});

describe('validateJournal', () => {
  function lines(n: number): string[] {
    const j = sampleJournal(n);
    return [...j.prompts, ...j.versions, ...j.cases, ...j.runs, ...j.attempts].map((r) => serializeRecord(r));
  }

  it('counts records by type', async () => {
    const r = await validateJournal(lines(30).join('\n') + '\n');
    expect(r.ok).toBe(true);
    expect(r.counts).toMatchObject({ attempt: 30, prompt: 2, promptVersion: 2, case: 7, run: 3, journal: 0, provider: 0 });
    expect(r.errors).toEqual([]);
  });

  it('accepts identical duplicate lines and rejects any other reuse of an id', async () => {
    const ls = lines(5);
    const a0 = ls.find((l) => l.includes('"att-000000"'))!;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(a0)).reverse()));
    const conflicting = JSON.stringify({ ...JSON.parse(a0), output: 'something else' });
    const r = await validateJournal([...ls, a0, `${a0}\r`, reordered, conflicting].join('\n'));
    expect(r.identicalDuplicates).toBe(2);
    expect(r.counts.attempt).toBe(5);
    expect(r.ok).toBe(false);
    expect(r.errorCount).toBe(2);
    const firstLine = ls.indexOf(a0) + 1;
    expect(r.duplicateIds).toEqual([
      { type: 'attempt', id: 'att-000000', firstLine, line: ls.length + 3 },
      { type: 'attempt', id: 'att-000000', firstLine, line: ls.length + 4 },
    ]);
    expect(r.errors[1]).toMatchObject({ code: 'duplicate', field: 'id', line: ls.length + 4 });
    expect(r.errors[1].message).toContain(`line ${firstLine}`);
  });

  it('the same id in different record types is not a duplicate', async () => {
    const a = { ...sampleAttempt(1), id: 'same' };
    const c = { schema: 'tenth.case/1', id: 'same', promptId: 'p', label: null, vars: {}, order: 0 };
    const r = await validateJournal([serializeRecord(a), serializeRecord(c as never)].join('\n'));
    expect(r.ok).toBe(true);
  });

  it('allows the journal header only first', async () => {
    const header = '{"schema":"tenth.journal/1","exportedAt":1,"app":{"name":"Tenth","version":"0.1.0"}}';
    const ok = await validateJournal(`\n${header}\n${serializeRecord(sampleAttempt(1))}\n`);
    expect(ok.ok).toBe(true);
    expect(ok.header).toEqual(JSON.parse(header));
    const bad = await validateJournal(`${serializeRecord(sampleAttempt(1))}\n${header}\n`);
    expect(bad.errors[0]).toMatchObject({ line: 2, code: 'header' });
  });

  it('keeps only the first maxErrors errors but counts all', async () => {
    const bad = Array.from({ length: 50 }, () => '{"schema":"tenth.attempt/1"}').join('\n');
    const r = await validateJournal(bad, { maxErrors: 5 });
    expect(r.errors).toHaveLength(5);
    expect(r.errorCount).toBe(50);
    expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads the schema constant', () => {
    expect(ATTEMPT_SCHEMA).toBe('tenth.attempt/1');
  });
});

describe('sniffHead', () => {
  it('lets through what Tenth writes, however it starts', async () => {
    const j = sampleJournal(3);
    const app = { name: 'Tenth', version: '0.1.0' };
    const heads = [
      await collectText(exportJsonl(j, { app })),
      await collectText(exportJsonBackup(j, { app })),
      // A `tenth run` journal has no header; a file may start with a BOM or blank lines.
      serializeRecord(sampleAttempt(1)),
      `\uFEFF\r\n\n  ${serializeRecord(sampleAttempt(2))}`,
      // Broken from the first byte, but meant as a record: the line errors say more.
      '{"schema":"tenth.attempt/1", "id": ',
      '',
      '\n\n',
    ];
    for (const text of heads) expect(sniffHead(enc.encode(text).subarray(0, 4096)), text.slice(0, 40)).toBeNull();
    // A first line longer than the head, cut inside a character.
    expect(sniffHead(enc.encode(`{"output":"${'é'.repeat(5000)}"}`).subarray(0, 4095))).toBeNull();
    expect(sniffHead(enc.encode(`# ${'é'.repeat(5000)}`).subarray(0, 4095))).toBeNull();
  });

  it('a validation of a PNG says so once, without splitting it into lines', async () => {
    const png = new Uint8Array(3000).map((_, i) => (i * 37) % 256);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const r = await validateJournal(png);
    expect(r.errors).toEqual([
      { line: 0, code: 'not_journal', field: null, expected: 'a Tenth journal: its JSONL export or JSON backup', message: 'This is not a text file (it looks like a PNG image); Tenth imports its JSONL or JSON export.' },
    ]);
    expect(r.notJournal?.kind).toBe('binary');
  });
});

describe('serializeParsed', () => {
  it("gives serializeRecord's bytes for a parsed record, credentials masked the same way", () => {
    const j = sampleJournal(60, 21);
    const withSecrets = j.attempts.map((a, i) =>
      i % 3 === 0
        ? { ...a, request: { ...(a.request as object), headers: { authorization: 'Bearer sk-live-0123456789abcdef' } }, responseMeta: { status: 200, headers: { 'x-api-key': 'k-123456789' } } }
        : a,
    );
    for (const a of withSecrets) {
      const want = serializeRecord(a);
      const parsed = parseLine(JSON.stringify(a), 1);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(serializeParsed('attempt', parsed.record as unknown as Record<string, unknown>)).toBe(want);
    }
    expect(withSecrets.some((a) => serializeRecord(a).includes('sk-live'))).toBe(false);
  });
});

describe('lines as read (raw bytes) and canonical forms', () => {
  const text = '\ufeff{"a":"naïve 🙂"}\r\n{"b":1}\n\n{"c":"日本語"}\r\n{"d":2}';
  const bytes = enc.encode(text);

  it('give each line read from bytes its own bytes, without "\\r" or the BOM, across any chunk boundaries', async () => {
    for (const sizes of [[bytes.length], [1], [2, 3], [5, 7, 11], [64]]) {
      const items = await collect(chunked(bytes, sizes), { raw: true });
      expect(items.map((l) => l.text)).toEqual(['{"a":"naïve 🙂"}', '{"b":1}', '', '{"c":"日本語"}', '{"d":2}']);
      for (const l of items) expect(new TextDecoder().decode(l.raw)).toBe(l.text);
      // Copies (views of a copy): a producer reusing its buffer cannot change them.
      for (const l of items) if (l.raw!.length) expect(l.raw!.buffer).not.toBe(bytes.buffer);
    }
    // One-byte text, where a line's bytes are where its characters are.
    const ascii = await collect(enc.encode('{"x":1}\r\n{"y":22}\n\n{"z":3}'), { raw: true });
    expect(ascii.map((l) => new TextDecoder().decode(l.raw))).toEqual(['{"x":1}', '{"y":22}', '', '{"z":3}']);
    // Not asked, or not bytes: no raw.
    expect((await collect(bytes)).some((l) => l.raw)).toBe(false);
    expect((await collect(text, { raw: true })).some((l) => l.raw)).toBe(false);
  });

  it('keep raw bytes on the line-by-line path a segment with bad UTF-8 takes', async () => {
    const bad = new Uint8Array([...enc.encode('{"x":1}\n'), 0xff, ...enc.encode('\n{"y":"é"}\n')]);
    const items = await collect(bad, { raw: true });
    expect(items[0]).toMatchObject({ text: '{"x":1}' });
    expect(new TextDecoder().decode(items[0]!.raw)).toBe('{"x":1}');
    expect(items[1]!.error?.code).toBe('utf8');
    expect(new TextDecoder().decode(items[2]!.raw)).toBe('{"y":"é"}');
  });

  it('hand a canonical line over as its bytes and any other line as its canonical text', async () => {
    const { scanJournal } = await import('./jsonl');
    const j = sampleJournal(6, 2);
    const canonicalFile = await collectText(exportJsonl(j, { app: { name: 'Tenth', version: 't' }, exportedAt: 1 }));
    // The same records with keys reordered and spaces: valid, not canonical.
    const lines = canonicalFile.trimEnd().split('\n');
    const loose = lines.map((l, i) => (i > 0 && i % 2 === 0 ? JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l) as object).reverse()), null, 0).replace(/,"/g, ', "') : l)).join('\n');
    const seen: { canonical: string | Uint8Array | undefined; record: unknown }[] = [];
    const report = await scanJournal(enc.encode(loose), { canonical: true }, (type, record, _line, canonical) => {
      seen.push({ canonical, record });
    });
    expect(report.ok).toBe(true);
    expect(seen.length).toBe(lines.length - 1);
    let asBytes = 0;
    for (const s of seen) {
      const expected = serializeRecord(s.record as never);
      if (s.canonical instanceof Uint8Array) {
        asBytes++;
        expect(new TextDecoder().decode(s.canonical)).toBe(expected);
      } else expect(s.canonical).toBe(expected);
    }
    // Odd lines (and the header's neighbours) were written canonical; even ones loosened.
    expect(asBytes).toBeGreaterThan(0);
    expect(asBytes).toBeLessThan(seen.length);
    // Text input: canonical text only.
    const fromText: unknown[] = [];
    await scanJournal(loose, { canonical: true }, (_t, _r, _l, canonical) => void fromText.push(canonical));
    expect(fromText.every((c) => typeof c === 'string')).toBe(true);
  });

  it('keeps a held (pending) record as its own copy of its line, and hands over the same record at the end', async () => {
    const { scanJournal } = await import('./jsonl');
    const pending = { ...sampleAttempt(1), id: 'held-1', status: 'pending' as const, endedAt: null, output: 'partial 🙂' };
    const done = { ...sampleAttempt(2), id: 'done-2' };
    const file = enc.encode([serializeRecord(pending), serializeRecord(done)].join('\n') + '\n');
    const seen: { id: string; record: unknown; canonical: unknown }[] = [];
    const report = await scanJournal(file, { canonical: true }, (_t, record, _l, canonical) => void seen.push({ id: record.id, record, canonical }));
    expect(report.ok).toBe(true);
    // The pending attempt is handed over last, once the file ended without its final line.
    expect(seen.map((s) => s.id)).toEqual(['done-2', 'held-1']);
    const held = seen[1]!;
    expect(JSON.stringify(held.record)).toBe(serializeRecord(pending));
    const bytes = held.canonical as Uint8Array;
    expect(new TextDecoder().decode(bytes)).toBe(serializeRecord(pending));
    // Its own buffer, not a view of the read segment (which would keep the whole segment alive).
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  });
});

