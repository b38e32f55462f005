/**
 * Anthropic Messages: `event:`-named SSE with the padding spaces the real API
 * puts inside data lines, errors as `{"type":"error","error":{...}}`.
 * Shapes follow /work/shared/fixtures/provider-streams/anthropic.
 *
 * Anthropic has no "content_filter" finish reason. What it does have is the
 * API's "Output blocked by content filtering policy" invalid_request_error,
 * sent as an `event: error` mid-stream (or a 400 without streaming), which is
 * the provider blocking output; the mock uses that for content_filter.
 */
import { randomChars, retryAfterHeader, type Finish, type MidError, type WireCtx, type WireFormat } from './wire';

const MODELS = [
  ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00Z'],
  ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'],
  ['claude-opus-4-1-20250805', 'Claude Opus 4.1', '2025-08-05T00:00:00Z'],
] as const;

const PAD = '               ';

export function anthropicId(): string {
  return 'msg_01' + randomChars(22);
}

export function anthropicRequestId(): string {
  return 'req_011C' + randomChars(20);
}

function stopReason(f: Finish): string {
  switch (f) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    default:
      return 'refusal';
  }
}

const REFUSAL_DETAILS = {
  type: 'refusal',
  category: 'cyber',
  explanation: 'This request triggered restrictions on violative cyber content and was blocked under Anthropic\'s Usage Policy.',
};

function event(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

function errorJson(type: string, message: string, requestId?: string): string {
  return JSON.stringify(requestId ? { type: 'error', error: { type, message }, request_id: requestId } : { type: 'error', error: { details: null, type, message } });
}

const MID_ERRORS: Record<MidError, [string, string]> = {
  overloaded: ['overloaded_error', 'Overloaded'],
  server: ['api_error', 'Internal server error'],
  content_filter: ['invalid_request_error', 'Output blocked by content filtering policy'],
};

export function anthropicWire(): WireFormat {
  return {
    headers(ctx, stream) {
      const reset = new Date((ctx.created + 1) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        'content-type': stream ? 'text/event-stream; charset=utf-8' : 'application/json',
        'request-id': ctx.requestId,
        'anthropic-ratelimit-requests-limit': '4000',
        'anthropic-ratelimit-requests-remaining': String(3999 - (ctx.seq % 4000)),
        'anthropic-ratelimit-requests-reset': reset,
        'anthropic-ratelimit-input-tokens-limit': '2000000',
        'anthropic-ratelimit-input-tokens-remaining': String(2000000 - ctx.inputTokens),
        'anthropic-ratelimit-input-tokens-reset': reset,
        'anthropic-ratelimit-output-tokens-limit': '400000',
        'anthropic-ratelimit-output-tokens-remaining': '400000',
        'anthropic-ratelimit-output-tokens-reset': reset,
        'anthropic-ratelimit-tokens-limit': '2400000',
        'anthropic-ratelimit-tokens-remaining': String(2400000 - ctx.inputTokens),
        'anthropic-ratelimit-tokens-reset': reset,
      };
    },

    stream(ctx: WireCtx) {
      let blockOpen = false;
      const usage = (out: number): string =>
        `{"input_tokens":${ctx.inputTokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":${out}}`;
      return {
        open() {
          return event(
            'message_start',
            `{"type":"message_start","message":{"model":${JSON.stringify(ctx.servedModel)},"id":${JSON.stringify(ctx.id)},"type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"stop_details":null,"usage":{"input_tokens":${ctx.inputTokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"not_available"}} }`,
          );
        },
        piece(text) {
          let s = '';
          // The text block opens with the first token, so a response without text (refusal, empty) has none, as in the fixtures.
          if (!blockOpen) {
            blockOpen = true;
            s += event('content_block_start', `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}${PAD}}`);
            s += event('ping', '{"type": "ping"}');
          }
          return s + event('content_block_delta', `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(text)}}${PAD}}`);
        },
        malformed() {
          return event('content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"');
        },
        finish(reason: Finish, out: number) {
          if (reason === 'content_filter' || reason === 'prompt_blocked') return this.midError('content_filter');
          let s = '';
          if (blockOpen) s += event('content_block_stop', '{"type":"content_block_stop","index":0    }');
          const details = reason === 'refusal' ? JSON.stringify(REFUSAL_DETAILS) : 'null';
          s += event(
            'message_delta',
            `{"type":"message_delta","delta":{"stop_reason":"${stopReason(reason)}","stop_sequence":null,"stop_details":${details}},"usage":${usage(out)}}`,
          );
          return s + event('message_stop', '{"type":"message_stop"   }');
        },
        midError(e: MidError) {
          const [type, message] = MID_ERRORS[e];
          return event('error', errorJson(type, message));
        },
      };
    },

    json(ctx, _mode, text, finish, out) {
      return JSON.stringify(
        {
          model: ctx.servedModel,
          id: ctx.id,
          type: 'message',
          role: 'assistant',
          content: text === '' ? [] : [{ type: 'text', text }],
          stop_reason: stopReason(finish),
          stop_sequence: null,
          ...(finish === 'refusal' ? { stop_details: REFUSAL_DETAILS } : {}),
          usage: {
            input_tokens: ctx.inputTokens,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
            output_tokens: out,
            service_tier: 'standard',
            inference_geo: 'not_available',
          },
        },
        null,
        2,
      );
    },

    error(kind, o) {
      const body = (type: string, message: string) => errorJson(type, message, o.requestId);
      switch (kind) {
        case 'auth_missing':
          return { status: 401, body: body('authentication_error', o.message ?? 'x-api-key header is required') };
        case 'auth_bad':
          return { status: 401, body: body('authentication_error', 'invalid x-api-key') };
        case 'bad_request':
          return { status: 400, body: body('invalid_request_error', o.message ?? 'max_tokens: Field required') };
        case 'not_found':
          return { status: 404, body: body('not_found_error', o.message ?? 'Not found') };
        case 'rate_limit':
          return {
            status: 429,
            headers: { 'retry-after': retryAfterHeader(o.retryAfter), 'anthropic-ratelimit-requests-remaining': '0' },
            body: body(
              'rate_limit_error',
              'This request would exceed the rate limit for your organization (mock) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
            ),
          };
        case 'overloaded':
          // The live 529 body carries details:null (fixture error-529-overloaded.json).
          return { status: 529, body: errorJson('overloaded_error', 'Overloaded') };
        case 'server_error':
          return { status: 500, body: body('api_error', 'Internal server error') };
        case 'content_filter':
          return { status: 400, body: body('invalid_request_error', 'Output blocked by content filtering policy') };
      }
    },

    models() {
      return JSON.stringify({
        data: MODELS.map(([id, display_name, created_at]) => ({ type: 'model', id, display_name, created_at })),
        has_more: false,
        first_id: MODELS[0][0],
        last_id: MODELS[MODELS.length - 1][0],
      });
    },
  };
}
