import { expect, type Page } from '@playwright/test';

/** Page object for the app frame: navigation, theme, command palette. */
export class AppFrame {
  constructor(readonly page: Page) {}

  nav(name: string) {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
  }

  async goTo(name: string) {
    await this.nav(name).click();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
  }

  themeButton() {
    return this.page.getByRole('button', { name: /^Theme: / });
  }

  async theme(): Promise<string | undefined> {
    return this.page.evaluate(() => document.documentElement.dataset.theme);
  }

  palette() {
    return this.page.getByRole('dialog', { name: 'Command palette' });
  }

  async openPalette() {
    await this.page.keyboard.press('Control+k');
    const dialog = this.palette();
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** Types `query` into the palette and runs what Enter runs (the selected, best match); returns that option's name. */
  async runCommand(query: string): Promise<string> {
    const palette = await this.openPalette();
    await palette.getByRole('combobox', { name: 'Command' }).fill(query);
    // Enter runs the selected option; the best match is first, and selected once the list has caught up.
    const first = palette.getByRole('option').first();
    await expect(first).toHaveAttribute('aria-selected', 'true');
    const name = (await first.locator('span').first().textContent()) ?? '';
    await this.page.keyboard.press('Enter');
    await expect(palette).toBeHidden();
    return name;
  }

  shortcutsDialog() {
    return this.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  }
}
