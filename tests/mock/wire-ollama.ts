/**
 * Ollama's native /api/chat: NDJSON by default, one JSON with `stream:false`;
 * durations in nanoseconds; errors are `{"error":"..."}`, also as a line inside
 * a 200 stream. Ollama has no content filter and no refusal signal.
 * Shapes follow /work/shared/fixtures/provider-streams/ollama.
 */
import { hashString } from './text';
import { retryAfterHeader, type Finish, type MidError, type Timing, type WireCtx, type WireFormat } from './wire';

const MODELS = [
  ['llama3.2:3b', 'llama', '3.2B', 'Q4_K_M', 2019393189],
  ['qwen3:0.6b', 'qwen3', '751.63M', 'Q4_K_M', 522653767],
  ['gemma3:4b', 'gemma3', '4.3B', 'Q4_K_M', 3338801804],
] as const;

const MID_ERRORS: Record<MidError, string> = {
  server: 'an error was encountered while running the model',
  overloaded: 'server busy, please try again.  maximum pending requests exceeded',
  content_filter: 'an error was encountered while running the model',
};

const ns = (ms: number): number => Math.max(0, Math.round(ms * 1e6));

function err(message: string): string {
  return JSON.stringify({ error: message });
}

export function ollamaWire(): WireFormat {
  const tail = (ctx: WireCtx, reason: Finish, out: number, t: Timing): string => {
    const first = t.firstTokenAt ?? t.endAt;
    return (
      `"done_reason":"${reason === 'length' ? 'length' : 'stop'}","done":true,"total_duration":${ns(t.endAt - t.receivedAt)},"load_duration":${ns(0.2)},` +
      `"prompt_eval_count":${ctx.inputTokens},"prompt_eval_duration":${ns(Math.max(0, first - t.receivedAt))},"eval_count":${out},"eval_duration":${ns(t.endAt - first)}}`
    );
  };
  return {
    headers(_ctx, stream) {
      return { 'content-type': stream ? 'application/x-ndjson' : 'application/json; charset=utf-8' };
    },

    stream(ctx: WireCtx) {
      const head = `{"model":${JSON.stringify(ctx.servedModel)},"created_at":"`;
      return {
        open() {
          return '';
        },
        piece(text) {
          return `${head}${new Date().toISOString()}","message":{"role":"assistant","content":${JSON.stringify(text)}},"done":false}\n`;
        },
        malformed() {
          return `${head}${new Date().toISOString()}","message":{"role":"assistant","content":"\n`;
        },
        finish(reason, out, t) {
          return `${head}${new Date().toISOString()}","message":{"role":"assistant","content":""},${tail(ctx, reason, out, t)}\n`;
        },
        midError(e) {
          return err(MID_ERRORS[e]) + '\n';
        },
      };
    },

    json(ctx, _mode, text, finish, out, t) {
      return `{"model":${JSON.stringify(ctx.servedModel)},"created_at":"${new Date().toISOString()}","message":{"role":"assistant","content":${JSON.stringify(text)}},${tail(ctx, finish, out, t)}`;
    },

    error(kind, o) {
      switch (kind) {
        case 'auth_missing':
        case 'auth_bad':
          return { status: 401, body: err('unauthorized') };
        case 'bad_request':
          return { status: 400, body: err(o.message ?? 'invalid options: num_ctx must be a positive integer') };
        case 'not_found':
          return { status: 404, body: err(o.message ?? `model "${o.model}" not found, try pulling it first`) };
        case 'rate_limit':
          return { status: 429, headers: { 'retry-after': retryAfterHeader(o.retryAfter) }, body: err('too many requests, please retry later') };
        case 'overloaded':
          return { status: 503, body: err(MID_ERRORS.overloaded) };
        case 'server_error':
          return { status: 500, body: err('the model failed to generate a response') };
        case 'content_filter':
          return { status: 400, body: err('content blocked') };
      }
    },

    models() {
      return JSON.stringify({
        models: MODELS.map(([name, family, parameter_size, quantization_level, size]) => ({
          name,
          model: name,
          modified_at: '2025-06-01T12:00:00.000000000Z',
          size,
          digest: [1, 2, 3, 4, 5, 6, 7, 8].map((k) => hashString(name, k).toString(16).padStart(8, '0')).join(''),
          details: { parent_model: '', format: 'gguf', family, families: [family], parameter_size, quantization_level },
        })),
      });
    },
  };
}
