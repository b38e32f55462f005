import { expect, type Page } from '@playwright/test';
import { AppFrame } from './AppFrame';

/** Page object for the Journal page, by role and name. */
export class Journal {
  readonly frame: AppFrame;
  constructor(readonly page: Page) {
    this.frame = new AppFrame(page);
  }

  async open() {
    await this.frame.goTo('Journal');
  }

  tab(name: string) {
    return this.page.getByRole('tablist', { name: 'Journal sections' }).getByRole('tab', { name });
  }

  filters() {
    return this.page.getByRole('form', { name: 'Journal filters' });
  }

  async filter(label: string, option: string) {
    await this.filters().getByLabel(label, { exact: true }).selectOption({ label: option });
  }

  /** The attempts table: a grid, one Tab stop, whose keys move a cursor row. */
  table() {
    return this.page.getByRole('grid', { name: 'Journal' });
  }

  /** The row the keyboard cursor is on (aria-selected). */
  cursorRow() {
    return this.table().locator('[role="row"][aria-selected="true"]');
  }

  /** Data rows (the header row excluded). */
  rows() {
    return this.table().getByRole('row', { name: /^Attempt / });
  }

  count() {
    return this.page.getByRole('region', { name: 'Attempts' }).getByRole('status');
  }

  async expectCount(n: number) {
    await expect(this.count()).toContainText(`${n} attempt${n === 1 ? '' : 's'}`);
  }

  detail() {
    return this.page.getByRole('complementary', { name: 'Attempt detail' });
  }
}
