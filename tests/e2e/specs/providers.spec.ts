/**
 * The Providers page through the browser host and the mock: clear errors on bad
 * input, test connection with model discovery, a rejected key said plainly, and
 * keys that never reach the page.
 */
import { useMockProvider } from '../fixtures/mock';
import { test, expect } from '../fixtures/app';
import { readAllStoresText } from '../fixtures/idb';
import { Workspace } from '../pages/Workspace';

const mock = useMockProvider();

test('bad input gets clear errors, and nothing is saved until it is right', async ({ page, app }) => {
  const ws = new Workspace(page);
  await app.open();
  await ws.addProvider({ name: 'Mock', kind: 'OpenAI-compatible', baseUrl: mock.baseUrls['openai-compatible'], key: 'sk-first-key-1234', models: [] });

  await page.getByRole('button', { name: 'Add provider' }).click();
  const form = page.getByRole('form', { name: 'New provider' });
  await form.getByLabel('Name').fill('Mock');
  await form.getByLabel('Base URL').fill('not a url');
  await form.getByLabel('Extra headers').fill('Authorization: Bearer sk-in-a-header');
  await form.getByRole('button', { name: 'Save provider' }).click();
  await expect(form.getByText('A provider named “Mock” already exists.')).toBeVisible();
  await expect(form.getByText(/not a valid URL/)).toBeVisible();
  await expect(form.getByText(/put the key in the API key field/)).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('list', { name: 'Providers' }).getByRole('listitem')).toHaveCount(1);
});

test('a name that differs only in case is taken, and a URL with a space is refused', async ({ page, app }) => {
  const ws = new Workspace(page);
  await app.open();
  const url = mock.baseUrls['openai-compatible'];
  await ws.addProvider({ name: 'Tenth mock', kind: 'OpenAI-compatible', baseUrl: url, models: [] });

  await page.getByRole('button', { name: 'Add provider' }).click();
  const form = page.getByRole('form', { name: 'New provider' });
  await form.getByLabel('Name').fill(' tenth mock ');
  await form.getByLabel('Kind').selectOption({ label: 'OpenAI-compatible' });
  await form.getByLabel('Base URL').fill(url);
  await form.getByRole('button', { name: 'Save provider' }).click();
  await expect(form.getByText('A provider named “Tenth mock” already exists; names that differ only in case are the same name.')).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');

  // Chromium's URL parser takes a space in the host (as %20); the form must not.
  await form.getByLabel('Name').fill('Example');
  await form.getByLabel('Base URL').fill('https://exa mple.com/v1');
  await form.getByRole('button', { name: 'Save provider' }).click();
  await expect(form.getByText('The base URL contains a space; remove it (for example https://api.openai.com/v1).')).toBeVisible();
  await expect(form.getByLabel('Base URL')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');

  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('list', { name: 'Providers' }).getByRole('listitem')).toHaveCount(1);
});

test('test connection discovers models and says plainly when the key is wrong', async ({ page, app }) => {
  const ws = new Workspace(page);
  await app.open();
  await ws.addProvider({ name: 'Mock', kind: 'OpenAI-compatible', baseUrl: mock.baseUrls['openai-compatible'], key: 'sk-good-key-5678', models: [] });
  const card = page.getByRole('listitem', { name: 'Provider Mock' });
  await expect(card).toContainText('key …5678');
  await card.getByRole('button', { name: 'Test connection to Mock' }).click();
  await expect(card.getByRole('status')).toBeVisible();
  await card.getByRole('button', { name: 'Add model mock-small' }).click();
  await expect(card.getByRole('table', { name: 'Models of Mock' })).toContainText('mock-small');

  // A rejected key.
  await card.getByRole('button', { name: 'Edit Mock' }).click();
  await page.getByRole('form', { name: 'Edit provider Mock' }).getByLabel('API key').fill('bad-key');
  await page.getByRole('button', { name: 'Save provider' }).click();
  await card.getByRole('button', { name: 'Test connection to Mock' }).click();
  await expect(card.getByRole('alert')).toContainText(/key/i);

  // An unreachable server.
  await ws.addProvider({ name: 'Nowhere', kind: 'Ollama', baseUrl: 'http://127.0.0.1:9', models: [] });
  const nowhere = page.getByRole('listitem', { name: 'Provider Nowhere' });
  await nowhere.getByRole('button', { name: 'Test connection to Nowhere' }).click();
  await expect(nowhere.getByRole('alert')).toBeVisible();

  // Keys never reach the page or its storage.
  const pageState = await page.evaluate(() => [document.documentElement.outerHTML, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].join('\n'));
  const stores = await readAllStoresText(page);
  expect(stores).toContain('attemptPages: ');
  const everything = [pageState, stores].join('\n');
  expect(everything).not.toContain('sk-good-key-5678');
  expect(everything).not.toContain('bad-key');
  expect(app.errors).toEqual([]);
});

test('keys from the environment are offered with only their last four characters', async ({ page, app }) => {
  await app.open();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Providers', exact: true }).click();
  await page.getByRole('button', { name: 'Import keys from environment' }).click();
  // The e2e host runs with an empty environment.
  await expect(page.getByRole('region', { name: 'Keys in the environment' })).toContainText('None of OPENAI_API_KEY');
});
