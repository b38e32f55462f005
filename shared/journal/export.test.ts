import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Attempt, Case, Prompt, PromptVersion, Provider, Run } from '../domain/schemas';
import { CSV_COLUMNS, attemptToCsvCells, attemptToCsvRow, attemptVerdict, csvHeader } from './csv';
import {
  ExportError,
  SecretLeakError,
  assertNoSecrets,
  collectText,
  exportCsv,
  exportJsonBackup,
  exportJsonl,
  exportJsonlParts,
  partsText,
  type AttemptItem,
  type JournalSource,
} from './export';
import { serializeRecord } from './jsonl';
import { buildPage, lineSlice } from './pages';
import { planImport } from './import';
import { DATA_RECORD_TYPES, type DataRecordType, type RecordMap } from './records';
import { sampleJournal, sampleProvider } from './sample';

const APP = { name: 'Tenth', version: '0.1.0' };
const AT = 1_760_000_123_456;

/** An in-memory journal store, the shape an import commits into. */
class MemoryStore {
  readonly byType = new Map<DataRecordType, Map<string, unknown>>(DATA_RECORD_TYPES.map((t) => [t, new Map()]));
  batches = 0;
  hasId = (type: DataRecordType, id: string): boolean => this.byType.get(type)!.has(id);
  commit = <T extends DataRecordType>(type: T, records: RecordMap[T][]): void => {
    this.batches++;
    for (const r of records) this.byType.get(type)!.set(r.id, r);
  };
  /** By id, as an indexed store (Dexie's primary key) lists them; commit order is not file order (pending attempts wait for their final line). */
  list<T extends DataRecordType>(type: T): RecordMap[T][] {
    return [...this.byType.get(type)!.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r) as RecordMap[T][];
  }
  source(): JournalSource {
    return {
      providers: this.list('provider'),
      prompts: this.list('prompt'),
      versions: this.list('promptVersion'),
      cases: this.list('case'),
      runs: this.list('run'),
      attempts: this.list('attempt'),
    };
  }
}

async function* asAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const i of items) yield i;
}

function sourceOf(j: ReturnType<typeof sampleJournal>): JournalSource {
  return { providers: j.providers, prompts: j.prompts, versions: j.versions, cases: j.cases, runs: j.runs, attempts: asAsync(j.attempts) };
}

describe('JSONL export → import → export', () => {
  it('is byte-identical, with every status, failure class, unicode, newlines and quotes', async () => {
    const j = sampleJournal(400, 7);
    const classes = new Set(j.attempts.filter((a) => a.failure).map((a) => a.failure!.class));
    expect(classes.size).toBe(12);
    expect(new Set(j.attempts.map((a) => a.status)).size).toBe(5);

    const first = await collectText(exportJsonl(sourceOf(j), { app: APP, exportedAt: AT }));
    const store = new MemoryStore();
    const report = await planImport(first, store, { mode: 'all-or-nothing', onBatch: store.commit, batchSize: 64 });
    expect(report.ok).toBe(true);
    expect(report.committed).toBe(true);
    expect(report.addedTotal).toBe(400 + 2 + 2 + 2 + 7 + 3);
    expect(report.header).toMatchObject({ exportedAt: AT, app: APP });

    const second = await collectText(exportJsonl(store.source(), { app: APP, exportedAt: AT }));
    expect(second).toBe(first);
    const lines = first.split('\n');
    expect(lines[0]).toBe('{"schema":"tenth.journal/1","exportedAt":1760000123456,"app":{"name":"Tenth","version":"0.1.0"}}');
    expect(lines.at(-1)).toBe('');
    // Dependency order: providers, prompts, versions, cases, runs, attempts.
    const order = lines.slice(1, -1).map((l) => JSON.parse(l).schema);
    expect(order).toEqual([...order].sort((a, b) => rank(a) - rank(b)));
  });

  it('re-importing the same file adds nothing', async () => {
    const text = await collectText(exportJsonl(sourceOf(sampleJournal(50)), { app: APP, exportedAt: AT }));
    const store = new MemoryStore();
    await planImport(text, store, { mode: 'all-or-nothing', onBatch: store.commit });
    const batches = store.batches;
    const again = await planImport(text, store, { mode: 'all-or-nothing', onBatch: store.commit });
    expect(again.addedTotal).toBe(0);
    expect(again.skippedExisting).toBe(50 + 16);
    expect(store.batches).toBe(batches);
  });

  it('yields one line per chunk with chunkSize 0, and the same text', async () => {
    const src = () => sourceOf(sampleJournal(20));
    const chunks: string[] = [];
    for await (const c of exportJsonl(src(), { app: APP, exportedAt: AT, chunkSize: 0 })) chunks.push(c);
    expect(chunks.every((c) => c.endsWith('\n') && c.indexOf('\n') === c.length - 1)).toBe(true);
    expect(chunks.join('')).toBe(await collectText(exportJsonl(src(), { app: APP, exportedAt: AT })));
  });

  it('the validating and the plain writer produce the same bytes', async () => {
    const j = sampleJournal(300, 5);
    const messy = j.attempts.map((a, i) =>
      i % 3 === 0
        ? ({ ...Object.fromEntries(Object.entries(a).reverse()), extra: i, request: { headers: { 'X-Api-Key': 'k' }, b: 1, a: [1, { token: 't' }] } } as unknown as Attempt)
        : a,
    );
    const src = (): JournalSource => ({ ...sourceOf({ ...j, attempts: messy }), providers: [{ ...sampleProvider(1), headers: { authorization: 'x', z: 'y', a: 'b' } }] });
    const checked = await collectText(exportJsonl(src(), { app: APP, exportedAt: AT }));
    const plain = await collectText(exportJsonl(src(), { app: APP, exportedAt: AT, validate: false }));
    expect(checked).toBe(plain);
    expect(checked).toContain('"request":{"headers":{"X-Api-Key":"[redacted]"},"b":1,"a":[1,{"token":"[redacted]"}]}');
  });

  it('refuses to export an invalid record, or skips it when asked', async () => {
    const j = sampleJournal(3);
    const broken = { ...j.attempts[1], status: 'exploded' } as unknown as Attempt;
    const src = (): JournalSource => ({ attempts: [j.attempts[0], broken, j.attempts[2]] });
    await expect(collectText(exportJsonl(src(), { app: APP }))).rejects.toThrow(ExportError);
    const skipped: string[] = [];
    const text = await collectText(exportJsonl(src(), { app: APP, invalid: 'skip', onInvalid: (i) => skipped.push(`${i.id}:${i.field}`) }));
    expect(text.trim().split('\n')).toHaveLength(3);
    expect(skipped).toEqual([`${broken.id}:status`]);
  });
});

function rank(schema: string): number {
  return ['tenth.journal/1', 'tenth.provider/1', 'tenth.prompt/1', 'tenth.promptVersion/1', 'tenth.case/1', 'tenth.run/1', 'tenth.attempt/1'].indexOf(schema);
}

describe('secrets never leave', () => {
  const CANARY = 'sk-canary-8f2b7c1d9e0a4b3c';

  function leakySource(): JournalSource {
    const j = sampleJournal(30);
    const provider = { ...sampleProvider(0), key: CANARY, apiKey: CANARY, headers: { 'x-api-key': CANARY, Accept: 'json' } } as Provider;
    const attempts = j.attempts.map((a, i) =>
      i === 3
        ? ({
            ...a,
            key: CANARY,
            request: { model: 'm', headers: { Authorization: `Bearer ${CANARY}` }, api_key: CANARY },
            responseMeta: { status: 200, headers: { 'set-cookie': CANARY } },
          } as Attempt)
        : a,
    );
    return { ...sourceOf({ ...j, attempts }), providers: [provider] };
  }

  it('in JSONL, the JSON backup and CSV', async () => {
    const jsonl = await collectText(exportJsonl(leakySource(), { app: APP, secrets: [CANARY] }));
    const backup = await collectText(exportJsonBackup(leakySource(), { app: APP, secrets: [CANARY] }));
    const csv = await collectText(exportCsv((leakySource().attempts as AsyncIterable<Attempt>), { secrets: [CANARY] }));
    for (const text of [jsonl, backup, csv]) {
      expect(text).not.toContain('canary');
      expect(text.length).toBeGreaterThan(1000);
    }
    expect(jsonl).toContain('"x-api-key":"[redacted]"');
  });

  it('assertNoSecrets catches raw, JSON-escaped and CSV-quoted forms, without echoing the secret', () => {
    expect(() => assertNoSecrets(`a ${CANARY} b`, ['', CANARY])).toThrow(SecretLeakError);
    const quoted = 'k"e\\y-123';
    expect(() => assertNoSecrets(JSON.stringify({ v: quoted }), [quoted])).toThrow(SecretLeakError);
    expect(() => assertNoSecrets('"k""e\\y-123"', [quoted])).toThrow(SecretLeakError);
    expect(() => assertNoSecrets('clean', [CANARY])).not.toThrow();
    try {
      assertNoSecrets(CANARY, [CANARY]);
    } catch (e) {
      expect((e as Error).message).not.toContain(CANARY);
    }
  });

  it('the exporter stops when a known secret would be written', async () => {
    const src: JournalSource = { prompts: [{ ...sampleJournal(0).prompts[0], system: `use ${CANARY}` }] };
    await expect(collectText(exportJsonl(src, { app: APP, secrets: [CANARY] }))).rejects.toThrow(SecretLeakError);
  });
});

describe('attempts as journal-page bytes', () => {
  const j = sampleJournal(60, 5);
  // Two pages of 25 attempts and 10 attempts as objects, interleaved by id as a merge by id gives them.
  const paged = j.attempts.filter((_, i) => i % 6 !== 5);
  const pages = [paged.slice(0, 25), paged.slice(25)].map((list, k) => buildPage(`p${k}`, list, list.map((a) => serializeRecord(a))).page);
  const sliceOf = new Map<string, AttemptItem>();
  paged.forEach((a, i) => sliceOf.set(a.id, lineSlice(pages[i < 25 ? 0 : 1]!, i % 25, a.id)));
  const items: AttemptItem[] = j.attempts.map((a) => sliceOf.get(a.id) ?? a);
  const src = (attempts: AttemptItem[]): JournalSource => ({ ...j, versions: j.versions, attempts: [attempts] });

  it('are written as stored, and the file is the same as from the attempts themselves', async () => {
    const expected = await collectText(exportJsonl({ ...j, attempts: j.attempts }, { app: APP, exportedAt: AT }));
    for (const validate of [false, true]) expect(await collectText(exportJsonl(src(items), { app: APP, exportedAt: AT, validate }))).toBe(expected);
    expect(await collectText(exportJsonBackup(src(items), { app: APP, exportedAt: AT, validate: false }))).toBe(await collectText(exportJsonBackup({ ...j, attempts: j.attempts }, { app: APP, exportedAt: AT })));
  });

  it('hand consecutive lines of a page on as one run of its bytes, text between them as one part', async () => {
    const chunks: (string | Uint8Array)[][] = [];
    for await (const c of exportJsonlParts(src(items), { app: APP, exportedAt: AT, validate: false, chunkSize: 1 << 30 })) chunks.push(c);
    expect(chunks).toHaveLength(1);
    const parts = chunks[0]!;
    const runs = parts.filter((p): p is Uint8Array => typeof p !== 'string');
    // Every 6th attempt is hot and breaks a run of page lines: 9 breaks (the last one ends the file)
    // and the page boundary, which falls at a hot attempt too → 10 runs, each a view of a page's buffer.
    expect(runs).toHaveLength(10);
    for (const r of runs) expect(pages.some((p) => p.bytes.buffer === r.buffer)).toBe(true);
    // Text and bytes alternate: adjacent text is one part.
    for (let i = 1; i < parts.length; i++) expect(typeof parts[i] === 'string' && typeof parts[i - 1] === 'string').toBe(false);
    expect(partsText(parts)).toBe(await collectText(exportJsonl({ ...j, attempts: j.attempts }, { app: APP, exportedAt: AT })));
    // A whole page in order is its stored bytes, whole.
    const whole: (string | Uint8Array)[][] = [];
    const pageOnly = paged.slice(0, 25).map((a) => sliceOf.get(a.id)!);
    for await (const c of exportJsonlParts({ attempts: [pageOnly] }, { app: APP, exportedAt: AT, validate: false, chunkSize: 1 << 30 })) whole.push(c);
    const bytes = whole[0]!.filter((p): p is Uint8Array => typeof p !== 'string');
    expect(bytes).toHaveLength(1);
    expect(bytes[0]!.byteLength).toBe(pages[0]!.bytes.byteLength);
  });

  it('split into chunks of about chunkSize bytes, whole lines each', async () => {
    const chunks: string[] = [];
    for await (const c of exportJsonlParts(src(items), { app: APP, exportedAt: AT, validate: false, chunkSize: 4096 })) chunks.push(partsText(c));
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
    expect(chunks.join('')).toBe(await collectText(exportJsonl({ ...j, attempts: j.attempts }, { app: APP, exportedAt: AT })));
  });

  it('are checked for secrets like text', async () => {
    const canary = 'sk-canary-page-bytes-0123456789';
    const leaky = { ...paged[0]!, notes: canary };
    const page = buildPage('leak', [leaky], [serializeRecord(leaky)]).page;
    const run = exportJsonlParts({ attempts: [[lineSlice(page, 0, leaky.id)]] }, { app: APP, exportedAt: AT, validate: false, secrets: [canary] });
    await expect(collectText((async function* () { for await (const c of run) yield partsText(c); })())).rejects.toBeInstanceOf(SecretLeakError);
  });
});

describe('JSON backup', () => {
  it('is one JSON document holding the same records as the JSONL', async () => {
    const j = sampleJournal(25);
    const text = await collectText(exportJsonBackup(sourceOf(j), { app: APP, exportedAt: AT, filter: { runIds: ['run-0'] }, chunkSize: 100 }));
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['schema', 'exportedAt', 'app', 'filter', 'providers', 'prompts', 'versions', 'cases', 'runs', 'attempts']);
    expect(doc.schema).toBe('tenth.backup/1');
    expect(doc.filter).toEqual({ runIds: ['run-0'] });
    expect(doc.attempts).toHaveLength(25);
    const jsonl = await collectText(exportJsonl(sourceOf(j), { app: APP, exportedAt: AT }));
    const attemptLines = jsonl.split('\n').filter((l) => l.includes('"tenth.attempt/1"'));
    expect(doc.attempts.map((a: unknown) => JSON.stringify(a))).toEqual(attemptLines);
  });

  it('imports back as written, giving the same journal', async () => {
    const j = sampleJournal(60, 9);
    const backup = await collectText(exportJsonBackup(sourceOf(j), { app: APP, exportedAt: AT, chunkSize: 0 }));
    const store = new MemoryStore();
    const r = await planImport(backup, store, { mode: 'all-or-nothing', onBatch: store.commit });
    expect(r.ok).toBe(true);
    expect(r.addedTotal).toBe(60 + 16);
    expect(r.header).toEqual({ schema: 'tenth.journal/1', exportedAt: AT, app: APP });
    const direct = await collectText(exportJsonl(sourceOf(j), { app: APP, exportedAt: AT }));
    expect(await collectText(exportJsonl(store.source(), { app: APP, exportedAt: AT }))).toBe(direct);
    // An empty backup imports as nothing.
    const empty = await planImport(await collectText(exportJsonBackup({}, { app: APP })), null, { mode: 'all-or-nothing' });
    expect(empty.ok && empty.addedTotal === 0).toBe(true);
  });

  it('explains that a re-formatted backup cannot be read line by line', async () => {
    const doc = JSON.parse(await collectText(exportJsonBackup(sourceOf(sampleJournal(2)), { app: APP })));
    const r = await planImport(JSON.stringify(doc, null, 2), null, { mode: 'all-or-nothing' });
    expect(r.committed).toBe(false);
    expect(r.errors[0].line).toBe(1);
    const r2 = await planImport(`{"schema":"tenth.backup/1","exportedAt":1,"app":{"name":"a","version":"1"},\n  "providers": [\n`, null, { mode: 'valid-only' });
    expect(r2.errors[0]).toMatchObject({ line: 2, code: 'json' });
    expect(r2.errors[0].message).toContain('jq -c');
  });

  it('writes empty lists as []', async () => {
    const doc = JSON.parse(await collectText(exportJsonBackup({}, { app: APP, exportedAt: AT })));
    expect(doc).toEqual({ schema: 'tenth.backup/1', exportedAt: AT, app: APP, providers: [], prompts: [], versions: [], cases: [], runs: [], attempts: [] });
  });
});

describe('CSV', () => {
  it('parses back with papaparse to the same values', async () => {
    const j = sampleJournal(300, 3);
    const text = await collectText(exportCsv(asAsync(j.attempts), { batchSize: 7 }));
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
    expect(parsed.errors).toEqual([]);
    const rows = parsed.data;
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.at(-1)).toEqual(['']); // the final CRLF
    expect(rows.length - 2).toBe(300);
    for (let i = 0; i < 300; i++) {
      const expected = attemptToCsvCells(j.attempts[i]).map((c) => {
        if (c === null) return '';
        if (typeof c === 'number') return String(c);
        return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(c) ? `'${c}` : c;
      });
      expect(rows[i + 1], `row ${i}`).toEqual(expected);
    }
  });

  it('quotes newlines, quotes and commas, and neutralises formulas but not numbers', () => {
    const a = { ...sampleJournal(1).attempts[0] };
    const row = (over: Partial<Attempt>): string[] => Papa.parse<string[]>(attemptToCsvRow({ ...a, ...over } as Attempt)).data[0];
    const out = CSV_COLUMNS.indexOf('output');
    expect(row({ output: 'a,"b"\r\nc' })[out]).toBe('a,"b"\r\nc');
    expect(row({ output: '=HYPERLINK("http://x")\nsecond line' })[out]).toBe('\'=HYPERLINK("http://x")\nsecond line');
    expect(row({ output: '-2+3' })[out]).toBe("'-2+3");
    expect(row({ output: '@SUM(1)' })[out]).toBe("'@SUM(1)");
    expect(row({ output: '\tx' })[out]).toBe("'\tx");
    // Numbers, negative ones included, stay plain numbers.
    const line = attemptToCsvRow({ ...a, queuedAt: -5, costUsd: 0.000123 } as Attempt);
    expect(line.split(',')[CSV_COLUMNS.indexOf('queuedAt')]).toBe('-5');
    expect(csvHeader().split(',')).toEqual([...CSV_COLUMNS]);
  });

  it('takes a whole journal source too', async () => {
    const j = sampleJournal(10);
    expect(await collectText(exportCsv(sourceOf(j)))).toBe(await collectText(exportCsv(j.attempts)));
  });

  it('starts with a BOM only when asked', async () => {
    const withBom = await collectText(exportCsv([], { bom: true }));
    expect(withBom.charCodeAt(0)).toBe(0xfeff);
    expect(withBom.slice(1)).toBe(csvHeader() + '\r\n');
  });

  it('computes the verdict of PRODUCT.md', () => {
    const g = (source: 'human' | 'check' | 'judge', pass: boolean | null, at = 1) => ({ source, name: 'g', pass, score: null, at });
    expect(attemptVerdict({ status: 'failed', grades: [] })).toBe('fail');
    expect(attemptVerdict({ status: 'cancelled', grades: [g('human', true)] })).toBe('');
    expect(attemptVerdict({ status: 'ok', grades: [] })).toBe('');
    // The same rules as the statistics (shared/stats verdictOf): a judge decides when nothing else does,
    expect(attemptVerdict({ status: 'ok', grades: [g('judge', true)] })).toBe('pass');
    // a re-run check replaces its earlier result, and a human score alone decides.
    expect(attemptVerdict({ status: 'ok', grades: [g('check', false, 1), g('check', true, 2)] })).toBe('pass');
    expect(attemptVerdict({ status: 'ok', grades: [{ source: 'human', name: 'h', pass: null, score: 0.9, at: 3 }, g('check', false)] })).toBe('pass');
    expect(attemptVerdict({ status: 'ok', grades: [g('check', true), g('check', true)] })).toBe('pass');
    expect(attemptVerdict({ status: 'ok', grades: [g('check', true), g('check', false)] })).toBe('fail');
    expect(attemptVerdict({ status: 'ok', grades: [g('check', false), g('human', true)] })).toBe('pass');
    expect(attemptVerdict({ status: 'ok', grades: [g('human', true, 1), g('human', false, 2)] })).toBe('fail');
  });
});

// Typed sources compile with the domain types the app stores.
export const _typed: JournalSource = {
  providers: [] as Provider[],
  prompts: [] as Prompt[],
  versions: [] as PromptVersion[],
  cases: [] as Case[],
  runs: [] as Run[],
  attempts: [] as Attempt[],
};
