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

  async openPalette() {
    await this.page.keyboard.press('Control+k');
    const dialog = this.page.getByRole('dialog', { name: 'Command palette' });
    await expect(dialog).toBeVisible();
    return dialog;
  }
}
