/** The journal page's UI state (never the journal itself: that is Dexie). */
import { create } from 'zustand';
import { DEFAULT_SORT, type JournalFilter, type JournalSort } from '../../workers/journal/query';

export const JOURNAL_TABS = ['attempts', 'grade', 'blind', 'checks', 'judges'] as const;
export type JournalTab = (typeof JOURNAL_TABS)[number];
export const TAB_LABELS: Record<JournalTab, string> = {
  attempts: 'Attempts',
  grade: 'Grade',
  blind: 'Blind review',
  checks: 'Checks',
  judges: 'Judges',
};

/** A timing the page is measuring: started at a user action, ended when its rows are on screen. */
export interface PendingMeasure {
  name: string;
  start: number;
}

interface JournalUi {
  tab: JournalTab;
  filter: JournalFilter;
  sort: JournalSort;
  openId: string | null;
  selected: string[];
  comparing: [string, string] | null;
  measure: PendingMeasure | null;
  setTab(tab: JournalTab): void;
  setFilter(patch: Partial<JournalFilter>, measure?: string): void;
  clearFilter(): void;
  setSort(sort: JournalSort): void;
  open(id: string | null): void;
  toggleSelected(id: string): void;
  compare(pair: [string, string] | null): void;
  takeMeasure(): PendingMeasure | null;
}

const clean = (f: JournalFilter): JournalFilter => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as JournalFilter;

export const useJournalUi = create<JournalUi>()((set, get) => ({
  tab: 'attempts',
  filter: {},
  sort: DEFAULT_SORT,
  openId: null,
  selected: [],
  comparing: null,
  measure: null,
  setTab: (tab) => set({ tab }),
  setFilter: (patch, measure = 'journal:filter') => set({ filter: clean({ ...get().filter, ...patch }), measure: { name: measure, start: performance.now() } }),
  clearFilter: () => set({ filter: {}, measure: { name: 'journal:filter', start: performance.now() } }),
  setSort: (sort) => set({ sort, measure: { name: 'journal:sort', start: performance.now() } }),
  open: (openId) => set({ openId }),
  toggleSelected: (id) => {
    const s = get().selected;
    set({ selected: s.includes(id) ? s.filter((x) => x !== id) : [...s, id].slice(-2) });
  },
  compare: (comparing) => set({ comparing }),
  takeMeasure: () => {
    const m = get().measure;
    if (m) set({ measure: null });
    return m;
  },
}));
