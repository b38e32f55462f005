/**
 * OpenAI Chat Completions, and the two formats that copy it: OpenRouter (adds
 * `provider`, `native_finish_reason`, comment keep-alives, usage with cost, and
 * `{error:{code,message}}` bodies) and a generic OpenAI-compatible server.
 * Shapes follow /work/shared/fixtures/provider-streams/{openai,openrouter}.
 */
import { hashString } from './text';
import {
  randomHex,
  retryAfterHeader,
  type ErrorKind,
  type ErrorOpts,
  type Finish,
  type HttpError,
  type MidError,
  type StreamEncoder,
  type StreamMode,
  type WireCtx,
  type WireFormat,
} from './wire';

type Flavor = 'openai' | 'openrouter' | 'openai-compatible';

const MODELS: Record<Flavor, string[]> = {
  openai: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'o4-mini'],
  openrouter: ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5', 'google/gemini-2.5-flash', 'meta-llama/llama-3.3-70b-instruct'],
  'openai-compatible': ['mock-small', 'mock-large', 'qwen3:0.6b'],
};

/** A stable fingerprint per served model, so a change of `served` shows as a change of fingerprint. */
export function fingerprintFor(model: string): string {
  return 'fp_' + hashString(model).toString(16).padStart(8, '0') + (hashString(model, 7) & 0xff).toString(16).padStart(2, '0');
}

function finishReason(f: Finish): string {
  switch (f) {
    case 'stop':
    case 'refusal':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
    case 'prompt_blocked':
      return 'content_filter';
  }
}

export function openaiFamily(flavor: Flavor): WireFormat {
  const isRouter = flavor === 'openrouter';

  const usage = (ctx: WireCtx, out: number): Record<string, unknown> =>
    isRouter
      ? {
          prompt_tokens: ctx.inputTokens,
          completion_tokens: out,
          total_tokens: ctx.inputTokens + out,
          cost: 0,
          is_byok: false,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0, video_tokens: 0 },
          cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: 0, upstream_inference_completions_cost: 0 },
          completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
        }
      : {
          prompt_tokens: ctx.inputTokens,
          completion_tokens: out,
          total_tokens: ctx.inputTokens + out,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        };

  // Key order as on the wire: OpenAI puts system_fingerprint before choices; OpenRouter puts provider after id.
  const chunkHead = (ctx: WireCtx): string =>
    isRouter
      ? `{"id":${JSON.stringify(ctx.id)},"provider":"Mock","model":${JSON.stringify(ctx.servedModel)},"object":"chat.completion.chunk","created":${ctx.created},`
      : `{"id":${JSON.stringify(ctx.id)},"object":"chat.completion.chunk","created":${ctx.created},"model":${JSON.stringify(ctx.servedModel)},"system_fingerprint":${JSON.stringify(fingerprintFor(ctx.servedModel))},`;

  const choice = (delta: Record<string, unknown>, finish: string | null): string =>
    isRouter
      ? `{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":${JSON.stringify(finish)},"native_finish_reason":${JSON.stringify(finish)},"logprobs":null}`
      : `{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}`;

  const errorBody = (status: number, type: string, code: string | null, message: string, param: string | null = null): string =>
    isRouter
      ? JSON.stringify({ error: { code: status, message } })
      : JSON.stringify({ error: { message, type, param, code } }, null, 2) + '\n';

  return {
    headers(ctx, stream) {
      const h: Record<string, string> = {
        'content-type': stream ? 'text/event-stream; charset=utf-8' : 'application/json',
        'x-request-id': ctx.requestId,
      };
      if (flavor === 'openai') {
        h['openai-version'] = '2020-10-01';
        h['openai-processing-ms'] = '1';
        h['x-ratelimit-limit-requests'] = '10000';
        h['x-ratelimit-remaining-requests'] = String(9999 - (ctx.seq % 10000));
        h['x-ratelimit-reset-requests'] = '6ms';
        h['x-ratelimit-limit-tokens'] = '30000000';
        h['x-ratelimit-remaining-tokens'] = String(30000000 - ctx.inputTokens);
        h['x-ratelimit-reset-tokens'] = '0s';
      }
      if (isRouter) {
        h['x-generation-id'] = ctx.id;
        h['cache-control'] = 'no-cache';
      }
      return h;
    },

    stream(ctx, mode: StreamMode): StreamEncoder {
      const head = chunkHead(ctx);
      const field = mode === 'refusal' ? 'refusal' : 'content';
      return {
        open() {
          const first =
            mode === 'refusal'
              ? { role: 'assistant', content: null, refusal: '' }
              : isRouter
                ? { role: 'assistant', content: '' }
                : { role: 'assistant', content: '', refusal: null };
          const comment = isRouter ? ': OPENROUTER PROCESSING\n\n' : '';
          return `${comment}data: ${head}"choices":[${choice(first, null)}]}\n\n`;
        },
        piece(text) {
          return `data: ${head}"choices":[${choice({ [field]: text }, null)}]}\n\n`;
        },
        malformed() {
          return `data: ${head}"choices":[{"index":0,"delta":{"content":"\n\n`;
        },
        finish(reason, out) {
          let s = `data: ${head}"choices":[${choice({}, finishReason(reason))}]}\n\n`;
          if (isRouter) {
            s += `data: ${head}"choices":[${choice({ role: 'assistant', content: '' }, null)}],"usage":${JSON.stringify(usage(ctx, out))}}\n\n`;
          } else if (ctx.includeUsage) {
            s += `data: ${head}"choices":[],"usage":${JSON.stringify(usage(ctx, out))}}\n\n`;
          }
          return s + 'data: [DONE]\n\n';
        },
        midError(e: MidError) {
          const message =
            e === 'overloaded'
              ? 'The server is overloaded or not ready yet.'
              : e === 'content_filter'
                ? 'Output blocked by content filter.'
                : 'The server had an error while processing your request. Sorry about that!';
          if (isRouter) {
            // OpenRouter reports a mid-stream failure as a chunk with a top-level error and finish_reason "error".
            return `data: ${head}"error":{"code":${e === 'overloaded' ? 503 : 502},"message":${JSON.stringify(message)}},"choices":[${choice({ content: '' }, 'error')}]}\n\n`;
          }
          return `data: {"error":{"message":${JSON.stringify(message)},"type":"server_error","param":null,"code":null}}\n\n`;
        },
      };
    },

    json(ctx, mode, text, finish, out) {
      const refusal = mode === 'refusal';
      const message = refusal
        ? { role: 'assistant', content: null, refusal: text, annotations: [] }
        : isRouter
          ? { role: 'assistant', content: finish === 'prompt_blocked' ? '' : text, refusal: null, reasoning: null }
          : { role: 'assistant', content: text, refusal: null, annotations: [] };
      const body = isRouter
        ? {
            id: ctx.id,
            provider: 'Mock',
            model: ctx.servedModel,
            object: 'chat.completion',
            created: ctx.created,
            choices: [{ logprobs: null, finish_reason: finishReason(finish), native_finish_reason: finishReason(finish), index: 0, message }],
            usage: usage(ctx, out),
          }
        : {
            id: ctx.id,
            object: 'chat.completion',
            created: ctx.created,
            model: ctx.servedModel,
            choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(finish) }],
            usage: usage(ctx, out),
            service_tier: 'default',
            system_fingerprint: fingerprintFor(ctx.servedModel),
          };
      return JSON.stringify(body, null, 2) + '\n';
    },

    error(kind: ErrorKind, o: ErrorOpts): HttpError {
      switch (kind) {
        case 'auth_missing':
          return {
            status: 401,
            body: isRouter
              ? errorBody(401, '', null, 'No auth credentials found')
              : errorBody(401, 'invalid_request_error', null, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."),
          };
        case 'auth_bad':
          return {
            status: 401,
            body: isRouter
              ? errorBody(401, '', null, 'User not found.')
              : errorBody(401, 'invalid_request_error', 'invalid_api_key', 'Incorrect API key provided: bad-key. You can find your API key at https://platform.openai.com/account/api-keys.'),
          };
        case 'bad_request':
          return {
            status: 400,
            body: errorBody(400, 'invalid_request_error', 'unsupported_parameter', o.message ?? "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens'),
          };
        case 'not_found':
          return { status: 404, body: errorBody(404, 'invalid_request_error', null, o.message ?? 'Not found') };
        case 'rate_limit': {
          const headers: Record<string, string> = { 'retry-after': retryAfterHeader(o.retryAfter) };
          if (flavor === 'openai') {
            headers['x-ratelimit-remaining-requests'] = '0';
            headers['x-ratelimit-reset-requests'] = `${o.retryAfter}s`;
          }
          if (isRouter) {
            return {
              status: 429,
              headers,
              body: JSON.stringify({
                error: { code: 429, message: 'Provider returned error', metadata: { provider_name: 'Mock', raw: `${o.model} is temporarily rate-limited upstream. Please retry shortly.` } },
                user_id: 'user_mock',
              }),
            };
          }
          return {
            status: 429,
            headers,
            body: errorBody(
              429,
              'requests',
              'rate_limit_exceeded',
              `Rate limit reached for ${o.model} in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${o.retryAfter}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
            ),
          };
        }
        case 'overloaded':
          return { status: 503, body: errorBody(503, 'server_error', null, 'The server is overloaded or not ready yet.') };
        case 'server_error':
          return { status: 500, body: errorBody(500, 'server_error', null, 'The server had an error while processing your request. Sorry about that!') };
        case 'content_filter':
          return { status: 400, body: errorBody(400, 'invalid_request_error', 'content_filter', 'The response was filtered due to the prompt triggering content management policy.', 'prompt') };
      }
    },

    models() {
      if (isRouter) {
        return JSON.stringify({
          data: MODELS.openrouter.map((id) => ({
            id,
            canonical_slug: id,
            name: `Mock: ${id}`,
            created: 1735689600,
            description: 'Served by the Tenth mock provider.',
            context_length: 128000,
            architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Other', instruct_type: null },
            pricing: { prompt: '0.00000015', completion: '0.0000006', request: '0', image: '0' },
            top_provider: { context_length: 128000, max_completion_tokens: 16384, is_moderated: false },
            per_request_limits: null,
            supported_parameters: ['max_tokens', 'temperature', 'top_p', 'seed', 'stop'],
          })),
        });
      }
      return JSON.stringify(
        {
          object: 'list',
          data: MODELS[flavor].map((id) => ({ id, object: 'model', created: 1735689600, owned_by: flavor === 'openai' ? 'system' : 'mock' })),
        },
        null,
        2,
      );
    },
  };
}

/** A fresh response id in the flavour's style. */
export function openaiFamilyId(flavor: Flavor, seq: number, created: number): string {
  if (flavor === 'openrouter') return `gen-${created}-${randomHex(4)}${seq.toString(36).padStart(16, '0')}`;
  if (flavor === 'openai-compatible') return `chatcmpl-${seq}`;
  return `chatcmpl-${randomHex(8)}${seq.toString(36).padStart(21, '0')}`;
}
