import { describe, expect, it } from 'vitest';
import { ecdfCrossing, ecdfRows, floorRows } from './plotText';

describe('plots as text', () => {
  it('reads where an ECDF reaches each quantile, on the shared grid with gaps', () => {
    const x = [0, 0.25, 0.5, 0.75, 1];
    // 10 scores: one at 0, four at 0.5, five at 1.
    const y = [0.1, null, 0.5, 0.5, 1];
    expect(ecdfCrossing(x, y, 0.1)).toBe(0);
    expect(ecdfCrossing(x, y, 0.5)).toBe(0.5);
    expect(ecdfCrossing(x, y, 0.9)).toBe(1);
    expect(ecdfCrossing(x, [0.05, 0.08], 0.1)).toBeNull();
    expect(ecdfRows(x, [{ target: 't', n: 10, y }])).toEqual([{ target: 't', n: 10, p10: 0, p50: 0.5, p90: 1 }]);
  });

  it("gives a floor series' first, lowest (and when) and latest value", () => {
    const x = [1000, 2000, 3000, 4000];
    expect(floorRows(x, [{ target: 't', n: 3, y: [0.8, null, 0.6, 0.7] }])).toEqual([{ target: 't', windows: 3, first: 0.8, lowest: 0.6, latest: 0.7, lowestAt: 3000 }]);
    expect(floorRows(x, [{ target: 'u', n: 0, y: [null, null, null, null] }])).toEqual([{ target: 'u', windows: 0, first: null, lowest: null, latest: null, lowestAt: null }]);
  });
});
