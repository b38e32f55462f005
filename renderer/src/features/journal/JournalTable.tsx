import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useEffect, useRef, useState } from 'react';
import type { Attempt, Case } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import type { SortKey } from '../../workers/journal/query';
import { attemptVerdict, fmtMs, fmtNum, fmtTime, fmtUsd, statusText, statusTone, verdictLabel, verdictTone } from './format';
import { onIndexProgress, warmUp, type IndexProgress } from './journalWorker';
import { useJournalUi } from './store';
import { useJournalRows } from './useJournalRows';

const ROW_H = 34;

interface Col {
  label: string;
  sort?: SortKey;
  width: string;
}
const COLS: Col[] = [
  { label: 'Compare', width: '34px' },
  { label: 'Time', sort: 'time', width: '150px' },
  { label: 'Prompt', width: 'minmax(140px, 1.4fr)' },
  { label: 'Case', width: 'minmax(70px, 0.7fr)' },
  { label: 'Model', sort: 'model', width: 'minmax(110px, 1fr)' },
  { label: 'Served', width: 'minmax(90px, 0.8fr)' },
  { label: 'Status', sort: 'status', width: '110px' },
  { label: 'TTFT', sort: 'ttft', width: '70px' },
  { label: 'Latency', sort: 'latency', width: '74px' },
  { label: 'Tok/s', sort: 'tps', width: '60px' },
  { label: 'Tokens', sort: 'tokens', width: '64px' },
  { label: 'Cost', sort: 'cost', width: '84px' },
  { label: 'Verdict', width: '128px' },
];
const GRID = COLS.map((c) => c.width).join(' ');

/** Names for ids, so rows show prompts and cases as the user named them. */
function useNames() {
  const prompts = useLiveQuery(async () => new Map((await getDb().prompts.toArray()).map((p) => [p.id, p.name])), [], new Map<string, string>());
  const cases = useLiveQuery(async () => new Map((await getDb().cases.toArray()).map((c: Case) => [c.id, c.label ?? Object.values(c.vars)[0] ?? c.id])), [], new Map<string, string>());
  return { prompts, cases };
}

const Row = memo(function Row(props: { a: Attempt | undefined; index: number; top: number; promptName?: string; caseName?: string; selected: boolean; open: boolean }) {
  const { a } = props;
  const openAttempt = useJournalUi((s) => s.open);
  const toggle = useJournalUi((s) => s.toggleSelected);
  if (!a) {
    return (
      <div role="row" aria-rowindex={props.index + 2} className="jt-row jt-loading" style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: GRID }}>
        <div role="cell" className="muted">
          …
        </div>
      </div>
    );
  }
  const v = attemptVerdict(a);
  const status = statusText(a);
  return (
    <div
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.open}
      aria-label={`Attempt ${fmtTime(a.queuedAt)} ${a.model} ${status}`}
      tabIndex={0}
      className={`jt-row${props.open ? ' open' : ''}`}
      style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: GRID }}
      onClick={() => openAttempt(a.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') openAttempt(a.id);
      }}
    >
      <div role="cell" onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" aria-label={`Select for comparison: ${fmtTime(a.queuedAt)} ${a.model}`} checked={props.selected} onChange={() => toggle(a.id)} />
      </div>
      <div role="cell" className="mono">{fmtTime(a.queuedAt)}</div>
      <div role="cell" className="jt-ellipsis" title={`${props.promptName ?? a.promptId} · version ${a.promptVersion.slice(0, 8)}`}>
        {a.judgeOf && <span className="chip">judge</span>} {props.promptName ?? a.promptId} <span className="muted mono">{a.promptVersion.slice(0, 6)}</span>
      </div>
      <div role="cell" className="jt-ellipsis">{props.caseName ?? a.caseId}</div>
      <div role="cell" className="jt-ellipsis">{a.model}</div>
      <div role="cell" className="jt-ellipsis muted">{a.servedModel ?? '—'}</div>
      <div role="cell">
        <span className={`chip ${statusTone(a)}`}>{status}</span>
        {a.retryOf && <span className="muted"> ↻</span>}
      </div>
      <div role="cell" className="num">{fmtMs(a.ttftMs)}</div>
      <div role="cell" className="num">{fmtMs(a.latencyMs)}</div>
      <div role="cell" className="num">{fmtNum(a.tokensPerSec, 1)}</div>
      <div role="cell" className="num">{fmtNum(a.usage?.outputTokens)}</div>
      <div role="cell" className="num">{fmtUsd(a.costUsd)}</div>
      <div role="cell">
        <span className={`chip ${verdictTone(v)}`}>{verdictLabel(v)}</span>
      </div>
    </div>
  );
});

export function JournalTable() {
  const filter = useJournalUi((s) => s.filter);
  const sort = useJournalUi((s) => s.sort);
  const setSort = useJournalUi((s) => s.setSort);
  const openId = useJournalUi((s) => s.openId);
  const selected = useJournalUi((s) => s.selected);
  const rows = useJournalRows(filter, sort);
  const names = useNames();
  const scroller = useRef<HTMLDivElement>(null);
  const [openedAt] = useState(() => performance.now());
  const firstShown = useRef(false);
  const [index, setIndex] = useState<IndexProgress | null>(null);
  useEffect(() => onIndexProgress(setIndex), []);

  const count = rows.count ?? 0;
  const virtual = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 12 });
  const items = virtual.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (rows.count !== null) rows.want(first, last + 1 + 50);
  }, [first, last, rows]);

  // Timings for the benchmark (tests/bench/journal.ts): from the action to rows on screen.
  useEffect(() => {
    if (rows.count === null) return;
    if (!rows.fresh(first)) return;
    if (!firstShown.current) {
      firstShown.current = true;
      performance.measure('journal:firstRows', { start: openedAt, end: performance.now() });
      // Now index in the background, so search and combined filters are ready when wanted.
      setTimeout(warmUp, 200);
    }
    const m = useJournalUi.getState().takeMeasure();
    if (m) performance.measure(m.name, { start: m.start, end: performance.now() });
  }, [rows.version, rows.count, first, rows, openedAt]);

  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filter, sort]);

  const onSort = (key: SortKey) => setSort({ key, dir: sort.key === key && sort.dir === 'desc' ? 'asc' : 'desc' });

  return (
    <section className="journal-table-wrap" aria-label="Attempts">
      <div className="jt-status" role="status" aria-live="polite">
        {rows.count === null ? 'Loading…' : `${rows.count.toLocaleString()} attempt${rows.count === 1 ? '' : 's'}`}
        {rows.error && <span className="warning"> · {rows.error}</span>}
        {index && !index.ready && (filter.text || rows.source === 'worker') && (
          <span className="muted"> · indexing {index.loaded.toLocaleString()} / {index.total.toLocaleString()} for search and combined filters…</span>
        )}
        {index?.error && <span className="warning"> · {index.error}</span>}
      </div>
      <div role="table" aria-label="Journal" aria-rowcount={count + 1} className="journal-table">
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className="jt-head" style={{ gridTemplateColumns: GRID }}>
            {COLS.map((c) => (
              <div
                role="columnheader"
                key={c.label}
                aria-sort={c.sort && sort.key === c.sort ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sort ? (
                  <button type="button" className="jt-sort" onClick={() => onSort(c.sort!)} aria-label={`Sort by ${c.label}`}>
                    {c.label}
                    {sort.key === c.sort ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                ) : c.label === 'Compare' ? (
                  <span className="sr-only">Compare</span>
                ) : (
                  c.label
                )}
              </div>
            ))}
          </div>
        </div>
        <div ref={scroller} className="jt-scroll" role="rowgroup">
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map((it) => {
              const a = rows.row(it.index);
              return (
                <Row
                  key={it.index}
                  a={a}
                  index={it.index}
                  top={it.start}
                  promptName={a ? names.prompts.get(a.promptId) : undefined}
                  caseName={a ? names.cases.get(a.caseId) : undefined}
                  selected={a ? selected.includes(a.id) : false}
                  open={a ? a.id === openId : false}
                />
              );
            })}
          </div>
        </div>
      </div>
      {rows.count === 0 && <p className="muted">No attempt matches these filters.</p>}
    </section>
  );
}

