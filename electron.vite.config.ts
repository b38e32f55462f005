import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { rendererConfig } from './renderer/vite.config';

// Explicit entries: electron-vite's defaults expect src/main etc. (STACK.md).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can't be ESM: one CommonJS bundle.
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    root: resolve(import.meta.dirname, 'renderer'),
    build: {
      ...rendererConfig.build,
      // Explicit: electron-vite bundles this config, so paths computed inside
      // renderer/vite.config.ts would resolve from the project root, not renderer/.
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
