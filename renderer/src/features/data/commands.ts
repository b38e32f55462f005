/**
 * The data commands, registered globally (App) so the palette finds "export"
 * from any page: each opens Settings → Your data and puts focus on the control
 * that does it, so Enter (or Space on the file field) starts it. Nothing starts
 * by itself: an export or a report asks where to save, and a file to import
 * has to be chosen.
 */
import { useEffect, type RefObject } from 'react';
import { create } from 'zustand';
import type { Command } from '../../app/commands';
import { useUi } from '../../store/ui';

export type DataControl = 'export' | 'import' | 'report' | 'backup';

/** Which control DataSection should focus once it is on screen; cleared when done. */
export const useDataFocus = create<{ want: DataControl | null; ask(want: DataControl): void; done(): void }>()((set) => ({
  want: null,
  ask: (want) => set({ want }),
  done: () => set({ want: null }),
}));

export function showDataControl(control: DataControl): void {
  useDataFocus.getState().ask(control);
  useUi.getState().setPage('settings');
}

export function dataCommands(): Command[] {
  return [
    {
      id: 'data.export',
      label: 'Export the journal',
      group: 'Data',
      keywords: ['jsonl', 'csv', 'json', 'download', 'save'],
      run: () => showDataControl('export'),
    },
    {
      id: 'data.import',
      label: 'Import a journal file',
      group: 'Data',
      keywords: ['jsonl', 'load', 'merge', 'open file'],
      run: () => showDataControl('import'),
    },
    {
      id: 'data.backup',
      label: 'Back up the journal now',
      group: 'Data',
      keywords: ['backup', 'backups', 'restore', 'snapshot'],
      run: () => showDataControl('backup'),
    },
    {
      id: 'data.report',
      label: 'Write a report of the journal',
      group: 'Data',
      keywords: ['html', 'markdown', 'share', 'summary'],
      run: () => showDataControl('report'),
    },
  ];
}

/** The control in each section that a command focuses: its first action, or the file field. */
const CONTROL: Record<DataControl, string> = {
  export: 'button',
  import: 'input[type="file"]',
  report: 'button',
  backup: 'button',
};

/** How long a control may stay missing or disabled (the buttons wait for the app info) before giving up. */
const WAIT_MS = 5000;

/**
 * Focuses the control a data command asked for once DataSection shows it:
 * scrolled into view, and as soon as it is enabled (the export and report
 * buttons wait for the app's name and version).
 */
export function useDataFocusTargets(sections: Record<DataControl, RefObject<HTMLElement | null>>): void {
  const want = useDataFocus((s) => s.want);
  useEffect(() => {
    const section = want ? sections[want].current : null;
    if (!want || !section) return;
    const tryFocus = () => {
      const el = section.querySelector<HTMLElement>(CONTROL[want]);
      if (!el || (el as HTMLButtonElement).disabled) return false;
      el.scrollIntoView({ block: 'center' });
      el.focus();
      return true;
    };
    if (tryFocus()) {
      useDataFocus.getState().done();
      return;
    }
    const observer = new MutationObserver(() => {
      if (tryFocus()) stop(true);
    });
    const timer = setTimeout(() => stop(true), WAIT_MS);
    function stop(done: boolean) {
      observer.disconnect();
      clearTimeout(timer);
      if (done) useDataFocus.getState().done();
    }
    observer.observe(section, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
    return () => stop(false);
  }, [want, sections]);
}
