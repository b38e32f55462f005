import { describe, expect, it } from 'vitest';
import { compileFilter, describeFilter, filterForHeader, isEmptyFilter, JournalFilter } from './filter';
import { sampleJournal } from './sample';

const attempts = sampleJournal(200, 3).attempts;

describe('JournalFilter', () => {
  it('an empty filter selects everything', () => {
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ promptIds: null, from: null })).toBe(true);
    expect(attempts.filter(compileFilter({})).length).toBe(200);
    expect(describeFilter(undefined)).toBe('the whole journal');
    expect(filterForHeader({ models: null })).toBeUndefined();
  });

  it('ANDs conditions and ORs the values of one condition', () => {
    const f: JournalFilter = { promptIds: ['prompt-0'], statuses: ['failed', 'ok'], runIds: ['run-0', 'run-1'] };
    const got = attempts.filter(compileFilter(f));
    const want = attempts.filter((a) => a.promptId === 'prompt-0' && (a.status === 'failed' || a.status === 'ok') && a.runId !== 'run-2');
    expect(got.map((a) => a.id)).toEqual(want.map((a) => a.id));
    expect(got.length).toBeGreaterThan(10);
  });

  it('failure classes select failed attempts only; tags match any; the date range is inclusive', () => {
    const timeouts = attempts.filter(compileFilter({ failureClasses: ['timeout'] }));
    expect(timeouts.length).toBeGreaterThan(0);
    expect(timeouts.every((a) => a.failure?.class === 'timeout')).toBe(true);
    const tagged = attempts.filter(compileFilter({ tags: ['b,c', 'zzz'] }));
    expect(tagged.map((a) => a.id)).toEqual(attempts.filter((a) => a.tags?.includes('b,c')).map((a) => a.id));
    const a5 = attempts[5];
    const a9 = attempts[9];
    expect(attempts.filter(compileFilter({ from: a5.queuedAt, to: a9.queuedAt })).map((a) => a.id)).toEqual(attempts.slice(5, 10).map((a) => a.id));
  });

  it('validates as plain data and describes itself', () => {
    expect(JournalFilter.safeParse({ statuses: ['exploded'] }).success).toBe(false);
    expect(JournalFilter.safeParse({ bogus: 1 }).success).toBe(false);
    const f = { promptIds: ['p1'], models: ['a', 'b'], from: Date.UTC(2026, 0, 2) };
    expect(JournalFilter.parse(f)).toEqual(f);
    expect(describeFilter(f)).toBe('prompt p1, models a, b, from 2026-01-02');
    expect(filterForHeader({ ...f, runIds: null })).toEqual(f);
  });
});
