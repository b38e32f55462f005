import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { Fragment, memo, useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import type { Attempt, Case } from '../../../../shared/domain/schemas';
import { getDb } from '../../db/db';
import type { SortKey } from '../../workers/journal/query';
import { attemptVerdict, fmtMs, fmtNum, fmtTime, fmtUsd, statusText, statusTone, verdictLabel, verdictTone } from './format';
import { onIndexProgress, warmUp, type IndexProgress } from './journalWorker';
import { useJournalUi } from './store';
import { useJournalRows } from './useJournalRows';

const ROW_H = 34;

export type ColKey = 'compare' | 'time' | 'prompt' | 'case' | 'model' | 'served' | 'status' | 'ttft' | 'latency' | 'tps' | 'tokens' | 'cost' | 'verdict';
interface Col {
  key: ColKey;
  label: string;
  sort?: SortKey;
  /** Narrowest width in px; a column with `grow` takes a share of the room left over. */
  min: number;
  grow?: number;
  /** Columns that give way when the table is narrow, lowest first (smallest `drop` goes first); their values stay in the attempt detail. */
  drop?: number;
}
/**
 * Widths fit for 12.5px text: the time as fmtTime prints it, the longest
 * failure class chip ("content_filter ↻"), a verdict chip ("pass 0.75 ·
 * human"), a sorted header with its arrow ("Latency ▼"). All of them need
 * about 1110px; a 1280px window leaves the rows about 1000, so the served model
 * and tokens/s give way (then TTFT and tokens, beside the attempt detail),
 * which the detail shows in full. Longer text ends in an ellipsis, whole in
 * the cell's title.
 */
export const COLS: readonly Col[] = [
  { key: 'compare', label: 'Compare', min: 28 },
  { key: 'time', label: 'Time', sort: 'time', min: 142 },
  { key: 'prompt', label: 'Prompt', min: 110, grow: 1.4 },
  { key: 'case', label: 'Case', min: 58, grow: 0.7 },
  { key: 'model', label: 'Model', sort: 'model', min: 96, grow: 1 },
  { key: 'served', label: 'Served', min: 90, grow: 0.8, drop: 1 },
  { key: 'status', label: 'Status', sort: 'status', min: 124 },
  { key: 'ttft', label: 'TTFT', sort: 'ttft', min: 60, drop: 3 },
  { key: 'latency', label: 'Latency', sort: 'latency', min: 74 },
  { key: 'tps', label: 'Tok/s', sort: 'tps', min: 58, drop: 2 },
  { key: 'tokens', label: 'Tokens', sort: 'tokens', min: 66, drop: 4 },
  { key: 'cost', label: 'Cost', sort: 'cost', min: 78 },
  { key: 'verdict', label: 'Verdict', min: 140 },
];

export interface ColumnFit {
  cols: Col[];
  hidden: Col[];
  /** The grid template shared by the header and every row. */
  grid: string;
  /** The sum of the shown columns' narrowest widths: below it the table scrolls sideways. */
  minWidth: number;
}

/**
 * The columns that fit `room` px (the rows' width, null before it is
 * measured: all of them): low-value columns give way in their `drop` order
 * until the rest fit, but never the column the table is sorted by. What still
 * doesn't fit scrolls sideways.
 */
export function fitColumns(room: number | null, sortKey: SortKey | null): ColumnFit {
  const sum = (cs: readonly Col[]) => cs.reduce((n, c) => n + c.min, 0);
  const droppable = COLS.filter((c) => c.drop !== undefined && c.sort !== sortKey).sort((a, b) => a.drop! - b.drop!);
  const gone = new Set<ColKey>();
  for (const c of droppable) {
    if (room === null || sum(COLS.filter((x) => !gone.has(x.key))) <= room) break;
    gone.add(c.key);
  }
  // The same columns give the same object, so memoized rows re-render only when their columns change.
  const key = [...gone].join(',');
  let fit = fits.get(key);
  if (!fit) {
    const cols = COLS.filter((c) => !gone.has(c.key));
    fit = {
      cols,
      hidden: COLS.filter((c) => gone.has(c.key)),
      grid: cols.map((c) => (c.grow ? `minmax(${c.min}px, ${c.grow}fr)` : `${c.min}px`)).join(' '),
      minWidth: sum(cols),
    };
    fits.set(key, fit);
  }
  return fit;
}
const fits = new Map<string, ColumnFit>();

/**
 * The room the rows have: the table's inner width less the body's vertical
 * scrollbar (none with overlay scrollbars or few rows), kept current as either
 * changes; null until measured (or without ResizeObserver).
 */
function useRowRoom(table: RefObject<HTMLElement | null>, body: RefObject<HTMLElement | null>): { room: number | null; scrollbar: number } {
  const [size, setSize] = useState<{ room: number | null; scrollbar: number }>({ room: null, scrollbar: 0 });
  useLayoutEffect(() => {
    const t = table.current;
    const b = body.current;
    if (!t || !b || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const scrollbar = b.offsetWidth - b.clientWidth;
      const room = t.clientWidth - scrollbar;
      setSize((s) => (s.room === room && s.scrollbar === scrollbar ? s : { room, scrollbar }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(t);
    ro.observe(b);
    return () => ro.disconnect();
  }, [table, body]);
  return size;
}

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

/** A column's value as plain text, for the columns that can give way (the row's tooltip lists what they hide). */
function hiddenText(key: ColKey, a: Attempt): string {
  switch (key) {
    case 'served':
      return a.servedModel ?? '—';
    case 'ttft':
      return fmtMs(a.ttftMs);
    case 'tps':
      return fmtNum(a.tokensPerSec, 1);
    case 'tokens':
      return fmtNum(a.usage?.outputTokens);
    default:
      return '';
  }
}

const Row = memo(function Row(props: {
  a: Attempt | undefined;
  index: number;
  top: number;
  id: string;
  fit: ColumnFit;
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
  const { a, fit } = props;
  const openAttempt = useJournalUi((s) => s.open);
  const toggle = useJournalUi((s) => s.toggleSelected);
  const cursorStyle = props.cursor && props.showCursor ? { outline: '2px solid var(--focus)', outlineOffset: '-2px' } : undefined;
  if (!a) {
    return (
      <div id={props.id} role="row" aria-rowindex={props.index + 2} aria-selected={props.cursor} className="jt-row jt-loading" style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: fit.grid, ...cursorStyle }}>
        <div role="gridcell" className="muted">
          …
        </div>
      </div>
    );
  }
  const v = attemptVerdict(a);
  const status = statusText(a);
  const verdict = verdictLabel(v);
  const cell = (key: ColKey): ReactNode => {
    switch (key) {
      case 'compare':
        return (
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
        );
      case 'time':
        return <div role="gridcell" className="mono">{fmtTime(a.queuedAt)}</div>;
      case 'prompt':
        return (
          <div role="gridcell" className="jt-ellipsis" title={`${props.promptName ?? a.promptId} · version ${a.promptVersion.slice(0, 8)}`}>
            {a.judgeOf && <span className="chip">judge</span>} {props.promptName ?? a.promptId} <span className="muted mono">{a.promptVersion.slice(0, 6)}</span>
          </div>
        );
      case 'case':
        return <div role="gridcell" className="jt-ellipsis" title={props.caseName ?? a.caseId}>{props.caseName ?? a.caseId}</div>;
      case 'model':
        return <div role="gridcell" className="jt-ellipsis" title={a.model}>{a.model}</div>;
      case 'served':
        return <div role="gridcell" className="jt-ellipsis muted" title={a.servedModel ?? undefined}>{a.servedModel ?? '—'}</div>;
      case 'status':
        return (
          <div role="gridcell" className="jt-chips" title={a.retryOf ? `${status}, a retry` : status}>
            <span className={`chip ${statusTone(a)}`}>{status}</span>
            {a.retryOf && <span className="muted"> ↻</span>}
          </div>
        );
      case 'ttft':
        return <div role="gridcell" className="num">{fmtMs(a.ttftMs)}</div>;
      case 'latency':
        return <div role="gridcell" className="num">{fmtMs(a.latencyMs)}</div>;
      case 'tps':
        return <div role="gridcell" className="num">{fmtNum(a.tokensPerSec, 1)}</div>;
      case 'tokens':
        return <div role="gridcell" className="num">{fmtNum(a.usage?.outputTokens)}</div>;
      case 'cost':
        return <div role="gridcell" className="num">{fmtUsd(a.costUsd)}</div>;
      case 'verdict':
        return (
          <div role="gridcell" title={verdict}>
            <span className={`chip ${verdictTone(v)}`}>{verdict}</span>
          </div>
        );
    }
  };
  // No Tab stop in a row: the table is one (JournalTable), the cursor moves with the keys.
  return (
    <div
      id={props.id}
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.cursor}
      aria-current={props.open ? 'true' : undefined}
      aria-label={`Attempt ${fmtTime(a.queuedAt)} ${a.model} ${status}`}
      // The values of columns that gave way to a narrow window, on hover (and in full in the detail).
      title={fit.hidden.length > 0 ? fit.hidden.map((c) => `${c.label}: ${hiddenText(c.key, a)}`).join(' · ') : undefined}
      className={`jt-row${props.open ? ' open' : ''}`}
      style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: fit.grid, ...cursorStyle }}
      onClick={() => {
        props.onPick(props.index);
        openAttempt(a.id);
      }}
    >
      {fit.cols.map((c) => (
        <Fragment key={c.key}>{cell(c.key)}</Fragment>
      ))}
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
  const { room, scrollbar } = useRowRoom(table, scroller);
  const fit = fitColumns(room, sort.key);

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
        {fit.hidden.length > 0 && (
          <span className="muted">
            {' '}
            · {fit.hidden.map((c) => c.label).join(', ')} hidden at this width: open an attempt to see {fit.hidden.length === 1 ? 'it' : 'them'}
          </span>
        )}
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
          <div role="row" aria-rowindex={1} className="jt-head" style={{ gridTemplateColumns: fit.grid, minWidth: fit.minWidth + scrollbar, paddingRight: scrollbar }}>
            {fit.cols.map((c) => (
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
        <div ref={scroller} className="jt-scroll" role="rowgroup" tabIndex={-1} style={{ minWidth: fit.minWidth + scrollbar }} onFocus={(e) => e.target === e.currentTarget && focusTable()}>
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
                  fit={fit}
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

