/**
 * The OpenAI Responses API. The app sends Chat Completions; this reader exists so
 * recorded Responses streams and bodies (and any future switch) classify the same
 * way, in particular the in-stream `error` event whose `code` decides the class.
 */
import { z } from 'zod';
import type { PayloadMapper, WireEvent } from './types';
import { malformed, parseJson, wireErrorOf } from './util';

const n = z.number().nullish();
const s = z.string().nullish();

const Item = z.object({
  type: z.string(),
  name: s,
  content: z.array(z.object({ type: z.string(), text: s, refusal: s })).nullish(),
});

const ResponseObj = z.object({
  model: s,
  status: s,
  output: z.array(Item).nullish(),
  incomplete_details: z.object({ reason: s }).nullish(),
  error: z.unknown().optional(),
  usage: z
    .object({
      input_tokens: n,
      output_tokens: n,
      input_tokens_details: z.object({ cached_tokens: n }).nullish(),
      output_tokens_details: z.object({ reasoning_tokens: n }).nullish(),
    })
    .nullish(),
});
type ResponseObj = z.infer<typeof ResponseObj>;

const EventSchema = z.object({
  type: z.string(),
  delta: z.unknown().optional(),
  item: Item.nullish(),
  response: ResponseObj.nullish(),
});

/** Events from a finished response object: model, usage, finish, and (for a whole body) its output. */
function fromResponse(r: ResponseObj, raw: string, withOutput: boolean): WireEvent[] {
  const out: WireEvent[] = [];
  if (r.model) out.push({ type: 'model', id: r.model });
  if (withOutput) {
    for (const item of r.output ?? []) {
      if (item.type === 'function_call') out.push({ type: 'tool-call', name: item.name ?? null });
      for (const c of item.content ?? []) {
        if (c.type === 'output_text' && c.text) out.push({ type: 'text', text: c.text });
        if (c.type === 'refusal' && c.refusal) out.push({ type: 'refusal', text: c.refusal });
      }
    }
  }
  if (r.status === 'failed' && r.error != null) {
    const error = wireErrorOf({ error: r.error }, raw);
    if (error) out.push({ type: 'error', error });
  }
  if (r.status === 'incomplete') out.push({ type: 'finish', reason: r.incomplete_details?.reason ?? 'incomplete' });
  else if (r.status) out.push({ type: 'finish', reason: r.status });
  const u = r.usage;
  if (u) {
    out.push({
      type: 'usage',
      usage: {
        inputTokens: u.input_tokens ?? null,
        outputTokens: u.output_tokens ?? null,
        reasoningTokens: u.output_tokens_details?.reasoning_tokens ?? null,
        cachedInputTokens: u.input_tokens_details?.cached_tokens ?? null,
      },
    });
  }
  out.push({ type: 'end' });
  return out;
}

export function createOpenAIResponsesMapper(): PayloadMapper {
  let sawError = false;
  return {
    map(data) {
      if (data.trim() === '[DONE]') return [{ type: 'end' }];
      const json = parseJson(data);
      if (!json.ok) return [malformed(`event is not JSON: ${json.message}`, data)];
      const obj = json.value as { object?: unknown; type?: unknown } | null;
      if (obj && obj.object === 'response') {
        const whole = ResponseObj.safeParse(json.value);
        if (!whole.success) return [malformed(whole.error.issues[0]?.message ?? 'invalid response', data)];
        return fromResponse(whole.data, data, true);
      }
      if (obj && typeof obj === 'object' && !('type' in obj) && 'error' in obj) {
        const error = wireErrorOf(json.value, data);
        return error ? [{ type: 'error', error }] : [malformed('unreadable error body', data)];
      }
      const parsed = EventSchema.safeParse(json.value);
      if (!parsed.success) return [malformed(`unexpected event: ${parsed.error.issues[0]?.message ?? 'invalid'}`, data)];
      const ev = parsed.data;
      const delta = typeof ev.delta === 'string' ? ev.delta : '';
      switch (ev.type) {
        case 'response.created':
          return ev.response?.model ? [{ type: 'model', id: ev.response.model }] : [];
        case 'response.output_text.delta':
          return delta ? [{ type: 'text', text: delta }] : [];
        case 'response.refusal.delta':
          return delta ? [{ type: 'refusal', text: delta }] : [];
        case 'response.reasoning_text.delta':
        case 'response.reasoning_summary_text.delta':
          return delta ? [{ type: 'reasoning', text: delta }] : [];
        case 'response.output_item.done':
          return ev.item?.type === 'function_call' ? [{ type: 'tool-call', name: ev.item.name ?? null }] : [];
        case 'error': {
          sawError = true;
          const raw = json.value as { code?: unknown; type?: unknown; message?: unknown; error?: unknown };
          // The event carries its fields either at the top level or under `error`.
          const error =
            wireErrorOf(raw, data) ??
            wireErrorOf({ error: { code: raw.code, type: raw.type, message: raw.message } }, data);
          return error ? [{ type: 'error', error }] : [malformed('unreadable error event', data)];
        }
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed': {
          if (!ev.response) return [malformed(`${ev.type} without a response`, data)];
          // response.failed repeats the error event that came before it; keep the first.
          const events = fromResponse(ev.response, data, false);
          return sawError ? events.filter((e) => e.type !== 'error') : events;
        }
        default:
          return [];
      }
    },
  };
}
