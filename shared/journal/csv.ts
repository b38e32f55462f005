/**
 * Attempts flattened to CSV rows for spreadsheets, pandas and DuckDB: one row
 * per attempt, a fixed header, RFC 4180 quoting (papaparse's `unparse`), CRLF
 * row ends. Nested values (grades, params, tags) travel as JSON text columns.
 * CSV is a one-way view; the lossless format is the JSONL journal.
 *
 * Formula injection: a spreadsheet runs a cell starting with = + - @ (or tab/CR)
 * as a formula. String cells starting with one of these get a leading `'`
 * (OWASP's advice); numeric cells are written as numbers and never touched, so
 * a negative latency stays a number.
 */
import Papa from 'papaparse';
import type { Attempt } from '../domain/schemas';
import { verdictOf } from '../stats/verdict';

export const CSV_COLUMNS = [
  'id',
  'runId',
  'promptId',
  'promptVersion',
  'caseId',
  'repeatIndex',
  'retryOf',
  'providerKind',
  'providerId',
  'model',
  'servedModel',
  'systemFingerprint',
  'status',
  'failureClass',
  'failureMessage',
  'httpStatus',
  'retryAfterMs',
  'finishReason',
  'output',
  'outputTruncatedAt',
  'queuedAt',
  'startedAt',
  'firstTokenAt',
  'endedAt',
  'ttftMs',
  'latencyMs',
  'tokensPerSec',
  'inputTokens',
  'outputTokens',
  'reasoningTokens',
  'cachedInputTokens',
  'priceInputPerM',
  'priceOutputPerM',
  'costUsd',
  'verdict',
  'gradesJson',
  'paramsJson',
  'judgeOf',
  'responseStatus',
  'tagsJson',
  'notes',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvCell = string | number | null;

/**
 * papaparse's own default, /^[=+\-@\t\r].*$/, misses a formula followed by a
 * newline (`.` stops at it and `$` is not multiline), so anchor at the start only.
 * The full-width forms are included because Excel accepts them as operators too.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

const UNPARSE_CONFIG = { newline: '\r\n', escapeFormulae: FORMULA_START, header: false } as const;

/**
 * The verdict of PRODUCT.md ("Metric definitions"), from the same function the
 * statistics use (shared/stats verdictOf: the latest human grade decides, else
 * the latest grade of every check, else a judge), so a pass rate computed from
 * the CSV matches the app's. Cancelled, interrupted and pending attempts have
 * no verdict ('').
 */
export function attemptVerdict(a: Pick<Attempt, 'status' | 'grades'>): 'pass' | 'fail' | '' {
  const v = verdictOf(a).verdict;
  return v === 'pass' || v === 'fail' ? v : '';
}

/** One attempt as cells in `CSV_COLUMNS` order: numbers stay numbers, missing values are null. */
export function attemptToCsvCells(a: Attempt): CsvCell[] {
  const f = a.failure;
  const u = a.usage;
  const p = a.price;
  return [
    a.id,
    a.runId,
    a.promptId,
    a.promptVersion,
    a.caseId,
    a.repeatIndex,
    a.retryOf,
    a.providerKind,
    a.providerId,
    a.model,
    a.servedModel,
    a.systemFingerprint,
    a.status,
    f ? f.class : null,
    f ? f.message : null,
    f ? f.httpStatus : null,
    f ? f.retryAfterMs : null,
    a.finishReason,
    a.output,
    a.outputTruncatedAt,
    a.queuedAt,
    a.startedAt,
    a.firstTokenAt,
    a.endedAt,
    a.ttftMs,
    a.latencyMs,
    a.tokensPerSec,
    u ? u.inputTokens : null,
    u ? u.outputTokens : null,
    u ? u.reasoningTokens : null,
    u ? u.cachedInputTokens : null,
    p ? p.inputPerM : null,
    p ? p.outputPerM : null,
    a.costUsd,
    attemptVerdict(a),
    JSON.stringify(a.grades ?? []),
    JSON.stringify(a.params ?? {}),
    a.judgeOf ?? null,
    a.responseMeta ? a.responseMeta.status : null,
    a.tags ? JSON.stringify(a.tags) : null,
    a.notes ?? null,
  ];
}

/** The header row, without a line end. */
export function csvHeader(): string {
  return Papa.unparse([CSV_COLUMNS as unknown as string[]], UNPARSE_CONFIG);
}

/** One attempt as one CSV row, without a line end (a quoted cell may itself contain newlines). */
export function attemptToCsvRow(a: Attempt): string {
  return Papa.unparse([attemptToCsvCells(a)], UNPARSE_CONFIG);
}

/** Several rows at once (one `unparse` call amortises its setup), each ending in CRLF. */
export function attemptsToCsvRows(attempts: readonly Attempt[]): string {
  if (attempts.length === 0) return '';
  return Papa.unparse(attempts.map(attemptToCsvCells), UNPARSE_CONFIG) + '\r\n';
}
