import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useUi } from '../store/ui';
import { CommandPalette } from './CommandPalette';
import { registerCommands } from './commands';
import { globalCommands } from './globalCommands';

beforeAll(() => {
  // jsdom has no layout, no ResizeObserver and no modal dialogs: enough of them for cmdk and <dialog>.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  Element.prototype.scrollIntoView ??= function () {};
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
});

afterEach(() => {
  cleanup();
  act(() => useUi.getState().setPaletteOpen(false));
});

/** The real global commands, each recording that it ran instead of running. */
function registerSpies() {
  const ran = vi.fn<(id: string) => void>();
  const off = registerCommands('palette-test', () => globalCommands().map((c) => ({ ...c, run: () => ran(c.id) })));
  return { ran, off };
}

async function typeAndEnter(query: string) {
  act(() => useUi.getState().setPaletteOpen(true));
  const input = await screen.findByRole('combobox');
  fireEvent.change(input, { target: { value: query } });
  // cmdk selects the first item once its search state has caught up with the input.
  await vi.waitFor(() => expect(screen.getAllByRole('option')[0]?.getAttribute('aria-selected')).toBe('true'));
  const selected = screen.getAllByRole('option').find((o) => o.getAttribute('aria-selected') === 'true');
  fireEvent.keyDown(input, { key: 'Enter' });
  return selected?.textContent;
}

describe('CommandPalette', () => {
  it('Enter runs the best match, not the first match of the first group', async () => {
    const { ran, off } = registerSpies();
    render(<CommandPalette />);
    expect(await typeAndEnter('dark')).toContain('Theme: Dark');
    expect(ran).toHaveBeenLastCalledWith('theme.dark');
    expect(useUi.getState().paletteOpen).toBe(false);
    expect(await typeAndEnter('grade')).toContain('Grade attempts by hand');
    expect(ran).toHaveBeenLastCalledWith('journal.tab.grade');
    expect(await typeAndEnter('export')).toContain('Export the journal');
    expect(ran).toHaveBeenLastCalledWith('data.export');
    expect(ran).toHaveBeenCalledTimes(3);
    off();
  });

  it('shows one ranked list while searching and the groups otherwise', async () => {
    const { off } = registerSpies();
    render(<CommandPalette />);
    act(() => useUi.getState().setPaletteOpen(true));
    const input = await screen.findByRole('combobox');
    expect(screen.getByRole('dialog', { name: 'Command palette' })).toBeTruthy();
    expect(screen.getByText('Navigate')).toBeTruthy();
    expect(screen.getByText('Appearance')).toBeTruthy();
    fireEvent.change(input, { target: { value: 'theme' } });
    await vi.waitFor(() => expect(screen.queryByText('Navigate')).toBeNull());
    const options = screen.getAllByRole('option').map((o) => o.firstElementChild?.textContent);
    expect(options.slice(0, 3).sort()).toEqual(['Theme: Dark', 'Theme: Light', 'Theme: System']);
    fireEvent.change(input, { target: { value: 'zzzz' } });
    await screen.findByText('No command matches.');
    off();
  });
});
