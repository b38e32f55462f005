import { describe, expect, it } from 'vitest';
import type { Attempt } from '../domain/schemas';
import { sampleJournal } from '../journal/sample';
import { cellStats } from '../stats';
import { buildReport, histogram, renderHtml, renderMarkdown } from './index';

const APP = { name: 'Tenth', version: '9.9.9' };
const AT = Date.UTC(2026, 10, 21, 12, 0, 0);

function journal() {
  const j = sampleJournal(120, 21);
  // Two models, and outputs that try to break out of the markup.
  const attempts: Attempt[] = j.attempts.map((a, i) => ({
    ...a,
    model: i % 2 ? 'model-b' : 'model-a',
    output: a.status === 'ok' && i % 7 === 0 ? `<script>alert("x")</script> </details> \`\`\`\` | pipe & amp` : a.output,
  }));
  return { ...j, attempts };
}

describe('report', () => {
  const j = journal();
  const model = buildReport({ app: APP, generatedAt: AT, filter: { promptIds: ['prompt-0', 'prompt-1'] }, attempts: j.attempts, prompts: j.prompts, versions: j.versions });

  it('computes the floors with shared/stats, one cell per prompt × model', () => {
    expect(model.cells.map((c) => `${c.promptName}|${c.model}`)).toEqual([
      'Capital city|model-a',
      'Extract JSON, "strictly"|model-b',
    ]);
    const a = j.attempts.filter((x) => x.promptId === 'prompt-0' && x.model === 'model-a');
    expect(model.cells[0].stats.passRate).toEqual(cellStats(a).passRate);
    expect(model.selection).toBe('prompts prompt-0, prompt-1');
    expect(model.prompts.map((p) => p.versions.map((v) => v.id))).toEqual([['pv-0'], ['pv-1']]);
    expect(model.models.map((m) => m.served)).toEqual([['gpt-test-2025-01-01'], ['gpt-test-2025-01-01']]);
  });

  it('lists every attempt under its model, failures included, worst first', () => {
    const listed = model.outputs.flatMap((s) => s.attempts);
    expect(listed).toHaveLength(j.attempts.length);
    for (const sec of model.outputs) {
      const firstNonFailed = sec.attempts.findIndex((a) => a.status !== 'failed');
      expect(firstNonFailed).toBeGreaterThan(0);
      expect(sec.attempts.slice(firstNonFailed).some((a) => a.status === 'failed')).toBe(false);
      const scored = sec.attempts.filter((a) => a.status === 'ok' && a.score !== null).map((a) => a.score!);
      expect(scored).toEqual([...scored].sort((x, y) => x - y));
    }
  });

  it('HTML: self-contained, escaped, with inline SVG distributions and the provenance', () => {
    const html = renderHtml(model);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;/details&gt;');
    expect(html).toContain('<svg');
    expect(html).toContain('Tenth 9.9.9');
    expect(html).toContain('gpt-test-2025-01-01');
    expect(html).toContain('pv-0');
    expect(html).toContain('2026-11-21 12:00:00 UTC');
    expect((html.match(/<details>/g) ?? []).length).toBe(j.attempts.length);
    expect(html).toContain('Extract JSON, &quot;strictly&quot;');
  });

  it('Markdown: a table with Ns and intervals, outputs fenced safely inside <details>', () => {
    const md = renderMarkdown(model);
    const tableRows = md.split('\n').filter((l) => l.startsWith('| Capital') || l.startsWith('| Extract'));
    expect(tableRows).toHaveLength(2);
    // Every row has the same number of cells as the header: pipes in values are escaped.
    const header = md.split('\n').find((l) => l.startsWith('| Prompt'))!;
    const cols = (l: string) => l.split(/(?<!\\)\|/).length;
    for (const r of tableRows) expect(cols(r)).toBe(cols(header));
    expect(md).toMatch(/interval \d+\.\d%–\d+\.\d%, \d+\/\d+/);
    expect(md).toContain('`````text\n<script>alert("x")</script> </details> ```` | pipe & amp\n`````');
    expect((md.match(/^<details>$/gm) ?? []).length).toBe(j.attempts.length);
    expect(md).not.toContain('<script>alert("x")</script></summary>');
  });

  it('an empty selection still renders', () => {
    const empty = buildReport({ app: APP, generatedAt: AT, attempts: [] });
    expect(renderHtml(empty)).toContain('the whole journal');
    expect(renderMarkdown(empty)).toContain('# Tenth report: no attempts');
  });

  it('histogram bins include the top edge', () => {
    expect(histogram([0, 0.05, 0.5, 1, 1], 0, 1, 10)).toEqual([2, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(histogram([3, 3], 3, 3, 4)).toEqual([2, 0, 0, 0]);
  });
});
