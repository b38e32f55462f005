/**
 * A journal lost with its browser profile: backups in the data folder, a new
 * profile (another browser context: an empty IndexedDB) on the same data
 * folder. The page the user lands on says the journal is empty while backups
 * exist, with the newest one's date, and its button leads to the restore (with
 * its confirmation) that brings the attempts back. Not shown beside no
 * backups, nor beside a journal with data; Dismiss hides it for good.
 */
import type { Browser, Page } from '@playwright/test';
import { sampleJournal } from '../../../shared/journal/sample';
import { test, expect, type AppFixture } from '../fixtures/app';
import { writeStores } from '../fixtures/idb';
import { DataPage } from '../pages/Data';
import { Journal } from '../pages/Journal';

const NOTICE = /^The journal is empty, but the data folder has \d+ backups?$/;
const listCall = (page: Page) => page.waitForResponse((r) => r.url().includes(`/api/call/${encodeURIComponent('backups:list')}`));

/** The same host and data folder in a new browser profile (nothing in its IndexedDB). */
async function newProfile(browser: Browser, app: AppFixture) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}/#token=${app.token}`);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  return { page, context, errors };
}

test('an empty journal beside a backup says so, and its button restores the attempts', async ({ app, page, browser }) => {
  // A fresh profile with no backups: the empty state alone, once the app has looked.
  const looked = listCall(page);
  await app.open();
  await expect(page.getByRole('region', { name: 'No prompts yet' })).toBeVisible();
  await looked;
  await expect(page.getByRole('region', { name: NOTICE })).toHaveCount(0);

  // A journal with data, backed up to the data folder.
  const j = sampleJournal(50, 4);
  await writeStores(page, { providers: j.providers, prompts: j.prompts, promptVersions: j.versions, cases: j.cases, runs: j.runs, attempts: j.attempts });
  const data = new DataPage(page);
  await data.open();
  const backups = data.backupsSection();
  await backups.getByRole('button', { name: 'Back up now' }).click();
  const table = backups.getByRole('table', { name: 'Backups' });
  await expect(table.getByRole('row')).toHaveCount(2);
  const name = (await table.getByRole('row').nth(1).locator('code').textContent())!;
  // The backup's moment, from its name (tenth-backup-2026-03-03T10-00-00-000Z.jsonl).
  const [, d, h, mi, s, ms] = /^tenth-backup-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.jsonl$/.exec(name)!;
  const takenIso = `${d}T${h}:${mi}:${s}.${ms}Z`;
  // Beside a journal with data, no notice.
  const journalA = new Journal(page);
  await journalA.open();
  await journalA.expectCount(50);
  await expect(page.getByRole('region', { name: NOTICE })).toHaveCount(0);

  // A new profile on the same data folder: an empty journal, and the notice where the user lands.
  const b = await newProfile(browser, app);
  try {
    const notice = b.page.getByRole('region', { name: 'The journal is empty, but the data folder has 1 backup' });
    await expect(notice).toBeVisible();
    await expect(notice).toContainText(name);
    await expect(notice.locator('time')).toHaveAttribute('datetime', takenIso);
    await expect(notice.locator('time')).toHaveText(await b.page.evaluate((iso) => new Date(iso).toLocaleString(), takenIso));
    await b.page.screenshot({ path: 'test-results/backups-notice.png' });
    // The Journal's empty state says it too.
    const journal = new Journal(b.page);
    await journal.open();
    await expect(b.page.getByRole('region', { name: 'No attempts yet' })).toBeVisible();
    await expect(notice).toBeVisible();

    // Its button leads to Settings → Backups, where that backup's restore asks first.
    const asked = new Promise<string>((resolve) => b.page.once('dialog', (dialog) => void dialog.accept().then(() => resolve(dialog.message()))));
    await notice.getByRole('button', { name: 'Restore the newest backup…' }).click();
    await expect(b.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    expect(await asked).toContain(`Restore ${name}?`);
    await expect(new DataPage(b.page).backupsSection().getByRole('status')).toContainText(/^Imported .*\b50 attempts\./);

    // The attempts are back, and the notice is gone.
    await journal.open();
    await journal.expectCount(50);
    await expect(journal.rows().first()).toBeVisible();
    await expect(b.page.getByRole('region', { name: NOTICE })).toHaveCount(0);
    await b.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Prompts', exact: true }).click();
    // The prompts came back too.
    await expect(b.page.getByRole('list', { name: 'Prompts' }).getByRole('listitem')).toHaveCount(j.prompts.filter((p) => !p.archived).length);
    await expect(b.page.getByRole('region', { name: NOTICE })).toHaveCount(0);
    expect(b.errors).toEqual([]);
  } finally {
    await b.context.close();
  }

  // Another new profile: Dismiss hides the notice, and it stays hidden after a reload.
  const c = await newProfile(browser, app);
  try {
    const notice = c.page.getByRole('region', { name: NOTICE });
    await expect(notice).toBeVisible();
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
    const relooked = listCall(c.page);
    await c.page.reload();
    await expect(c.page.getByRole('region', { name: 'No prompts yet' })).toBeVisible();
    await relooked;
    await expect(notice).toHaveCount(0);
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
  expect(app.errors).toEqual([]);
});
