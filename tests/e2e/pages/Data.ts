import { expect, type Page } from '@playwright/test';
import { AppFrame } from './AppFrame';

/** Page object for the Data sections of Settings: export, import, report, backups. */
export class DataPage {
  readonly frame: AppFrame;
  constructor(readonly page: Page) {
    this.frame = new AppFrame(page);
  }

  async open() {
    await this.frame.goTo('Settings');
    await expect(this.page.getByRole('heading', { level: 2, name: 'Export' })).toBeVisible();
  }

  exportSection() {
    return this.page.getByRole('region', { name: 'Export' });
  }

  importSection() {
    return this.page.getByRole('region', { name: 'Import' });
  }

  backupsSection() {
    return this.page.getByRole('region', { name: 'Backups' });
  }

  /** Exports the whole journal in `format` and returns the saved file's path. */
  async exportAs(format: 'jsonl' | 'csv' | 'json'): Promise<string> {
    const s = this.exportSection();
    await s.getByLabel('Format').selectOption(format);
    await s.getByRole('button', { name: 'Export journal' }).click();
    const done = s.getByRole('status');
    await expect(done).toContainText('Exported');
    const path = (await done.locator('code').textContent()) ?? '';
    expect(path).not.toBe('');
    return path;
  }

  async importFile(path: string, opts: { validOnly?: boolean } = {}) {
    const s = this.importSection();
    await s.getByLabel('Journal file to import').setInputFiles(path);
    const box = s.getByRole('checkbox', { name: /Import the valid lines/ });
    if (opts.validOnly) await box.check();
    else await box.uncheck();
    await s.getByRole('button', { name: 'Import', exact: true }).click();
    const result = s.getByRole('status');
    await expect(result).toBeVisible({ timeout: 30_000 });
    return result;
  }

  importErrors() {
    return this.importSection().getByRole('table', { name: 'Import errors' });
  }
}
