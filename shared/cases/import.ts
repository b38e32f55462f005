/**
 * Cases from pasted or imported text: CSV (first row = variable names) or JSONL
 * (one object of string values per line). Errors name the row and the column,
 * the way a person would find them in their file: rows and lines counted from 1,
 * the header being row 1 of a CSV.
 */
import Papa from 'papaparse';

export interface CaseRow {
  label: string | null;
  vars: Record<string, string>;
}

export interface CaseImportError {
  row: number;
  column: string | null;
  message: string;
}

export interface CaseImportResult {
  cases: CaseRow[];
  errors: CaseImportError[];
  columns: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** A column with this name gives the case's label instead of a variable. */
export const LABEL_COLUMN = '_label';
const MAX_CASES = 10_000;

function checkName(name: string, row: number, errors: CaseImportError[]): boolean {
  if (name === LABEL_COLUMN) return true;
  if (!NAME.test(name)) {
    errors.push({
      row,
      column: name,
      message: `“${name}” is not a variable name (letters, digits, _ . -, not starting with a digit).`,
    });
    return false;
  }
  return true;
}

export function detectFormat(text: string): 'jsonl' | 'csv' {
  return text.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

export function parseCasesCsv(text: string): CaseImportResult {
  const errors: CaseImportError[] = [];
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  // Field counts are checked below with a clearer message; a pasted single
  // column has no delimiter to detect. What remains are quoting errors.
  for (const e of parsed.errors.filter((x) => x.type === 'Quotes').slice(0, 20)) {
    errors.push({ row: (e.row ?? 0) + 1, column: null, message: e.message });
  }
  const [header, ...rows] = parsed.data;
  if (!header || header.length === 0) return { cases: [], errors: [{ row: 1, column: null, message: 'The first row must name the variables.' }], columns: [] };
  const columns = header.map((h) => h.trim());
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    if (!name) errors.push({ row: 1, column: `#${i + 1}`, message: `Column ${i + 1} has no name.` });
    else if (seen.has(name)) errors.push({ row: 1, column: name, message: `The column “${name}” appears twice.` });
    else checkName(name, 1, errors);
    seen.add(name);
  });
  if (rows.length > MAX_CASES) errors.push({ row: MAX_CASES + 2, column: null, message: `At most ${MAX_CASES} cases at a time.` });
  const cases: CaseRow[] = [];
  rows.slice(0, MAX_CASES).forEach((cells, i) => {
    const row = i + 2;
    if (cells.length !== columns.length) {
      errors.push({ row, column: null, message: `Row ${row} has ${cells.length} cells; the header has ${columns.length}.` });
      return;
    }
    const vars: Record<string, string> = {};
    let label: string | null = null;
    columns.forEach((name, j) => {
      if (name === LABEL_COLUMN) label = cells[j]!.trim() || null;
      else vars[name] = cells[j]!;
    });
    cases.push({ label, vars });
  });
  return { cases, errors, columns: columns.filter((c) => c !== LABEL_COLUMN) };
}

export function parseCasesJsonl(text: string): CaseImportResult {
  const errors: CaseImportError[] = [];
  const cases: CaseRow[] = [];
  const columns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const row = i + 1;
    if (!line.trim() || errors.length >= 50) return;
    if (cases.length >= MAX_CASES) {
      if (cases.length === MAX_CASES) errors.push({ row, column: null, message: `At most ${MAX_CASES} cases at a time.` });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      errors.push({ row, column: null, message: `Line ${row} is not valid JSON: ${(e as Error).message}` });
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ row, column: null, message: `Line ${row} must be an object like {"country": "France"}.` });
      return;
    }
    const vars: Record<string, string> = {};
    let label: string | null = null;
    let ok = true;
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      if (!checkName(name, row, errors)) {
        ok = false;
        continue;
      }
      if (name === LABEL_COLUMN) {
        label = typeof v === 'string' ? v : null;
        continue;
      }
      if (typeof v === 'string') vars[name] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') vars[name] = String(v);
      else {
        errors.push({ row, column: name, message: `“${name}” must be a string, number or boolean, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}.` });
        ok = false;
        continue;
      }
      if (!columns.includes(name)) columns.push(name);
    }
    if (ok) cases.push({ label, vars });
  });
  return { cases, errors, columns };
}

export function parseCases(text: string, format: 'csv' | 'jsonl' = detectFormat(text)): CaseImportResult {
  return format === 'jsonl' ? parseCasesJsonl(text) : parseCasesCsv(text);
}
