/**
 * Prompt text fields, backed by Monaco loaded on first use. Until Monaco has
 * loaded, a read-only preview holds the place so the layout does not jump.
 */
import { lazy, Suspense } from 'react';
import type * as Monaco from 'monaco-editor/editor/editor.api';

export interface PassKey {
  keybinding(monaco: typeof Monaco): number;
  run(): void;
}

export interface CodeFieldProps {
  label: string;
  value: string;
  onChange?(value: string): void;
  language?: string;
  readOnly?: boolean;
  minHeight?: number;
  maxHeight?: number;
  /** Variables used in the text that no case defines: shown as warnings. */
  unknownVariables?: string[];
  /** Shortcuts the page handles (Ctrl/Cmd+S, Ctrl/Cmd+Enter) so Monaco doesn't swallow them. */
  passKeys?: PassKey[];
}

export interface DiffFieldProps {
  label: string;
  original: string;
  modified: string;
  language?: string;
  height?: number;
}

const LazyField = lazy(() => import('./MonacoField'));
const LazyDiff = lazy(() => import('./MonacoField').then((m) => ({ default: m.MonacoDiff })));

export function CodeField(props: CodeFieldProps) {
  return (
    <Suspense fallback={<pre className="code-fallback" aria-label={props.label}>{props.value}</pre>}>
      <LazyField {...props} />
    </Suspense>
  );
}

export function DiffField(props: DiffFieldProps) {
  return (
    <Suspense fallback={<p className="muted">Loading diff…</p>}>
      <LazyDiff {...props} />
    </Suspense>
  );
}

/** Ctrl/Cmd+S and Ctrl/Cmd+Enter, for passKeys. */
export const saveKey = (run: () => void): PassKey => ({
  keybinding: (m) => m.KeyMod.CtrlCmd | m.KeyCode.KeyS,
  run,
});
export const runKey = (run: () => void): PassKey => ({
  keybinding: (m) => m.KeyMod.CtrlCmd | m.KeyCode.Enter,
  run,
});
