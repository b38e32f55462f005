/**
 * Runs that stop before sending all they planned, end to end through the
 * browser host and the mock provider: a reload mid-run and a cancel leave
 * planned attempts with no record; the run view and the runs list say how
 * many, and "Resume" sends exactly those. Also what the progress line and the
 * header say while a run goes (ETA, concurrency, costs).
 */
import { useMockProvider } from '../fixtures/mock';
import { test, expect } from '../fixtures/app';
import { readStore } from '../fixtures/idb';
import { Workspace } from '../pages/Workspace';

const mock = useMockProvider({ defaults: { tokens: 12, ttft: 20, tps: 200 } });

/** A provider (concurrency 4, the form's default) with one priced model, and a prompt with two cases, saved. */
async function setUp(ws: Workspace) {
  mock.setDefaults({ tokens: 12, ttft: 20, tps: 200 });
  await ws.addProvider({ name: 'Mock', kind: 'OpenAI-compatible', baseUrl: mock.baseUrls['openai-compatible'], key: 'sk-e2e-runs', models: [{ id: 'good', input: '1', output: '2' }] });
  await ws.newPrompt('Capitals');
  await ws.typeInEditor('Message 1 text', 'What is the capital of {{country}}?');
  await ws.tab('Cases').click();
  await ws.page.getByLabel('New variable name').fill('country');
  await ws.page.getByRole('button', { name: 'Add variable' }).click();
  await ws.page.getByLabel('Case 1 country').fill('France');
  await ws.page.getByRole('button', { name: 'Add case' }).click();
  await ws.page.getByLabel('Case 2 country').fill('Japan');
  await ws.page.getByLabel('Case 2 country').blur();
  await expect(ws.tab('Cases')).toHaveText('Cases (2)');
  await ws.tab('Prompt').click();
  await ws.saveVersion();
  await expect(ws.page.getByText(/^Saved version /)).toBeVisible();
}

test('a run cut off by a reload says what it never sent, and resumes exactly that', async ({ page, app }) => {
  const ws = new Workspace(page);
  await app.open();
  await setUp(ws);

  // Every request hangs: the provider's 4 slots fill, the other 6 of 10 stay queued.
  mock.setDefaults({ ttft: 120_000 });
  await ws.launch({ models: ['good'], repeats: 5 });
  const column = ws.column('good');
  await expect(column.getByRole('article', { name: /: waiting$/ })).toHaveCount(4, { timeout: 15_000 });
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: /cut off when Tenth last stopped/ })).toBeVisible();
  mock.setDefaults({ ttft: 20 });

  await ws.frame.goTo('Runs');
  const runs = page.getByRole('table', { name: 'Runs' });
  await expect(runs.getByRole('cell', { name: 'Progress of Capitals', exact: true })).toHaveText('4 / 10 · 6 not sent');
  await expect(runs.getByRole('button', { name: 'Resume Capitals: 6 not sent' })).toBeVisible();
  await runs.getByRole('button', { name: 'Open run Capitals' }).click();

  const progress = page.getByRole('region', { name: 'Progress' });
  await expect(progress).toContainText('4 done of 10 planned');
  await expect(progress).toContainText('6 not sent');
  await expect(ws.progressBar()).toHaveAttribute('aria-valuemax', '10');
  await expect(page.getByRole('button', { name: 'Re-run 4 interrupted' })).toBeVisible();
  await page.getByRole('button', { name: 'Resume: 6 not sent' }).click();

  await expect(page.getByRole('heading', { name: 'Capitals (resumed)' })).toBeVisible();
  await expect(page.getByLabel('Run status: done')).toBeVisible({ timeout: 30_000 });
  await expect(column.getByRole('article')).toHaveCount(6);
  // Repeats 3 to 5 of both cases, the ones never sent; not 1 and 2 again.
  for (const country of ['France', 'Japan']) {
    for (const n of [3, 4, 5]) await expect(column.getByRole('article', { name: `Attempt ${country} #${n}: ok` })).toBeVisible();
  }
  await expect(page.getByText(/^Continues Capitals/)).toBeVisible();

  // Back on the run it continues: nothing left to send; the interrupted four are still offered.
  await page.getByRole('button', { name: 'Open run Capitals' }).click();
  await expect(progress).toContainText('6 sent by a later run');
  await expect(page.getByRole('button', { name: /^Resume: / })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Re-run 4 interrupted' })).toBeVisible();
  await page.getByRole('button', { name: 'All runs' }).click();
  await expect(runs.getByRole('cell', { name: 'Progress of Capitals', exact: true })).toHaveText('4 / 10 · 6 sent by a later run');
  await expect(runs.getByRole('cell', { name: 'Progress of Capitals (resumed)' })).toHaveText('6 / 6');
  await expect(runs.getByRole('button', { name: /^Resume / })).toHaveCount(0);

  // One attempt per planned (case, repeat), across the two runs.
  const rows = await readStore<{ caseId: string; repeatIndex: number }>(page, 'attempts');
  expect(rows).toHaveLength(10);
  expect(new Set(rows.map((r) => `${r.caseId}/${r.repeatIndex}`)).size).toBe(10);
  expect(app.errors).toEqual([]);
});

test('a cancelled run counts what it never sent; a paused one shows no ETA; the header and costs say what they mean', async ({ page, app }) => {
  const ws = new Workspace(page);
  await app.open();
  await setUp(ws);

  mock.setDefaults({ ttft: 1000 });
  await ws.tab('Run').click();
  await page.getByRole('form', { name: 'Launch a run' }).getByLabel('Concurrency').fill('16');
  await ws.launch({ models: ['good'], repeats: 20 });
  // The provider allows 4 at once, whatever the run asks for.
  await expect(page.getByText('concurrency 16 (Mock allows 4)')).toBeVisible();
  const column = ws.column('good');
  const firstOk = column.getByRole('article', { name: /: ok$/ }).first();
  await expect(firstOk).toBeVisible({ timeout: 15_000 });
  // 12 tokens out at $2/M and a few in at $1/M: a few hundred-thousandths of a dollar, not $0.0000.
  await expect(firstOk.locator('dd').last()).toHaveText(/^\$0\.0000[1-9]\d$/);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByLabel('Run status: paused')).toBeVisible();
  const progress = page.getByRole('region', { name: 'Progress' });
  await expect(progress).toContainText('elapsed');
  await expect(progress).toContainText(/cost \$0\.000\d{3}/);
  await expect(progress).not.toContainText('ETA');

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(page.getByLabel('Run status: running')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(page.getByLabel('Run status: cancelled')).toBeVisible({ timeout: 15_000 });
  await expect(progress).toContainText(/\d+ done of 40 planned/);
  const text = (await progress.textContent()) ?? '';
  const done = Number(/(\d+) done of 40 planned/.exec(text)![1]);
  const notSent = Number(/(\d+) not sent/.exec(text)![1]);
  expect(done).toBeLessThan(40);
  expect(done + notSent).toBe(40);
  await expect(page.getByRole('button', { name: `Resume: ${notSent} not sent` })).toBeVisible();

  await page.getByRole('button', { name: 'All runs' }).click();
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('cell', { name: 'Progress of Capitals', exact: true })).toHaveText(`${done} / 40 · ${notSent} not sent`);
  expect(app.errors).toEqual([]);
});
