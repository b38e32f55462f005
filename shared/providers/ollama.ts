/**
 * Ollama's native API: `/api/chat` NDJSON lines (`message.content`,
 * `message.thinking`) and `/api/generate` lines (`response`, `thinking`). An
 * error during generation arrives as a `{"error": "…"}` line in a 200 stream.
 */
import { z } from 'zod';
import type { PayloadMapper, WireEvent } from './types';
import { malformed, parseJson, wireErrorOf } from './util';

const n = z.number().nullish();
const s = z.string().nullish();

const LineSchema = z
  .object({
    model: s,
    message: z
      .object({ content: s, thinking: s, tool_calls: z.array(z.object({ function: z.object({ name: s }).nullish() })).nullish() })
      .nullish(),
    response: s,
    thinking: s,
    done: z.boolean().nullish(),
    done_reason: s,
    prompt_eval_count: n,
    eval_count: n,
    error: z.unknown().optional(),
  })
  .refine((l) => l.done != null || l.error != null || l.message != null || l.response != null, {
    message: 'not an Ollama line: no message, response, done or error',
  });

export function createOllamaMapper(): PayloadMapper {
  let model: string | null = null;
  return {
    map(data) {
      const json = parseJson(data);
      if (!json.ok) return [malformed(`line is not JSON: ${json.message}`, data)];
      const parsed = LineSchema.safeParse(json.value);
      if (!parsed.success) return [malformed(parsed.error.issues[0]?.message ?? 'invalid line', data)];
      const l = parsed.data;
      const out: WireEvent[] = [];
      if (l.error != null) {
        const error = wireErrorOf(json.value, data);
        if (error) out.push({ type: 'error', error });
        return out;
      }
      if (l.model && l.model !== model) out.push({ type: 'model', id: (model = l.model) });
      const thinking = l.message?.thinking ?? l.thinking;
      if (thinking) out.push({ type: 'reasoning', text: thinking });
      const text = l.message?.content ?? l.response;
      if (text) out.push({ type: 'text', text });
      for (const call of l.message?.tool_calls ?? []) out.push({ type: 'tool-call', name: call.function?.name ?? null });
      if (l.done) {
        out.push({ type: 'finish', reason: l.done_reason ?? 'stop' });
        out.push({
          type: 'usage',
          usage: {
            ...(l.prompt_eval_count != null ? { inputTokens: l.prompt_eval_count } : {}),
            ...(l.eval_count != null ? { outputTokens: l.eval_count } : {}),
          },
        });
        out.push({ type: 'end' });
      }
      return out;
    },
  };
}
