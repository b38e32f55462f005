/**
 * Anthropic Messages: the SSE events of a streamed message and the whole
 * `type:"message"` body. The event name always equals the payload's `type`.
 */
import { z } from 'zod';
import type { PayloadMapper, WireEvent } from './types';
import { malformed, parseJson, wireErrorOf } from './util';

const n = z.number().nullish();
const s = z.string().nullish();

const UsageSchema = z.object({
  input_tokens: n,
  output_tokens: n,
  cache_read_input_tokens: n,
  cache_creation_input_tokens: n,
});
type AnthropicUsage = z.infer<typeof UsageSchema>;

const Block = z.object({ type: z.string(), text: s, name: s, thinking: s });
const StopDetails = z.object({ explanation: s }).nullish();

const MessageSchema = z.object({
  id: s,
  model: s,
  content: z.array(Block).nullish(),
  stop_reason: s,
  stop_details: StopDetails,
  usage: UsageSchema.nullish(),
});

const EventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: MessageSchema }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: Block }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.object({ type: z.string(), text: s, thinking: s }),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: s, stop_details: StopDetails }),
    usage: UsageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), error: z.unknown() }),
  MessageSchema.extend({ type: z.literal('message') }),
]);

/**
 * inputTokens counts every prompt token, cached or not (OpenAI's convention), so
 * Anthropic's three separate input counts are summed; cached reads are also kept apart.
 */
function usageOf(u: AnthropicUsage): WireEvent {
  const parts = [u.input_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens];
  const anyInput = parts.some((p) => p != null);
  return {
    type: 'usage',
    usage: {
      ...(anyInput ? { inputTokens: parts.reduce<number>((a, p) => a + (p ?? 0), 0) } : {}),
      ...(u.cache_read_input_tokens != null ? { cachedInputTokens: u.cache_read_input_tokens } : {}),
      ...(u.output_tokens != null ? { outputTokens: u.output_tokens } : {}),
    },
  };
}

const KNOWN = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error', 'message']);

export function createAnthropicMapper(): PayloadMapper {
  let messageId: string | null | undefined;
  return {
    map(data) {
      const json = parseJson(data);
      if (!json.ok) return [malformed(`event is not JSON: ${json.message}`, data)];
      const type = (json.value as { type?: unknown } | null)?.type;
      if (typeof type !== 'string') return [malformed('event has no type', data)];
      // New event types appear over time (citations, server tools); skipping them is safe.
      if (!KNOWN.has(type)) return [];
      const parsed = EventSchema.safeParse(json.value);
      if (!parsed.success) return [malformed(`unexpected ${type} event: ${parsed.error.issues[0]?.message ?? 'invalid'}`, data)];
      const ev = parsed.data;
      const out: WireEvent[] = [];
      switch (ev.type) {
        case 'message_start':
          // Two generations spliced into one stream (vercel/ai#18331): the output can't be trusted.
          if (messageId !== undefined)
            return [malformed(`a second message_start (${ev.message.id ?? 'no id'}) arrived in the same stream`, data)];
          messageId = ev.message.id ?? null;
          if (ev.message.model) out.push({ type: 'model', id: ev.message.model });
          if (ev.message.usage) out.push(usageOf(ev.message.usage));
          break;
        case 'content_block_start':
          if (ev.content_block.type === 'tool_use') out.push({ type: 'tool-call', name: ev.content_block.name ?? null });
          else if (ev.content_block.type === 'text' && ev.content_block.text)
            out.push({ type: 'text', text: ev.content_block.text });
          break;
        case 'content_block_delta':
          if (ev.delta.type === 'text_delta' && ev.delta.text) out.push({ type: 'text', text: ev.delta.text });
          else if (ev.delta.type === 'thinking_delta' && ev.delta.thinking)
            out.push({ type: 'reasoning', text: ev.delta.thinking });
          break;
        case 'message_delta':
          if (ev.delta.stop_reason === 'refusal' && ev.delta.stop_details?.explanation)
            out.push({ type: 'refusal', text: ev.delta.stop_details.explanation });
          if (ev.delta.stop_reason) out.push({ type: 'finish', reason: ev.delta.stop_reason });
          if (ev.usage) out.push(usageOf(ev.usage));
          break;
        case 'message_stop':
          out.push({ type: 'end' });
          break;
        case 'error': {
          const error = wireErrorOf(json.value, data);
          out.push({ type: 'error', error: error ?? { code: null, status: null, message: 'error event', raw: data } });
          break;
        }
        case 'message':
          // A whole, non-streamed body.
          if (ev.model) out.push({ type: 'model', id: ev.model });
          for (const block of ev.content ?? []) {
            if (block.type === 'text' && block.text) out.push({ type: 'text', text: block.text });
            else if (block.type === 'thinking' && block.thinking) out.push({ type: 'reasoning', text: block.thinking });
            else if (block.type === 'tool_use') out.push({ type: 'tool-call', name: block.name ?? null });
          }
          if (ev.stop_reason === 'refusal' && ev.stop_details?.explanation)
            out.push({ type: 'refusal', text: ev.stop_details.explanation });
          if (ev.stop_reason) out.push({ type: 'finish', reason: ev.stop_reason });
          if (ev.usage) out.push(usageOf(ev.usage));
          out.push({ type: 'end' });
          break;
        default:
          break;
      }
      return out;
    },
  };
}
