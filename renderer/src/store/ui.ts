/**
 * UI and session state (never the journal: that lives in Dexie). Small slices
 * combined into one store, typed with StateCreator (zustand's slices pattern).
 */
import { create, type StateCreator } from 'zustand';
import type { Theme } from '../../../shared/bridge/contract';

export const PAGES = ['prompts', 'runs', 'journal', 'stats', 'providers', 'settings'] as const;
export type Page = (typeof PAGES)[number];

export const PAGE_LABELS: Record<Page, string> = {
  prompts: 'Prompts',
  runs: 'Runs',
  journal: 'Journal',
  stats: 'Stats',
  providers: 'Providers',
  settings: 'Settings',
};

export interface NavSlice {
  page: Page;
  setPage(page: Page): void;
}
export interface ThemeSlice {
  themePref: Theme;
  setThemePref(theme: Theme): void;
}
export interface PaletteSlice {
  paletteOpen: boolean;
  setPaletteOpen(open: boolean): void;
}
export interface ToastSlice {
  toasts: { id: number; text: string; tone: 'info' | 'error' }[];
  toast(text: string, tone?: 'info' | 'error'): void;
  dismissToast(id: number): void;
}
export type UiState = NavSlice & ThemeSlice & PaletteSlice & ToastSlice;

const pageFromHash = (): Page => {
  const name = typeof location === 'undefined' ? '' : location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (PAGES as readonly string[]).includes(name ?? '') ? (name as Page) : 'prompts';
};

const createNav: StateCreator<UiState, [], [], NavSlice> = (set) => ({
  page: pageFromHash(),
  setPage: (page) => {
    if (typeof history !== 'undefined') history.replaceState(null, '', `#/${page}`);
    set({ page });
  },
});

const THEME_KEY = 'tenth.theme';
const storedTheme = (): Theme => {
  const value = typeof localStorage === 'undefined' ? null : localStorage.getItem(THEME_KEY);
  return value === 'light' || value === 'dark' || value === 'system' ? value : 'system';
};
const createTheme: StateCreator<UiState, [], [], ThemeSlice> = (set) => ({
  themePref: storedTheme(),
  setThemePref: (themePref) => {
    localStorage.setItem(THEME_KEY, themePref);
    set({ themePref });
  },
});

const createPalette: StateCreator<UiState, [], [], PaletteSlice> = (set) => ({
  paletteOpen: false,
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
});

let toastId = 0;
const createToasts: StateCreator<UiState, [], [], ToastSlice> = (set, get) => ({
  toasts: [],
  toast: (text, tone = 'info') => {
    const id = ++toastId;
    set({ toasts: [...get().toasts, { id, text, tone }] });
    setTimeout(() => get().dismissToast(id), tone === 'error' ? 8000 : 4000);
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
});

export const useUi = create<UiState>()((...a) => ({
  ...createNav(...a),
  ...createTheme(...a),
  ...createPalette(...a),
  ...createToasts(...a),
}));
