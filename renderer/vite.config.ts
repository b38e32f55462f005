import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// The renderer build, shared by electron-vite (electron.vite.config.ts) and the
// browser host (`npm run web`), so both serve the very same files.
export const rendererConfig = defineConfig({
  root: resolve(import.meta.dirname),
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer'),
    emptyOutDir: true,
    minify: true,
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
  },
});

export default rendererConfig;
