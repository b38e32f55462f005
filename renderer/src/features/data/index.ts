/** What other pages mount: see the report of issue 7 for where. */
export { DataSection } from './DataSection';
export { ExportButton } from './ExportButton';
export { ReportButton } from './ReportButton';
export { AutoBackup, startAutoBackup } from './backup';
export { BackupsNotice } from './BackupsNotice';
export { dataCommands, showDataControl } from './commands';
