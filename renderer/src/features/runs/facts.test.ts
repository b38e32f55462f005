import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../../shared/engine';
import type { Provider } from '../../../../shared/domain/schemas';
import { fmtUsd } from '../journal/format';
import { concurrencyText, progressFacts } from './facts';

const progress = (over: Partial<RunProgress>): RunProgress => ({ done: 0, total: 0, ok: 0, failed: 0, cancelled: 0, inFlight: 0, failuresByClass: {}, costUsd: 0, elapsedMs: 5000, etaMs: null, ...over });

describe('progressFacts', () => {
  it('says how many planned attempts an interrupted run never sent, and fills the bar against the plan', () => {
    const f = progressFacts({ status: 'interrupted', progress: progress({ done: 52, total: 52, ok: 48 }), interrupted: 4, retries: 0, plan: { planned: 300, notSent: 248, sentElsewhere: 0 } });
    expect(f.headline).toEqual({ value: '52', label: 'done of 300 planned' });
    expect(f.facts.slice(0, 4)).toEqual(['248 not sent', '48 ok', '0 failed', '4 interrupted']);
    expect([f.done, f.total]).toEqual([52, 300]);
  });

  it('does the same for a cancelled run, and counts what a later run sent', () => {
    const f = progressFacts({ status: 'cancelled', progress: progress({ done: 11, total: 11, ok: 9, cancelled: 2 }), interrupted: 0, retries: 0, plan: { planned: 64, notSent: 40, sentElsewhere: 13 } });
    expect(`${f.headline.value} ${f.headline.label}`).toBe('11 done of 64 planned');
    expect(f.facts).toContain('40 not sent');
    expect(f.facts).toContain('13 sent by a later run');
    expect(f.total).toBe(64);
  });

  it('keeps done / total while a run goes or when all was sent, retries included', () => {
    const going = progressFacts({ status: 'running', progress: progress({ done: 30, total: 64, inFlight: 4, etaMs: 12_000 }), interrupted: 0, retries: 0, plan: null });
    expect(going.headline).toEqual({ value: '30 / 64', label: 'done' });
    expect(going.facts).toContain('ETA 12s');
    const all = progressFacts({ status: 'done', progress: progress({ done: 24, total: 24 }), interrupted: 0, retries: 12, plan: { planned: 12, notSent: 0, sentElsewhere: 0 } });
    expect(all.headline).toEqual({ value: '24 / 24', label: 'done' });
    expect(all.facts.some((x) => x.includes('not sent'))).toBe(false);
  });

  it('shows no ETA while paused', () => {
    const f = progressFacts({ status: 'paused', progress: progress({ done: 3, total: 10, etaMs: 5000 }), interrupted: 0, retries: 0, plan: null });
    expect(f.facts.some((x) => x.startsWith('ETA'))).toBe(false);
  });

  it('shows a small cost as a cost', () => {
    const f = progressFacts({ status: 'done', progress: progress({ done: 1, total: 1, costUsd: 0.000_038_5 }), interrupted: 0, retries: 0, plan: null });
    expect(f.facts).toContain('cost $0.000039');
  });
});

describe('fmtUsd', () => {
  it('never shows a cost that is not zero as zero', () => {
    expect(fmtUsd(null)).toBe('—');
    expect(fmtUsd(0)).toBe('$0');
    expect(fmtUsd(0.000_000_4)).toBe('<$0.000001');
    expect(fmtUsd(0.000_000_999)).toBe('<$0.000001');
    expect(fmtUsd(0.000_014)).toBe('$0.000014');
    // As the Journal shows it.
    expect(fmtUsd(0.0123)).toBe('$0.0123');
    expect(fmtUsd(0.5)).toBe('$0.5000');
    expect(fmtUsd(12.5)).toBe('$12.50');
  });
});

describe('concurrencyText', () => {
  const provider = (id: string, name: string, concurrency: number): Provider => ({ id, name, kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', headers: {}, concurrency, rpm: null, models: [] });
  const targets = (...ids: string[]) => ids.map((providerId) => ({ providerId, model: 'm' }));

  it("names the providers whose limits keep a run below its concurrency", () => {
    expect(concurrencyText({ concurrency: 16, targets: targets('a', 'a') }, [provider('a', 'Tenth mock', 4)]).text).toBe('concurrency 16 (Tenth mock allows 4)');
    expect(concurrencyText({ concurrency: 16, targets: targets('a', 'b') }, [provider('a', 'A', 4), provider('b', 'B', 2)]).text).toBe('concurrency 16 (A allows 4, B allows 2)');
    expect(concurrencyText({ concurrency: 16, targets: targets('a', 'b') }, [provider('a', 'A', 4), provider('b', 'B', 2)]).title).toContain('At most 6 attempts');
  });

  it('says only the run’s figure when the providers allow at least as many, or are gone', () => {
    expect(concurrencyText({ concurrency: 4, targets: targets('a') }, [provider('a', 'A', 4)]).text).toBe('concurrency 4');
    expect(concurrencyText({ concurrency: 8, targets: targets('a', 'b') }, [provider('a', 'A', 4), provider('b', 'B', 4)]).text).toBe('concurrency 8');
    expect(concurrencyText({ concurrency: 8, targets: targets('gone') }, []).text).toBe('concurrency 8');
  });
});
