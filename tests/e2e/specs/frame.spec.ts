import { mkdir } from 'node:fs/promises';
import { test, expect } from '../fixtures/app';
import { AppFrame } from '../pages/AppFrame';

test('loads with no console errors and no request to another origin', async ({ page, app }) => {
  await app.open();
  await expect(page.getByRole('heading', { level: 1, name: 'Prompts' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'No prompts yet' })).toBeVisible();
  // The token left the address bar once it was read.
  expect(page.url()).not.toContain('token=');
  await page.waitForLoadState('networkidle');
  expect(app.errors).toEqual([]);
  expect(app.foreignRequests).toEqual([]);
  await mkdir('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/main-screen.png', fullPage: true });
});

test('navigates between every page, each with an empty state that says what to do', async ({ page, app }) => {
  await app.open();
  const frame = new AppFrame(page);
  for (const name of ['Runs', 'Journal', 'Stats', 'Providers', 'Settings', 'Prompts']) {
    await frame.goTo(name);
    await expect(frame.nav(name)).toHaveAttribute('aria-current', 'page');
  }
  await frame.goTo('Journal');
  await expect(page.getByRole('region', { name: 'No attempts yet' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Journal' })).toBeVisible();
  expect(app.errors).toEqual([]);
});

test('theme follows the OS and switches by hand', async ({ page, app }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.open();
  const frame = new AppFrame(page);
  expect(await frame.theme()).toBe('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => frame.theme()).toBe('light');
  // System → Light → Dark
  await frame.themeButton().click();
  await expect(frame.themeButton()).toHaveAccessibleName(/Theme: Light/);
  await frame.themeButton().click();
  await expect.poll(() => frame.theme()).toBe('dark');
  await page.reload();
  await expect.poll(() => frame.theme()).toBe('dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(21, 23, 28)');
  await frame.goTo('Settings');
  await page.getByRole('radio', { name: 'Light' }).check();
  await expect.poll(() => frame.theme()).toBe('light');
});

test('the command palette opens with Ctrl+K and runs a command', async ({ page, app }) => {
  await app.open();
  const frame = new AppFrame(page);
  const palette = await frame.openPalette();
  await palette.getByRole('combobox', { name: 'Command' }).fill('go to stats');
  await palette.getByRole('option', { name: /Go to Stats/ }).click();
  await expect(palette).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Stats' })).toBeVisible();
  // A shortcut from the same command list.
  await page.keyboard.press('Control+5');
  await expect(page.getByRole('heading', { level: 1, name: 'Providers' })).toBeVisible();
  const again = await frame.openPalette();
  await again.getByRole('combobox', { name: 'Command' }).fill('theme dark');
  await again.getByRole('option', { name: /Theme: Dark/ }).click();
  await expect.poll(() => frame.theme()).toBe('dark');
  expect(app.errors).toEqual([]);
});

test('the bridge refuses requests without the token or from another origin', async ({ app, request }) => {
  const noToken = await request.post(`${app.url}/api/call/app:info`, { data: {} });
  expect(noToken.status()).toBe(401);
  const wrongToken = await request.post(`${app.url}/api/call/app:info`, {
    data: {},
    headers: { authorization: 'Bearer nope' },
  });
  expect(wrongToken.status()).toBe(401);
  const foreign = await request.post(`${app.url}/api/call/app:info`, {
    data: {},
    headers: { authorization: `Bearer ${app.token}`, origin: 'http://evil.example' },
  });
  expect(foreign.status()).toBe(403);
  const ok = await request.post(`${app.url}/api/call/app:info`, {
    data: {},
    headers: { authorization: `Bearer ${app.token}` },
  });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).value).toMatchObject({ name: 'Tenth', host: 'browser', secretStore: 'file' });
});
