/** UI state of the Stats page (never the journal): kept across page switches. */
import { create } from 'zustand';
import type { FigureKey } from '../../../../shared/stats';
import { NO_FILTER, type StatsFilter } from '../../workers/stats/protocol';

export type StatsTab = 'matrix' | 'compare' | 'plots' | 'drift';

export interface StatsUi {
  tab: StatsTab;
  filter: StatsFilter;
  byCase: boolean;
  sortKey: FigureKey | 'name';
  /** A target's column (its key), or '' for the worst value across targets. */
  sortTarget: string;
  sortDir: 'asc' | 'desc';
  /** Target keys. */
  compareTargets: string[];
  comparePrompts: string[];
  /** Drift flags open in the side panel (indexes into the matrix result's flags). */
  driftOpen: number[] | null;
  set(patch: Partial<Omit<StatsUi, 'set'>>): void;
}

export const useStatsUi = create<StatsUi>()((set) => ({
  tab: 'matrix',
  filter: NO_FILTER,
  byCase: false,
  sortKey: 'name',
  sortTarget: '',
  sortDir: 'asc',
  compareTargets: [],
  comparePrompts: [],
  driftOpen: null,
  set: (patch) => set(patch),
}));
