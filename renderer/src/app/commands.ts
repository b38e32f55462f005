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
  /**
   * Also fires where focus is in a widget that keeps its keys to itself (Monaco
   * stops Ctrl+K for its own chords): dispatched in the capture phase, before
   * the widget sees the key. Keep it to chords that must work everywhere.
   */
  anywhere?: boolean;
  run(): void | Promise<void>;
  enabled?(): boolean;
}

const sources = new Map<string, () => Command[]>();
const subscribers = new Set<() => void>();
let snapshot: Command[] = [];
/** Which source each command in the snapshot came from. */
let owners = new Map<string, string>();

function publish() {
  // One command per id: a later source replaces an earlier one in place, so a
  // page can take over a global command (same id) while it is shown, and the
  // palette, the shortcuts list and the key dispatch never see it twice.
  const byId = new Map<string, Command>();
  const from = new Map<string, string>();
  for (const [source, get] of sources) {
    for (const command of get()) {
      byId.set(command.id, command);
      from.set(command.id, source);
    }
  }
  snapshot = [...byId.values()];
  owners = from;
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

/** The source that registered the command `id` now shown (a page's replaces a global one), or undefined. */
export function commandSource(id: string): string | undefined {
  return owners.get(id);
}

/** Calls `fn` after every change to the registry; returns the function that stops it. */
export function subscribeCommands(fn: () => void): () => void {
  subscribers.add(fn);
  return () => {
    subscribers.delete(fn);
  };
}

export function useCommands(): Command[] {
  return useSyncExternalStore(subscribeCommands, () => snapshot);
}

export const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function matchesShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, shortcut: string, mac = isMac()): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()!.toLowerCase();
  const want = new Set(parts.map((p) => p.toLowerCase()));
  const mod = mac ? event.metaKey : event.ctrlKey;
  if (want.has('mod') !== mod) return false;
  // A symbol ("?", "/") already says whether Shift was down, and which keys need
  // it depends on the keyboard layout: only letters, digits and named keys check it.
  const symbol = key.length === 1 && !/[a-z0-9]/.test(key);
  if (!symbol && want.has('shift') !== event.shiftKey) return false;
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

/**
 * Runs the first enabled command whose shortcut matches; true when one ran. The
 * window listens twice: in the capture phase for the `anywhere` commands (which
 * then go no further, so the focused widget doesn't act on the key too), and in
 * the bubble phase for the rest, which a focused widget may have kept.
 */
export function dispatchShortcut(event: KeyboardEvent, commands: Command[] = snapshot, phase: 'capture' | 'bubble' = 'bubble'): boolean {
  const typing = isTypingTarget(event.target);
  for (const command of commands) {
    if (!command.shortcut || Boolean(command.anywhere) !== (phase === 'capture')) continue;
    if (typing && isPlainKey(command.shortcut)) continue;
    if (matchesShortcut(event, command.shortcut) && (command.enabled?.() ?? true)) {
      event.preventDefault();
      if (phase === 'capture') event.stopPropagation();
      void command.run();
      return true;
    }
  }
  return false;
}

/** The window listeners for every registered shortcut; returns the function that removes them. */
export function listenForShortcuts(target: Window = window): () => void {
  const capture = (event: KeyboardEvent) => dispatchShortcut(event, snapshot, 'capture');
  const bubble = (event: KeyboardEvent) => dispatchShortcut(event, snapshot, 'bubble');
  target.addEventListener('keydown', capture, true);
  target.addEventListener('keydown', bubble);
  return () => {
    target.removeEventListener('keydown', capture, true);
    target.removeEventListener('keydown', bubble);
  };
}

/** The commands that have a shortcut, by group in registry order: what the shortcuts dialog lists. */
export function shortcutGroups(commands: Command[]): { group: string; commands: Command[] }[] {
  const groups = new Map<string, Command[]>();
  for (const command of commands) {
    if (!command.shortcut) continue;
    const list = groups.get(command.group) ?? [];
    list.push(command);
    groups.set(command.group, list);
  }
  return [...groups].map(([group, list]) => ({ group, commands: list }));
}
