/**
 * "Keyboard shortcuts" (the command, or `?` outside a text field): every
 * shortcut in the command registry, by group. The registry holds what works
 * right now, so a page's own keys (the grading keys, Save…) show while that
 * page is open.
 */
import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import { shortcutGroups, shortcutLabel, useCommands } from './commands';
import { useModal } from './useModal';
import './app.css';

export const useShortcutsHelp = create<{ open: boolean; setOpen(open: boolean): void }>()((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));

export function ShortcutsDialog() {
  const open = useShortcutsHelp((s) => s.open);
  const setOpen = useShortcutsHelp((s) => s.setOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useModal(ref, open, () => setOpen(false));
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);
  return (
    <dialog ref={ref} className="app-dialog shortcuts-dialog" aria-labelledby="shortcuts-h">
      {open && <ShortcutsList />}
      <div className="shortcuts-foot">
        <button ref={closeRef} type="button" className="secondary" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </dialog>
  );
}

function ShortcutsList() {
  const groups = shortcutGroups(useCommands());
  return (
    <>
      <h2 id="shortcuts-h">Keyboard shortcuts</h2>
      <div className="shortcuts-groups">
        {groups.map(({ group, commands }) => (
          <section key={group} aria-label={group}>
            <h3>{group}</h3>
            <dl>
              {commands.map((c) => (
                <div key={c.id} className="shortcut-row">
                  <dt>{c.label}</dt>
                  <dd>
                    <kbd>{shortcutLabel(c.shortcut!)}</kbd>
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </>
  );
}
