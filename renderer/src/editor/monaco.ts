/**
 * Monaco, set up once and loaded lazily (it is most of the renderer's weight):
 * the editor core only, its worker from a local `?worker` import, and
 * `loader.config({ monaco })` so @monaco-editor/react never fetches Monaco from
 * a CDN (microsoft/monaco-editor docs/integrate-esm.md; STACK.md).
 *
 * Also defines the `tenth-prompt` language: `{{variable}}` highlighting and
 * completion of the variable names the prompt's cases define.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { loader } from '@monaco-editor/react';
import { knownVariables } from './variables';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

// Every language we enable runs in the editor worker: prompts are plain text
// with variables; no language service needs its own worker.
window.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

loader.config({ monaco });

export const PROMPT_LANGUAGE = 'tenth-prompt';


monaco.languages.register({ id: PROMPT_LANGUAGE });
monaco.languages.setMonarchTokensProvider(PROMPT_LANGUAGE, {
  tokenizer: {
    root: [
      [/\\\{\{/, 'escape'],
      [/\{\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}\}/, 'variable'],
      [/\{\{[^}]*\}?\}?/, 'invalid'],
      [/[^{\\]+/, ''],
      [/./, ''],
    ],
  },
});
monaco.languages.setLanguageConfiguration(PROMPT_LANGUAGE, {
  // `{` closes itself, so typing `{{` gives `{{}}` and typing the closing `}}`
  // steps over it. Not `{{`/`}}` as one pair: Monaco only steps over closers of
  // one character, so that pair left a stray `}}` after every variable typed.
  autoClosingPairs: [{ open: '{', close: '}' }],
  wordPattern: /[A-Za-z_][A-Za-z0-9_.-]*/,
});
monaco.languages.registerCompletionItemProvider(PROMPT_LANGUAGE, {
  triggerCharacters: ['{'],
  provideCompletionItems(model, position) {
    const line = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
    const open = /\{\{\s*([A-Za-z0-9_.-]*)$/.exec(line);
    if (!open) return { suggestions: [] };
    const typed = open[1] ?? '';
    const range = new monaco.Range(position.lineNumber, position.column - typed.length, position.lineNumber, position.column);
    const after = model.getLineContent(position.lineNumber).slice(position.column - 1);
    const close = after.startsWith('}}') ? '' : '}}';
    return {
      suggestions: knownVariables().map((name) => ({
        label: name,
        kind: monaco.languages.CompletionItemKind.Variable,
        insertText: `${name}${close}`,
        range,
        detail: 'case variable',
      })),
    };
  },
});

const rules = (dark: boolean): monaco.editor.ITokenThemeRule[] => [
  { token: 'variable', foreground: dark ? 'ffd166' : 'a35200', fontStyle: 'bold' },
  { token: 'escape', foreground: dark ? '9aa3b2' : '5d6675' },
  { token: 'invalid', foreground: dark ? 'ff7b6e' : 'c0392b', fontStyle: 'underline' },
];
monaco.editor.defineTheme('tenth-light', { base: 'vs', inherit: true, rules: rules(false), colors: {} });
monaco.editor.defineTheme('tenth-dark', { base: 'vs-dark', inherit: true, rules: rules(true), colors: { 'editor.background': '#1d2027' } });

export { monaco };
