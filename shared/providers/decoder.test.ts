import { describe, expect, it } from 'vitest';
import { createDecoder, decodeStream } from './decoder';
import type { WireEvent } from './types';

function streamOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

async function collect(gen: AsyncGenerator<WireEvent>): Promise<WireEvent[]> {
  const out: WireEvent[] = [];
  for await (const ev of gen) out.push(ev);
  return out;
}

describe('decodeStream', () => {
  it('reads a web stream whose chunks split a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('data: {"choices":[{"index":0,"delta":{"content":"héllo ✓"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside "é"
    const events = await collect(decodeStream('openai-chat', streamOf([bytes.slice(0, cut), bytes.slice(cut)])));
    expect(events).toEqual([
      { type: 'text', text: 'héllo ✓' },
      { type: 'finish', reason: 'stop' },
      { type: 'end' },
    ]);
  });

  it('accepts plain text chunks, and an SSE body with CRLF line ends split between CR and LF', async () => {
    const events = await collect(
      decodeStream('gemini', ['data: {"candidates":[{"content":{"parts":[{"text":"a"}]}}]}\r', '\n\r\n', 'data: {"candidates":[{"finishReason":"STOP"}]}\r\n\r\n']),
    );
    expect(events).toEqual([
      { type: 'text', text: 'a' },
      { type: 'finish', reason: 'STOP' },
    ]);
  });
});

describe('createDecoder framing', () => {
  it('reads a Gemini JSON-array stream element by element, before the array closes', () => {
    const d = createDecoder('gemini');
    expect(d.push('[{"candidates":[{"content":{"parts":[{"text":"x}{"}]}}]}')).toEqual([{ type: 'text', text: 'x}{' }]);
    expect(d.push('\n,\r\n{"candidates":[{"finishReason":"STOP"}]}\n]')).toEqual([{ type: 'finish', reason: 'STOP' }]);
    expect(d.end()).toEqual([]);
  });

  it('reports a body that ends inside a JSON value', () => {
    const d = createDecoder('ollama');
    d.push('{"model":"x","message":{"content":"a"');
    expect(d.end()).toMatchObject([{ type: 'malformed' }]);
  });

  it('reports text that is neither SSE nor JSON', () => {
    const d = createDecoder('openai-chat');
    const events = [...d.push('<html>\n<body>gateway</body>\n</html>\n'), ...d.end()];
    expect(events).toMatchObject([{ type: 'malformed' }]);
  });
});
