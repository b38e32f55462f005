import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../shared/engine/engine';
import { attempt } from '../../shared/stats/testing';
import { formatDuration, formatUsd, ProgressBar, progressLine, renderTable, summaryRows } from './report';

const progress = (over: Partial<RunProgress> = {}): RunProgress => ({
  done: 5, total: 10, ok: 3, failed: 2, cancelled: 0, inFlight: 2,
  failuresByClass: { timeout: 1, rate_limited: 1 }, costUsd: 0.0123, elapsedMs: 5_000, etaMs: 5_000, ...over,
});

describe('report', () => {
  it('formats durations and money', () => {
    expect([formatDuration(null), formatDuration(61_000), formatDuration(3_725_000)]).toEqual(['--:--', '1:01', '1:02:05']);
    expect([formatUsd(null), formatUsd(0), formatUsd(0.00042), formatUsd(1.5)]).toEqual(['-', '$0', '$0.00042', '$1.50']);
  });

  it('shows counts, failures by class in product order, cost and ETA', () => {
    expect(progressLine(progress(), 10)).toBe(
      '[#####-----] 5/10  ok 3  failed 2 (timeout 1, rate_limited 1)  in flight 2  $0.01  elapsed 0:05  ETA 0:05',
    );
  });

  it('prints plain lines off a terminal, only every 10% (or 10 s)', () => {
    const lines: string[] = [];
    let t = 0;
    const bar = new ProgressBar({ write: (s: string) => lines.push(s), isTTY: false }, () => t);
    bar.update(progress({ done: 1, total: 100 }));
    bar.update(progress({ done: 5, total: 100 }));
    bar.update(progress({ done: 11, total: 100 }));
    t = 20_000;
    bar.update(progress({ done: 12, total: 100 }));
    bar.finish(progress({ done: 100, total: 100 }));
    expect(lines.map((l) => l.match(/\d+\/100/)![0])).toEqual(['1/100', '11/100', '12/100', '100/100']);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });

  it('redraws one line on a terminal', () => {
    let s = '';
    const bar = new ProgressBar({ write: (x: string) => (s += x), isTTY: true, columns: 200 }, () => 1_000);
    bar.update(progress());
    bar.finish(progress({ done: 10 }));
    expect(s.startsWith('\r\x1b[2K[')).toBe(true);
    expect(s.endsWith('\n')).toBe(true);
  });

  it('summarises per prompt × model with floors and cost', () => {
    const a = (id: string, model: string, over = {}) => attempt({ id, promptId: 'p', providerId: 'A', model, ...over });
    const rows = summaryRows([
      ...Array.from({ length: 10 }, (_, i) => a(`x${i}`, 'm1', { ttftMs: 10 * (i + 1), latencyMs: 100 * (i + 1), costUsd: 0.001 })),
      a('y1', 'm2', { status: 'failed', failure: { class: 'timeout' }, ttftMs: null, latencyMs: null, costUsd: null }),
      a('y2', 'm2', { status: 'cancelled' }),
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ prompt: 'p', model: 'A/m1', attempts: 10, ok: 10, failures: '-', ttftP50: '55', ttftP90: '91', latencyP90: '910', cost: '$0.01' });
    expect(rows[1]).toMatchObject({ model: 'A/m2', attempts: 2, ok: 0, failures: 'timeout 1, cancelled 1', ttftP50: '-' });
    const table = renderTable(rows).split('\n');
    expect(table[0]).toMatch(/^prompt\s+model\s+attempts\s+ok\s+failures by class\s+TTFT p50 ms/);
    expect(new Set(table.slice(2).map((l) => l.indexOf('A/m')))).toEqual(new Set([table[0].indexOf('model')]));
  });
});
