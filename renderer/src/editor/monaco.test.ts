/**
 * Typing into a real Monaco editor with the prompt language, in jsdom: what the
 * user types is what the field holds, `{{variables}}` included.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as Monaco from 'monaco-editor/editor/editor.api';
import { loadMonacoInJsdom } from './jsdomMonaco';

let monaco: typeof Monaco;
let PROMPT_LANGUAGE: string;
let baseOptions: Monaco.editor.IStandaloneEditorConstructionOptions;
let editor: Monaco.editor.IStandaloneCodeEditor | null = null;

beforeAll(async () => {
  ({ monaco, PROMPT_LANGUAGE } = await loadMonacoInJsdom());
  ({ baseOptions } = await import('./MonacoField'));
});

afterEach(() => {
  editor?.dispose();
  editor = null;
});

function open(): Monaco.editor.IStandaloneCodeEditor {
  const box = document.createElement('div');
  document.body.append(box);
  // Suggestions would ask the editor worker, which jsdom cannot start.
  editor = monaco.editor.create(box, { ...baseOptions, language: PROMPT_LANGUAGE, value: '', quickSuggestions: false, suggestOnTriggerCharacters: false });
  return editor;
}

/** One keystroke at a time, as a person types. */
function typeKeys(e: Monaco.editor.IStandaloneCodeEditor, text: string) {
  for (const ch of text) e.trigger('keyboard', 'type', { text: ch });
}

describe('the prompt editor', () => {
  it('steps over the closing braces it inserted while a variable is typed', () => {
    const e = open();
    typeKeys(e, 'Hello {{name}}');
    expect(e.getValue()).toBe('Hello {{name}}');
    typeKeys(e, ' there {{tone}} tone.');
    expect(e.getValue()).toBe('Hello {{name}} there {{tone}} tone.');
  });

  it('keeps text inserted in one go as it is', () => {
    const e = open();
    // What a paste, an IME commit or Playwright's keyboard.insertText sends.
    e.trigger('keyboard', 'type', { text: 'You write haiku in a {{tone}} tone.' });
    expect(e.getValue()).toBe('You write haiku in a {{tone}} tone.');
  });

  it('closes an opened variable, with the cursor inside for the name', () => {
    const e = open();
    typeKeys(e, 'About {{');
    expect(e.getValue()).toBe('About {{}}');
    expect(e.getPosition()?.column).toBe('About {{'.length + 1);
    typeKeys(e, 'topic');
    expect(e.getValue()).toBe('About {{topic}}');
  });
});
