/**
 * Ctrl/Cmd+K: every registered command. With nothing typed, the commands by
 * group; once a query is typed, one list across groups, best match first and
 * selected (paletteRank.ts), so Enter runs what the query means.
 *
 * The palette is a native modal <dialog> (useModal): closing it gives focus
 * back at once, so the chosen command runs after that and may move focus on.
 */
import { Command as Cmdk } from 'cmdk';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useUi } from '../store/ui';
import { shortcutLabel, useCommands, type Command } from './commands';
import { rankCommands } from './paletteRank';
import { useModal } from './useModal';
import './app.css';

export function CommandPalette() {
  const open = useUi((s) => s.paletteOpen);
  const setOpen = useUi((s) => s.setPaletteOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useModal(ref, open, () => setOpen(false));
  const run = (command: Command) => {
    ref.current?.close();
    setOpen(false);
    void command.run();
  };
  return (
    <dialog ref={ref} className="app-dialog palette-dialog" aria-label="Command palette">
      {open && <PaletteBody onRun={run} />}
    </dialog>
  );
}

function PaletteBody({ onRun }: { onRun(command: Command): void }) {
  const commands = useCommands();
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // After the dialog is shown (a parent layout effect): focus in a closed dialog would go nowhere.
  useEffect(() => input.current?.focus(), []);
  const ranked = useMemo(() => rankCommands(commands, query), [commands, query]);
  const searching = query.trim() !== '';
  const groups = searching ? [] : [...new Set(ranked.map((r) => r.command.group))];

  const item = (c: Command) => (
    <Cmdk.Item key={c.id} value={c.id} onSelect={() => onRun(c)} className="palette-item">
      <span>{c.label}</span>
      <span className="palette-meta" aria-hidden="true">
        {searching && <span className="palette-group">{c.group}</span>}
        {c.shortcut && <kbd>{shortcutLabel(c.shortcut)}</kbd>}
      </span>
    </Cmdk.Item>
  );

  return (
    // cmdk only keeps the selection and the keys here: the order is ours (shouldFilter off).
    <Cmdk label="Command palette" className="palette" shouldFilter={false} loop>
      <Cmdk.Input ref={input} value={query} onValueChange={setQuery} placeholder="Type a command…" aria-label="Command" className="palette-input" />
      <Cmdk.List className="palette-list" aria-label="Commands">
        <Cmdk.Empty className="palette-empty">No command matches.</Cmdk.Empty>
        {searching
          ? ranked.map((r) => item(r.command))
          : groups.map((group) => (
              <Cmdk.Group key={group} heading={group}>
                {ranked.filter((r) => r.command.group === group).map((r) => item(r.command))}
              </Cmdk.Group>
            ))}
      </Cmdk.List>
    </Cmdk>
  );
}
