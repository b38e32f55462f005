/**
 * The journal view's filter (one value per field, plus verdict, search text and
 * the judge-call toggle) as the journal's `JournalFilter`, which selects by the
 * fields the journal format has. Used for the index path of the table (where
 * `needsWorker` has ruled the view-only fields out) and for an export of the
 * selection, which keeps the fields it can select by.
 */
import type { JournalFilter } from '../../db/journal';
import type { JournalFilter as ViewFilter } from '../../workers/journal/query';

export function exportSelection(f: ViewFilter): JournalFilter {
  const one = <T,>(v: T | undefined) => (v === undefined ? undefined : [v]);
  return {
    promptIds: one(f.promptId),
    promptVersions: one(f.promptVersion),
    models: one(f.model),
    providerIds: one(f.providerId),
    runIds: one(f.runId),
    statuses: one(f.status),
    failureClasses: one(f.failureClass),
    tags: one(f.tag),
    from: f.from,
    to: f.to,
  };
}
