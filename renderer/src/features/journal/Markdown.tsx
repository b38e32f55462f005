/**
 * A small Markdown renderer for model outputs that builds React elements, never
 * HTML strings: whatever the model wrote ends up as text nodes, so an output
 * cannot inject markup or script. Covers what models mostly emit: headings,
 * paragraphs, fenced code, bullet and numbered lists, block quotes, rules,
 * inline code, bold, italic and links (shown as text with their address, not
 * followed: the app navigates nowhere).
 */
import { Fragment, type ReactNode } from 'react';

type Block =
  | { k: 'h'; level: number; text: string }
  | { k: 'p'; text: string }
  | { k: 'code'; lang: string; text: string }
  | { k: 'ul' | 'ol'; items: string[] }
  | { k: 'quote'; text: string }
  | { k: 'hr' };

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ k: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      blocks.push({ k: 'h', level: h[1]!.length, text: h[2]! });
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ k: 'hr' });
      i++;
      continue;
    }
    if (/^\s*[-*+]\s+/.test(line) || /^\s*\d+[.)]\s+/.test(line)) {
      const ordered = /^\s*\d+[.)]\s+/.test(line);
      const re = ordered ? /^\s*\d+[.)]\s+(.*)$/ : /^\s*[-*+]\s+(.*)$/;
      const items: string[] = [];
      while (i < lines.length && re.test(lines[i]!)) items.push(re.exec(lines[i++]!)![1]!);
      blocks.push({ k: ordered ? 'ol' : 'ul', items });
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ''));
      blocks.push({ k: 'quote', text: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() && !/^(#{1,6}\s|\s*```|\s*~~~|\s*[-*+]\s|\s*\d+[.)]\s|\s*>)/.test(lines[i]!)) body.push(lines[i++]!);
    if (body.length === 0) body.push(lines[i++]!);
    blocks.push({ k: 'p', text: body.join('\n') });
  }
  return blocks;
}

const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*|__[^_\n]+__)|(\*[^*\n]+\*|_[^_\n]+_)|(\[[^\]\n]+\]\([^)\s]+\))/g;

export function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index! > last) out.push(text.slice(last, m.index));
    const s = m[0];
    if (m[1]) out.push(<code key={n++}>{s.slice(1, -1)}</code>);
    else if (m[2]) out.push(<strong key={n++}>{inline(s.slice(2, -2))}</strong>);
    else if (m[3]) out.push(<em key={n++}>{inline(s.slice(1, -1))}</em>);
    else {
      const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(s)!;
      out.push(
        <span key={n++} className="md-link">
          {link[1]} <span className="muted">({link[2]})</span>
        </span>,
      );
    }
    last = m.index! + s.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const withBreaks = (text: string) =>
  text.split('\n').map((l, i, all) => (
    <Fragment key={i}>
      {inline(l)}
      {i < all.length - 1 && <br />}
    </Fragment>
  ));

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      {parseBlocks(text).map((b, i) => {
        switch (b.k) {
          case 'h': {
            // Output headings sit under the page's own: start at h3.
            const Tag = `h${Math.min(6, b.level + 2)}` as 'h3';
            return <Tag key={i}>{inline(b.text)}</Tag>;
          }
          case 'p':
            return <p key={i}>{withBreaks(b.text)}</p>;
          case 'code':
            return (
              <pre key={i} className="md-code" aria-label={b.lang ? `${b.lang} code` : 'code'}>
                <code>{b.text}</code>
              </pre>
            );
          case 'ul':
            return <ul key={i}>{b.items.map((t, j) => <li key={j}>{inline(t)}</li>)}</ul>;
          case 'ol':
            return <ol key={i}>{b.items.map((t, j) => <li key={j}>{inline(t)}</li>)}</ol>;
          case 'quote':
            return <blockquote key={i}>{withBreaks(b.text)}</blockquote>;
          case 'hr':
            return <hr key={i} />;
        }
      })}
    </div>
  );
}
