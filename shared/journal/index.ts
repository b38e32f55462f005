/**
 * The journal interchange format (PRODUCT.md, "Journal interchange format"):
 * record types and versions, JSONL reading/writing, CSV, exporters and the
 * importer. Pure TypeScript: runs in the renderer, a Web Worker, Node and the CLI.
 */
export * from './records';
export * from './jsonl';
export * from './csv';
export * from './export';
export * from './import';
export { REDACTED, redactDeep, isSensitiveName } from './writer';
export * from './filter';
