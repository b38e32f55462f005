/**
 * The Stats view over a journal whose floors were worked out by hand
 * (shared/stats/known-journal.ts): the same numbers `tenth stats --json` gives,
 * the "too few attempts" state, an injected drift, comparison and plots.
 */
import type { Page } from '@playwright/test';
import type { Attempt } from '../../../shared/domain/schemas';
import { KNOWN_CELLS, KNOWN_DRIFT, KNOWN_FEW, KNOWN_T0, knownJournal, unsettledJournal } from '../../../shared/stats/known-journal';
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
    // The canvas is named as a picture, and its reading is there as text.
    await expect(page.getByRole('figure', { name }).getByRole('img', { name: /the same as text below/ })).toBeVisible();
  }
  const scores = page.getByRole('figure', { name: 'Score distribution' });
  await scores.getByText('As text').click();
  const scoreTable = scores.getByRole('table', { name: 'Score distribution as text' });
  await expect(scoreTable.getByRole('columnheader', { name: 'p10 score' })).toBeVisible();
  await expect(scoreTable.getByRole('rowheader', { name: 'model-a' })).toBeVisible();
  await expect(scoreTable.getByRole('rowheader', { name: 'model-b' })).toBeVisible();

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

/**
 * The mock tour's journal as the review saw it, plus the small model added to a
 * second provider and run there too: `mock-small+ttft=150+tps=80` on "Tenth
 * mock" and on "Mock proxy" (its second half served by a new checkpoint), and
 * `mock-large` with 14 overloaded failures and 60 answers nobody has graded.
 * Cases have ULIDs for ids and variables for names.
 */
function tourJournal() {
  const LARGE = 'mock-large+ttft=400+tps=40+tokens=24+fault=overloaded+fault-rate=0.2';
  const SMALL = 'mock-small+ttft=150+tps=80';
  const provider = (id: string, name: string, models: { id: string; displayName?: string }[]) => ({
    id,
    name,
    kind: 'openai-compatible' as const,
    baseUrl: 'http://127.0.0.1:9/v1',
    headers: {},
    concurrency: 2,
    rpm: null,
    models: models.map((m) => ({ ...m, price: null, contextWindow: null })),
    createdAt: KNOWN_T0,
  });
  const providers = [
    provider('01PROVMOCK0000000000000000', 'Tenth mock', [
      { id: LARGE, displayName: 'mock-large (flaky)' },
      { id: SMALL, displayName: 'mock-small' },
    ]),
    provider('01PROVPROXY000000000000000', 'Mock proxy', [{ id: SMALL, displayName: 'mock-small' }]),
  ];
  const prompt = { schema: 'tenth.prompt/1', id: '01PROMPTCAPITALS0000000000', name: 'Capital cities (sample)', tags: [], archived: false, system: '', messages: [], params: {}, checks: [], createdAt: KNOWN_T0, updatedAt: KNOWN_T0 };
  const version = { schema: 'tenth.promptVersion/1' as const, id: 'v-capitals-1', promptId: prompt.id, system: '', messages: [{ role: 'user' as const, content: 'Capital of {{country}}?' }], params: {}, createdAt: KNOWN_T0 };
  const cases = ['France', 'Peru', 'Japan'].map((country, i) => ({ schema: 'tenth.case/1' as const, id: `01M80H2AGER06MFB6FZZ3TX4Z${i}`, promptId: prompt.id, label: null, vars: { country }, order: i }));
  const base = knownJournal()[2];
  const attempts: Attempt[] = [];
  const add = (providerId: string, model: string, caseNo: number, repeatIndex: number, outcome: number | 'failed' | 'ungraded', served = model) => {
    const i = attempts.length;
    const queuedAt = KNOWN_T0 + i * 60_000;
    const failed = outcome === 'failed';
    const graded = typeof outcome === 'number';
    attempts.push({
      ...base,
      id: `tour-${String(i).padStart(4, '0')}`,
      runId: 'run-tour',
      promptId: prompt.id,
      promptVersion: version.id,
      caseId: cases[caseNo].id,
      repeatIndex,
      providerId,
      model,
      servedModel: failed ? null : served,
      status: failed ? 'failed' : 'ok',
      failure: failed ? { class: 'overloaded', message: 'The provider is overloaded (HTTP 503)', httpStatus: 503, retryAfterMs: null } : null,
      output: failed ? '' : `The capital of ${cases[caseNo].vars.country} (repeat ${repeatIndex})`,
      queuedAt,
      startedAt: queuedAt + 5,
      firstTokenAt: failed ? null : queuedAt + 205,
      endedAt: queuedAt + 905,
      grades: graded ? [{ source: 'check', name: 'answer', pass: outcome >= 0.5, score: outcome, at: queuedAt + 905 }] : [],
      tags: [],
    });
  };
  for (let i = 0; i < 74; i++) add(providers[0].id, LARGE, i % 3, Math.floor(i / 3), i % 5 === 4 && i < 70 ? 'failed' : 'ungraded');
  for (let r = 0; r < 8; r++) for (let c = 0; c < 3; c++) add(providers[0].id, SMALL, c, r, 0.9 + 0.05 * ((c + r) % 3) - 0.05);
  for (let r = 0; r < 8; r++) for (let c = 0; c < 3; c++) add(providers[1].id, SMALL, c, r, (c + r) % 4 === 0 ? 0.2 : 0.6, r < 4 ? 'small-2026-01' : 'small-2026-06');
  return { providers, prompts: [prompt], promptVersions: [version], cases, attempts };
}

test('targets are (provider, model), named by display name; a mostly ungraded cell says so instead of a red floor', async ({ page, app }) => {
  const tour = tourJournal();
  await openSeededStats(page, () => app.open(), tour.attempts, { providers: tour.providers, prompts: tour.prompts, promptVersions: tour.promptVersions, cases: tour.cases });
  const matrix = page.getByRole('table', { name: 'Floors by prompt and model' });
  // One column per (provider, model), named by display name; the provider only where the model id is on both.
  await expect(matrix.getByRole('columnheader')).toHaveText(['Prompt', 'mock-large (flaky)', 'mock-small · Tenth mock', 'mock-small · Mock proxy']);
  await expect(matrix.getByRole('columnheader', { name: 'mock-small · Mock proxy' })).toHaveAttribute('title', 'mock-small+ttft=150+tps=80 on Mock proxy (provider 01PROVPROXY000000000000000)');
  await expect(matrix).not.toContainText('ttft=');
  const cell = (target: string) => matrix.getByRole('cell', { name: `Capital cities (sample) × ${target}`, exact: true });
  await expect(cell('mock-small · Tenth mock').getByLabel('N', { exact: true })).toHaveText('24');
  await expect(cell('mock-small · Mock proxy').getByLabel('N', { exact: true })).toHaveText('24');
  expect(Number(await cell('mock-small · Tenth mock').getByLabel('pass floor', { exact: true }).getAttribute('data-value'))).toBeGreaterThan(0.8);
  expect(Number(await cell('mock-small · Mock proxy').getByLabel('pass floor', { exact: true }).getAttribute('data-value'))).toBeLessThan(0.8);

  // mock-large: 14 failures and 60 ungraded answers. The figure is kept as defined (0 of 14), but it is not the headline.
  const large = cell('mock-large (flaky)');
  await expect(large.getByRole('note')).toHaveText('14 failures, 60 ungraded — grade them to get a pass floor');
  await expect(large.getByRole('note')).toHaveAttribute('title', /failures \(14, each a fail\); the 60 ungraded answers are in neither/);
  await expect(large.getByLabel('pass floor', { exact: true })).toHaveAttribute('data-value', '0');
  await expect(large).not.toHaveClass(/tone-poor/);
  const border = await large.evaluate((el) => getComputedStyle(el).borderLeftColor);
  const bad = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.style.color = 'var(--bad)';
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  expect(border).not.toBe(bad);
  await expect(large.getByLabel('pass floor', { exact: true })).toHaveClass(/weak/);
  await expect(large.getByLabel('pass floor', { exact: true })).toHaveAttribute('title', /from 14 attempts with a verdict while 60 answers are ungraded/);

  // Expanded by case: cases by their variables, not their ULIDs.
  await page.getByRole('checkbox', { name: 'Expand by case' }).check();
  await expect(matrix.getByRole('rowheader', { name: 'country=France', exact: true })).toHaveCount(1);
  await expect(matrix.getByRole('rowheader', { name: 'country=France', exact: true })).toHaveAttribute('title', tour.cases[0].id);
  await expect(matrix).not.toContainText('01M80H2AGER06MFB6FZZ3TX4Z');
  await page.getByRole('checkbox', { name: 'Expand by case' }).uncheck();
  await page.screenshot({ path: 'test-results/stats-targets-matrix.png', fullPage: true });

  // Compare: the two targets of the same model id are two entries.
  await page.getByRole('tab', { name: 'Compare' }).click();
  const pick = page.getByRole('group', { name: 'Models to compare (two or more)' });
  await expect(pick.getByRole('checkbox')).toHaveCount(3);
  await pick.getByRole('checkbox', { name: 'mock-small · Tenth mock' }).check();
  await pick.getByRole('checkbox', { name: 'mock-small · Mock proxy' }).check();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const pair = page.getByRole('region', { name: 'mock-small · Tenth mock vs mock-small · Mock proxy' });
  await expect(pair.getByLabel('Verdict mock-small · Tenth mock vs mock-small · Mock proxy')).toContainText('mock-small · Tenth mock scores higher than mock-small · Mock proxy');
  const gallery = page.getByRole('region', { name: 'Worst-of-N gallery' });
  const worstProxy = gallery.getByRole('region', { name: 'Worst outputs of mock-small · Mock proxy' });
  await expect(worstProxy.getByRole('listitem')).toHaveCount(3);
  await expect(worstProxy.getByRole('listitem').first()).toContainText(/Capital cities \(sample\) · country=(France|Peru|Japan) · #\d/);
  await expect(gallery.getByRole('region', { name: 'Worst outputs of mock-small · Tenth mock' })).toBeVisible();
  await expect(gallery).not.toContainText('01M80H2AGER06MFB6FZZ3TX4Z');
  await expect(gallery).not.toContainText('ttft=');
  await page.screenshot({ path: 'test-results/stats-targets-compare.png', fullPage: true });

  // Plots: no floor line stuck at 0 for mock-large, and the caption says why.
  await page.getByRole('tab', { name: 'Plots' }).click();
  const floor = page.getByRole('figure', { name: 'Floor over time' });
  await expect(floor.getByRole('note')).toContainText('Windows where most answers are ungraded are left out');
  await expect(floor.getByRole('note')).toContainText('mock-large (flaky)');
  await expect(page.getByRole('figure', { name: 'Score distribution' }).getByRole('note')).toContainText('mock-large (flaky) 60 of 74');

  // Drift: the proxy's new checkpoint is its own, named.
  await page.getByRole('tab', { name: /Drift/ }).click();
  const timeline = page.getByRole('region', { name: 'Drift timeline of mock-small · Mock proxy' });
  await expect(timeline).toBeVisible();
  await expect(page.getByRole('region', { name: /^Drift timeline of mock-small · Tenth mock/ })).toHaveCount(0);
  await timeline.getByRole('button', { name: /served-model drift/ }).click();
  const panel = page.getByRole('complementary', { name: 'Drift details' });
  await expect(panel).toContainText('mock-small · Mock proxy (on Mock proxy): served model changed: small-2026-01 → small-2026-06');
  await expect(panel.getByRole('article').first()).toContainText(/case country=(France|Peru|Japan) #\d/);
  expect(app.errors).toEqual([]);
});
