import { describe, expect, it } from 'vitest';
import { detectDrift, rollingWindows, sortByTime } from './drift';
import { attempt, outcome } from './testing';
import { wilson } from './intervals';

describe('rollingWindows', () => {
  it('aligns windows to the latest attempt and computes each floor', () => {
    // 25 eligible attempts at times 1..25, case per attempt; i = 7 fails its check, the last 10 fail outright.
    const attempts = Array.from({ length: 25 }, (_, i) => outcome(`c${i}`, i < 15 ? i !== 7 : 'failed', { startedAt: i + 1 }));
    attempts.push(attempt({ status: 'cancelled', startedAt: 30 }));
    const w = rollingWindows(attempts, 10);
    expect(w.map((x) => x.eligible)).toEqual([5, 10, 10]);
    expect(w.map((x) => [x.from, x.to])).toEqual([
      [1, 5],
      [6, 15],
      [16, 25],
    ]);
    // Window 1 (i = 5..14): one fail → 9/10; scores 0, 1 × 9 → p10 at h = 0.9 is 0.9.
    expect(w[0].passRate).toMatchObject({ k: 5, n: 5 });
    expect(w[1].passRate).toMatchObject({ k: 9, n: 10 });
    expect(w[1].passRate.lower).toBeCloseTo(wilson(9, 10).lower, 12);
    expect(w[2].passRate).toMatchObject({ k: 0, n: 10, lower: 0 });
    expect(w[2].p10.value).toBe(0);
    expect(w[1].p10.value).toBeCloseTo(0.9, 12);
  });

  it('sorts by time defensively and rejects a zero window', () => {
    const late = outcome('c', true, { startedAt: 10 });
    const early = outcome('c', false, { startedAt: 1 });
    expect(sortByTime([late, early])).toEqual([early, late]);
    expect(rollingWindows([late, early], 1).map((x) => x.firstId)).toEqual([early.id, late.id]);
    expect(() => rollingWindows([], 0)).toThrow(RangeError);
    expect(rollingWindows([], 5)).toEqual([]);
  });
});

describe('detectDrift', () => {
  it('flags a served-model change halfway, with the ids on either side', () => {
    const attempts = Array.from({ length: 20 }, (_, i) =>
      outcome(`c${i % 4}`, true, { startedAt: i, servedModel: i < 10 ? 'gpt-x-0301' : 'gpt-x-0613', systemFingerprint: 'fp1' }),
    );
    // A failed attempt with no served model between them is not evidence either way.
    attempts.splice(10, 0, outcome('c0', 'failed', { startedAt: 9.5, servedModel: null }));
    const flags = detectDrift(attempts);
    expect(flags).toEqual([
      {
        kind: 'served-model',
        providerId: 'prov',
        model: 'm1',
        from: 'gpt-x-0301',
        to: 'gpt-x-0613',
        beforeAttemptId: attempts[9].id,
        afterAttemptId: attempts[11].id,
        at: 10,
      },
    ]);
  });

  it('flags a fingerprint change per model, not across models', () => {
    const attempts = [
      outcome('c', true, { model: 'a', startedAt: 1, systemFingerprint: 'fp1' }),
      outcome('c', true, { model: 'b', startedAt: 2, systemFingerprint: 'fp9' }),
      outcome('c', true, { model: 'a', startedAt: 3, systemFingerprint: 'fp1' }),
      outcome('c', true, { model: 'a', startedAt: 4, systemFingerprint: 'fp2' }),
    ];
    const flags = detectDrift(attempts);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ kind: 'system-fingerprint', model: 'a', from: 'fp1', to: 'fp2' });
  });

  it('flags a worse pass rate in the latest window', () => {
    // 40 attempts over 20 cases; the first 20 pass 19 of 20, the last 20 pass 8 of 20.
    const attempts = Array.from({ length: 40 }, (_, i) => {
      const pass = i < 20 ? i !== 3 : i % 5 < 2;
      return outcome(`c${i % 20}`, pass, { startedAt: i });
    });
    const flags = detectDrift(attempts, { windowSize: 20 });
    expect(flags).toHaveLength(1);
    const f = flags[0];
    expect(f.kind).toBe('pass-rate');
    if (f.kind !== 'pass-rate') return;
    expect(f.direction).toBe('down');
    expect(f.previous.passRate.k).toBe(19);
    expect(f.latest.passRate.k).toBe(8);
    expect(f.latest.passRate.lower).toBeLessThan(f.previous.passRate.lower);
    expect(f.p).toBeLessThan(0.05);
    expect(f.promptVersion).toBe('v1');
  });

  it('stays quiet when the windows agree or there is only one window', () => {
    const steady = Array.from({ length: 40 }, (_, i) => outcome(`c${i % 10}`, i % 4 !== 0, { startedAt: i }));
    expect(detectDrift(steady, { windowSize: 20 })).toEqual([]);
    expect(detectDrift(steady.slice(0, 15), { windowSize: 20 })).toEqual([]);
    expect(detectDrift([])).toEqual([]);
  });

  it('keeps prompt versions apart', () => {
    const v1 = Array.from({ length: 20 }, (_, i) => outcome(`c${i}`, true, { startedAt: i, promptVersion: 'v1' }));
    const v2 = Array.from({ length: 20 }, (_, i) => outcome(`c${i}`, false, { startedAt: 100 + i, promptVersion: 'v2' }));
    expect(detectDrift([...v1, ...v2], { windowSize: 20 })).toEqual([]);
  });
});
