import { create } from 'zustand';

/**
 * Bumped whenever a key is stored or removed, so views showing `{hasKey, last4}`
 * ask the service again (the key itself never comes to the renderer).
 */
export const useKeyEpoch = create<{ epoch: number; bump(): void }>()((set, get) => ({
  epoch: 0,
  bump: () => set({ epoch: get().epoch + 1 }),
}));
