/**
 * The rows of the journal table for a filter and sort: a count and rows fetched
 * a page at a time as the table scrolls. Filters the journal's indexes can
 * serve in time order (`needsWorker` says which) are paged by the journal
 * itself; the rest ask the worker for the ordered ids and fetch just the
 * visible rows by id.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Attempt } from '../../../../shared/domain/schemas';
import { countAttempts, getAttempts, queryAttempts } from '../../db/journal';
import { needsWorker, type JournalFilter, type JournalSort } from '../../workers/journal/query';
import { onJournalChanged, queryIds } from './journalWorker';
import { exportSelection } from './selection';

export const PAGE = 100;

export interface JournalRows {
  /** null while the first answer is coming. */
  count: number | null;
  row(i: number): Attempt | undefined;
  /** Asks for rows [start, end) to be loaded. */
  want(start: number, end: number): void;
  /** Bumps when rows arrive, so the table re-renders. */
  version: number;
  source: 'index' | 'worker';
  error: string | null;
  /** All ids in order (worker path only), for next/previous in the detail. */
  ids: string[] | null;
  /** True when row i is loaded for the current filter and sort (not left over from the previous answer). */
  fresh(i: number): boolean;
}

export function useJournalRows(filter: JournalFilter, sort: JournalSort): JournalRows {
  const [count, setCount] = useState<number | null>(null);
  const [ids, setIds] = useState<string[] | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const pages = useRef(new Map<number, Attempt[]>());
  /** Pages loaded for the current answer; a page in `pages` but not here is shown until it is re-read. */
  const current = useRef(new Set<number>());
  const loading = useRef(new Set<number>());
  const lastFilterKey = useRef('');
  const key = useRef(0);
  const source: 'index' | 'worker' = needsWorker(filter, sort) ? 'worker' : 'index';
  const filterKey = JSON.stringify([filter, sort]);

  // Re-query when the journal changes (a run writing, a grade, an import), at most twice a second.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onJournalChanged(() => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setGeneration((g) => g + 1);
      }, 500);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    const k = ++key.current;
    let cancelled = false;
    setError(null);
    const run = async () => {
      // The first page is read while the count is taken (it needs no count): the rows on
      // screen first come one read sooner.
      const firstPage = source === 'index' ? queryAttempts(exportSelection(filter), { newestFirst: sort.dir === 'desc', offset: 0, limit: PAGE }) : null;
      firstPage?.catch(() => undefined);
      const list = source === 'worker' ? await queryIds(filter, sort) : null;
      const n = list ? list.length : await countAttempts(exportSelection(filter));
      const first = firstPage ? await firstPage : null;
      if (cancelled || k !== key.current) return;
      // A new filter starts empty; a refresh of the same one keeps showing the old rows until re-read.
      if (lastFilterKey.current !== filterKey) pages.current = new Map();
      lastFilterKey.current = filterKey;
      current.current = new Set();
      loading.current = new Set();
      if (first) {
        pages.current.set(0, first);
        current.current.add(0);
      }
      setIds(list);
      setCount(n);
      setVersion((v) => v + 1);
    };
    run().catch((e: unknown) => !cancelled && setError((e as Error).message));
    return () => {
      cancelled = true;
    };
    // filterKey stands for filter and sort.
  }, [filterKey, source, generation]);

  const want = useCallback(
    (start: number, end: number) => {
      if (count === null) return;
      const k = key.current;
      for (let p = Math.floor(start / PAGE); p * PAGE < Math.min(end, count); p++) {
        if (current.current.has(p) || loading.current.has(p)) continue;
        loading.current.add(p);
        const load =
          source === 'worker' && ids
            ? getAttempts(ids.slice(p * PAGE, (p + 1) * PAGE))
            : queryAttempts(exportSelection(filter), { newestFirst: sort.dir === 'desc', offset: p * PAGE, limit: PAGE });
        load
          .then((rows) => {
            if (k !== key.current) return;
            pages.current.set(p, rows);
            current.current.add(p);
            loading.current.delete(p);
            setVersion((v) => v + 1);
          })
          .catch((e: unknown) => setError((e as Error).message));
      }
    },
    [count, ids, source, filterKey],
  );

  const row = useCallback((i: number) => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE], []);
  const fresh = (i: number) => lastFilterKey.current === filterKey && (count === 0 || current.current.has(Math.floor(i / PAGE)));

  return { count, row, want, version, source, error, ids, fresh };
}
