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
    expect(model.cells.map((c) => `${c.promptName}|${c.target.label}`)).toEqual([
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

  it('names targets and cases: the same model id on two providers is two rows, each via its provider by name', () => {
    // gpt-test on prov-0 (OpenAI) and on prov-1 (Local 1), both on both prompts.
    const s = sampleJournal(120, 21);
    s.attempts = s.attempts.map((a, i) => ({ ...a, providerId: `prov-${Math.floor(i / 3) % 2}` }));
    const r = buildReport({ app: APP, generatedAt: AT, attempts: s.attempts, prompts: s.prompts, versions: s.versions, providers: s.providers, cases: s.cases });
    expect(r.cells.map((c) => `${c.promptName}|${c.target.label}`)).toEqual([
      'Capital city|GPT test · Local 1',
      'Capital city|GPT test · OpenAI',
      'Extract JSON, "strictly"|GPT test · Local 1',
      'Extract JSON, "strictly"|GPT test · OpenAI',
    ]);
    const onOpenAi = s.attempts.filter((a) => a.promptId === 'prompt-0' && a.providerId === 'prov-0');
    expect(r.cells[1].stats.passRate).toEqual(cellStats(onOpenAi).passRate);
    expect(r.outputs.map((o) => [o.target.label, o.attempts.length])).toEqual([
      ['GPT test · Local 1', s.attempts.filter((a) => a.providerId === 'prov-1').length],
      ['GPT test · OpenAI', s.attempts.filter((a) => a.providerId === 'prov-0').length],
    ]);
    const html = renderHtml(r);
    expect(html).toContain('<li><strong>GPT test</strong> <span class="muted">(<code>gpt-test</code>)</span> via OpenAI <span class="muted">(prov-0)</span>;');
    expect(html).toContain('via Local 1 <span class="muted">(prov-1)</span>;');
    expect(html).not.toMatch(/via prov-/);
    // Cases by label, else by their variables; the id stays in the provenance line.
    expect(html).toContain('case Case 3, &quot;quoted&quot; #');
    expect(html).toContain('case country=France, answer=x #');
    expect(html).toContain('· case case-3 · version');
    const md = renderMarkdown(r);
    expect(md).toContain('- **GPT test** (gpt-test) via OpenAI (prov-0); served as');
    expect(md).toContain('| Capital city | GPT test · OpenAI |');
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
