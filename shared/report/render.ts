/**
 * The report as one self-contained HTML file (inline CSS, inline SVG, no
 * script, no external asset: it opens offline and from an e-mail attachment)
 * and as Markdown. Every value that came from the journal is escaped: outputs
 * are model text and may contain anything, markup included.
 */
import { formatFigure, type RateStat, type Stat } from '../stats';
import { histogram, type ReportAttempt, type ReportCell, type ReportModel } from './model';

// ---------------------------------------------------------------------------
// Formatting shared by both renderers

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function pct(x: number | null): string {
  return formatFigure('rate', x);
}

function rateCell(r: RateStat): string {
  if (r.n === 0) return '— (n = 0)';
  const nEff = Math.abs(r.nEff - r.n) > 0.05 ? `, n_eff ${r.nEff.toFixed(1)}` : '';
  return `${pct(r.lower)} (rate ${pct(r.point)}, interval ${pct(r.lower)}–${pct(r.upper)}, ${r.k}/${r.n}${nEff})`;
}

function statCell(s: Stat, unit: 'score' | 'ms'): string {
  return s.value === null ? `— (n = ${s.n})` : `${formatFigure(unit, s.value)} (n = ${s.n})`;
}

export interface TableRow {
  prompt: string;
  model: string;
  cells: string[];
  lowN: boolean;
}

export const TABLE_HEAD = ['Prompt', 'Model', 'Pass-rate floor (rate, 95% interval, passes/n)', 'Score floor p10', 'Worst', 'Median', 'Best', 'Latency p90', 'Attempts (ok / failed / other)'];

/** The floors table, floors first (PRODUCT.md: the floor before anything else, Ns always visible). */
export function tableRows(model: ReportModel): TableRow[] {
  return model.cells.map((c) => {
    const s = c.stats;
    const other = s.counts.cancelled + s.counts.interrupted + s.counts.pending;
    return {
      prompt: c.promptName,
      model: c.target.label,
      lowN: s.passRate.confidence === 'low' || s.passRate.confidence === 'none',
      cells: [
        rateCell(s.passRate),
        statCell(s.score.p10, 'score'),
        statCell(s.score.worst, 'score'),
        statCell(s.score.median, 'score'),
        statCell(s.score.best, 'score'),
        statCell(s.latencyMs.p90, 'ms'),
        `${s.counts.total} (${s.counts.ok} / ${s.counts.failed} / ${other})`,
      ],
    };
  });
}

function attemptLabel(a: ReportAttempt): string {
  const outcome =
    a.status === 'failed'
      ? `failed: ${a.failureClass ?? 'unclassified'}`
      : a.status === 'ok'
        ? a.score !== null
          ? `${a.verdict} · score ${a.score.toFixed(2)}`
          : 'ungraded'
        : a.status;
  return `${outcome} · case ${a.caseName} #${a.repeatIndex} · ${a.latencyMs !== null ? formatFigure('ms', a.latencyMs) : 'no latency'} · ${a.id}`;
}

// ---------------------------------------------------------------------------
// HTML

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const CSS = `
:root{color-scheme:light dark;--fg:#1c1e21;--muted:#5f6670;--bg:#fff;--line:#d9dde3;--bar:#4b6fd6;--bad:#c2410c;--mark:#111}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#16181c;--line:#33373e;--bar:#7c9cf0;--bad:#f08c5a;--mark:#eee}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid var(--line)}h3{font-size:1rem}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:color-mix(in srgb,var(--line) 40%,transparent)}
.low{color:var(--muted)}.muted{color:var(--muted)}.fail{color:var(--bad)}
details{border:1px solid var(--line);border-radius:4px;margin:.3rem 0;padding:.2rem .5rem}summary{cursor:pointer}
pre{white-space:pre-wrap;word-break:break-word;margin:.4rem 0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
.dists{display:flex;flex-wrap:wrap;gap:1rem}.dist{border:1px solid var(--line);border-radius:4px;padding:.5rem}
svg text{fill:var(--muted);font:10px system-ui,sans-serif}svg .bar{fill:var(--bar)}svg .mark{stroke:var(--mark);stroke-width:1.5}
`;

/** A small histogram as inline SVG: bars, axis labels, and a marked floor. */
export function histogramSvg(opts: { values: readonly number[]; lo: number; hi: number; bins: number; label: string; marks: { at: number; label: string }[]; format: (x: number) => string }): string {
  const W = 260;
  const H = 110;
  const pad = { l: 24, r: 8, t: 14, b: 22 };
  const counts = histogram(opts.values, opts.lo, opts.hi, opts.bins);
  const max = Math.max(1, ...counts);
  const bw = (W - pad.l - pad.r) / opts.bins;
  const y = (c: number) => pad.t + (H - pad.t - pad.b) * (1 - c / max);
  const x = (v: number) => pad.l + ((v - opts.lo) / (opts.hi - opts.lo || 1)) * (W - pad.l - pad.r);
  const bars = counts
    .map((c, i) => (c ? `<rect class="bar" x="${(pad.l + i * bw + 1).toFixed(1)}" y="${y(c).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${(H - pad.b - y(c)).toFixed(1)}"><title>${c}</title></rect>` : ''))
    .join('');
  const marks = opts.marks
    .filter((m) => Number.isFinite(m.at))
    .map((m) => {
      const mx = Math.min(W - pad.r, Math.max(pad.l, x(m.at))).toFixed(1);
      return `<line class="mark" x1="${mx}" x2="${mx}" y1="${pad.t - 4}" y2="${H - pad.b}"/><text x="${mx}" y="${pad.t - 5}" text-anchor="middle">${escapeHtml(m.label)}</text>`;
    })
    .join('');
  const axis = `<line x1="${pad.l}" x2="${W - pad.r}" y1="${H - pad.b}" y2="${H - pad.b}" stroke="currentColor" stroke-opacity=".3"/><text x="${pad.l}" y="${H - 6}">${escapeHtml(opts.format(opts.lo))}</text><text x="${W - pad.r}" y="${H - 6}" text-anchor="end">${escapeHtml(opts.format(opts.hi))}</text><text x="2" y="${pad.t + 8}">${max}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(opts.label)}"><title>${escapeHtml(opts.label)}</title>${axis}${bars}${marks}</svg>`;
}

function cellDistributions(c: ReportCell): string {
  const parts: string[] = [];
  const s = c.stats;
  if (c.scores.length) {
    parts.push(
      histogramSvg({
        values: c.scores,
        lo: 0,
        hi: 1,
        bins: 10,
        label: `Scores of ${c.target.label} on ${c.promptName} (n = ${c.scores.length})`,
        marks: s.score.p10.value !== null ? [{ at: s.score.p10.value, label: `p10 ${s.score.p10.value.toFixed(2)}` }] : [],
        format: (v) => v.toFixed(1),
      }),
    );
  }
  if (c.latencies.length) {
    const hi = Math.max(...c.latencies);
    const lo = Math.min(0, ...c.latencies);
    parts.push(
      histogramSvg({
        values: c.latencies,
        lo,
        hi: hi > lo ? hi : lo + 1,
        bins: 12,
        label: `Latency of ${c.target.label} on ${c.promptName}, ok attempts (n = ${c.latencies.length})`,
        marks: s.latencyMs.p90.value !== null ? [{ at: s.latencyMs.p90.value, label: `p90 ${formatFigure('ms', s.latencyMs.p90.value)}` }] : [],
        format: (v) => formatFigure('ms', v),
      }),
    );
  }
  if (!parts.length) return '';
  return `<div class="dist"><h3>${escapeHtml(c.promptName)} × ${escapeHtml(c.target.label)}</h3>${parts.join('')}</div>`;
}

export function renderHtml(model: ReportModel): string {
  const e = escapeHtml;
  const rows = tableRows(model)
    .map((r) => `<tr${r.lowN ? ' class="low" title="few attempts: wide interval"' : ''}><td>${e(r.prompt)}</td><td>${e(r.model)}</td>${r.cells.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const prompts = model.prompts
    .map((p) => `<li><strong>${e(p.name)}</strong> <span class="muted">(${e(p.id)})</span>: versions ${p.versions.map((v) => `<code>${e(v.id)}</code>${v.createdAt !== null ? ` of ${e(day(v.createdAt))}` : ''} (${v.attempts} attempts)`).join(', ')}</li>`)
    .join('');
  const models = model.models
    .map((m) => {
      const t = m.target;
      const id = t.displayName !== t.model ? ` <span class="muted">(<code>${e(t.model)}</code>)</span>` : '';
      const provider = `${e(t.providerName)}${t.providerName !== t.providerId ? ` <span class="muted">(${e(t.providerId)})</span>` : ''}`;
      return `<li><strong>${e(t.displayName)}</strong>${id} via ${provider}; served as ${m.served.length ? m.served.map((s) => `<code>${e(s)}</code>`).join(', ') : '<span class="muted">not reported</span>'}</li>`;
    })
    .join('');
  const outputs = model.outputs
    .map(
      (sec) =>
        `<section><h3>${e(sec.target.label)} <span class="muted">(${sec.attempts.length} attempts, worst first)</span></h3>\n${sec.attempts
          .map(
            (a) =>
              `<details><summary${a.status === 'failed' || a.verdict === 'fail' ? ' class="fail"' : ''}>${e(attemptLabel(a))}</summary>${a.failureMessage ? `<p class="fail">${e(a.failureMessage)}</p>` : ''}<pre>${e(a.output)}</pre>${a.cut ? `<p class="muted">… ${a.cut} more characters not included in this report</p>` : ''}<p class="muted">prompt ${e(a.promptId)} · case ${e(a.caseId)} · version ${e(a.promptVersion)} · served ${e(a.servedModel ?? '—')} · queued ${e(iso(a.queuedAt))}</p></details>`,
          )
          .join('\n')}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="${e(`${model.app.name} ${model.app.version}`)}">
<title>${e(model.title)}</title><style>${CSS}</style></head>
<body>
<h1>${e(model.title)}</h1>
<p class="muted">Generated ${e(iso(model.generatedAt))} by ${e(model.app.name)} ${e(model.app.version)} · selection: ${e(model.selection)}${model.span ? ` · attempts from ${e(iso(model.span.from))} to ${e(iso(model.span.to))}` : ''}</p>
<h2>Prompts and versions</h2><ul>${prompts}</ul>
<h2>Models (requested, served)</h2><ul>${models}</ul>
<h2>Floors</h2>
<p class="muted">Pass-rate floor: the lower bound of the 95% Wilson interval of passes / (graded ok + failed), a failure counting as a fail; with repeats of the same cases the interval uses the effective sample size n_eff. Score floor: the 10th percentile of scores (failed = 0). Grey rows have too few attempts to say much.</p>
<table><thead><tr>${TABLE_HEAD.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
<h2>Distributions</h2><div class="dists">${model.cells.map(cellDistributions).join('')}</div>
<h2>Every attempt</h2>
${model.judgeCalls ? `<p class="muted">${model.judgeCalls} judge calls are counted in the cost but not listed.</p>` : ''}
${outputs}
</body></html>
`;
}

// ---------------------------------------------------------------------------
// Markdown

/** Escapes text for a Markdown table cell or a line of prose (and HTML inside it). */
export function escapeMarkdown(s: string): string {
  return escapeHtml(s)
    .replace(/\\/g, '\\\\')
    .replace(/([`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** A code fence longer than any run of backticks in the text. */
function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

export function renderMarkdown(model: ReportModel): string {
  const m = escapeMarkdown;
  const out: string[] = [];
  out.push(`# ${m(model.title)}`, '');
  out.push(
    `Generated ${m(iso(model.generatedAt))} by ${m(model.app.name)} ${m(model.app.version)} · selection: ${m(model.selection)}${model.span ? ` · attempts from ${m(iso(model.span.from))} to ${m(iso(model.span.to))}` : ''}`,
    '',
  );
  out.push('## Prompts and versions', '');
  for (const p of model.prompts) {
    out.push(`- **${m(p.name)}** (${m(p.id)}): versions ${p.versions.map((v) => `${m(v.id)}${v.createdAt !== null ? ` of ${day(v.createdAt)}` : ''} (${v.attempts} attempts)`).join(', ')}`);
  }
  out.push('', '## Models (requested, served)', '');
  for (const x of model.models) {
    const t = x.target;
    const id = t.displayName !== t.model ? ` (${m(t.model)})` : '';
    const provider = `${m(t.providerName)}${t.providerName !== t.providerId ? ` (${m(t.providerId)})` : ''}`;
    out.push(`- **${m(t.displayName)}**${id} via ${provider}; served as ${x.served.length ? x.served.map(m).join(', ') : 'not reported'}`);
  }
  out.push('', '## Floors', '');
  out.push('Pass-rate floor: the lower bound of the 95% Wilson interval of passes / (graded ok + failed); with repeats of the same cases it uses n_eff. Score floor: p10 of scores (failed = 0). Rows marked (few) have too few attempts to say much.', '');
  out.push(`| ${TABLE_HEAD.map(m).join(' | ')} |`, `|${TABLE_HEAD.map(() => ' --- ').join('|')}|`);
  for (const r of tableRows(model)) out.push(`| ${m(r.prompt)} | ${m(r.model)}${r.lowN ? ' (few)' : ''} | ${r.cells.map(m).join(' | ')} |`);
  out.push('', '## Every attempt', '');
  if (model.judgeCalls) out.push(`${model.judgeCalls} judge calls are counted in the cost but not listed.`, '');
  for (const sec of model.outputs) {
    out.push(`### ${m(sec.target.label)} (${sec.attempts.length} attempts, worst first)`, '');
    for (const a of sec.attempts) {
      const fence = fenceFor(a.output);
      out.push('<details>', `<summary>${escapeHtml(attemptLabel(a))}</summary>`, '');
      if (a.failureMessage) out.push(`> ${m(a.failureMessage)}`, '');
      out.push(`${fence}text`, a.output, fence, '');
      if (a.cut) out.push(`… ${a.cut} more characters not included in this report`, '');
      out.push(`prompt ${m(a.promptId)} · case ${m(a.caseId)} · version ${m(a.promptVersion)} · served ${m(a.servedModel ?? '—')} · queued ${m(iso(a.queuedAt))}`, '', '</details>', '');
    }
  }
  return out.join('\n');
}
