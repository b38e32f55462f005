/**
 * "Your data" in Settings: export the whole journal, import a file, write a
 * report, and the rolling backups. Selections are exported from the pages that
 * own them (ExportButton / ReportButton with a filter).
 */
import { useEffect } from 'react';
import { registerCommands } from '../../app/commands';
import { BackupsPanel } from './BackupsPanel';
import { dataClient } from './client';
import { ExportButton } from './ExportButton';
import { ImportPanel } from './ImportPanel';
import { ReportButton } from './ReportButton';
import './data.css';

export function DataSection() {
  useEffect(
    () =>
      registerCommands('data', () => [
        {
          id: 'data.export',
          label: 'Export the journal',
          group: 'Data',
          keywords: ['jsonl', 'csv', 'backup', 'download'],
          run: () => document.getElementById('data-export-h')?.scrollIntoView(),
        },
        {
          id: 'data.import',
          label: 'Import a journal file',
          group: 'Data',
          keywords: ['jsonl', 'restore', 'merge'],
          run: () => document.getElementById('data-import-h')?.scrollIntoView(),
        },
      ]),
    [],
  );
  return (
    <>
      <section className="card data-section" aria-labelledby="data-export-h">
        <h2 id="data-export-h">Export</h2>
        <ExportButton />
      </section>
      <section className="card data-section" aria-labelledby="data-import-h">
        <h2 id="data-import-h">Import</h2>
        <p className="muted">A journal exported from Tenth (JSONL or JSON backup), or the output of <code>tenth run</code>. Records merge by id: importing a file twice adds nothing.</p>
        <ImportPanel start={(file, mode, onProgress) => dataClient().importFrom({ kind: 'file', file }, mode, onProgress)} />
      </section>
      <section className="card data-section" aria-labelledby="data-report-h">
        <h2 id="data-report-h">Report</h2>
        <ReportButton filter={null} />
      </section>
      <section className="card data-section" aria-labelledby="data-backups-h">
        <h2 id="data-backups-h">Backups</h2>
        <BackupsPanel />
      </section>
    </>
  );
}
