import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Markdown, parseBlocks } from './Markdown';

describe('Markdown', () => {
  it('parses the common blocks', () => {
    const blocks = parseBlocks('# Title\n\nSome *text*.\n\n- a\n- b\n\n1. one\n\n```js\nx < 1\n```\n> quoted');
    expect(blocks.map((b) => b.k)).toEqual(['h', 'p', 'ul', 'ol', 'code', 'quote']);
  });

  it('renders markup in the output as text, never as HTML', () => {
    const { container } = render(<Markdown text={'<img src=x onerror="alert(1)"> **bold** `<b>code</b>` [x](javascript:alert(1))\n<script>alert(2)</script>'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('a')).toBeNull();
    expect(container.querySelector('strong')!.textContent).toBe('bold');
    expect(container.querySelector('code')!.textContent).toBe('<b>code</b>');
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
  });
});
