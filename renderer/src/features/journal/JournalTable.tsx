import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
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

/**
 * Where a key moves the table's cursor row: ↑/↓ and K/J by one, Page Up/Down
 * by a screenful, Home/End to the ends; null for any other key. From no cursor
 * yet, a move starts at the top.
 */
export function moveCursor(key: string, cursor: number | null, count: number, pageRows: number): number | null {
  if (count <= 0) return null;
  const at = cursor ?? -1;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
    case 'j':
    case 'J':
      return clamp(at + 1);
    case 'ArrowUp':
    case 'k':
    case 'K':
      return clamp(cursor === null ? 0 : at - 1);
    case 'PageDown':
      return clamp(at + Math.max(1, pageRows));
    case 'PageUp':
      return clamp(cursor === null ? 0 : at - Math.max(1, pageRows));
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** Names for ids, so rows show prompts and cases as the user named them. */
function useNames() {
  const prompts = useLiveQuery(async () => new Map((await getDb().prompts.toArray()).map((p) => [p.id, p.name])), [], new Map<string, string>());
  const cases = useLiveQuery(async () => new Map((await getDb().cases.toArray()).map((c: Case) => [c.id, c.label ?? Object.values(c.vars)[0] ?? c.id])), [], new Map<string, string>());
  return { prompts, cases };
}

const Row = memo(function Row(props: {
  a: Attempt | undefined;
  index: number;
  top: number;
  id: string;
  promptName?: string;
  caseName?: string;
  selected: boolean;
  open: boolean;
  /** The keyboard cursor, drawn while the table has focus. */
  cursor: boolean;
  showCursor: boolean;
  onPick(index: number): void;
  focusTable(): void;
}) {
  const { a } = props;
  const openAttempt = useJournalUi((s) => s.open);
  const toggle = useJournalUi((s) => s.toggleSelected);
  const cursorStyle = props.cursor && props.showCursor ? { outline: '2px solid var(--focus)', outlineOffset: '-2px' } : undefined;
  if (!a) {
    return (
      <div id={props.id} role="row" aria-rowindex={props.index + 2} aria-selected={props.cursor} className="jt-row jt-loading" style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: GRID, ...cursorStyle }}>
        <div role="gridcell" className="muted">
          …
        </div>
      </div>
    );
  }
  const v = attemptVerdict(a);
  const status = statusText(a);
  // No Tab stop in a row: the table is one (JournalTable), the cursor moves with the keys.
  return (
    <div
      id={props.id}
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.cursor}
      aria-current={props.open ? 'true' : undefined}
      aria-label={`Attempt ${fmtTime(a.queuedAt)} ${a.model} ${status}`}
      className={`jt-row${props.open ? ' open' : ''}`}
      style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: GRID, ...cursorStyle }}
      onClick={() => {
        props.onPick(props.index);
        openAttempt(a.id);
      }}
    >
      <div role="gridcell" onClick={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          tabIndex={-1}
          aria-label={`Select for comparison: ${fmtTime(a.queuedAt)} ${a.model}`}
          checked={props.selected}
          onChange={() => {
            props.onPick(props.index);
            toggle(a.id);
          }}
          // Keep focus on the table (Space toggles the cursor row's box), not on the box.
          onMouseDown={(e) => {
            e.preventDefault();
            props.focusTable();
          }}
        />
      </div>
      <div role="gridcell" className="mono">{fmtTime(a.queuedAt)}</div>
      <div role="gridcell" className="jt-ellipsis" title={`${props.promptName ?? a.promptId} · version ${a.promptVersion.slice(0, 8)}`}>
        {a.judgeOf && <span className="chip">judge</span>} {props.promptName ?? a.promptId} <span className="muted mono">{a.promptVersion.slice(0, 6)}</span>
      </div>
      <div role="gridcell" className="jt-ellipsis">{props.caseName ?? a.caseId}</div>
      <div role="gridcell" className="jt-ellipsis">{a.model}</div>
      <div role="gridcell" className="jt-ellipsis muted">{a.servedModel ?? '—'}</div>
      <div role="gridcell">
        <span className={`chip ${statusTone(a)}`}>{status}</span>
        {a.retryOf && <span className="muted"> ↻</span>}
      </div>
      <div role="gridcell" className="num">{fmtMs(a.ttftMs)}</div>
      <div role="gridcell" className="num">{fmtMs(a.latencyMs)}</div>
      <div role="gridcell" className="num">{fmtNum(a.tokensPerSec, 1)}</div>
      <div role="gridcell" className="num">{fmtNum(a.usage?.outputTokens)}</div>
      <div role="gridcell" className="num">{fmtUsd(a.costUsd)}</div>
      <div role="gridcell">
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
  const table = useRef<HTMLDivElement>(null);
  const rowIdBase = useId();
  const [cursor, setCursor] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);

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
    setCursor(null);
  }, [filter, sort]);

  const rowId = (i: number) => `${rowIdBase}-row-${i}`;
  const pick = useCallback((i: number) => setCursor(i), []);
  const focusTable = useCallback(() => table.current?.focus({ preventScroll: true }), []);

  // The table is one Tab stop; the keys move a cursor row (aria-activedescendant), which stays
  // meaningful while rows scroll in and out of the virtual window.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const at = cursor !== null && cursor < count ? cursor : null;
    const a = at === null ? undefined : rows.row(at);
    if (e.key === 'Enter' || e.key === ' ') {
      if (!a) return;
      if (e.key === 'Enter') useJournalUi.getState().open(a.id);
      else useJournalUi.getState().toggleSelected(a.id);
    } else {
      const pageRows = Math.floor((scroller.current?.clientHeight ?? ROW_H) / ROW_H) - 1;
      const next = moveCursor(e.key, at, count, pageRows);
      if (next === null) return;
      setCursor(next);
      virtual.scrollToIndex(next, { align: 'auto' });
    }
    // Handled here: J/K must not reach the page's shortcuts as well.
    e.preventDefault();
    e.stopPropagation();
  };

  const onFocus = () => {
    setFocused(true);
    if (cursor !== null || count === 0) return;
    // Start from the open attempt if it is in view, else from the first row in view.
    const top = Math.min(count - 1, Math.floor((scroller.current?.scrollTop ?? 0) / ROW_H));
    const open = items.find((it) => rows.row(it.index)?.id === openId);
    setCursor(open ? open.index : top);
  };
  const cursorShown = cursor !== null && items.some((it) => it.index === cursor);

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
      <div
        ref={table}
        role="grid"
        aria-label="Journal"
        aria-rowcount={count + 1}
        aria-activedescendant={focused && cursorShown ? rowId(cursor) : undefined}
        aria-keyshortcuts="ArrowUp ArrowDown J K Home End PageUp PageDown Enter Space"
        tabIndex={0}
        className="journal-table"
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          if (e.target === e.currentTarget) onFocus();
        }}
        onBlur={(e) => {
          if (e.target === e.currentTarget) setFocused(false);
        }}
      >
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
        {/* Not a Tab stop of its own (Chromium makes a scroller without focusable rows one): the table is.
            A click in it focuses it, so hand focus to the table. */}
        <div ref={scroller} className="jt-scroll" role="rowgroup" tabIndex={-1} onFocus={(e) => e.target === e.currentTarget && focusTable()}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map((it) => {
              const a = rows.row(it.index);
              return (
                <Row
                  key={it.index}
                  a={a}
                  index={it.index}
                  id={rowId(it.index)}
                  top={it.start}
                  promptName={a ? names.prompts.get(a.promptId) : undefined}
                  caseName={a ? names.cases.get(a.caseId) : undefined}
                  selected={a ? selected.includes(a.id) : false}
                  open={a ? a.id === openId : false}
                  cursor={it.index === cursor}
                  showCursor={focused}
                  onPick={pick}
                  focusTable={focusTable}
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

