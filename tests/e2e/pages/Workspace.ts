import { expect, type Page } from '@playwright/test';
import { AppFrame } from './AppFrame';

/** Page objects for Providers, the prompt workspace and the run view, all by role and name. */
export class Workspace {
  readonly frame: AppFrame;
  constructor(readonly page: Page) {
    this.frame = new AppFrame(page);
  }

  async addProvider(p: { name: string; kind: string; baseUrl: string; key?: string; models: { id: string; input?: string; output?: string }[] }) {
    await this.frame.goTo('Providers');
    await this.page.getByRole('button', { name: 'Add provider' }).click();
    const form = this.page.getByRole('form', { name: 'New provider' });
    await form.getByLabel('Name').fill(p.name);
    await form.getByLabel('Kind').selectOption({ label: p.kind });
    await form.getByLabel('Base URL').fill(p.baseUrl);
    if (p.key) await form.getByLabel('API key').fill(p.key);
    for (const [i, m] of p.models.entries()) {
      await form.getByRole('button', { name: 'Add model' }).click();
      await form.getByLabel(`Model ${i + 1} id`).fill(m.id);
      if (m.input) await form.getByLabel(`Model ${i + 1} input price`).fill(m.input);
      if (m.output) await form.getByLabel(`Model ${i + 1} output price`).fill(m.output);
    }
    await form.getByRole('button', { name: 'Save provider' }).click();
    await expect(this.page.getByRole('listitem', { name: `Provider ${p.name}` })).toBeVisible();
  }

  /**
   * Replaces the text of a Monaco field found by its aria label, in one insert
   * (as a paste would), and waits until the field shows exactly that text, so a
   * character the editor adds on its own (an auto-closed brace) fails the test.
   */
  async typeInEditor(label: string, text: string) {
    await this.page.getByRole('textbox', { name: label }).focus();
    await this.page.keyboard.press('Control+a');
    await this.page.keyboard.insertText(text);
    await expect.poll(() => this.editorText(label)).toBe(text.replace(/\n/g, ''));
  }

  /**
   * The text a Monaco field draws. Monaco draws one element per screen line,
   * placed by its `top` rather than in DOM order, and splits a wrapped line into
   * several, so the lines are read in screen order and joined without breaks:
   * compare with the text without its line breaks. Only what is scrolled into
   * view is drawn; keep e2e texts within the field's height.
   */
  async editorText(label: string): Promise<string> {
    const box = this.page.locator('.monaco-box', { has: this.page.getByRole('textbox', { name: label }) });
    return box.locator('.view-lines').evaluate((lines) =>
      [...lines.querySelectorAll<HTMLElement>('.view-line')]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '))
        .join(''),
    );
  }

  async newPrompt(name: string) {
    await this.frame.goTo('Prompts');
    await this.page.getByRole('button', { name: 'New prompt' }).click();
    const title = this.page.getByRole('textbox', { name: 'Prompt name' });
    await title.fill(name);
    await expect(this.page.getByRole('list', { name: 'Prompts' }).getByRole('button', { name })).toBeVisible();
  }

  tab(name: string) {
    return this.page.getByRole('tablist', { name: 'Prompt sections' }).getByRole('tab', { name: new RegExp(`^${name}`) });
  }

  async saveVersion() {
    await this.page.keyboard.press('Control+s');
  }

  async launch(opts: { models: string[]; repeats: number }) {
    await this.tab('Run').click();
    const form = this.page.getByRole('form', { name: 'Launch a run' });
    for (const m of opts.models) await form.getByRole('checkbox', { name: new RegExp(`^${escape(m)}`) }).check();
    await form.getByLabel('Repeats').fill(String(opts.repeats));
    await form.getByRole('button', { name: 'Launch run' }).click();
    await expect(this.page.getByRole('region', { name: 'Progress' })).toBeVisible();
  }

  progressBar() {
    return this.page.getByRole('progressbar', { name: 'Attempts finished' });
  }

  column(model: string) {
    return this.page.getByRole('region', { name: `Attempts of ${model}` });
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
