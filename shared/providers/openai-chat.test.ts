import { describe, expect, it } from 'vitest';
import { asChunk, ChunkSchema, createOpenAIChatMapper } from './openai-chat';

// Values for each field read by the mapper: the right type, nullish, and wrong types.
const str = ['x', '', null, undefined, 3, {}, []];
const num = [1, 0, null, undefined, '1', {}, true];

function variants(): unknown[] {
  const out: unknown[] = [null, 'text', 3, [], [{ choices: [] }], {}];
  for (const model of str) out.push({ model, choices: [] });
  for (const fp of str) out.push({ system_fingerprint: fp, choices: [] });
  for (const choices of [null, undefined, [], {}, 'x', [null], [[]], [{}]]) out.push({ choices });
  for (const index of num) out.push({ choices: [{ index }] });
  for (const finish_reason of str) out.push({ choices: [{ finish_reason }] });
  for (const where of ['delta', 'message']) {
    for (const part of [null, undefined, {}, [], 'x', 1]) out.push({ choices: [{ [where]: part }] });
    for (const field of ['content', 'refusal', 'reasoning', 'reasoning_content'])
      for (const v of str) out.push({ choices: [{ [where]: { [field]: v } }] });
    for (const calls of [null, undefined, [], {}, 'x', [null], [[]], [{}]]) out.push({ choices: [{ [where]: { tool_calls: calls } }] });
    for (const id of str) out.push({ choices: [{ [where]: { tool_calls: [{ id }] } }] });
    for (const fn of [null, undefined, {}, [], 'x']) out.push({ choices: [{ [where]: { tool_calls: [{ function: fn }] } }] });
    for (const name of str) out.push({ choices: [{ [where]: { tool_calls: [{ function: { name } }] } }] });
  }
  for (const usage of [null, undefined, {}, [], 'x', 1]) out.push({ usage }, { usage, choices: [] });
  for (const field of ['prompt_tokens', 'completion_tokens', 'prompt_cache_hit_tokens'])
    for (const v of num) out.push({ usage: { [field]: v } });
  for (const details of [null, undefined, {}, [], 'x']) {
    out.push({ usage: { prompt_tokens_details: details } }, { usage: { completion_tokens_details: details } });
  }
  for (const v of num) {
    out.push({ usage: { prompt_tokens_details: { cached_tokens: v } } });
    out.push({ usage: { completion_tokens_details: { reasoning_tokens: v } } });
  }
  for (const error of [null, undefined, 'boom', {}, { message: 'm' }, 0]) out.push({ error });
  return out;
}

describe('asChunk', () => {
  it('accepts exactly what ChunkSchema accepts', () => {
    const all = variants();
    let accepted = 0;
    for (const v of all) {
      const ours = asChunk(v) !== null;
      expect(ours, JSON.stringify(v) ?? String(v)).toBe(ChunkSchema.safeParse(v).success);
      if (ours) accepted++;
    }
    // Both outcomes are exercised.
    expect(accepted).toBeGreaterThan(20);
    expect(all.length - accepted).toBeGreaterThan(20);
  });

  it('still reports zod\'s message for a chunk the checks reject', () => {
    const [ev] = createOpenAIChatMapper().map(JSON.stringify({ choices: [{ delta: { content: 5 } }] }));
    expect(ev.type).toBe('malformed');
    expect(ev.type === 'malformed' && ev.message).toMatch(/^unexpected chunk: /);
    const [none] = createOpenAIChatMapper().map('{"id":"x"}');
    expect(none.type === 'malformed' && none.message).toBe('unexpected chunk: not a chat completion: no choices, usage or error');
  });

  it('maps a streamed chunk read without zod', () => {
    const m = createOpenAIChatMapper();
    const events = m.map(
      JSON.stringify({
        model: 'm1',
        choices: [
          { index: 1, delta: { content: 'other' } },
          { index: 0, delta: { content: 'hi', reasoning_content: 'think' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 2, prompt_cache_hit_tokens: 1 },
      }),
    );
    expect(events).toEqual([
      { type: 'model', id: 'm1' },
      { type: 'reasoning', text: 'think' },
      { type: 'text', text: 'hi' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 2, reasoningTokens: null, cachedInputTokens: 1 } },
    ]);
  });
});
