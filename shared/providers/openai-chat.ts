/**
 * OpenAI Chat Completions, streamed chunks and whole bodies. OpenRouter, DeepSeek,
 * vLLM, LM Studio, llama.cpp and Ollama's `/v1` speak the same shape with extra
 * fields: `delta.reasoning` (OpenRouter, Ollama), `delta.reasoning_content`
 * (DeepSeek), a top-level `error` inside a 200 stream (OpenRouter).
 */
import { z } from 'zod';
import type { PayloadMapper, WireEvent } from './types';
import { malformed, parseJson, wireErrorOf } from './util';

const n = z.number().nullish();
const s = z.string().nullish();

const UsageSchema = z
  .object({
    prompt_tokens: n,
    completion_tokens: n,
    prompt_tokens_details: z.object({ cached_tokens: n }).nullish(),
    completion_tokens_details: z.object({ reasoning_tokens: n }).nullish(),
    /** DeepSeek's name for cached prompt tokens. */
    prompt_cache_hit_tokens: n,
  })
  .nullish();

const Part = z.object({
  content: s,
  refusal: s,
  reasoning: s,
  reasoning_content: s,
  tool_calls: z.array(z.object({ id: s, function: z.object({ name: s }).nullish() })).nullish(),
});

export const ChunkSchema = z
  .object({
    model: s,
    system_fingerprint: s,
    choices: z.array(z.object({ index: n, delta: Part.nullish(), message: Part.nullish(), finish_reason: s })).nullish(),
    usage: UsageSchema,
    error: z.unknown().optional(),
  })
  .refine((c) => c.choices != null || c.error != null || c.usage != null, {
    message: 'not a chat completion: no choices, usage or error',
  });

type Chunk = z.infer<typeof ChunkSchema>;

// Hand-written checks of exactly what ChunkSchema accepts. zod's safeParse builds a
// fresh output object (and issue arrays) for every streamed chunk — tens of KB per
// attempt, which kept V8 growing its heap on long runs. A chunk that passes these
// checks is used as parsed; one that fails goes through zod for the error message.
function isNullish(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}
function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function optStr(v: unknown): boolean {
  return isNullish(v) || typeof v === 'string';
}
function optNum(v: unknown): boolean {
  return isNullish(v) || typeof v === 'number';
}

function isPart(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObj(v)) return false;
  if (!optStr(v.content) || !optStr(v.refusal) || !optStr(v.reasoning) || !optStr(v.reasoning_content)) return false;
  const calls = v.tool_calls;
  if (isNullish(calls)) return true;
  if (!Array.isArray(calls)) return false;
  for (const c of calls) {
    if (!isObj(c) || !optStr(c.id)) return false;
    const f = c.function;
    if (!isNullish(f) && (!isObj(f) || !optStr(f.name))) return false;
  }
  return true;
}

function isUsage(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObj(v)) return false;
  if (!optNum(v.prompt_tokens) || !optNum(v.completion_tokens) || !optNum(v.prompt_cache_hit_tokens)) return false;
  const p = v.prompt_tokens_details;
  if (!isNullish(p) && (!isObj(p) || !optNum(p.cached_tokens))) return false;
  const c = v.completion_tokens_details;
  return isNullish(c) || (isObj(c) && optNum(c.reasoning_tokens));
}

/** The value itself when ChunkSchema would accept it, else null. */
export function asChunk(v: unknown): Chunk | null {
  if (!isObj(v) || !optStr(v.model) || !optStr(v.system_fingerprint) || !isUsage(v.usage)) return null;
  const choices = v.choices;
  if (!isNullish(choices)) {
    if (!Array.isArray(choices)) return null;
    for (const c of choices) {
      if (!isObj(c) || !optNum(c.index) || !optStr(c.finish_reason) || !isPart(c.delta) || !isPart(c.message)) return null;
    }
  }
  if (isNullish(choices) && isNullish(v.error) && isNullish(v.usage)) return null;
  return v as Chunk;
}

export function createOpenAIChatMapper(): PayloadMapper {
  let model: string | null = null;
  let fingerprint: string | null = null;
  return {
    map(data) {
      if (data.trim() === '[DONE]') return [{ type: 'end' }];
      const json = parseJson(data);
      if (!json.ok) return [malformed(`chunk is not JSON: ${json.message}`, data)];
      let chunk = asChunk(json.value);
      if (!chunk) {
        const parsed = ChunkSchema.safeParse(json.value);
        if (!parsed.success) return [malformed(`unexpected chunk: ${parsed.error.issues[0]?.message ?? 'invalid'}`, data)];
        chunk = parsed.data;
      }
      const out: WireEvent[] = [];
      if (chunk.model && chunk.model !== model) out.push({ type: 'model', id: (model = chunk.model) });
      if (chunk.system_fingerprint && chunk.system_fingerprint !== fingerprint)
        out.push({ type: 'fingerprint', value: (fingerprint = chunk.system_fingerprint) });
      // n is always 1 here: only the first choice is the attempt's answer.
      let choice: NonNullable<Chunk['choices']>[number] | undefined;
      for (const c of chunk.choices ?? []) {
        if ((c.index ?? 0) === 0) {
          choice = c;
          break;
        }
      }
      const part = choice?.delta ?? choice?.message;
      if (part) {
        const reasoning = part.reasoning_content ?? part.reasoning;
        if (reasoning) out.push({ type: 'reasoning', text: reasoning });
        if (part.content) out.push({ type: 'text', text: part.content });
        if (part.refusal) out.push({ type: 'refusal', text: part.refusal });
        for (const call of part.tool_calls ?? []) {
          // Only a call's first chunk carries its id; later chunks stream arguments.
          if (call.id || choice?.message) out.push({ type: 'tool-call', name: call.function?.name ?? null });
        }
      }
      if (choice?.finish_reason) out.push({ type: 'finish', reason: choice.finish_reason });
      const u = chunk.usage;
      if (u) {
        out.push({
          type: 'usage',
          usage: {
            inputTokens: u.prompt_tokens ?? null,
            outputTokens: u.completion_tokens ?? null,
            reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? null,
            cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? null,
          },
        });
      }
      if (chunk.error != null) {
        const error = wireErrorOf(json.value, data);
        if (error) out.push({ type: 'error', error });
      }
      // A whole (non-streamed) body has no [DONE]; its finish_reason is the end.
      if (choice?.message && choice.finish_reason) out.push({ type: 'end' });
      return out;
    },
  };
}
