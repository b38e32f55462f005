/**
 * The attempts journal: the one module that reads and writes `db.attempts`.
 *
 * Everything else goes through this API, which says what it needs (a page in
 * time order, the attempts of a filter in id order, a merge by id, an atomic
 * read-modify-write) and not how Dexie serves it, so the storage behind it can
 * change — several attempts packed per record, with indexes kept in memory —
 * without touching its callers. Every function takes the database last,
 * defaulting to the page's (`getDb()`); workers and tests pass their own.
 *
 * Filters are the journal format's `JournalFilter` (shared/journal/filter),
 * the same plain data the journal page, exports and stats describe a
 * selection with. tests/lint/layering.test.ts keeps other code off `.attempts`.
 */
export type { JournalFilter } from '../../../../shared/journal/filter';
export type { PageSlice } from '../../../../shared/journal/pages';
export {
  attemptIds,
  attemptsJudging,
  countAttempts,
  distinctValues,
  existingAttemptIds,
  getAttempt,
  getAttempts,
  queryAttempts,
  scanAttempts,
  scanAttemptsOrSlices,
  selectAttempts,
  type DistinctField,
  type QueryOptions,
  type ScanOptions,
  type Selection,
} from './read';
export { addAttempts, finishAttempt, journalTransaction, modifyAttempts, putAttempt, updateAttempt, type AttemptPatch } from './write';
export { onAttemptsChanged } from './feed';
export { beginStaging, commitStaging, discardAbandonedImports, discardStaging, hasPages, stagingLock } from './cold';
