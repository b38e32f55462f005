/**
 * User commands as data — `{id, label, shortcut, run, enabled}` — so the command
 * palette, keyboard shortcuts and menus share one list (excalidraw's actions/).
 * Pages register their own commands while they are shown.
 */
import { useSyncExternalStore } from 'react';

export interface Command {
  id: string;
  label: string;
  group: string;
  /** e.g. "Mod+K", "Mod+Shift+P", "Mod+1" — Mod is Cmd on macOS, Ctrl elsewhere. */
  shortcut?: string;
  keywords?: string[];
  run(): void | Promise<void>;
  enabled?(): boolean;
}

const sources = new Map<string, () => Command[]>();
const subscribers = new Set<() => void>();
let snapshot: Command[] = [];

function publish() {
  snapshot = [...sources.values()].flatMap((get) => get());
  subscribers.forEach((fn) => fn());
}

/** Registers a source of commands; returns the function that removes it. */
export function registerCommands(sourceId: string, get: () => Command[]): () => void {
  sources.set(sourceId, get);
  publish();
  return () => {
    if (sources.get(sourceId) === get) {
      sources.delete(sourceId);
      publish();
    }
  };
}

/** Re-reads every source (after state that `enabled` depends on changed). */
export const refreshCommands = publish;

export function allCommands(): Command[] {
  return snapshot;
}

export function useCommands(): Command[] {
  return useSyncExternalStore(
    (fn) => {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    () => snapshot,
  );
}

export const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function matchesShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, shortcut: string, mac = isMac()): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()!.toLowerCase();
  const want = new Set(parts.map((p) => p.toLowerCase()));
  const mod = mac ? event.metaKey : event.ctrlKey;
  if (want.has('mod') !== mod) return false;
  if (want.has('shift') !== event.shiftKey) return false;
  if (want.has('alt') !== event.altKey) return false;
  if (!want.has('mod') && (event.ctrlKey || event.metaKey)) return false;
  const pressed = event.key.length === 1 ? event.key.toLowerCase() : event.key.toLowerCase();
  return pressed === key;
}

export function shortcutLabel(shortcut: string, mac = isMac()): string {
  return shortcut
    .split('+')
    .map((p) => (p === 'Mod' ? (mac ? '⌘' : 'Ctrl') : p === 'Shift' ? (mac ? '⇧' : 'Shift') : p === 'Alt' ? (mac ? '⌥' : 'Alt') : p.toUpperCase()))
    .join(mac ? '' : '+');
}

/** True when keys typed at `target` are text: inputs, textareas, selects, contenteditable (Monaco's textarea too). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
  if (tag !== 'input') return false;
  const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

/** A shortcut without Mod or Alt (e.g. "J", "Shift+N"): typed text, so it never fires while typing. */
const isPlainKey = (shortcut: string) => !/(^|\+)(Mod|Alt)\+/i.test(shortcut);

/** Runs the first enabled command whose shortcut matches; true when one ran. */
export function dispatchShortcut(event: KeyboardEvent, commands: Command[] = snapshot): boolean {
  const typing = isTypingTarget(event.target);
  for (const command of commands) {
    if (command.shortcut && typing && isPlainKey(command.shortcut)) continue;
    if (command.shortcut && matchesShortcut(event, command.shortcut) && (command.enabled?.() ?? true)) {
      event.preventDefault();
      void command.run();
      return true;
    }
  }
  return false;
}
