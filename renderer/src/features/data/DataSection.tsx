/**
 * "Your data" in Settings: export the whole journal, import a file, write a
 * report, and the rolling backups. Selections are exported from the pages that
 * own them (ExportButton / ReportButton with a filter).
 */
import { useMemo, useRef } from 'react';
import { BackupsPanel } from './BackupsPanel';
import { dataClient } from './client';
import { useDataFocusTargets } from './commands';
import { ExportButton } from './ExportButton';
import { ImportPanel } from './ImportPanel';
import { ReportButton } from './ReportButton';
import './data.css';

export function DataSection() {
  const exportRef = useRef<HTMLElement>(null);
  const importRef = useRef<HTMLElement>(null);
  const reportRef = useRef<HTMLElement>(null);
  const backupRef = useRef<HTMLElement>(null);
  // The data commands are global (dataCommands, registered by App); they open this section at a control.
  useDataFocusTargets(useMemo(() => ({ export: exportRef, import: importRef, report: reportRef, backup: backupRef }), []));
  return (
    <>
      <section ref={exportRef} className="card data-section" aria-labelledby="data-export-h">
        <h2 id="data-export-h">Export</h2>
        <ExportButton />
      </section>
      <section ref={importRef} className="card data-section" aria-labelledby="data-import-h">
        <h2 id="data-import-h">Import</h2>
        <p className="muted">A journal exported from Tenth (JSONL or JSON backup), or the output of <code>tenth run</code>. Records merge by id: importing a file twice adds nothing.</p>
        <ImportPanel start={(file, mode, onProgress) => dataClient().importFrom({ kind: 'file', file }, mode, onProgress)} />
      </section>
      <section ref={reportRef} className="card data-section" aria-labelledby="data-report-h">
        <h2 id="data-report-h">Report</h2>
        <ReportButton filter={null} />
      </section>
      <section ref={backupRef} className="card data-section" aria-labelledby="data-backups-h">
        <h2 id="data-backups-h">Backups</h2>
        <BackupsPanel />
      </section>
    </>
  );
}
