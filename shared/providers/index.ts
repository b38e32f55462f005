/**
 * Provider wire adapters: request building, stream parsing and failure
 * classification for OpenAI Chat Completions (openai, openrouter,
 * openai-compatible, Ollama's /v1), the OpenAI Responses API (parsing only),
 * Anthropic Messages, Gemini generateContent and Ollama's native /api/chat.
 *
 * Written on eventsource-parser + zod rather than the Vercel AI SDK because the
 * journal needs what the SDK normalizes away:
 *  - raw in-stream error events and their codes: OpenAI Responses `error` with
 *    `code:"insufficient_quota"` (rate_limited, not server_error); OpenRouter's
 *    `{"error":{"code":400,"message":"Token limit reached"}}` chunk after
 *    `finish_reason:"length"` (truncated); Anthropic `event: error`
 *    `overloaded_error` (overloaded); Ollama's `{"error": …}` line; Gemini's bare
 *    `{"error":{…}}` object at the end of an SSE stream;
 *  - OpenAI `delta.refusal`, Anthropic `stop_reason:"refusal"` with
 *    `stop_details`, Gemini `promptFeedback.blockReason` and finishReason
 *    SAFETY/RECITATION/MAX_TOKENS as they were sent;
 *  - `system_fingerprint`, the served `model` / `modelVersion`, usage with
 *    reasoning and cached tokens;
 *  - the exact HTTP status and chosen response headers, and the request body
 *    exactly as sent;
 *  - a malformed chunk fails the attempt (the SDK reports a JSONParseError part
 *    and then still finishes with `stop`).
 */
export * from './types';
export * from './request';
export * from './decoder';
export * from './state';
export * from './classify';
export * from './headers';
export { errorMessageOf } from './util';
export { createOpenAIChatMapper } from './openai-chat';
export { createOpenAIResponsesMapper } from './openai-responses';
export { createAnthropicMapper } from './anthropic';
export { createGeminiMapper } from './gemini';
export { createOllamaMapper } from './ollama';
