/**
 * Export and import through the real Dexie code (fake-indexeddb): round trip,
 * merge by id, all-or-nothing on a bad file, selections through indexes, and a
 * canary key through every format.
 */
import { describe, expect, it } from 'vitest';
import type { Attempt, Provider } from '../../../../shared/domain/schemas';
import { collectText } from '../../../../shared/journal/export';
import { compileFilter, type JournalFilter } from '../../../../shared/journal/filter';
import { serializeRecord } from '../../../../shared/journal/jsonl';
import { sampleJournal, sampleProvider } from '../../../../shared/journal/sample';
import { createDb, type TenthDb } from '../../db/db';
import { exportFromDexie, importIntoDexie, packChunk, watchedSource, type ExportFormat } from './io';
import { countAttempts, getAttempt, scanAttempts, selectAttempts } from '../../db/journal';

const APP = { name: 'Tenth', version: '0.1.0' };
const AT = 1_760_000_999_000;
const CANARY = 'sk-canary-0123456789abcdef';

let n = 0;
const freshDb = (): TenthDb => createDb(`tenth-data-test-${Date.now()}-${n++}`);

async function seeded(attempts: number, seed = 1): Promise<{ db: TenthDb; j: ReturnType<typeof sampleJournal> }> {
  const db = freshDb();
  const j = sampleJournal(attempts, seed);
  // A provider row carrying a stray key, as a careless migration might have left one.
  const leaky = { ...sampleProvider(2), key: CANARY, apiKey: CANARY, headers: { Authorization: `Bearer ${CANARY}` } } as Provider;
  await db.providers.bulkAdd([...j.providers, leaky]);
  await db.prompts.bulkAdd(j.prompts);
  await db.promptVersions.bulkAdd(j.versions);
  await db.cases.bulkAdd(j.cases);
  await db.runs.bulkAdd(j.runs);
  await db.attempts.bulkAdd(j.attempts);
  return { db, j };
}

const text = (db: TenthDb, format: ExportFormat, filter?: JournalFilter, pageSize = 37) =>
  collectText(exportFromDexie(db, { format, filter, app: APP, exportedAt: AT, pageSize, chunkSize: 500 }));

async function snapshot(db: TenthDb) {
  return {
    providers: await db.providers.count(),
    prompts: await db.prompts.count(),
    versions: await db.promptVersions.count(),
    cases: await db.cases.count(),
    runs: await db.runs.count(),
    attempts: await countAttempts(null, db),
    sample: await db.attempts.orderBy(':id').limit(3).toArray(),
  };
}

describe('Dexie export → import → export', () => {
  it('gives identical content (JSONL and the JSON backup)', async () => {
    const { db } = await seeded(300, 4);
    for (const format of ['jsonl', 'json'] as const) {
      const first = await text(db, format);
      const empty = freshDb();
      const r = await importIntoDexie(empty, first, { mode: 'all-or-nothing', batchSize: 64 });
      expect(r.ok, JSON.stringify(r.errors[0])).toBe(true);
      expect(r.added.attempt).toBe(300);
      expect(r.added.provider).toBe(3);
      expect(await countAttempts(null, empty)).toBe(300);
      expect(await text(empty, format)).toBe(first);
    }
  });

  it('re-importing adds nothing; a second machine merges', async () => {
    const { db } = await seeded(120, 5);
    const file = await text(db, 'jsonl');
    const again = await importIntoDexie(db, file, { mode: 'all-or-nothing' });
    expect(again.ok).toBe(true);
    expect(again.addedTotal).toBe(0);
    expect(again.skippedExisting).toBeGreaterThan(120);

    // Machine B has its own attempts, and a provider with the same name under another id.
    const b = freshDb();
    const other = sampleJournal(30, 77).attempts.map((a) => ({ ...a, id: `b-${a.id}` }));
    await b.attempts.bulkAdd(other);
    await b.providers.add({ ...sampleProvider(0), id: 'prov-b' });
    const r = await importIntoDexie(b, file, { mode: 'all-or-nothing' });
    expect(r.ok).toBe(true);
    expect(await countAttempts(null, b)).toBe(150);
    const names = (await b.providers.toArray()).map((p) => p.name).sort();
    expect(names).toEqual(['Local 1', 'Local 2', 'OpenAI', 'OpenAI (imported)']);
  });

  it('an imported provider whose name differs from one here only in case is renamed too', async () => {
    const { db } = await seeded(10, 12);
    const file = await text(db, 'jsonl');
    const b = freshDb();
    await b.providers.add({ ...sampleProvider(0), id: 'prov-b', name: '  openai ' });
    const r = await importIntoDexie(b, file, { mode: 'all-or-nothing' });
    expect(r.ok).toBe(true);
    expect((await b.providers.toArray()).map((p) => p.name).sort()).toEqual(['  openai ', 'Local 1', 'Local 2', 'OpenAI (imported)']);
  });

  it('an imported prompt whose name a prompt here has is renamed, and merging the same prompt again is not', async () => {
    const { db } = await seeded(10, 13);
    const file = await text(db, 'jsonl');
    const b = freshDb();
    const [first] = await db.prompts.toArray();
    await b.prompts.add({ ...first!, id: 'prompt-b', name: ` ${first!.name.toUpperCase()} ` });
    expect((await importIntoDexie(b, file, { mode: 'all-or-nothing' })).ok).toBe(true);
    expect((await b.prompts.get(first!.id))?.name).toBe(`${first!.name} (imported)`);
    // The same file again: everything exists, nothing renamed twice.
    expect((await importIntoDexie(b, file, { mode: 'all-or-nothing' })).addedTotal).toBe(0);
    expect((await b.prompts.toArray()).filter((p) => p.name.includes('(imported')).length).toBe(1);
  });

  it('a bad file leaves the journal unchanged (all-or-nothing); valid-only imports the rest and lists the errors', async () => {
    const { db } = await seeded(50, 6);
    const lines = (await text(freshDbWith(await seeded(40, 8)), 'jsonl')).trimEnd().split('\n');
    const badAt = lines.length - 3;
    const broken = JSON.parse(lines[badAt]);
    broken.latencyMs = 'slow';
    const file = [...lines.slice(0, badAt), JSON.stringify(broken), ...lines.slice(badAt + 1), '{"schema":"tenth.attempt/9"}'].join('\n');
    const before = await snapshot(db);
    const r = await importIntoDexie(db, file, { mode: 'all-or-nothing', batchSize: 7 });
    expect(r.ok).toBe(false);
    expect(r.committed).toBe(false);
    expect(r.errors.map((e) => [e.line, e.field, e.code])).toEqual([
      [badAt + 1, 'latencyMs', 'invalid'],
      [lines.length + 1, 'schema', 'newer_version'],
    ]);
    expect(r.errors[0].message).toBe(`line ${badAt + 1}: tenth.attempt/1 latencyMs: expected a number, got "slow"`);
    expect(r.errors[1].message).toContain('newer Tenth');
    expect(await snapshot(db)).toEqual(before);

    const partial = await importIntoDexie(db, file, { mode: 'valid-only' });
    expect(partial.invalid).toBe(2);
    // Both sample journals use the same ids up to att-000039: only the ones db lacks are new.
    expect(await countAttempts(null, db)).toBe(50);
  });

  it('a truncated or non-UTF-8 stream changes nothing', async () => {
    const { db } = await seeded(20, 9);
    const good = await text(db, 'jsonl');
    const target = freshDb();
    const bytes = new TextEncoder().encode(good.replace('"att-000003"', '"att-new"'));
    const damaged = new Uint8Array([...bytes.subarray(0, 2000), 0xff, 0xfe, ...bytes.subarray(2000, bytes.length - 40)]);
    // What File.stream() gives in the worker: a byte stream in pieces.
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < damaged.length; i += 777) c.enqueue(damaged.subarray(i, i + 777));
          c.close();
        },
      });
    const passes: number[] = [];
    const r = await importIntoDexie(target, watchedSource(stream, { onBytes: (_b, pass) => passes.push(pass) }), { mode: 'all-or-nothing' });
    expect(new Set(passes)).toEqual(new Set([1]));
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.code)).toContain('utf8');
    expect(await countAttempts(null, target)).toBe(0);
    expect(await target.prompts.count()).toBe(0);
  });

  it('an older schema is upgraded on import; a newer one refused with a clear message', async () => {
    const { registerUpgrader } = await import('../../../../shared/journal/records');
    const a = sampleJournal(1).attempts[0];
    const old = { ...JSON.parse(serializeRecord(a)), schema: 'tenth.attempt/0', id: 'old-1' };
    delete old.grades;
    const unregister = registerUpgrader('tenth.attempt', 0, (raw) => ({ ...raw, grades: [] }));
    try {
      const db = freshDb();
      const r = await importIntoDexie(db, JSON.stringify(old), { mode: 'all-or-nothing' });
      expect(r.ok).toBe(true);
      expect((await getAttempt('old-1', db))?.grades).toEqual([]);
    } finally {
      unregister();
    }
    const db = freshDb();
    const r = await importIntoDexie(db, JSON.stringify({ ...old, schema: 'tenth.attempt/2' }), { mode: 'all-or-nothing' });
    expect(r.errors[0].message).toMatch(/written by a newer Tenth .*upgrade the app/);
  });
});

function freshDbWith(x: { db: TenthDb }): TenthDb {
  return x.db;
}

describe('selections', () => {
  const filters: [string, JournalFilter, string][] = [
    ['run', { runIds: ['run-1'] }, 'index runId'],
    ['run + dates', { runIds: ['run-1', 'run-2'], from: 1_760_000_050_000, to: 1_760_000_150_000 }, 'index [runId+queuedAt]'],
    ['prompt + status', { promptIds: ['prompt-0'], statuses: ['failed'] }, 'index promptId'],
    ['model + dates', { models: ['gpt-test'], from: 1_760_000_100_000 }, 'index [model+queuedAt]'],
    ['failure class', { failureClasses: ['timeout', 'auth'] }, 'index failure.class'],
    ['status', { statuses: ['pending', 'interrupted'] }, 'index status'],
    ['tags', { tags: ['a', 'b,c'] }, 'index tags'],
    ['provider', { providerIds: ['prov-1'] }, 'index providerId'],
    ['dates', { from: 1_760_000_020_000, to: 1_760_000_040_000 }, 'index queuedAt'],
  ];

  it.each(filters)('%s: uses its index and returns exactly the matching attempts', async (_label, filter, access) => {
    const { db, j } = await seeded(200, 10);
    const sel = await selectAttempts(filter, db);
    expect(sel.access).toBe(access);
    const got: Attempt[] = [];
    for await (const page of scanAttempts(filter, { selection: sel, pageSize: 13 }, db)) {
      expect(page.length).toBeLessThanOrEqual(13);
      got.push(...page);
    }
    const want = j.attempts.filter(compileFilter(filter)).map((a) => a.id).sort();
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((a) => a.id)).toEqual(want);
  });

  it('a selection export holds its attempts and only the records they reference, and imports whole', async () => {
    const { db, j } = await seeded(150, 11);
    const filter: JournalFilter = { runIds: ['run-2'], promptIds: ['prompt-1'] };
    const file = await text(db, 'jsonl', filter);
    const lines = file.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ schema: 'tenth.journal/1', filter });
    const attempts = lines.filter((l) => l.schema === 'tenth.attempt/1');
    expect(attempts.length).toBe(j.attempts.filter(compileFilter(filter)).length);
    expect(lines.filter((l) => l.schema === 'tenth.run/1').map((r) => r.id)).toEqual(['run-2']);
    expect(lines.filter((l) => l.schema === 'tenth.prompt/1').map((r) => r.id)).toEqual(['prompt-1']);
    expect(lines.filter((l) => l.schema === 'tenth.provider/1').map((r) => r.id)).toEqual(['prov-1']);
    const target = freshDb();
    expect((await importIntoDexie(target, file, { mode: 'all-or-nothing' })).ok).toBe(true);
    expect(await text(target, 'jsonl', filter)).toBe(file);
  });

  it('CSV: one row per selected attempt, with a header', async () => {
    const { db, j } = await seeded(80, 12);
    const csv = await text(db, 'csv', { statuses: ['ok'] });
    const { default: Papa } = await import('papaparse');
    const rows = Papa.parse<string[]>(csv.trim(), { skipEmptyLines: true }).data;
    expect(rows[0]![0]).toBe('id');
    expect(rows.length - 1).toBe(j.attempts.filter((a) => a.status === 'ok').length);
  });

  it('reports progress and stops on abort', async () => {
    const { db } = await seeded(100, 13);
    const seen: number[] = [];
    await collectText(exportFromDexie(db, { format: 'jsonl', app: APP, pageSize: 10, onProgress: (p) => seen.push(p.attempts) }));
    expect(seen.at(-1)).toBe(100);
    const ctl = new AbortController();
    const it = exportFromDexie(db, { format: 'csv', app: APP, pageSize: 10, chunkSize: 1, signal: ctl.signal });
    await it.next();
    ctl.abort();
    await expect(collectText(it)).rejects.toThrow();
  });
});

describe('keys never leave', () => {
  it('a canary key on a provider row is in no export format', async () => {
    const { db } = await seeded(30, 14);
    for (const format of ['jsonl', 'json', 'csv'] as const) {
      const out = await collectText(exportFromDexie(db, { format, app: APP, secrets: [CANARY] }));
      expect(out.length).toBeGreaterThan(500);
      expect(out).not.toContain('canary');
      const sel = await collectText(exportFromDexie(db, { format, app: APP, filter: { providerIds: ['prov-0', 'prov-2'] }, secrets: [CANARY] }));
      expect(sel).not.toContain('canary');
    }
  });
});

describe('packChunk', () => {
  const enc = new TextEncoder();
  const page = enc.encode('{"a":"naïve"}\n{"b":"🙂"}\n');
  const parts = ['{"schema":"tenth.journal/1","x":"日本"}\n', page.subarray(0, 15), 'middle ✓\n', page.subarray(15)];
  const text = '{"schema":"tenth.journal/1","x":"日本"}\n{"a":"naïve"}\nmiddle ✓\n{"b":"🙂"}\n';

  it('writes text as UTF-8 and page bytes as they are, in order', () => {
    const out = packChunk(parts);
    expect(new TextDecoder().decode(out)).toBe(text);
    expect(out.byteOffset).toBe(0);
  });

  it('reuses a spare buffer that is large enough, and leaves a small one', () => {
    const spare = new ArrayBuffer(1024);
    const out = packChunk(parts, spare);
    expect(out.buffer).toBe(spare);
    expect(new TextDecoder().decode(out)).toBe(text);
    const small = new ArrayBuffer(8);
    const other = packChunk(parts, small);
    expect(other.buffer).not.toBe(small);
    expect(new TextDecoder().decode(other)).toBe(text);
  });
});
