/**
 * MonacoField as the workspace uses it: a text the page holds in state, handed
 * back to the field as `value` after each change.
 */
import { act, cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { CodeFieldProps } from './CodeField';
import { loadMonacoInJsdom } from './jsdomMonaco';

let monaco: typeof Monaco;
let MonacoField: (props: CodeFieldProps) => React.ReactNode;

beforeAll(async () => {
  ({ monaco } = await loadMonacoInJsdom());
  MonacoField = (await import('./MonacoField')).default;
});

afterEach(() => cleanup());

async function mount(value: string, onChange: (v: string) => void) {
  const view = render(<MonacoField label="Field" value={value} onChange={onChange} />);
  await waitFor(() => expect(monaco.editor.getEditors()).toHaveLength(1));
  // Let the effects that follow the editor's creation run (they subscribe onChange).
  await act(() => Promise.resolve());
  const editor = monaco.editor.getEditors()[0]!;
  const end = editor.getModel()!.getFullModelRange().getEndPosition();
  editor.setPosition(end);
  const type = (text: string) => {
    for (const ch of text) editor.trigger('keyboard', 'type', { text: ch });
  };
  return { view, editor, type };
}

describe('MonacoField', () => {
  it('keeps what was typed when the page hands back a text a few keys old', async () => {
    const onChange = vi.fn();
    const { view, editor, type } = await mount('Hi ', onChange);
    type('{{to');
    expect(editor.getValue()).toBe('Hi {{to}}');
    // The page renders late, with the text as it was two keys ago.
    view.rerender(<MonacoField label="Field" value="Hi {{}}" onChange={onChange} />);
    expect(editor.getValue()).toBe('Hi {{to}}');
    type('ne}} tone.');
    expect(editor.getValue()).toBe('Hi {{tone}} tone.');
    expect(onChange).toHaveBeenLastCalledWith('Hi {{tone}} tone.');
  });

  it('takes a text changed elsewhere, without reporting it back as typing', async () => {
    const onChange = vi.fn();
    const { view, editor, type } = await mount('First message', onChange);
    type('!');
    view.rerender(<MonacoField label="Field" value="First message!" onChange={onChange} />);
    onChange.mockClear();
    // A message moved: the field now shows another message's text.
    view.rerender(<MonacoField label="Field" value="Second message" onChange={onChange} />);
    expect(editor.getValue()).toBe('Second message');
    expect(onChange).not.toHaveBeenCalled();
    // Even a text the field once had, once the page had caught up since.
    view.rerender(<MonacoField label="Field" value="First message!" onChange={onChange} />);
    expect(editor.getValue()).toBe('First message!');
  });
});
