// Lint enforces the layering of STYLE.md ("The map"): the folder says the runtime.
//  - shared/ imports no runtime: nothing from electron/, renderer/, 'electron', react or the DOM packages;
//  - renderer/ never imports electron/; electron/ never imports renderer/.
// tests/lint/layering.test.ts proves that a deliberate violation fails.
import tseslint from 'typescript-eslint';

const noRuntime = [
  { group: ['electron', 'electron/*'], message: 'shared/ must not import Electron (STYLE.md layering).' },
  { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'dexie', 'dexie-react-hooks', 'zustand', 'monaco-editor', '@monaco-editor/*'], message: 'shared/ must not import a UI runtime (STYLE.md layering).' },
  { group: ['**/electron/**', '../electron', '../../electron'], message: 'shared/ must not import from electron/ (STYLE.md layering).' },
  { group: ['**/renderer/**', '../renderer', '../../renderer'], message: 'shared/ must not import from renderer/ (STYLE.md layering).' },
  { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'https', 'net'], message: 'shared/ is pure TypeScript: inject Node APIs from electron/ or the CLI.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: noRuntime }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/electron/**', '../electron', '../../electron', '../../../electron'], message: 'renderer/ must not import from electron/ (STYLE.md layering).' },
            { group: ['electron', 'electron/*'], message: 'renderer/ must not import Electron; use window.api.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**', '../renderer', '../../renderer', '../../../renderer'], message: 'electron/ must not import from renderer/ (STYLE.md layering).' }] },
      ],
    },
  },
  {
    // Services are plain Node: only the Electron entry (electron/main) touches 'electron'.
    files: ['electron/services/**/*.ts', 'electron/host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'Services import nothing from electron; the entry injects what they need.' },
            { group: ['**/renderer/**', '../renderer', '../../renderer'], message: 'electron/ must not import from renderer/ (STYLE.md layering).' },
          ],
        },
      ],
    },
  },
);
