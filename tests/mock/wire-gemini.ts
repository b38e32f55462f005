/**
 * Gemini generateContent / streamGenerateContent. With `alt=sse` chunks are
 * `data: <json>\r\n\r\n` (CRLF, as recorded), with `"key": value` spacing; without
 * it the stream is one JSON array sent an element at a time. Errors are Google
 * API errors ({error:{code,message,status,details}}); a bad key is HTTP 400
 * API_KEY_INVALID, not 401. Gemini has no refusal signal.
 * Shapes follow /work/shared/fixtures/provider-streams/gemini.
 */
import { randomChars, type Finish, type MidError, type WireCtx, type WireFormat } from './wire';

const MODELS = [
  ['gemini-2.5-flash', 'Gemini 2.5 Flash', 1048576, 65536],
  ['gemini-2.5-pro', 'Gemini 2.5 Pro', 1048576, 65536],
  ['gemini-2.0-flash', 'Gemini 2.0 Flash', 1048576, 8192],
] as const;

export function geminiResponseId(): string {
  return randomChars(23);
}

/** JSON the way Gemini's SSE chunks print it: a space after each colon, none after commas. */
export function geminiJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(geminiJson).join(',') + ']';
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(JSON.stringify(k) + ': ' + geminiJson(x));
  return '{' + parts.join(',') + '}';
}

function finishReason(f: Finish): string {
  switch (f) {
    case 'stop':
    case 'refusal':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
    case 'prompt_blocked':
      return 'SAFETY';
  }
}

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'MEDIUM', blocked: true },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
];

const PROMPT_FEEDBACK = {
  blockReason: 'SAFETY',
  safetyRatings: [
    { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'HIGH' },
    { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
  ],
};

function googleError(code: number, status: string, message: string, details?: unknown[]): string {
  return JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }, null, 2) + '\n';
}

const MID_ERRORS: Record<MidError, [number, string, string]> = {
  overloaded: [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  server: [500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'],
  content_filter: [400, 'INVALID_ARGUMENT', 'The response was blocked.'],
};

export function geminiWire(): WireFormat {
  const usage = (ctx: WireCtx, out: number | null) => ({
    promptTokenCount: ctx.inputTokens,
    ...(out !== null ? { candidatesTokenCount: out } : {}),
    totalTokenCount: ctx.inputTokens + (out ?? 0),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: ctx.inputTokens }],
    ...(out !== null ? { candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: out }] } : {}),
  });

  return {
    headers(_ctx, stream) {
      return {
        'content-type': stream ? 'text/event-stream' : 'application/json; charset=UTF-8',
        'server-timing': 'gfet4t7; dur=1',
        vary: 'Origin, X-Origin, Referer',
      };
    },

    stream(ctx: WireCtx) {
      const sse = ctx.framing !== 'json-array';
      let first = true;
      const frame = (json: string): string => {
        if (sse) return `data: ${json}\r\n\r\n`;
        const s = (first ? '[' : '\n,\r\n') + json;
        first = false;
        return s;
      };
      const tail = (): string => (sse ? '' : first ? '[]' : '\n]');
      const chunk = (candidate: Record<string, unknown>, out: number | null): string =>
        frame(geminiJson({ candidates: [candidate], usageMetadata: usage(ctx, out), modelVersion: ctx.servedModel, responseId: ctx.id }));
      return {
        open() {
          return '';
        },
        piece(text) {
          return chunk({ content: { parts: [{ text }], role: 'model' }, index: 0 }, null);
        },
        malformed() {
          return sse ? 'data: {"candidates": [{"content": {"parts": [{"text": "\r\n\r\n' : frame('{"candidates": [{"content": {"parts": [{"text": ');
        },
        finish(reason: Finish, out: number) {
          if (reason === 'prompt_blocked') {
            return frame(geminiJson({ promptFeedback: PROMPT_FEEDBACK, usageMetadata: usage(ctx, null), modelVersion: ctx.servedModel, responseId: ctx.id })) + tail();
          }
          const candidate: Record<string, unknown> = { content: { parts: [{ text: '' }], role: 'model' }, finishReason: finishReason(reason), index: 0 };
          if (reason === 'content_filter') candidate.safetyRatings = SAFETY_RATINGS;
          return chunk(candidate, out) + tail();
        },
        midError(e: MidError) {
          const [code, status, message] = MID_ERRORS[e];
          // As in the recorded Vertex stream: a bare, pretty-printed error object without a `data:` prefix.
          const err = JSON.stringify({ error: { code, message, status } }, null, 2) + '\n';
          return sse ? err : (first ? '[' : '\n,\r\n') + err + ']';
        },
      };
    },

    json(ctx, _mode, text, finish, out) {
      if (finish === 'prompt_blocked') {
        return JSON.stringify({ promptFeedback: PROMPT_FEEDBACK, usageMetadata: usage(ctx, null), modelVersion: ctx.servedModel, responseId: ctx.id }, null, 2) + '\n';
      }
      const candidate: Record<string, unknown> = {
        content: text === '' ? { role: 'model' } : { parts: [{ text }], role: 'model' },
        finishReason: finishReason(finish),
        index: 0,
      };
      if (finish === 'content_filter') candidate.safetyRatings = SAFETY_RATINGS;
      return JSON.stringify({ candidates: [candidate], usageMetadata: usage(ctx, out), modelVersion: ctx.servedModel, responseId: ctx.id }, null, 2) + '\n';
    },

    error(kind, o) {
      switch (kind) {
        case 'auth_bad':
          // Live Gemini answers a wrong key with 400, not 401 (fixture error-400-api-key-invalid.json).
          return {
            status: 400,
            body: googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
              { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
              { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
              { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: 'Invalid API key: bad-key' },
            ]),
          };
        case 'auth_missing':
          return {
            status: 403,
            body: googleError(
              403,
              'PERMISSION_DENIED',
              "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
            ),
          };
        case 'bad_request':
          return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', o.message ?? 'Invalid value at \'generation_config.temperature\' (TYPE_FLOAT), "hot"') };
        case 'not_found':
          return { status: 404, body: googleError(404, 'NOT_FOUND', o.message ?? `models/${o.model} is not found for API version v1beta, or is not supported for generateContent.`) };
        case 'rate_limit':
          return {
            status: 429,
            body: googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', [
              { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${o.retryAfter}s` },
            ]),
          };
        case 'overloaded':
          return { status: 503, body: googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') };
        case 'server_error':
          return { status: 500, body: googleError(500, 'INTERNAL', MID_ERRORS.server[2]) };
        case 'content_filter':
          return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'The response was blocked.') };
      }
    },

    models() {
      return JSON.stringify(
        {
          models: MODELS.map(([id, displayName, inputTokenLimit, outputTokenLimit]) => ({
            name: `models/${id}`,
            version: '001',
            displayName,
            description: `${displayName}, served by the Tenth mock provider.`,
            inputTokenLimit,
            outputTokenLimit,
            supportedGenerationMethods: ['generateContent', 'countTokens', 'streamGenerateContent'],
            temperature: 1,
            topP: 0.95,
            topK: 64,
            maxTemperature: 2,
          })),
        },
        null,
        2,
      );
    },
  };
}
