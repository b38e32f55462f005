import { describe, expect, it } from 'vitest';
import type { Attempt } from '../domain/schemas';
import { compileFilter, type JournalFilter } from './filter';
import { serializeRecord, parseLine } from './jsonl';
import { buildPage, ColdIndex, encodeLines, lineSlice, pageLines, PAGE_ATTEMPTS, sliceText } from './pages';
import { sampleJournal } from './sample';

const attempts: Attempt[] = sampleJournal(1200, 7).attempts;

function pagesOf(list: Attempt[], size = PAGE_ATTEMPTS) {
  const out: ReturnType<typeof buildPage>[] = [];
  for (let i = 0; i < list.length; i += size) {
    const part = list.slice(i, i + size);
    out.push(buildPage(`page-${i / size}`, part, part.map((a) => serializeRecord(a))));
  }
  return out;
}

const byQueue = (a: { queuedAt: number; id: string }, b: { queuedAt: number; id: string }) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('pages', () => {
  it('keep each attempt as its canonical line: parsing a line gives the attempt back', () => {
    const [p] = pagesOf(attempts.slice(0, 50));
    const lines = pageLines(p!.page);
    expect(lines).toHaveLength(50);
    for (let i = 0; i < 50; i++) {
      expect(lines[i]).toBe(serializeRecord(attempts[i]!));
      const parsed = parseLine(lines[i]!, i + 1);
      expect(parsed.ok && parsed.record).toMatchObject({ id: attempts[i]!.id, output: attempts[i]!.output });
    }
    expect(p!.columns.ids).toEqual(attempts.slice(0, 50).map((a) => a.id));
  });

  it('store the lines as UTF-8, each ending in a newline, with where each ends', () => {
    const list = attempts.slice(0, 20).map((a, i) => (i % 3 === 0 ? { ...a, output: `naïve — 日本語 ✓ 🙂 ${'x'.repeat(i * 50)}` } : a));
    const lines = list.map((a) => serializeRecord(a));
    const { page } = buildPage('p', list, lines);
    const text = new TextDecoder().decode(page.bytes);
    expect(text).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(page.ends).toHaveLength(20);
    expect(page.ends[19]).toBe(page.bytes.length);
    expect(pageLines(page)).toEqual(lines);
    for (let i = 0; i < 20; i++) {
      const s = lineSlice(page, i, list[i]!.id);
      expect(sliceText(s)).toBe(lines[i]);
      expect(new TextDecoder().decode(s.bytes.subarray(s.start, s.end))).toBe(`${lines[i]}\n`);
    }
    // A run of lines is one slice of the bytes: lines 3..7 with their newlines.
    expect(new TextDecoder().decode(page.bytes.subarray(page.ends[2], page.ends[7]))).toBe(lines.slice(3, 8).map((l) => `${l}\n`).join(''));
  });

  it('encode lines longer than any page before them, and lone surrogates as U+FFFD', () => {
    const small = encodeLines(['{"a":1}']);
    expect(new TextDecoder().decode(small.bytes)).toBe('{"a":1}\n');
    const long = 'é'.repeat(3_000_000);
    const big = encodeLines([long, 'b']);
    expect(big.bytes.length).toBe(6_000_000 + 1 + 2);
    expect(big.ends[0]).toBe(6_000_001);
    expect(new TextDecoder().decode(encodeLines(['\ud800']).bytes)).toBe('\ufffd\n');
  });

  it('refuse mismatched lists, an empty page and a line with a newline', () => {
    expect(() => buildPage('x', attempts.slice(0, 2), [serializeRecord(attempts[0]!)])).toThrow(/2 attempts but 1 lines/);
    expect(() => buildPage('x', [], [])).toThrow(/at least one/);
    expect(() => buildPage('x', attempts.slice(0, 1), ['{"a":\n1}'])).toThrow(/newline/);
  });
});

describe('ColdIndex', () => {
  const index = new ColdIndex();
  for (const p of pagesOf(attempts)) index.addPage(p.columns);

  it('finds every attempt by id, with its page and line', () => {
    expect(index.size).toBe(attempts.length);
    expect(index.pageCount).toBe(Math.ceil(attempts.length / PAGE_ATTEMPTS));
    expect(index.locate(attempts[0]!.id)).toEqual({ pageId: 'page-0', line: 0 });
    expect(index.locate(attempts[PAGE_ATTEMPTS + 3]!.id)).toEqual({ pageId: 'page-1', line: 3 });
    expect(index.has('nope')).toBe(false);
  });

  const filters: JournalFilter[] = [
    {},
    { models: [attempts[0]!.model] },
    { statuses: ['failed'] },
    { failureClasses: ['rate_limited', 'timeout'] },
    { promptIds: [attempts[3]!.promptId], statuses: ['ok'] },
    { runIds: [attempts[10]!.runId] },
    { from: attempts[100]!.queuedAt, to: attempts[900]!.queuedAt },
    { tags: ['a'] },
    { providerIds: [attempts[5]!.providerId], promptVersions: [attempts[5]!.promptVersion] },
  ];

  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('selects what the filter predicate selects, oldest first: %s', (_label, f) => {
    const want = attempts.filter(compileFilter(f)).sort(byQueue).map((a) => a.id);
    // Every filter here selects something, so a select that drops rows can't pass.
    expect(want.length).toBeGreaterThan(0);
    expect(index.select(f).map((r) => r.id)).toEqual(want);
    expect(index.count(f)).toBe(want.length);
  });

  it('leaves out the ids another store overrides', () => {
    const hot = new Set(attempts.slice(0, 100).map((a) => a.id));
    const rows = index.select(null, (id) => hot.has(id));
    expect(rows).toHaveLength(attempts.length - 100);
    expect(rows.some((r) => hot.has(r.id))).toBe(false);
    expect(index.count({}, (id) => hot.has(id))).toBe(attempts.length - 100);
  });

  it('gives distinct values, sorted', () => {
    expect(index.distinct('model')).toEqual([...new Set(attempts.map((a) => a.model))].sort());
    expect(index.distinct('tags')).toEqual([...new Set(attempts.flatMap((a) => a.tags ?? []))].sort());
  });

  it('serves an id in two pages from the newer one, and from the older again once the newer goes', () => {
    const ix = new ColdIndex();
    const a = attempts[0]!;
    const older = buildPage('older', [a], [serializeRecord(a)]);
    const changed = { ...a, status: 'failed' as const, failure: { class: 'timeout' as const, message: 'x', httpStatus: null, retryAfterMs: null } };
    const newer = buildPage('newer', [changed], [serializeRecord(changed as Attempt)]);
    ix.addPage(older.columns);
    ix.addPage(newer.columns);
    expect(ix.size).toBe(1);
    expect(ix.locate(a.id)?.pageId).toBe('newer');
    expect(ix.select({ statuses: ['failed'] }).map((r) => r.id)).toEqual([a.id]);
    ix.removePage('newer');
    expect(ix.locate(a.id)?.pageId).toBe('older');
    expect(ix.count({ statuses: ['failed'] })).toBe(0);
  });
});
