/**
 * The prompt workspace in jsdom over fake-indexeddb. Monaco does not run here,
 * so a text area stands in for the prompt fields; what is tested is what the
 * workspace does with the text (CodeField's own typing is tested in editor/).
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CodeFieldProps } from '../../editor/CodeField';
import { getDb } from '../../db/db';
import { createPrompt, saveVersion, updatePrompt } from '../../db/repo/prompts';
import { saveProvider } from '../../db/repo/providers';
import type { LaunchInput } from '../../runs/manager';
import { PromptWorkspace } from './PromptWorkspace';
import { usePromptsUi } from './PromptsPage';

vi.mock('../../editor/CodeField', () => ({
  CodeField: (props: CodeFieldProps) => <textarea aria-label={props.label} value={props.value} onChange={(e) => props.onChange?.(e.target.value)} />,
  DiffField: () => null,
  saveKey: (run: () => void) => ({ keybinding: () => 0, run }),
  runKey: (run: () => void) => ({ keybinding: () => 0, run }),
}));

const launched: LaunchInput[] = [];
vi.mock('../../runs/manager', () => ({
  launchRun: async (input: LaunchInput) => {
    launched.push(input);
    return 'run-1';
  },
}));

const MESSAGE = { role: 'user' as const, content: 'What is the capital of France?' };

async function seed(name = 'Capitals') {
  const p = await createPrompt(name);
  await updatePrompt(p.id, { messages: [MESSAGE] });
  return p.id;
}

/** Lets IndexedDB and Dexie finish what the page started (fake-indexeddb answers on setImmediate). */
const settle = () => act(() => new Promise<void>((resolve) => setImmediate(resolve)));

beforeEach(async () => {
  const db = getDb();
  await Promise.all([db.prompts.clear(), db.promptVersions.clear(), db.cases.clear(), db.providers.clear(), db.meta.clear()]);
  usePromptsUi.setState({ tab: 'prompt' });
  launched.length = 0;
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  Reflect.deleteProperty(document, 'visibilityState');
});

describe('draft autosave', () => {
  // The debounce timer is frozen, so only the page's own flush can write.
  const freezeDebounce = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

  it('writes the typed text when the page is hidden, before the debounce', async () => {
    const id = await seed();
    render(<PromptWorkspace promptId={id} />);
    const field = await screen.findByLabelText('Message 1 text');
    freezeDebounce();
    fireEvent.change(field, { target: { value: 'Typed, then the page closed' } });
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect((await getDb().prompts.get(id))?.messages[0]?.content).toBe('Typed, then the page closed');
  });

  it('writes it when the page becomes hidden', async () => {
    const id = await seed();
    render(<PromptWorkspace promptId={id} />);
    const field = await screen.findByLabelText('System prompt');
    freezeDebounce();
    fireEvent.change(field, { target: { value: 'Switched away' } });
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    expect((await getDb().prompts.get(id))?.system).toBe('Switched away');
  });

  it('writes it when the workspace closes', async () => {
    const id = await seed();
    const view = render(<PromptWorkspace promptId={id} />);
    const field = await screen.findByLabelText('System prompt');
    freezeDebounce();
    fireEvent.change(field, { target: { value: 'Left for another prompt' } });
    view.unmount();
    await settle();
    expect((await getDb().prompts.get(id))?.system).toBe('Left for another prompt');
  });
});

describe('a draft no version holds', () => {
  async function withVersionAndModel() {
    const id = await seed();
    const { version } = await saveVersion({ id, system: '', messages: [MESSAGE], params: { temperature: 0.7, maxOutputTokens: 1024 } });
    await saveProvider({ name: 'Mock', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', headers: {}, concurrency: 2, rpm: null, models: [{ id: 'good' }] });
    render(<PromptWorkspace promptId={id} />);
    return { id, saved: version };
  }

  it('is marked, and the Run tab offers to save it as a new version and run it', async () => {
    const { saved } = await withVersionAndModel();
    const field = await screen.findByLabelText('Message 1 text');
    await settle();
    expect(screen.queryByText('Unsaved changes')).toBeNull();

    fireEvent.change(field, { target: { value: 'What is the capital of Japan?' } });
    expect(await screen.findByText('Unsaved changes')).toBeTruthy();

    fireEvent.click(screen.getByRole('tab', { name: 'Run' }));
    const version = await screen.findByLabelText<HTMLSelectElement>('Prompt version');
    await waitFor(() => expect(version.selectedOptions[0]?.textContent).toBe('Draft in the editor (unsaved)'));
    expect(screen.getByText(/The draft in the editor has changes no saved version holds/)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /^good/ }));
    const launch = await screen.findByRole('button', { name: 'Save as a new version and run' });
    fireEvent.click(launch);

    await waitFor(() => expect(launched).toHaveLength(1));
    const versions = await getDb().promptVersions.toArray();
    expect(versions).toHaveLength(2);
    const fresh = versions.find((v) => v.id !== saved.id)!;
    expect(fresh.messages[0]?.content).toBe('What is the capital of Japan?');
    expect(launched[0]!.run.promptVersionIds).toEqual([fresh.id]);
    expect(launched[0]!.plan.attempts.every((a) => a.promptVersion === fresh.id)).toBe(true);
  });

  it('runs an older version only when chosen, and says it is not the draft', async () => {
    const { saved } = await withVersionAndModel();
    fireEvent.change(await screen.findByLabelText('Message 1 text'), { target: { value: 'Changed' } });
    await screen.findByText('Unsaved changes');
    fireEvent.click(screen.getByRole('tab', { name: 'Run' }));
    const version = await screen.findByLabelText<HTMLSelectElement>('Prompt version');
    fireEvent.change(version, { target: { value: saved.id } });
    expect(await screen.findByText(/This runs saved version .* not the draft in the editor, which has unsaved changes/)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /^good/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Launch run' }));
    await waitFor(() => expect(launched).toHaveLength(1));
    expect(launched[0]!.run.promptVersionIds).toEqual([saved.id]);
    expect(await getDb().promptVersions.count()).toBe(1);
  });

  it('picks the saved version that holds the draft, with no mark', async () => {
    await withVersionAndModel();
    await screen.findByLabelText('Message 1 text');
    fireEvent.click(screen.getByRole('tab', { name: 'Run' }));
    const version = await screen.findByLabelText<HTMLSelectElement>('Prompt version');
    await waitFor(() => expect(version.selectedOptions[0]?.textContent).toMatch(/\(latest\) — the draft$/));
    expect(screen.queryByRole('option', { name: 'Draft in the editor (unsaved)' })).toBeNull();
    expect(screen.queryByText('Unsaved changes')).toBeNull();
    expect(screen.getByRole('button', { name: 'Launch run' })).toBeTruthy();
  });
});

describe('prompt names', () => {
  it('refuses a name another prompt has, inline, and keeps the stored name', async () => {
    const id = await seed('Alpha');
    await seed('Beta');
    const view = render(<PromptWorkspace promptId={id} />);
    const name = await screen.findByRole('textbox', { name: 'Prompt name' });
    fireEvent.change(name, { target: { value: '  beta ' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Another prompt is already called “Beta”. Pick a name of its own.');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    view.unmount();
    await settle();
    expect((await getDb().prompts.get(id))?.name).toBe('Alpha');
  });

  it('writes a free name, and the message goes', async () => {
    const id = await seed('Alpha');
    await seed('Beta');
    const view = render(<PromptWorkspace promptId={id} />);
    const name = await screen.findByRole('textbox', { name: 'Prompt name' });
    fireEvent.change(name, { target: { value: 'Beta' } });
    await screen.findByRole('alert');
    fireEvent.change(name, { target: { value: 'Beta two' } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    view.unmount();
    await settle();
    expect((await getDb().prompts.get(id))?.name).toBe('Beta two');
  });
});
