/**
 * The Stats view over a journal whose floors were worked out by hand
 * (shared/stats/known-journal.ts): the same numbers `tenth stats --json` gives,
 * the "too few attempts" state, an injected drift, comparison and plots.
 */
import type { Page } from '@playwright/test';
import type { Attempt } from '../../../shared/domain/schemas';
import { KNOWN_CELLS, KNOWN_DRIFT, KNOWN_FEW, knownJournal, unsettledJournal } from '../../../shared/stats/known-journal';
import { test, expect } from '../fixtures/app';
import { AppFrame } from '../pages/AppFrame';
import { writeStores } from '../fixtures/idb';

/** Writes rows straight into the app's IndexedDB stores once the app has created them. */
async function seed(page: Page, rows: Attempt[], extra: Record<string, unknown[]> = {}) {
  await writeStores(page, { ...extra, attempts: rows });
}

async function openSeededStats(page: Page, open: () => Promise<void>, rows: Attempt[] = knownJournal(), extra: Record<string, unknown[]> = {}) {
  await open();
  const frame = new AppFrame(page);
  await frame.goTo('Stats');
  await expect(page.getByRole('region', { name: 'Nothing to measure yet' })).toBeVisible();
  await seed(page, rows, extra);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Stats' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Floors by prompt and model' })).toBeVisible();
}

test('the matrix shows the hand-worked floors, too-few warnings and drift markers', async ({ page, app }) => {
  await openSeededStats(page, () => app.open());
  const matrix = page.getByRole('table', { name: 'Floors by prompt and model' });
  for (const k of KNOWN_CELLS) {
    const cell = matrix.getByRole('cell', { name: `${k.prompt} × ${k.model}`, exact: true });
    const passFloor = cell.getByLabel('pass floor', { exact: true });
    await expect(passFloor).toHaveText(`${(k.passFloor * 100).toFixed(1)}%`);
    expect(Number(await passFloor.getAttribute('data-value'))).toBeCloseTo(k.passFloor, 12);
    const scoreFloor = cell.getByLabel('p10 score', { exact: true });
    expect(Number(await scoreFloor.getAttribute('data-value'))).toBeCloseTo(k.scoreFloor, 12);
    await expect(cell.getByLabel('N', { exact: true })).toHaveText(String(k.n));
    // The definition travels with the label.
    await expect(cell.getByText('pass floor', { exact: true })).toHaveAttribute('title', /Wilson/);
    await expect(cell.getByRole('note')).toHaveCount(0);
  }
  const few = matrix.getByRole('cell', { name: `${KNOWN_FEW.prompt} × ${KNOWN_FEW.model}`, exact: true });
  await expect(few.getByRole('note')).toHaveText(`too few attempts (n = ${KNOWN_FEW.n})`);
  await expect(matrix.getByRole('cell', { name: `${KNOWN_FEW.prompt} × ${KNOWN_DRIFT.model}`, exact: true })).toHaveText('no attempts');

  // The injected drift: a served-model change halfway and a worse latest window.
  const drifting = matrix.getByRole('cell', { name: `${KNOWN_DRIFT.prompt} × ${KNOWN_DRIFT.model}`, exact: true });
  await drifting.getByRole('button', { name: `Drift in ${KNOWN_DRIFT.prompt} × ${KNOWN_DRIFT.model}: 2 flags` }).click();
  const panel = page.getByRole('complementary', { name: 'Drift details' });
  await expect(panel).toContainText(`served model changed: ${KNOWN_DRIFT.before} → ${KNOWN_DRIFT.after}`);
  await expect(panel).toContainText(/pass rate fell from 100\.0% .* to 20\.0%/);
  const before = panel.getByRole('article', { name: /^Before: attempt/ }).first();
  const after = panel.getByRole('article', { name: /^After: attempt/ }).first();
  await expect(before).toContainText(`served ${KNOWN_DRIFT.before}`);
  await expect(after).toContainText(`served ${KNOWN_DRIFT.after}`);
  await expect(after).toContainText('model-d on summarise');
  await panel.getByRole('button', { name: 'Close drift details' }).click();
  await expect(panel).toBeHidden();
  for (const k of KNOWN_CELLS) {
    await expect(matrix.getByRole('cell', { name: `${k.prompt} × ${k.model}`, exact: true }).getByRole('button', { name: /^Drift/ })).toHaveCount(0);
  }

  // Sorting by a figure reorders rows: by model-a's pass floor, ascending, summarise (76.4%) comes first.
  await page.getByRole('combobox', { name: 'Sort rows by' }).selectOption('pass-floor');
  await page.getByRole('combobox', { name: 'of' }).selectOption('model-a');
  await expect(matrix.getByRole('rowheader').first()).toHaveText('summarise');
  await page.getByRole('combobox', { name: 'Order' }).selectOption('desc');
  await expect(matrix.getByRole('rowheader').first()).toHaveText('extract');

  // Timings for the benchmark, and the index used.
  const body = page.getByRole('tabpanel');
  await expect(body).toHaveAttribute('data-cells', '6');
  await expect(page.getByRole('status').filter({ hasText: 'attempts (all attempts)' })).toBeVisible();
  await page.screenshot({ path: 'test-results/stats-matrix.png', fullPage: true });
  expect(app.errors).toEqual([]);
});

test('filters use the indexes; expanding by case gives a row per case', async ({ page, app }) => {
  await openSeededStats(page, () => app.open());
  await page.getByRole('combobox', { name: 'Prompt version' }).selectOption('v-extract-1');
  await expect(page.getByRole('status').filter({ hasText: '(index promptVersion)' })).toBeVisible();
  const matrix = page.getByRole('table', { name: 'Floors by prompt and model' });
  await expect(matrix.getByRole('rowheader')).toHaveText(['extract']);
  await page.getByRole('combobox', { name: 'Prompt version' }).selectOption('');
  await page.getByRole('checkbox', { name: 'Expand by case' }).check();
  // Only the grouping changed: the worker reuses the attempts it holds.
  await expect(page.getByRole('status').filter({ hasText: '(all attempts, cached)' })).toBeVisible();
  await expect(matrix.getByRole('rowheader', { name: 'c01', exact: true })).toHaveCount(2);
  await expect(matrix.getByRole('cell', { name: 'summarise / c01 × model-a', exact: true }).getByRole('note')).toHaveText('too few attempts (n = 1)');
  expect(app.errors).toEqual([]);
});

test('compare, plots and the drift timeline', async ({ page, app }) => {
  await openSeededStats(page, () => app.open());
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('checkbox', { name: 'model-a' }).check();
  await page.getByRole('checkbox', { name: 'model-b' }).check();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const pair = page.getByRole('region', { name: 'model-a vs model-b' });
  await expect(pair.getByLabel('Verdict model-a vs model-b')).toContainText('model-a scores higher than model-b on these prompts');
  await expect(pair.getByRole('table', { name: 'Per prompt, model-a vs model-b' }).getByRole('row')).toHaveCount(3);
  await expect(pair).toContainText('McNemar exact p =');
  const gallery = page.getByRole('region', { name: 'Worst-of-N gallery' });
  await expect(gallery.getByRole('region', { name: 'Worst outputs of model-b' }).getByRole('listitem')).toHaveCount(4);
  await expect(gallery.getByRole('region', { name: 'Worst outputs of model-a' })).toContainText('timeout');
  await page.screenshot({ path: 'test-results/stats-compare.png', fullPage: true });

  await page.getByRole('tab', { name: 'Plots' }).click();
  for (const name of ['Score distribution', 'Latency distribution', 'Floor over time']) {
    await expect(page.getByRole('figure', { name }).locator('canvas')).toHaveCount(1);
  }

  await page.screenshot({ path: 'test-results/stats-plots.png', fullPage: true });
  await page.getByRole('tab', { name: /Drift/ }).click();
  const timeline = page.getByRole('region', { name: `Drift timeline of ${KNOWN_DRIFT.model}` });
  await expect(timeline.getByRole('listitem')).toHaveCount(2);
  await timeline.getByRole('button', { name: /served-model drift/ }).click();
  await expect(page.getByRole('complementary', { name: 'Drift details' })).toContainText(KNOWN_DRIFT.after);
  expect(app.errors).toEqual([]);
});

test('"Run N more to settle this" launches exactly the attempts the comparison asks for', async ({ page, app }) => {
  const j = unsettledJournal();
  await openSeededStats(page, () => app.open(), [...knownJournal(), ...j.attempts], {
    providers: [j.provider],
    promptVersions: [j.version],
    cases: j.cases,
    runs: [j.run],
  });
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('checkbox', { name: 'model-x' }).check();
  await page.getByRole('checkbox', { name: 'model-y' }).check();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const pair = page.getByRole('region', { name: 'model-x vs model-y' });
  await expect(pair.getByLabel('Verdict model-x vs model-y')).toContainText('model-x and model-y are not distinguishable yet');
  const expected = j.moreRepeatsPerCase * j.cases.length * 2;
  await expect(pair).toContainText(`${j.moreRepeatsPerCase} more repeats/case`);
  await pair.getByRole('button', { name: `Run ${expected} more to settle model-x vs model-y on tone` }).click();
  // The new run opens on the Runs page with exactly those attempts planned.
  await expect(page.getByRole('heading', { level: 1, name: 'Settle model-x vs model-y on tone' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Attempts finished' })).toHaveAttribute('aria-valuemax', String(expected));
  await expect(page.getByText(`${j.moreRepeatsPerCase} repeats`)).toBeVisible();
});
