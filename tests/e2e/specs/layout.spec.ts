/**
 * Layout at common laptop window sizes: what a page leads with must be on
 * screen without scrolling — the Stats matrix under its header at 1000×700,
 * every Journal column (Cost and Verdict last) at 1280×800.
 */
import type { Locator, Page } from '@playwright/test';
import { sampleJournal } from '../../../shared/journal/sample';
import { knownJournal } from '../../../shared/stats/known-journal';
import { test, expect } from '../fixtures/app';
import { writeStores } from '../fixtures/idb';
import { AppFrame } from '../pages/AppFrame';
import { Journal } from '../pages/Journal';

/** The element's box, asserted to lie wholly inside the window (no scrolling, no clipping at the right). */
async function expectInViewport(page: Page, el: Locator, what: string) {
  const box = await el.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, `${what} has a box`).not.toBeNull();
  const b = box!;
  const where = `${what} at x ${b.x.toFixed(0)}–${(b.x + b.width).toFixed(0)}, y ${b.y.toFixed(0)}–${(b.y + b.height).toFixed(0)} in ${vp.width}×${vp.height}`;
  expect(b.x, where).toBeGreaterThanOrEqual(0);
  expect(b.y, where).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, where).toBeLessThanOrEqual(vp.width);
  expect(b.y + b.height, where).toBeLessThanOrEqual(vp.height);
}

/** Whether the element is cut by a scrolling ancestor (its box reaches past an ancestor that clips it). */
async function clippedBy(el: Locator): Promise<string | null> {
  return el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    for (let p = node.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const c = p.getBoundingClientRect();
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5 || r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5) return `${p.tagName.toLowerCase()}.${p.className}`;
    }
    return null;
  });
}

test('Stats at 1000×700: the matrix’s first row is on screen under the header', async ({ page, app }) => {
  await page.setViewportSize({ width: 1000, height: 700 });
  await app.open();
  await new AppFrame(page).goTo('Stats');
  await writeStores(page, { attempts: knownJournal() });
  await page.reload();
  const matrix = page.getByRole('table', { name: 'Floors by prompt and model' });
  await expect(matrix).toBeVisible();
  const firstRow = matrix.getByRole('row').nth(1);
  await expect(firstRow.getByRole('rowheader')).toBeVisible();
  // A matrix wider than the window scrolls sideways inside its box; its head and first row lead, top to bottom.
  const firstCell = firstRow.getByRole('cell').first();
  for (const [what, el] of [
    ['the first column header', matrix.getByRole('columnheader').nth(1)],
    ['the first row’s prompt', firstRow.getByRole('rowheader')],
    ['the first row’s first cell', firstCell],
  ] as const) {
    await expectInViewport(page, el, what);
    expect(await clippedBy(el), `${what} is clipped`).toBeNull();
  }
  await page.screenshot({ path: 'test-results/stats-1000x700.png' });
  // The controls are all still there.
  for (const name of ['From', 'To']) await expect(page.getByLabel(name, { exact: true })).toBeAttached();
  for (const name of ['Prompt version', 'Tag']) await expect(page.getByRole('combobox', { name })).toBeAttached();
  await expect(page.getByRole('checkbox', { name: 'Expand by case' })).toBeAttached();
  await expect(page.getByRole('combobox', { name: 'Sort rows by' })).toBeAttached();
  await expect(page.getByRole('button', { name: 'Recompute' })).toBeInViewport();
  // Report and export fold behind one button, and unfold in place.
  const share = page.getByRole('button', { name: /^Report or export/ });
  await expect(share).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('button', { name: 'HTML report' })).toBeHidden();
  await share.click();
  await expect(share).toHaveAttribute('aria-expanded', 'true');
  const panel = page.getByRole('region', { name: 'Report or export this selection' });
  await expect(panel.getByRole('button', { name: 'HTML report' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Export this selection' })).toBeVisible();
  await share.click();
  await expect(panel).toBeHidden();
  expect(app.errors).toEqual([]);
});

test('Journal at 1280×800: every column header, Cost and Verdict included, fits in the window', async ({ page, app }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await app.open();
  const j = sampleJournal(60, 3);
  await writeStores(page, { providers: j.providers, prompts: j.prompts, promptVersions: j.versions, cases: j.cases, runs: j.runs, attempts: j.attempts });
  const journal = new Journal(page);
  await journal.open();
  await journal.expectCount(60);
  const table = journal.table();
  await expect(journal.rows().first()).toBeVisible();
  for (const name of ['Sort by Cost', 'Sort by Latency']) {
    const header = table.getByRole('columnheader').filter({ has: page.getByRole('button', { name }) });
    await expectInViewport(page, header, name);
    expect(await clippedBy(header), `${name} is clipped`).toBeNull();
  }
  const verdict = table.getByRole('columnheader', { name: 'Verdict' });
  await expectInViewport(page, verdict, 'Verdict');
  expect(await clippedBy(verdict), 'Verdict is clipped').toBeNull();
  // The table does not scroll sideways, nor its rows under the vertical scrollbar.
  expect(await table.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  const body = table.locator('.jt-scroll');
  expect(await body.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  // Status and verdict chips are whole, not cut to an ellipsis.
  const cut = await table.evaluate((el) =>
    [...el.querySelectorAll('[role="row"] .chip')].filter((c) => c.scrollWidth > c.clientWidth + 0.5).map((c) => c.textContent),
  );
  expect(cut).toEqual([]);
  await page.screenshot({ path: 'test-results/journal-1280x800.png' });

  // What gave way is said, and stays reachable: on hover, and in the attempt detail.
  await expect(journal.count()).toContainText('Served, Tok/s hidden at this width: open an attempt to see them');
  for (const name of ['Served', 'Sort by Tok/s']) await expect(table.getByRole('columnheader', { name })).toHaveCount(0);
  const row = journal.rows().and(page.locator('[title^="Served: "]:not([title^="Served: —"])')).first();
  const servedModel = /^Served: ([^ ]+)/.exec((await row.getAttribute('title'))!)![1]!;
  await row.click();
  await expect(journal.detail()).toContainText(`Served model${servedModel}`);

  // Beside the detail the table has less room: more columns give way (each in the detail beside it).
  await expect(journal.count()).toContainText('Served, TTFT, Tok/s, Tokens hidden at this width');
  await journal.detail().getByRole('button', { name: 'Close attempt detail' }).click();
  await expect(journal.count()).toContainText('Served, Tok/s hidden at this width');

  // A wider window has room for every column again.
  await page.setViewportSize({ width: 1600, height: 900 });
  await expect(table.getByRole('columnheader', { name: 'Served' })).toBeVisible();
  await expect(journal.count()).not.toContainText('hidden');
  await expect(table.getByRole('columnheader', { name: 'Verdict' })).toBeInViewport({ ratio: 1 });
  expect(app.errors).toEqual([]);
});
