/**
 * Builds `npm run bench:runner` into out/bench/ as plain ES modules for node:
 * the runner and the mock provider's CLI (which the runner starts as a child).
 * Run from a bundle, the benchmark's RSS is the engine's and not tsx's loader
 * (about 40 MB of it); dependencies stay in node_modules, imported as usual.
 *
 *   vite build --config tests/bench/vite.config.ts
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  define: { __TENTH_BENCH_BUNDLE__: 'true' },
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/bench',
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    rollupOptions: {
      input: {
        runner: 'tests/bench/runner.ts',
        'mock-cli': 'tests/mock/cli.ts',
      },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
});
