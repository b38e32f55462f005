import { afterEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { createDb } from './db';
import { SCHEMA_VERSIONS, V1 } from './schema';
import { pageLines } from '../../../shared/journal/pages';


const names: string[] = [];
function dbName() {
  const name = `tenth-test-${names.length}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

describe('schema history', () => {
  it('is ordered and dated', () => {
    SCHEMA_VERSIONS.forEach((v, i) => {
      expect(v.version).toBe(i + 1);
      expect(v.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });
  });

  it('v1 creates every table with the indexes the app queries', async () => {
    const db = createDb(dbName(), [V1]);
    await db.open();
    expect(db.tables.map((t) => t.name).sort()).toEqual(
      ['attempts', 'cases', 'meta', 'promptVersions', 'prompts', 'providers', 'runs'].sort(),
    );
    const attemptIndexes = db.attempts.schema.indexes.map((i) => i.name);
    expect(attemptIndexes).toEqual(expect.arrayContaining(['queuedAt', 'runId', 'status', '[status+queuedAt]']));
    db.close();
  });

  it('v2 adds the journal filter indexes and finds v1 rows through them', async () => {
    const name = dbName();
    const old = createDb(name, [V1]);
    await old.open();
    await old.table('attempts').put({ id: 'a1', queuedAt: 5, runId: 'r', promptId: 'p', model: 'm', status: 'failed', promptVersion: 'pv_1', providerId: 'prov', caseId: 'c', failure: { class: 'timeout' }, tags: ['x'] });
    old.close();
    const db = createDb(name);
    await db.open();
    expect((await db.attempts.where('failure.class').equals('timeout').primaryKeys())).toEqual(['a1']);
    expect((await db.attempts.where('tags').equals('x').primaryKeys())).toEqual(['a1']);
    expect((await db.attempts.where('[promptId+queuedAt]').between(['p', 0], ['p', 10]).primaryKeys())).toEqual(['a1']);
    db.close();
  });

  it('keeps rows written by every older version when opened at the newest', async () => {
    // Seed each historic version, then open with the full history: nothing is lost.
    for (let upTo = 1; upTo <= SCHEMA_VERSIONS.length; upTo++) {
      const name = dbName();
      const old = createDb(name, SCHEMA_VERSIONS.slice(0, upTo));
      await old.open();
      await old.table('meta').put({ key: 'seed', value: upTo });
      await old.table('runs').put({ id: 'r1', createdAt: 1 });
      old.close();

      const current = createDb(name);
      await current.open();
      expect(current.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
      expect(await current.meta.get('seed')).toEqual({ key: 'seed', value: upTo });
      expect(await current.runs.count()).toBe(1);
      current.close();
    }
  });

  it('v5 turns v4 page texts into bytes with line ends, lines unchanged', async () => {
    const name = dbName();
    const old = createDb(name, SCHEMA_VERSIONS.slice(0, 4));
    await old.open();
    const lines = ['{"schema":"tenth.attempt/1","id":"a1","output":"naïve 🙂"}', '{"schema":"tenth.attempt/1","id":"a2","output":"b"}'];
    await old.table('attemptPages').put({ id: 'p1', text: lines.join('\n') });
    await old.table('attemptPages').put({ id: 'p2', text: lines[1] });
    old.close();
    const db = createDb(name);
    await db.open();
    const p1 = (await db.attemptPages.get('p1'))!;
    expect(p1).not.toHaveProperty('text');
    expect(pageLines(p1)).toEqual(lines);
    expect([...p1.ends]).toEqual([new TextEncoder().encode(lines[0]).length + 1, p1.bytes.length]);
    expect(pageLines((await db.attemptPages.get('p2'))!)).toEqual([lines[1]]);
    db.close();
  });

  it('enforces unique provider names', async () => {
    const db = createDb(dbName());
    await db.providers.add({ id: 'a', name: 'Mock', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', headers: {}, concurrency: 1, rpm: null, models: [] });
    await expect(
      db.providers.add({ id: 'b', name: 'Mock', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', headers: {}, concurrency: 1, rpm: null, models: [] }),
    ).rejects.toThrow();
    db.close();
  });
});
