/**
 * Gemini generateContent / streamGenerateContent. Every stream chunk is a whole
 * GenerateContentResponse, so the same mapper reads `alt=sse` data fields, the
 * elements of the JSON-array stream, and a unary body.
 */
import { z } from 'zod';
import type { PayloadMapper, WireEvent } from './types';
import { malformed, parseJson, wireErrorOf } from './util';

const n = z.number().nullish();
const s = z.string().nullish();

const ResponseSchema = z
  .object({
    candidates: z
      .array(
        z.object({
          content: z
            .object({
              parts: z
                .array(z.object({ text: s, thought: z.boolean().nullish(), functionCall: z.object({ name: s }).nullish() }))
                .nullish(),
            })
            .nullish(),
          finishReason: s,
        }),
      )
      .nullish(),
    promptFeedback: z.object({ blockReason: s }).nullish(),
    usageMetadata: z
      .object({ promptTokenCount: n, candidatesTokenCount: n, thoughtsTokenCount: n, cachedContentTokenCount: n })
      .nullish(),
    modelVersion: s,
    error: z.unknown().optional(),
  })
  // A lenient reader would take `{"this": …}` as a response with no candidates,
  // i.e. an empty answer; it is not a response at all.
  .refine((r) => r.candidates != null || r.promptFeedback != null || r.usageMetadata != null || r.error != null, {
    message: 'not a GenerateContentResponse: no candidates, promptFeedback, usageMetadata or error',
  });

export function createGeminiMapper(): PayloadMapper {
  let model: string | null = null;
  return {
    map(data) {
      const json = parseJson(data);
      if (!json.ok) return [malformed(`chunk is not JSON: ${json.message}`, data)];
      const parsed = ResponseSchema.safeParse(json.value);
      if (!parsed.success) return [malformed(parsed.error.issues[0]?.message ?? 'invalid chunk', data)];
      const r = parsed.data;
      const out: WireEvent[] = [];
      if (r.modelVersion && r.modelVersion !== model) out.push({ type: 'model', id: (model = r.modelVersion) });
      if (r.error != null) {
        const error = wireErrorOf(json.value, data);
        if (error) out.push({ type: 'error', error });
      }
      if (r.promptFeedback?.blockReason && r.promptFeedback.blockReason !== 'BLOCK_REASON_UNSPECIFIED')
        out.push({ type: 'block', reason: r.promptFeedback.blockReason });
      const cand = r.candidates?.[0];
      for (const part of cand?.content?.parts ?? []) {
        if (part.functionCall) out.push({ type: 'tool-call', name: part.functionCall.name ?? null });
        if (!part.text) continue;
        out.push(part.thought ? { type: 'reasoning', text: part.text } : { type: 'text', text: part.text });
      }
      if (cand?.finishReason && cand.finishReason !== 'FINISH_REASON_UNSPECIFIED')
        out.push({ type: 'finish', reason: cand.finishReason });
      const u = r.usageMetadata;
      if (u) {
        // outputTokens includes thinking, as OpenAI's completion_tokens does: both are billed as output.
        const out_ = u.candidatesTokenCount != null || u.thoughtsTokenCount != null;
        out.push({
          type: 'usage',
          usage: {
            ...(u.promptTokenCount != null ? { inputTokens: u.promptTokenCount } : {}),
            ...(out_ ? { outputTokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0) } : {}),
            ...(u.thoughtsTokenCount != null ? { reasoningTokens: u.thoughtsTokenCount } : {}),
            ...(u.cachedContentTokenCount != null ? { cachedInputTokens: u.cachedContentTokenCount } : {}),
          },
        });
      }
      return out;
    },
  };
}
