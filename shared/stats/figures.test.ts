import { describe, expect, it } from 'vitest';
import { cellStats } from './cell';
import { cellFigures, FIGURE_KEYS, FIGURES, formatFigure, parseThresholds, thresholdBreaches } from './figures';
import { groupCells } from './group';
import { comparePair } from './compare';
import { KNOWN_CELLS, KNOWN_FEW, knownJournal, unsettledJournal } from './known-journal';
import { outcome } from './testing';

describe('figures', () => {
  it('names and defines every figure', () => {
    for (const key of FIGURE_KEYS) {
      expect(FIGURES[key].key).toBe(key);
      expect(FIGURES[key].definition.length).toBeGreaterThan(20);
    }
  });

  it('reads a cell: pass floor is the Wilson lower bound, no data is null not 0', () => {
    const s = cellStats([outcome('c1', true), outcome('c2', true), outcome('c3', false), outcome('c4', 'failed')]);
    const f = cellFigures(s);
    // 2 of 4: Wilson lower = 0.1500 (hand-worked: centre 0.5, half 0.3500)
    expect(f['pass-floor'].value).toBeCloseTo(0.15004, 4);
    expect(f['pass-floor'].n).toBe(4);
    expect(f['pass-floor'].confidence).toBe('low');
    expect(f['quality'].value).toBeCloseTo(2 / 3, 10);
    expect(f['success-rate'].value).toBe(0.75);
    const empty = cellFigures(cellStats([]));
    expect(empty['pass-floor'].value).toBeNull();
    expect(empty['pass-floor'].confidence).toBe('none');
  });

  it('gives the hand-worked floors of the known journal', () => {
    const cells = groupCells(knownJournal(), ['prompt', 'model']);
    for (const k of KNOWN_CELLS) {
      const cell = cells.find((c) => c.key.prompt === k.prompt && c.key.model === k.model)!;
      const f = cellFigures(cell.stats);
      expect(cell.stats.counts.passes).toBe(k.passes);
      expect(f['pass-floor'].n).toBe(k.n);
      expect(f['pass-floor'].nEff).toBe(k.n);
      expect(f['pass-floor'].value).toBeCloseTo(k.passFloor, 12);
      expect(f['score-floor'].value).toBeCloseTo(k.scoreFloor, 12);
    }
    const few = cells.find((c) => c.key.prompt === KNOWN_FEW.prompt && c.key.model === KNOWN_FEW.model)!;
    expect(cellFigures(few.stats)['pass-floor'].confidence).toBe('low');
  });

  it('formats by unit', () => {
    expect(formatFigure('rate', 0.76386)).toBe('76.4%');
    expect(formatFigure('score', 0.5475)).toBe('0.55');
    expect(formatFigure('ms', 950.4)).toBe('950 ms');
    expect(formatFigure('ms', 1500)).toBe('1.50 s');
    expect(formatFigure('usd', 0.001)).toBe('$0.0010');
    expect(formatFigure('usd', 1.5)).toBe('$1.50');
    expect(formatFigure('rate', null)).toBe('—');
  });
});

describe('thresholds', () => {
  it('parses and rejects with a reason', () => {
    expect(parseThresholds('pass-floor=0.8, score-floor=0.5', 'under')).toEqual([
      { key: 'pass-floor', limit: 0.8, kind: 'under' },
      { key: 'score-floor', limit: 0.5, kind: 'under' },
    ]);
    expect(() => parseThresholds('floor=0.8', 'under')).toThrow(/not a figure/);
    expect(() => parseThresholds('pass-floor=x', 'under')).toThrow(/not a number/);
    expect(() => parseThresholds('pass-floor', 'under')).toThrow(/FIGURE=NUMBER/);
    expect(() => parseThresholds('latency-p90=2000', 'under')).toThrow(/--fail-over/);
    expect(parseThresholds('latency-p90=2000', 'over')).toEqual([{ key: 'latency-p90', limit: 2000, kind: 'over' }]);
  });

  it('breaks below the limit, and when there is no value', () => {
    const s = cellStats([outcome('c1', true), outcome('c2', false)]);
    const under = thresholdBreaches(s, parseThresholds('pass-rate=0.6,success-rate=1', 'under'));
    expect(under).toHaveLength(1);
    expect(under[0].message).toMatch(/pass-rate = 0.5000 is under 0.6/);
    expect(thresholdBreaches(s, parseThresholds('pass-rate=0.5', 'under'))).toEqual([]);
    const none = thresholdBreaches(cellStats([]), parseThresholds('score-floor=0', 'under'));
    expect(none[0].value).toBeNull();
    expect(none[0].message).toMatch(/no value/);
  });
});

describe('unsettledJournal', () => {
  it('is not distinguishable yet and asks for 5 more repeats per case', () => {
    const j = unsettledJournal();
    const c = comparePair(
      j.attempts.filter((a) => a.model === 'model-x'),
      j.attempts.filter((a) => a.model === 'model-y'),
    );
    expect(c.verdict).toBe('not-distinguishable-yet');
    expect(c.sampleSize?.moreRepeatsPerCase).toBe(j.moreRepeatsPerCase);
  });
});
