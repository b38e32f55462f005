/**
 * A Monaco editor sized to its content, for prompt text. Loaded lazily through
 * CodeField; @monaco-editor/react disposes the editor and its model on unmount.
 */
import Editor, { DiffEditor, type OnMount } from '@monaco-editor/react';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { monaco, PROMPT_LANGUAGE } from './monaco';
import type { CodeFieldProps, DiffFieldProps } from './CodeField';

function themeName(): string {
  return document.documentElement.dataset.theme === 'dark' ? 'tenth-dark' : 'tenth-light';
}

function useThemeSync() {
  useEffect(() => {
    const observer = new MutationObserver(() => monaco.editor.setTheme(themeName()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
}

/** Options every prompt field shares; exported for the typing tests. */
export const baseOptions: monaco.editor.IStandaloneEditorConstructionOptions = {
  minimap: { enabled: false },
  wordWrap: 'on',
  lineNumbers: 'off',
  glyphMargin: false,
  folding: false,
  scrollBeyondLastLine: false,
  renderLineHighlight: 'none',
  overviewRulerLanes: 0,
  scrollbar: { vertical: 'auto', alwaysConsumeMouseWheel: false },
  fontSize: 13,
  padding: { top: 6, bottom: 6 },
  automaticLayout: true,
  fixedOverflowWidgets: true,
  quickSuggestions: { other: true, comments: false, strings: true },
};

/** How many of its own values a field remembers while the page is behind. */
const MAX_IN_FLIGHT = 256;

export default function MonacoField(props: CodeFieldProps) {
  const box = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // Commands are bound once at mount; they call the latest handlers through this ref.
  const passKeys = useRef(props.passKeys);
  passKeys.current = props.passKeys;
  // The texts this field has reported through onChange that the page has not
  // yet handed back as `value`. React renders after typing, not during it, so
  // under load a render can hand back a text a keystroke or two old; taking
  // that as a change would put the old text back and move the cursor to the
  // end (what @monaco-editor/react does with a controlled `value`), and the
  // next keys land after the closing braces: "{{to}}ne}}".
  const inFlight = useRef<string[]>([]);
  const syncing = useRef(false);
  useThemeSync();

  // The editor owns its text; `value` replaces it only when it is new to the
  // editor, i.e. changed elsewhere (a message moved up or down).
  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model) return;
    if (props.value === model.getValue()) {
      inFlight.current = [];
      return;
    }
    if (inFlight.current.includes(props.value)) return;
    inFlight.current = [];
    syncing.current = true;
    try {
      editor.executeEdits('value', [{ range: model.getFullModelRange(), text: props.value, forceMoveMarkers: true }]);
      editor.pushUndoStop();
    } finally {
      syncing.current = false;
    }
  }, [props.value]);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    const fit = () => {
      const h = Math.min(props.maxHeight ?? 420, Math.max(props.minHeight ?? 64, editor.getContentHeight()));
      if (box.current) box.current.style.height = `${h}px`;
      editor.layout();
    };
    editor.onDidContentSizeChange(fit);
    fit();
    // Let the page's shortcuts (save, run, palette) work while typing.
    (props.passKeys ?? []).forEach((key, i) => {
      editor.addCommand(key.keybinding(monaco), () => passKeys.current?.[i]?.run());
    });
  };

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const markers: monaco.editor.IMarkerData[] = [];
    const unknown = new Set(props.unknownVariables ?? []);
    if (unknown.size) {
      const text = model.getValue();
      for (const m of text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g)) {
        if (!unknown.has(m[1]!)) continue;
        const start = model.getPositionAt(m.index!);
        const end = model.getPositionAt(m.index! + m[0].length);
        markers.push({
          severity: monaco.MarkerSeverity.Warning,
          message: `No case defines “${m[1]}”: it will be sent as written.`,
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        });
      }
    }
    monaco.editor.setModelMarkers(model, 'tenth-variables', markers);
  }, [props.unknownVariables, props.value]);

  return (
    <div ref={box} className="monaco-box" style={{ height: props.minHeight ?? 64 }}>
      <Editor
        defaultValue={props.value}
        language={props.language ?? PROMPT_LANGUAGE}
        theme={themeName()}
        onChange={(v) => {
          if (syncing.current) return;
          const text = v ?? '';
          inFlight.current.push(text);
          if (inFlight.current.length > MAX_IN_FLIGHT) inFlight.current.shift();
          props.onChange?.(text);
        }}
        onMount={onMount}
        loading={<span className="muted">Loading editor…</span>}
        options={{ ...baseOptions, ariaLabel: props.label, readOnly: props.readOnly ?? false }}
      />
    </div>
  );
}

export function MonacoDiff(props: DiffFieldProps) {
  useThemeSync();
  const diff = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  // @monaco-editor/react 4.7 disposes a DiffEditor's models before the widget,
  // which Monaco ≥0.52 reports as "TextModel got disposed before DiffEditorWidget
  // model got reset" (suren-atoyan/monaco-react#647). We keep the models, and in a
  // layout-effect cleanup (which runs before the library's passive one) detach
  // them from the live widget and dispose them ourselves.
  useLayoutEffect(
    () => () => {
      const editor = diff.current;
      if (!editor) return;
      const models = editor.getModel();
      editor.setModel(null);
      models?.original.dispose();
      models?.modified.dispose();
    },
    [],
  );
  return (
    <div className="monaco-diff" style={{ height: props.height ?? 360 }}>
      <DiffEditor
        original={props.original}
        modified={props.modified}
        language={props.language ?? PROMPT_LANGUAGE}
        theme={themeName()}
        loading={<span className="muted">Loading diff…</span>}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        onMount={(editor) => {
          diff.current = editor;
        }}
        options={{
          ...baseOptions,
          readOnly: true,
          renderSideBySide: true,
          originalEditable: false,
          ariaLabel: props.label,
          lineNumbers: 'on',
        }}
      />
    </div>
  );
}
