import { describe, expect, it } from 'vitest';
import type { Attempt } from '../domain/schemas';
import { compileFilter, type JournalFilter } from './filter';
import { serializeRecord, parseLine } from './jsonl';
import { buildPage, ColdIndex, encodeLines, lineSlice, pageLines, PAGE_ATTEMPTS, rowOf, sliceText, type AttemptPageColumns } from './pages';
import { sampleJournal, seededRandom } from './sample';

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

describe('ColdIndex, kept small', () => {
  /** Columns as IndexedDB gives them back: every string its own copy. */
  const cloned = (list: Attempt[], id: string) => structuredClone(buildPage(id, list, list.map((a) => serializeRecord(a))).columns);

  it('gives every row as rowOf reads it from the columns, from one shared copy of each value', () => {
    const ix = new ColdIndex();
    const pages = [cloned(attempts.slice(0, 500), 'a'), cloned(attempts.slice(500, 1000), 'b'), cloned(attempts.slice(1000), 'c')];
    for (const p of pages) ix.addPage(p);
    for (const p of pages) {
      expect(ix.idsOfPage(p.id)).toBe(p.ids);
      p.ids.forEach((id, i) => expect(ix.row(id)).toEqual(rowOf(p, i)));
    }
    const rows = ix.select(null);
    expect(rows).toEqual(pages.flatMap((p) => p.ids.map((_, i) => rowOf(p, i))).sort(byQueue));
    // Equal values are one string, wherever they came from.
    const byModel = new Map<string, string>();
    for (const r of rows) {
      expect(r.model).toBe(byModel.get(r.model) ?? r.model);
      byModel.set(r.model, r.model);
    }
    const tagged = rows.filter((r) => r.tags?.length);
    expect(tagged.length).toBeGreaterThan(1);
    expect(tagged[1]!.tags).toBe(tagged[0]!.tags);
    expect(Object.isFrozen(tagged[0]!.tags)).toBe(true);
    expect(rows.find((r) => !r.tags?.length)!.tags).toEqual([]);
  });

  it('keeps every time exactly (whole, fractional, far apart, negative, -0) and columns a page holds one value of', () => {
    const ix = new ColdIndex();
    const page = (id: string, times: number[], model: (i: number) => string) =>
      cloned(
        attempts.slice(0, times.length).map((a, i) => ({ ...a, id: `${a.id}-${id}`, queuedAt: times[i]!, model: model(i), judgeOf: null })),
        id,
      );
    const pages = [
      page('whole', [5, 3, 4_000_000_000, 9], () => 'same'),
      page('fractional', [1.5, 2.25, 1e15, -7], () => 'same'),
      page('far', [0, 2 ** 33, 10, 11], (i) => `m${i}`),
      page('zeros', [-0, 0, -5, 3], () => 'other'),
    ];
    for (const p of pages) ix.addPage(p);
    for (const p of pages) {
      p.ids.forEach((id, i) => {
        expect(ix.row(id)).toEqual(rowOf(p, i));
        expect(Object.is(ix.row(id)!.queuedAt, p.queuedAt[i])).toBe(true);
      });
    }
    const all = pages.flatMap((p) => p.ids.map((_, i) => rowOf(p, i)));
    expect(ix.select(null)).toEqual([...all].sort(byQueue));
    for (const f of [{ from: 0, to: 10 }, { from: 2.25 }, { to: -0.5 }, { models: ['same'], from: 4 }] as JournalFilter[]) {
      expect(ix.select(f)).toEqual(all.filter(compileFilter(f)).sort(byQueue));
    }
    ix.removePage('whole');
    expect(ix.count({ models: ['same'] })).toBe(4);
    expect(ix.distinct('model')).toEqual(['m0', 'm1', 'm2', 'm3', 'other', 'same']);
  });

  it('selects nothing for values no page has, and forgets values once no page uses them', () => {
    const ix = new ColdIndex();
    const a = attempts.slice(0, 40).map((x) => ({ ...x, model: 'only-in-a', tags: ['ta'] }));
    const b = attempts.slice(40, 80).map((x) => ({ ...x, model: 'only-in-b', tags: undefined }));
    ix.addPage(cloned(a, 'a'));
    ix.addPage(cloned(b, 'b'));
    expect(ix.select({ models: ['nope'] })).toEqual([]);
    expect(ix.count({ models: ['nope', 'only-in-b'] })).toBe(40);
    expect(ix.count({ tags: ['nope'] })).toBe(0);
    expect(ix.distinct('model')).toEqual(['only-in-a', 'only-in-b']);
    expect(ix.distinct('tags')).toEqual(['ta']);
    ix.removePage('a');
    expect(ix.distinct('model')).toEqual(['only-in-b']);
    expect(ix.distinct('tags')).toEqual([]);
    expect(ix.count({ models: ['only-in-a'] })).toBe(0);
    // A freed code serves a new value.
    const c = attempts.slice(80, 120).map((x) => ({ ...x, model: 'new-in-c', tags: ['tc'] }));
    ix.addPage(cloned(c, 'c'));
    expect(ix.distinct('model')).toEqual(['new-in-c', 'only-in-b']);
    expect(ix.select({ models: ['new-in-c'] }).map((r) => r.id)).toEqual(c.map((x) => x.id));
    expect(ix.select({ tags: ['tc'] }).every((r) => r.model === 'new-in-c' && r.tags?.[0] === 'tc')).toBe(true);
    ix.clear();
    expect([ix.size, ix.pageCount, ix.distinct('model').length, ix.select(null).length]).toEqual([0, 0, 0, 0]);
  });

  it('gives a select the same rows whichever selects came before it', () => {
    const ix = new ColdIndex();
    for (const p of pagesOf(attempts)) ix.addPage(p.columns);
    const failed = ix.select({ statuses: ['failed'] });
    const all = ix.select(null);
    expect(all.map((r) => r.id)).toEqual([...attempts].sort(byQueue).map((a) => a.id));
    expect(ix.select({ statuses: ['failed'] })).toEqual(failed);
    const hot = new Set(attempts.filter((_, i) => i % 3 === 0).map((a) => a.id));
    expect(ix.select(null, (id) => hot.has(id))).toEqual(all.filter((r) => !hot.has(r.id)));
    expect(ix.select({ statuses: ['failed'] }, (id) => hot.has(id))).toEqual(failed.filter((r) => !hot.has(r.id)));
    expect(ix.count({ statuses: ['failed'] }, (id) => hot.has(id))).toBe(failed.filter((r) => !hot.has(r.id)).length);
    // The caller's array is its own.
    all.length = 0;
    expect(ix.select(null)).toHaveLength(attempts.length);
  });

  it('serves an id held by three pages from the newest of those left', () => {
    const ix = new ColdIndex();
    const a = attempts[0]!;
    const page = (id: string, model: string) => cloned([{ ...a, model }], id);
    ix.addPage(page('p1', 'm1'));
    ix.addPage(page('p2', 'm2'));
    ix.addPage(page('p3', 'm3'));
    expect(ix.row(a.id)?.model).toBe('m3');
    ix.removePage('p3');
    expect(ix.locate(a.id)).toEqual({ pageId: 'p2', line: 0 });
    expect(ix.select(null).map((r) => r.model)).toEqual(['m2']);
    // Adding a page again makes it the newest.
    ix.addPage(page('p1', 'm1'));
    expect(ix.row(a.id)?.model).toBe('m1');
    ix.removePage('p2');
    expect(ix.row(a.id)?.model).toBe('m1');
    ix.removePage('p1');
    expect(ix.has(a.id)).toBe(false);
    expect([ix.size, ix.count(null), ix.select(null).length, [...ix.ids()].length]).toEqual([0, 0, 0, 0]);
  });

  it('matches a brute-force model through random adds, re-adds and removals of overlapping pages of any length', () => {
    const rnd = seededRandom(11);
    const pool = sampleJournal(3000, 5).attempts;
    const ix = new ColdIndex();
    /** The reference: pages in the order they were (last) added. */
    let model: AttemptPageColumns[] = [];
    const served = () => {
      const at = new Map<string, { page: AttemptPageColumns; line: number }>();
      for (const page of model) page.ids.forEach((id, line) => at.set(id, { page, line }));
      return at;
    };
    const filters: JournalFilter[] = [{}, { statuses: ['ok', 'failed'] }, { tags: ['b,c'] }, { failureClasses: ['timeout'], from: pool[500]!.queuedAt }, { models: ['m-2', 'm-5'] }, { runIds: ['run-2'] }];
    for (let step = 0; step < 120; step++) {
      const op = rnd();
      if (op < 0.6 || model.length === 0) {
        // Lengths past 512 make the index widen its refs; picks from a small pool make ids collide.
        const n = 1 + Math.floor(rnd() ** 3 * 1400);
        const picked = Array.from({ length: n }, () => {
          const a = pool[Math.floor(rnd() * pool.length)]!;
          return { ...a, model: `m-${Math.floor(rnd() * 8)}`, status: rnd() < 0.2 ? ('failed' as const) : a.status };
        });
        const id = rnd() < 0.2 && model.length ? model[Math.floor(rnd() * model.length)]!.id : `page-${step}`;
        const cols = cloned(picked as Attempt[], id);
        ix.addPage(cols);
        model = [...model.filter((p) => p.id !== id), cols];
      } else {
        const id = model[Math.floor(rnd() * model.length)]!.id;
        ix.removePage(id);
        model = model.filter((p) => p.id !== id);
      }
      const at = served();
      expect(ix.size).toBe(at.size);
      expect(ix.pageIds().sort()).toEqual(model.map((p) => p.id).sort());
      expect(new Set(ix.ids())).toEqual(new Set(at.keys()));
      if (step % 10 !== 9) {
        const some = pool[Math.floor(rnd() * pool.length)]!.id;
        const want = at.get(some);
        expect(ix.locate(some)).toEqual(want && { pageId: want.page.id, line: want.line });
        continue;
      }
      for (const [id, { page, line }] of at) expect(ix.locate(id)).toEqual({ pageId: page.id, line });
      const rows = [...at.values()].map(({ page, line }) => rowOf(page, line)).sort(byQueue);
      for (const f of filters) {
        const want = rows.filter(compileFilter(f));
        expect(ix.select(f)).toEqual(want);
        expect(ix.count(f)).toBe(want.length);
      }
      expect(ix.distinct('model')).toEqual([...new Set(model.flatMap((p) => p.model))].sort());
      expect(ix.distinct('tags')).toEqual([...new Set(model.flatMap((p) => p.tags.flatMap((t) => t ?? [])))].sort());
    }
  });
});
