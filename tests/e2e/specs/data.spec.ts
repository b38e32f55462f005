/**
 * Own your data (issue 7), through the UI in the browser host: export JSONL and
 * CSV, import the JSONL into a fresh profile (another host, another data
 * folder, another origin so another IndexedDB) and find the same attempts; a
 * broken file shows its line and field and changes nothing; a canary key
 * (stored through the secrets service, and as a stray field on a provider row)
 * is in no export; a backup restores.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost } from '../../../electron/host/start';
import { sampleJournal } from '../../../shared/journal/sample';
import { test, expect } from '../fixtures/app';
import { DataPage } from '../pages/Data';
import { writeStores } from '../fixtures/idb';

const CANARY = 'sk-canary-e2e-7f3a9c0d1e2b';
const STORES = { providers: 'providers', prompts: 'prompts', versions: 'promptVersions', cases: 'cases', runs: 'runs', attempts: 'attempts' } as const;

/** Writes records straight into the app's IndexedDB (bypassing every schema) once the app has created its stores. */
const seed = writeStores;

function journal(n: number) {
  const j = sampleJournal(n, 5);
  const providers = j.providers.map((p, i) => (i === 0 ? { ...p, key: CANARY, apiKey: CANARY } : p));
  return {
    [STORES.providers]: providers,
    [STORES.prompts]: j.prompts,
    [STORES.versions]: j.versions,
    [STORES.cases]: j.cases,
    [STORES.runs]: j.runs,
    [STORES.attempts]: j.attempts,
  } as Record<string, unknown[]>;
}

async function storeKey(url: string, token: string) {
  const res = await fetch(`${url}/api/call/${encodeURIComponent('secrets:set')}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ providerId: 'prov-0', key: CANARY }),
  });
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
}

const attemptLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{"schema":"tenth.attempt/1"'));

test('export JSONL and CSV, import into a fresh profile, same attempts; no key anywhere', async ({ app, page, browser }) => {
  await storeKey(app.url, app.token);
  await app.open();
  await seed(page, journal(240));
  const data = new DataPage(page);
  await data.open();

  const jsonlPath = await data.exportAs('jsonl');
  const csvPath = await data.exportAs('csv');
  const jsonPath = await data.exportAs('json');
  expect(jsonlPath.startsWith(join(app.dataDir, 'exports'))).toBe(true);
  const jsonl = await readFile(jsonlPath, 'utf8');
  const csv = await readFile(csvPath, 'utf8');
  const json = await readFile(jsonPath, 'utf8');
  expect(attemptLines(jsonl)).toHaveLength(240);
  expect(csv.split('\r\n')[0]!.startsWith('id,runId,promptId')).toBe(true);
  expect(JSON.parse(json).attempts).toHaveLength(240);
  for (const text of [jsonl, csv, json]) expect(text).not.toContain('canary');

  // A fresh profile: another host, data folder and origin.
  const dataDir = await mkdtemp(join(tmpdir(), 'tenth-e2e-b-'));
  const host = await startWebHost({ dataDir, env: {} });
  const context = await browser.newContext();
  const pageB = await context.newPage();
  try {
    await pageB.goto(`${host.url}/#token=${host.token}`);
    await expect(pageB.getByRole('navigation', { name: 'Main' })).toBeVisible();
    const b = new DataPage(pageB);
    await b.open();
    const result = await b.importFile(jsonlPath);
    await expect(result).toContainText('Imported');
    await expect(result).toContainText('240 attempts');
    const again = await b.exportAs('jsonl');
    expect(attemptLines(await readFile(again, 'utf8'))).toEqual(attemptLines(jsonl));
    // Re-importing the same file adds nothing.
    await expect(await b.importFile(jsonlPath)).toContainText('Nothing new');
  } finally {
    await context.close();
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  expect(app.foreignRequests).toEqual([]);
});

test('in the browser host an export is also a download, once per ticket', async ({ app, page }) => {
  await app.open();
  await seed(page, journal(40));
  const data = new DataPage(page);
  await data.open();
  const first = page.waitForEvent('download');
  const path = await data.exportAs('jsonl');
  const download = await first;
  const onDisk = await readFile(path, 'utf8');
  expect(download.suggestedFilename()).toBe(path.split('/').pop());
  expect(await readFile((await download.path())!, 'utf8')).toBe(onDisk);
  expect(attemptLines(onDisk)).toHaveLength(40);
  // The URL carries only the ticket, and it is spent.
  const url = new URL(download.url());
  expect(url.pathname).toMatch(/^\/download\/[A-Za-z0-9_-]{32}$/);
  expect(url.search + url.hash).toBe('');
  expect((await fetch(download.url())).status).toBe(404);
  // Downloading again asks for a new ticket.
  const second = page.waitForEvent('download');
  await data.exportSection().getByRole('button', { name: 'Download again' }).click();
  expect(await readFile((await (await second).path())!, 'utf8')).toBe(onDisk);
});

test('a broken file shows the line, field and expectation, and changes nothing', async ({ app, page }) => {
  await app.open();
  await seed(page, journal(30));
  const data = new DataPage(page);
  await data.open();
  const before = attemptLines(await readFile(await data.exportAs('jsonl'), 'utf8'));

  const fresh = sampleJournal(5, 42).attempts.map((a) => ({ ...a, id: `fresh-${a.id}` }));
  const lines = fresh.map((a) => JSON.stringify(a));
  lines.splice(3, 0, JSON.stringify({ ...fresh[0], id: 'fresh-bad', latencyMs: 'slow' }));
  const file = join(app.dataDir, 'broken.jsonl');
  await writeFile(file, lines.join('\n') + '\n');

  const result = await data.importFile(file);
  await expect(result).toContainText('Nothing was imported');
  const errors = data.importErrors();
  await expect(errors.getByRole('row').nth(1)).toContainText('4');
  await expect(errors.getByRole('row').nth(1)).toContainText('latencyMs');
  await expect(errors.getByRole('row').nth(1)).toContainText('a number');
  expect(attemptLines(await readFile(await data.exportAs('jsonl'), 'utf8'))).toEqual(before);

  // The explicit option imports the valid lines and lists the rest.
  const partial = await data.importFile(file, { validOnly: true });
  await expect(partial).toContainText('Imported 5 attempts');
  await expect(partial).toContainText('1 invalid lines were left out');
});

test('a file that is not a journal is said so once: empty, an image, the CSV export', async ({ app, page }) => {
  await app.open();
  await seed(page, journal(20));
  const data = new DataPage(page);
  await data.open();
  const before = attemptLines(await readFile(await data.exportAs('jsonl'), 'utf8'));

  const empty = join(app.dataDir, 'empty.jsonl');
  await writeFile(empty, '');
  await expect(await data.importFile(empty)).toHaveText('The file is empty.');

  // A PNG renamed: signature, then bytes with newlines and bytes that are not UTF-8.
  const png = Buffer.alloc(40_000);
  for (let i = 0; i < png.length; i++) png[i] = (i * 131 + 7) % 256;
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
  const image = join(app.dataDir, 'screenshot.jsonl');
  await writeFile(image, png);
  for (const validOnly of [false, true]) {
    await expect(await data.importFile(image, { validOnly })).toHaveText('This is not a text file (it looks like a PNG image); Tenth imports its JSONL or JSON export.');
    await expect(data.importErrors()).toHaveCount(0);
  }

  // Tenth's own CSV export, straight back in.
  const csv = await data.exportAs('csv');
  const result = await data.importFile(csv);
  await expect(result).toContainText('This is a CSV export: CSV exports can’t be imported back');
  await expect(result).toContainText('Import the JSONL export or the JSON backup instead.');
  await expect(data.importErrors()).toHaveCount(0);

  expect(attemptLines(await readFile(await data.exportAs('jsonl'), 'utf8'))).toEqual(before);
});

test('back up now, then restore into an emptied journal', async ({ app, page }) => {
  await app.open();
  await seed(page, journal(50));
  const data = new DataPage(page);
  await data.open();
  const s = data.backupsSection();
  await s.getByRole('button', { name: 'Back up now' }).click();
  const backups = s.getByRole('table', { name: 'Backups' });
  await expect(backups.getByRole('row')).toHaveCount(2);
  const before = attemptLines(await readFile(await data.exportAs('jsonl'), 'utf8'));

  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('tenth');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    await new Promise<void>((resolve) => {
      const tx = db.transaction('attempts', 'readwrite');
      tx.objectStore('attempts').clear();
      tx.oncomplete = () => resolve();
    });
    db.close();
  });
  page.once('dialog', (d) => void d.accept());
  await s.getByRole('button', { name: /^Restore tenth-backup-/ }).click();
  await expect(s.getByRole('status')).toContainText('Imported 50 attempts');
  expect(attemptLines(await readFile(await data.exportAs('jsonl'), 'utf8'))).toEqual(before);
});
