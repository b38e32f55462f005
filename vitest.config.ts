import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Projects by runtime (STYLE.md, "Tests"): shared code and the Node services run
// in node; the renderer in jsdom with an in-memory IndexedDB.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'tests/**/*.test.ts', 'bin/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['fake-indexeddb/auto', 'renderer/src/test-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
