import { describe, expect, it } from 'vitest';
import { callerFromStream } from './caller';
import { canonicalJson, promptVersionId } from './version-id';
import { okResult } from './test-helpers';

describe('promptVersionId', () => {
  const base = { promptId: 'p', system: 's', messages: [{ role: 'user' as const, content: 'hi' }], params: { temperature: 0.5, maxOutputTokens: 10 } };

  it('depends on content only, not on key order', async () => {
    const a = await promptVersionId(base);
    const b = await promptVersionId({ ...base, params: { maxOutputTokens: 10, temperature: 0.5 } });
    expect(a).toMatch(/^pv_[0-9a-f]{24}$/);
    expect(b).toBe(a);
    expect(canonicalJson({ b: 1, a: [1, { d: undefined, c: 2 }] })).toBe('{"a":[1,{"c":2}],"b":1}');
  });

  it('changes with any part of the content', async () => {
    const a = await promptVersionId(base);
    const changed = await Promise.all([
      promptVersionId({ ...base, promptId: 'q' }),
      promptVersionId({ ...base, system: 'S' }),
      promptVersionId({ ...base, messages: [{ role: 'user', content: 'hi!' }] }),
      promptVersionId({ ...base, params: { temperature: 0.6, maxOutputTokens: 10 } }),
    ]);
    expect(new Set([a, ...changed]).size).toBe(5);
  });
});

describe('callerFromStream', () => {
  const req = {} as Parameters<ReturnType<typeof callerFromStream>>[0];

  it('forwards deltas and resolves with the done result', async () => {
    const result = okResult(1, 2);
    const deltas: string[] = [];
    const caller = callerFromStream(async (_r, emit) => {
      emit({ type: 'started', startedAt: 1 });
      emit({ type: 'delta', text: 'a' });
      emit({ type: 'delta', text: 'b' });
      emit({ type: 'done', result });
    });
    expect(await caller(req, (t) => deltas.push(t), new AbortController().signal)).toBe(result);
    expect(deltas).toEqual(['a', 'b']);
  });

  it('rejects when the stream ends without a result', async () => {
    const caller = callerFromStream(async () => {});
    await expect(caller(req, () => {}, new AbortController().signal)).rejects.toThrow('without a result');
  });
});
