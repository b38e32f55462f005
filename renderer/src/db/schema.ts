/**
 * The journal database's schema history. Each version is a dated constant with
 * its stores and, where rows must change, a named `upgradeToVn` function; the
 * test beside this file seeds each old version and checks the rows after
 * upgrading (the pattern LobeChat's client database used).
 *
 * Indexes exist only for queries the app runs.
 */
import type { Transaction } from 'dexie';
import { encodeLines } from '../../../shared/journal/pages';

export interface SchemaVersion {
  version: number;
  /** When this version was introduced. */
  date: string;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void> | void;
}

/** 2026-11-21 — the first schema: what the workspace, engine and journal need. */
export const V1: SchemaVersion = {
  version: 1,
  date: '2026-11-21',
  stores: {
    providers: 'id, &name',
    prompts: 'id, updatedAt',
    // A version's id is the content hash of its prompt id and content.
    promptVersions: 'id, promptId, createdAt',
    cases: 'id, promptId',
    runs: 'id, createdAt',
    // Journal pages are read by time; filters by run, prompt, model and status;
    // start-up looks for pending attempts of owners that are gone.
    attempts: 'id, queuedAt, runId, promptId, model, status, [status+queuedAt]',
    meta: 'key',
  },
};

/**
 * 2026-11-21 — journal and stats filters: by version, provider, case, failure
 * class, tag and time within a prompt or model. New indexes only; Dexie builds
 * them from the existing rows, so there is nothing to rewrite.
 */
export const V2: SchemaVersion = {
  version: 2,
  date: '2026-11-21',
  stores: {
    attempts:
      'id, queuedAt, runId, promptId, model, status, [status+queuedAt], promptVersion, providerId, caseId, failure.class, *tags, [promptId+queuedAt], [model+queuedAt], [runId+queuedAt]',
  },
};

/**
 * 2026-11-22 — judge calls by the attempt they grade, so a filtered view (by
 * tag or date) can still count their cost (PRODUCT.md: cost per pass includes
 * judge calls). A new index only.
 */
export const V3: SchemaVersion = {
  version: 3,
  date: '2026-11-22',
  stores: {
    attempts:
      'id, queuedAt, runId, promptId, model, status, [status+queuedAt], promptVersion, providerId, caseId, failure.class, *tags, [promptId+queuedAt], [model+queuedAt], [runId+queuedAt], judgeOf',
  },
};

/**
 * 2026-11-22 — the journal in pages (issue 7): imported attempts are kept 500
 * to a record as their canonical JSONL lines (`attemptPages`), with their
 * filterable fields in columns beside them (`attemptColumns`), because
 * IndexedDB costs per record and per index entry (shared/journal/pages.ts has
 * the figures). New stores only; the attempts already in `attempts` stay there.
 */
export const V4: SchemaVersion = {
  version: 4,
  date: '2026-11-22',
  stores: {
    attemptPages: 'id',
    attemptColumns: 'id',
  },
};

/**
 * A V4 page's lines, joined by "\n", become V5's bytes: each line's UTF-8
 * followed by "\n", with where each line ends. One page at a time, so the
 * upgrade holds one page's text in memory however many there are.
 */
export async function upgradeToV5(tx: Transaction): Promise<void> {
  const pages = tx.table('attemptPages');
  const ids = (await pages.toCollection().primaryKeys()) as string[];
  for (const id of ids) {
    const row = (await pages.get(id)) as { id: string; text?: string; bytes?: Uint8Array } | undefined;
    if (!row || typeof row.text !== 'string') continue;
    await pages.put({ id, ...encodeLines(row.text.split('\n')) });
  }
}

/**
 * 2026-11-22 — journal pages as bytes (issue 7): a page keeps its lines as
 * UTF-8 with their ends, so an export hands runs of lines on as they are
 * stored (no decoding, splitting, joining or encoding: the export's cost per
 * byte was mostly that), and a query decodes only the pages it reads. Page
 * columns are indexed by the import that staged them.
 */
export const V5: SchemaVersion = {
  version: 5,
  date: '2026-11-22',
  // The pages an import staged, found without reading every page's columns.
  stores: { attemptColumns: 'id, staged' },
  upgrade: upgradeToV5,
};

export const SCHEMA_VERSIONS: SchemaVersion[] = [V1, V2, V3, V4, V5];
