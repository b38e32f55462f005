import { Command as Cmdk } from 'cmdk';
import { shortcutLabel, useCommands } from '../app/commands';
import { useUi } from '../store/ui';

/** Ctrl/Cmd+K: every registered command, searchable (cmdk does the filtering). */
export function CommandPalette() {
  const open = useUi((s) => s.paletteOpen);
  const setOpen = useUi((s) => s.setPaletteOpen);
  const commands = useCommands();
  const groups = [...new Set(commands.map((c) => c.group))];
  return (
    <Cmdk.Dialog
      open={open}
      onOpenChange={setOpen}
      label="Command palette"
      className="palette"
      overlayClassName="palette-overlay"
      contentClassName="palette-content"
    >
      <Cmdk.Input placeholder="Type a command…" aria-label="Command" className="palette-input" />
      <Cmdk.List className="palette-list" aria-label="Commands">
        <Cmdk.Empty className="palette-empty">No command matches.</Cmdk.Empty>
        {groups.map((group) => (
          <Cmdk.Group key={group} heading={group}>
            {commands
              .filter((c) => c.group === group && (c.enabled?.() ?? true))
              .map((c) => (
                <Cmdk.Item
                  key={c.id}
                  value={`${c.group} ${c.label}`}
                  keywords={c.keywords}
                  onSelect={() => {
                    setOpen(false);
                    void c.run();
                  }}
                  className="palette-item"
                >
                  <span>{c.label}</span>
                  {c.shortcut && <kbd aria-hidden="true">{shortcutLabel(c.shortcut)}</kbd>}
                </Cmdk.Item>
              ))}
          </Cmdk.Group>
        ))}
      </Cmdk.List>
    </Cmdk.Dialog>
  );
}
