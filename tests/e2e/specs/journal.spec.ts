/**
 * The journal end to end, through the browser host and the mock provider:
 * filter to a failure class and read a failure's error body; grade five
 * attempts with the keyboard only; a blind review that shows no model name
 * before the reveal; checks changed and re-run over past attempts.
 */
import { useMockProvider } from '../fixtures/mock';
import { readStoreText } from '../fixtures/idb';
import { test, expect, type Page } from '../fixtures/app';
import { Journal } from '../pages/Journal';
import { Workspace } from '../pages/Workspace';

const mock = useMockProvider({ defaults: { tokens: 8, ttft: 5, tps: 0 } });

const ALPHA = 'zephyrine-alpha';
const BETA = 'zephyrine-beta+seed=7';
const BAD = 'bad+fault=server_error';

/** A provider, a prompt with two cases, and one finished run: 2 cases × 3 models × 2 repeats = 12 attempts. */
async function seed(page: Page) {
  const ws = new Workspace(page);
  await ws.addProvider({ name: 'Mock', kind: 'OpenAI-compatible', baseUrl: mock.baseUrls['openai-compatible'], key: 'sk-e2e-journal', models: [{ id: ALPHA, input: '1', output: '2' }, { id: BETA }, { id: BAD }] });
  await ws.newPrompt('Capitals');
  await ws.typeInEditor('Message 1 text', 'What is the capital of {{country}}?');
  await ws.tab('Cases').click();
  await page.getByLabel('New variable name').fill('country');
  await page.getByRole('button', { name: 'Add variable' }).click();
  await page.getByLabel('Case 1 country').fill('France');
  await page.getByRole('button', { name: 'Add case' }).click();
  await page.getByLabel('Case 2 country').fill('Japan');
  await page.getByLabel('Case 2 country').blur();
  await expect(ws.tab('Cases')).toHaveText('Cases (2)');
  await ws.tab('Prompt').click();
  await ws.saveVersion();
  await expect(page.getByText(/^Saved version /)).toBeVisible();
  await ws.launch({ models: [ALPHA, BETA, BAD], repeats: 2 });
  await expect(ws.progressBar()).toHaveAttribute('aria-valuenow', '12', { timeout: 30_000 });
  await expect(page.getByLabel('Run status: done')).toBeVisible();
  return ws;
}

test('filter to one failure class and read a failed attempt’s error body', async ({ page, app }) => {
  await app.open();
  await seed(page);
  const j = new Journal(page);
  await j.open();
  await j.expectCount(12);
  await j.filter('Failure class', 'server_error');
  await j.expectCount(4);
  await expect(j.rows()).toHaveCount(4);
  for (const row of await j.rows().all()) await expect(row).toContainText('server_error');
  await j.rows().first().click();
  const detail = j.detail();
  await expect(detail.getByRole('heading', { name: 'Failure: server_error' })).toBeVisible();
  await expect(detail.getByLabel('Error body')).not.toBeEmpty();
  await expect(detail.getByLabel(/^Verdict: fail · failure/)).toBeVisible();
  // A second filter (combined with the first) goes through the worker.
  await j.filter('Model', BAD);
  await j.expectCount(4);
  await j.filter('Model', ALPHA);
  await j.expectCount(0);
  expect(app.errors).toEqual([]);
  expect(app.foreignRequests).toEqual([]);
});

test('grade five attempts with the keyboard only', async ({ page, app }) => {
  await app.open();
  await seed(page);
  const j = new Journal(page);
  await j.open();
  await j.tab('Grade').click();
  await page.getByLabel('Run to grade').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Start grading' }).focus();
  await page.keyboard.press('Enter');
  const card = page.getByRole('region', { name: 'Attempt to grade' });
  await expect(card.getByRole('heading', { name: '1 / 8' })).toBeVisible();
  await page.keyboard.press('4');
  await page.keyboard.press('p');
  await expect(card.getByRole('heading', { name: '2 / 8' })).toBeVisible();
  await page.keyboard.press('f');
  await page.keyboard.press('2');
  await page.keyboard.press('k');
  await expect(card.getByRole('heading', { name: '2 / 8' })).toBeVisible();
  await page.keyboard.press('1');
  await page.keyboard.press('f');
  await page.keyboard.press('n');
  await expect(card.getByLabel('Note for this attempt')).toBeFocused();
  await page.keyboard.type('picked the wrong city');
  // Typing "p" or "j" in the note does not grade or move.
  await expect(card.getByRole('heading', { name: '3 / 8' })).toBeVisible();
  await page.keyboard.press('Enter');
  await page.keyboard.press('5');
  await page.keyboard.press('p');
  await page.keyboard.press('3');
  await page.keyboard.press('p');
  await page.keyboard.press('j');
  await expect(card.getByRole('heading', { name: '6 / 8' })).toBeVisible();
  await page.keyboard.press('k');
  await page.keyboard.press('f');

  const grades = await humanGrades(page);
  expect(grades).toHaveLength(5);
  // In queue order: 4·P | F | 2, back with K: 1·F | note, 5·P | 3·P | J, K, F.
  expect(grades.map((g) => [g.pass, g.score])).toEqual([
    [true, 0.75],
    [false, 0],
    [true, 1],
    [true, 0.5],
    [false, null],
  ]);
  expect(grades.find((g) => g.note)?.note).toBe('picked the wrong city');
  expect(app.errors).toEqual([]);
});

/** Human grades in the journal, oldest attempt first. */
async function humanGrades(page: Page) {
  const stored = await readStoreText(page, 'attempts');
  const rows = JSON.parse(stored) as { queuedAt: number; id: string; grades: { source: string; pass: boolean | null; score: number | null; note?: string | null; blind?: boolean; name: string }[] }[];
  return rows
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .flatMap((r) => r.grades.filter((g) => g.source === 'human'));
}

test('blind review hides the models until they are revealed', async ({ page, app }) => {
  await app.open();
  await seed(page);
  const j = new Journal(page);
  await j.open();
  await j.tab('Blind review').click();
  // The section is the tab's panel, named by its tab.
  const panel = page.getByRole('tabpanel', { name: 'Blind review' });
  const setup = panel.getByRole('form', { name: 'Set up a blind review' });
  await setup.getByLabel('Prompt for blind review').selectOption({ label: 'Capitals' });
  await setup.getByRole('checkbox', { name: ALPHA }).check();
  await setup.getByRole('checkbox', { name: BETA }).check();
  await setup.getByRole('button', { name: 'Start blind review' }).click();

  const review = page.getByRole('region', { name: 'Blind review' });
  for (let c = 0; c < 2; c++) {
    await expect(review.getByRole('heading', { name: new RegExp(`^Case ${c + 1} of 2`) })).toBeVisible();
    const html = await page.content();
    expect(html).not.toContain('zephyrine');
    expect(await page.title()).not.toContain('zephyrine');
    await review.getByRole('button', { name: 'Score 4 of 5 for response A' }).click();
    await review.getByRole('group', { name: 'Grade response A' }).getByRole('button', { name: 'Pass' }).click();
    await review.getByRole('group', { name: 'Grade response B' }).getByRole('button', { name: 'Fail' }).click();
    await review.getByRole('button', { name: 'A is better' }).click();
    await review.getByRole('button', { name: c === 0 ? 'Next case' : 'Reveal models' }).click();
  }
  const results = page.getByRole('region', { name: 'Blind review results' });
  await expect(results).toContainText(ALPHA);
  await expect(results).toContainText(BETA);
  const grades = await humanGrades(page);
  expect(grades.length).toBeGreaterThanOrEqual(4);
  expect(grades.every((g) => g.blind === true)).toBe(true);
  expect(grades.filter((g) => g.name === 'blind preference')).toHaveLength(2);
  expect(app.errors).toEqual([]);
});

test('change a check and re-run it over past attempts; new attempts are checked as they finish', async ({ page, app }) => {
  await app.open();
  const ws = await seed(page);
  const j = new Journal(page);
  await j.open();
  await j.tab('Checks').click();
  await page.getByLabel('Prompt for checks').selectOption({ label: 'Capitals' });
  await page.getByLabel('New check kind').selectOption({ label: 'Length bounds' });
  await page.getByRole('button', { name: 'Add check' }).click();
  await page.getByLabel('Check 1 name').fill('short enough');
  await page.getByLabel('short enough: maximum').fill('500');
  await page.getByRole('button', { name: 'Save checks' }).click();
  await page.getByRole('button', { name: 'Re-run checks over past attempts' }).click();
  await expect(page.getByText('Checked 8 past attempts; earlier grades are kept.').first()).toBeVisible();

  await j.tab('Attempts').click();
  await j.filter('Verdict', 'pass');
  await j.expectCount(8);

  // Tighten the check: every answer is now too long; re-run, old grades stay.
  await j.tab('Checks').click();
  await page.getByLabel('Prompt for checks').selectOption({ label: 'Capitals' });
  await page.getByLabel('short enough: maximum').fill('3');
  await page.getByRole('button', { name: 'Save checks' }).click();
  // The first re-run's notice must be gone, so the next one is this re-run's.
  await expect(page.getByText('Checked 8 past attempts; earlier grades are kept.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Re-run checks over past attempts' }).click();
  await expect(page.getByText('Checked 8 past attempts; earlier grades are kept.').first()).toBeVisible();
  await j.tab('Attempts').click();
  await j.filter('Verdict', 'fail');
  await j.expectCount(12);
  await j.filter('Status', 'ok');
  await j.rows().first().click();
  const grades = j.detail().getByRole('table', { name: 'Grades' });
  await expect(grades.getByRole('row')).toHaveCount(3);
  await expect(grades).toContainText(/> maximum 3/);
  await expect(j.detail().getByLabel(/^Verdict: fail 0 · check/)).toBeVisible();

  // A JS check that throws is a failed check with the reason, and it runs as attempts finish.
  await j.tab('Checks').click();
  await page.getByLabel('Prompt for checks').selectOption({ label: 'Capitals' });
  await page.getByRole('button', { name: 'Remove check short enough' }).click();
  await page.getByLabel('New check kind').selectOption({ label: 'JavaScript expression' });
  await page.getByRole('button', { name: 'Add check' }).click();
  await page.getByLabel('JavaScript expression: expression').fill('JSON.parse(output).city');
  await page.getByRole('button', { name: 'Save checks' }).click();
  await ws.frame.goTo('Prompts');
  await ws.launch({ models: [ALPHA], repeats: 1 });
  await expect(ws.progressBar()).toHaveAttribute('aria-valuenow', '2', { timeout: 30_000 });
  await j.open();
  await j.tab('Attempts').click();
  await j.filter('Verdict', 'Any');
  await j.filter('Status', 'Any');
  await j.rows().first().click();
  await expect(j.detail().getByRole('table', { name: 'Grades' })).toContainText(/threw SyntaxError/, { timeout: 10_000 });
  expect(app.errors).toEqual([]);
});

test('a judge run journals every judge call as an attempt linked to the one it grades', async ({ page, app }) => {
  await app.open();
  await seed(page);
  const j = new Journal(page);
  await j.open();
  await j.tab('Judges').click();
  await page.getByLabel('Prompt to judge').selectOption({ label: 'Capitals' });
  const form = page.getByRole('form', { name: 'Judge settings' });
  await form.getByLabel('Rubric').fill('Names the capital city of the country.');
  await form.getByLabel('Judge provider').selectOption({ label: 'Mock' });
  await form.getByLabel('Judge model').fill(ALPHA);
  await form.getByLabel('Judge repeats').fill('2');
  await form.getByRole('button', { name: 'Judge 8 answers (16 calls)' }).click();
  // The mock answers with words, not the JSON a judge must give: no grade, but every call counts.
  await expect(page.getByText('Judge graded 0 attempts with 16 calls; 8 got no usable reply.')).toBeVisible({ timeout: 30_000 });
  await j.tab('Attempts').click();
  await j.filter('Judge calls', 'Only');
  await j.expectCount(16);
  await j.rows().first().click();
  await expect(j.detail().getByText('judge call', { exact: true })).toBeVisible();
  await expect(j.detail().getByRole('button', { name: /^grades attempt:/ })).toBeVisible();
  await j.filter('Judge calls', 'Hide');
  await j.expectCount(12);
  expect(app.errors).toEqual([]);
});

test('the attempts table is one Tab stop; ↑/↓ and J/K move the selection through the virtual rows, Space marks it, Enter opens it', async ({ page, app }) => {
  await app.open();
  const ws = await seed(page);
  // Enough attempts that most rows are outside the virtual window: 12 + 2 cases × 2 models × 30.
  await ws.frame.goTo('Prompts');
  await ws.launch({ models: [ALPHA, BETA], repeats: 30 });
  await expect(ws.progressBar()).toHaveAttribute('aria-valuenow', '120', { timeout: 40_000 });
  const j = new Journal(page);
  await j.open();
  await j.expectCount(132);
  const grid = j.table();
  const sortButtons = grid.getByRole('button', { name: /^Sort by / });
  // At 1280 px the served model and tokens/s give way (layout.spec.ts): 7 of the 8 sortable columns.
  await expect(sortButtons).toHaveCount(7);
  const rendered = await j.rows().count();
  expect(rendered).toBeLessThan(60);

  /** The cursor is on data row `i` (0-based): that row is rendered, scrolled into view, and the table's active descendant. */
  const at = async (i: number) => {
    const row = j.cursorRow();
    await expect(row).toHaveAttribute('aria-rowindex', String(i + 2));
    await expect(grid).toHaveAttribute('aria-activedescendant', (await row.getAttribute('id'))!);
    // Wholly inside the scrolling body, top to bottom (the table is wider than the screen, so not left to right).
    const inside = await row.evaluate((el) => {
      const body = el.closest('.jt-scroll')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.top >= body.top - 0.5 && r.bottom <= body.bottom + 0.5;
    });
    expect(inside, `row ${i} inside the visible rows`).toBe(true);
  };

  // In by Tab (backwards from the first header button): the cursor starts on the first row.
  await sortButtons.first().focus();
  await page.keyboard.press('Shift+Tab');
  await expect(grid).toBeFocused();
  await at(0);
  await page.keyboard.press('ArrowDown');
  await at(1);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await at(3);
  await page.keyboard.press('k');
  await at(2);
  await page.keyboard.press('ArrowUp');
  await at(1);
  // Far outside the rows first rendered: the table scrolls the cursor row into view.
  await page.keyboard.press('End');
  await at(131);
  await page.keyboard.press('ArrowDown');
  await at(131);
  await page.keyboard.press('K');
  await at(130);
  await page.keyboard.press('Home');
  await at(0);
  await page.keyboard.press('PageDown');
  const page1 = Number(await j.cursorRow().getAttribute('aria-rowindex')) - 2;
  expect(page1).toBeGreaterThan(5);
  await at(page1);
  await page.keyboard.press('Home');
  await page.keyboard.press('J');
  await page.keyboard.press('J');
  await at(2);

  // Enter opens the cursor row; focus stays in the table for the next move.
  const row = j.rows().nth(2);
  const model = (await row.getByRole('gridcell').nth(4).textContent())!;
  await page.keyboard.press('Enter');
  await expect(j.detail()).toBeVisible();
  await expect(j.detail()).toContainText(model);
  await expect(row).toHaveAttribute('aria-current', 'true');
  await expect(grid).toBeFocused();
  await page.keyboard.press(' ');
  await expect(row.getByRole('checkbox')).toBeChecked();
  await expect(page.getByRole('button', { name: 'Compare selected (1/2)' })).toBeVisible();
  await page.keyboard.press('k');
  await page.keyboard.press('Enter');
  await expect(j.rows().nth(1)).toHaveAttribute('aria-current', 'true');
  // A click puts the cursor (and focus) on the clicked row, so the keys go on from there.
  await j.rows().nth(5).click();
  await expect(grid).toBeFocused();
  await at(5);
  await page.keyboard.press('j');
  await at(6);
  await j.rows().nth(4).getByRole('checkbox').click();
  await expect(grid).toBeFocused();
  await expect(page.getByRole('button', { name: 'Compare selected (2/2)' })).toBeEnabled();

  // One Tab stop: no row, checkbox or scroller between the table and its header buttons, or after them.
  // (Beside the open detail the table has fewer columns, so fewer sort buttons.)
  const shown = await sortButtons.count();
  expect(shown).toBeGreaterThanOrEqual(5);
  for (let i = 0; i < shown; i++) {
    await page.keyboard.press('Tab');
    await expect(sortButtons.nth(i)).toBeFocused();
  }
  await page.keyboard.press('Tab');
  expect(await grid.evaluate((el) => el.contains(document.activeElement))).toBe(false);
  expect(app.errors).toEqual([]);
});
