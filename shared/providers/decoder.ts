/**
 * Framing: turns the bytes of a response body into payloads for a format's
 * mapper. The body is sniffed once: `data:`/`event:`/`:` lines are SSE (parsed by
 * eventsource-parser); a body that starts with `{` or `[` is a sequence of JSON
 * values — Ollama's NDJSON, a whole non-streamed body (servers that ignore
 * `stream:true`), or Gemini's JSON-array stream (`[{…}\n,\r\n{…}]`, sent when
 * `alt=sse` is missing).
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { createAnthropicMapper } from './anthropic';
import { createGeminiMapper } from './gemini';
import { createOllamaMapper } from './ollama';
import { createOpenAIChatMapper } from './openai-chat';
import { createOpenAIResponsesMapper } from './openai-responses';
import type { PayloadMapper, WireDecoder, WireEvent, WireFormat } from './types';
import { malformed, parseJson } from './util';

export function createMapper(format: WireFormat): PayloadMapper {
  switch (format) {
    case 'openai-chat':
      return createOpenAIChatMapper();
    case 'openai-responses':
      return createOpenAIResponsesMapper();
    case 'anthropic':
      return createAnthropicMapper();
    case 'gemini':
      return createGeminiMapper();
    case 'ollama':
      return createOllamaMapper();
  }
}

/** Splits a stream of top-level JSON values, ignoring whitespace and array punctuation between them. */
class JsonValueSplitter {
  private buf = '';
  private depth = 0;
  private inString = false;
  private escape = false;
  private junk = '';

  constructor(private readonly onValue: (text: string) => void, private readonly onJunk: (text: string) => void) {}

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (this.depth === 0) {
        if (ch === '{') {
          this.flushJunk();
          this.depth = 1;
          this.buf = ch;
        } else if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === ',' || ch === '[' || ch === ']') {
          this.flushJunk();
        } else {
          this.junk += ch;
        }
        continue;
      }
      this.buf += ch;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (ch === '\\') this.escape = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') this.inString = true;
      else if (ch === '{' || ch === '[') this.depth++;
      else if (ch === '}' || ch === ']') {
        this.depth--;
        if (this.depth === 0) {
          const value = this.buf;
          this.buf = '';
          this.onValue(value);
        }
      }
    }
  }

  end(): void {
    this.flushJunk();
    if (this.depth > 0) {
      this.onJunk(this.buf);
      this.buf = '';
      this.depth = 0;
    }
  }

  private flushJunk(): void {
    if (this.junk) this.onJunk(this.junk);
    this.junk = '';
  }
}

type Mode = 'unknown' | 'sse' | 'json';

export function createDecoder(format: WireFormat): WireDecoder {
  const mapper = createMapper(format);
  let mode: Mode = 'unknown';
  let pending: WireEvent[] = [];
  let sniffed = '';
  // Lines that are not SSE fields, kept whole: Gemini can end a stream with a bare
  // pretty-printed `{"error": …}` object and no `data:` prefix.
  let stray: string[] = [];

  let payloads = 0;
  const emit = (data: string, eventName?: string) => {
    payloads++;
    for (const ev of mapper.map(data, eventName)) pending.push(ev);
  };
  const flushStray = () => {
    if (stray.length === 0) return;
    const text = stray.join('\n');
    stray = [];
    if (!text.trim()) return;
    const json = parseJson(text);
    if (json.ok) emit(text);
    else pending.push(malformed('text outside any SSE field', text));
  };

  let sse: EventSourceParser | null = null;
  let json: JsonValueSplitter | null = null;

  const start = (first: string) => {
    if (first === '{' || first === '[') {
      mode = 'json';
      json = new JsonValueSplitter(
        (value) => emit(value),
        (junk) => pending.push(malformed('text between JSON values', junk)),
      );
    } else {
      mode = 'sse';
      sse = createParser({
        onEvent: (ev) => {
          flushStray();
          emit(ev.data, ev.event);
        },
        onError: (err) => {
          if (err.type === 'unknown-field' && err.line !== undefined) stray.push(err.line);
          else pending.push(malformed(err.message, err.line ?? ''));
        },
      });
    }
  };

  const feed = (text: string) => {
    if (mode === 'unknown') {
      sniffed += text;
      const trimmed = sniffed.trimStart();
      if (!trimmed) return;
      start(trimmed[0]);
      text = sniffed;
      sniffed = '';
    }
    if (mode === 'sse') sse?.feed(text);
    else json?.push(text);
  };

  const take = () => {
    const out = pending;
    pending = [];
    return out;
  };

  return {
    push(text) {
      feed(text);
      return take();
    },
    end() {
      if (mode === 'sse') {
        // Servers often close right after the last `data:` line without the blank
        // line that dispatches it (Gemini does); the event is still whole.
        sse?.feed('\n\n');
        sse?.reset({ consume: true });
        flushStray();
      } else if (mode === 'json') json?.end();
      if (payloads === 0 && pending.length === 0) pending.push(malformed('the response body held no data', sniffed.slice(0, 200)));
      return take();
    },
  };
}

/** Reads a whole body (a web stream or an iterable of chunks) and yields its events. */
export async function* decodeStream(
  format: WireFormat,
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<WireEvent> {
  const decoder = createDecoder(format);
  const text = new TextDecoder();
  const chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> =
    'getReader' in body ? readAll(body) : body;
  for await (const chunk of chunks) {
    const s = typeof chunk === 'string' ? chunk : text.decode(chunk, { stream: true });
    yield* decoder.push(s);
  }
  yield* decoder.push(text.decode());
  yield* decoder.end();
}

/** A ReadableStream's chunks as an async iterable (Node 20's web streams and every browser's alike). */
export async function* readAll(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
