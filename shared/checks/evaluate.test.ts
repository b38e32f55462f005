import { describe, expect, it } from 'vitest';
import { Check, defaultCheck, duplicateNames, readChecks, type CheckInput } from './schema';
import { checksApply, evaluateSync, inThreadJsRunner, outcomesToGrades, runChecks, type CheckSubject } from './evaluate';

const subject = (over: Partial<CheckSubject> = {}): CheckSubject => ({
  id: 'a1',
  status: 'ok',
  output: 'The capital of France is Paris.',
  latencyMs: 1200,
  ttftMs: 300,
  costUsd: 0.002,
  finishReason: 'stop',
  model: 'm',
  servedModel: 'm-2024',
  usage: { inputTokens: 10, outputTokens: 7, reasoningTokens: null, cachedInputTokens: null },
  ...over,
});

type Body = CheckInput extends infer C ? (C extends unknown ? Omit<C, 'id' | 'name'> : never) : never;
const check = (c: Body): Check => Check.parse({ id: 'c', name: 'n', ...c });
const one = (c: Body, s = subject()) => evaluateSync(check(c), s)!;

describe('check types', () => {
  it('contains / does not contain, with and without case', () => {
    expect(one({ kind: 'contains', text: 'paris' }).pass).toBe(true);
    expect(one({ kind: 'contains', text: 'paris', caseSensitive: true })).toMatchObject({ pass: false, reason: 'does not contain “paris”' });
    expect(one({ kind: 'not_contains', text: 'London' }).pass).toBe(true);
    expect(one({ kind: 'not_contains', text: 'PARIS' })).toMatchObject({ pass: false, reason: 'contains “PARIS”' });
  });

  it('regex', () => {
    expect(one({ kind: 'regex', pattern: '\\bParis\\b' }).pass).toBe(true);
    expect(one({ kind: 'regex', pattern: '^paris', flags: 'i' }).pass).toBe(false);
    expect(one({ kind: 'regex', pattern: 'PARIS', flags: 'i' }).reason).toMatch(/at 25/);
    expect(Check.safeParse({ id: 'c', name: 'n', kind: 'regex', pattern: '(' }).success).toBe(false);
  });

  it('valid JSON', () => {
    expect(one({ kind: 'json_valid' }, subject({ output: '{"a": 1}' })).pass).toBe(true);
    const bad = one({ kind: 'json_valid' });
    expect(bad.pass).toBe(false);
    expect(bad.reason).toMatch(/^not valid JSON/);
  });

  it('JSON Schema', () => {
    const schema = JSON.stringify({ type: 'object', required: ['city'], properties: { city: { type: 'string', minLength: 2 } }, additionalProperties: false });
    expect(one({ kind: 'json_schema', schema }, subject({ output: '{"city": "Paris"}' })).pass).toBe(true);
    const wrong = one({ kind: 'json_schema', schema }, subject({ output: '{"town": "Paris"}' }));
    expect(wrong.pass).toBe(false);
    expect(wrong.reason).toContain('must have property “city”');
    expect(one({ kind: 'json_schema', schema }).reason).toMatch(/^not valid JSON/);
    expect(Check.safeParse({ id: 'c', name: 'n', kind: 'json_schema', schema: '{"type": "object", "requried": []}' }).success).toBe(false);
  });

  it('length bounds in characters, words and lines', () => {
    expect(one({ kind: 'length', min: 5, max: 40 }).pass).toBe(true);
    expect(one({ kind: 'length', unit: 'words', max: 3 })).toMatchObject({ pass: false, reason: '6 words > maximum 3' });
    expect(one({ kind: 'length', unit: 'lines', min: 2 })).toMatchObject({ pass: false, reason: '1 lines < minimum 2' });
    expect(one({ kind: 'length', min: 1 }, subject({ output: '🙂' })).reason).toBe('1 characters');
    expect(Check.safeParse({ id: 'c', name: 'n', kind: 'length', min: 5, max: 2 }).success).toBe(false);
  });

  it('latency and cost bounds', () => {
    expect(one({ kind: 'latency', maxMs: 1500 }).pass).toBe(true);
    expect(one({ kind: 'latency', metric: 'ttft', maxMs: 200 })).toMatchObject({ pass: false, reason: 'TTFT 300 ms > 200 ms' });
    expect(one({ kind: 'latency', maxMs: 1 }, subject({ latencyMs: null })).reason).toBe('no latency recorded');
    expect(one({ kind: 'cost', maxUsd: 0.01 }).pass).toBe(true);
    expect(one({ kind: 'cost', maxUsd: 0.001 }).pass).toBe(false);
    expect(one({ kind: 'cost', maxUsd: 1 }, subject({ costUsd: null })).pass).toBe(false);
  });

  it('a JS expression: passes, fails, throws (a failed check with the reason)', async () => {
    const checks = [
      check({ kind: 'js', expression: 'output.endsWith(".") && attempt.usage.outputTokens < 10' }),
      { ...check({ kind: 'js', expression: 'output.length' }), id: 'c2', name: 'length' },
      { ...check({ kind: 'js', expression: 'JSON.parse(output).x' }), id: 'c3', name: 'throws' },
      { ...check({ kind: 'js', expression: 'vars.country === "France"' }), id: 'c4', name: 'vars' },
    ];
    const out = await runChecks(checks, subject({ vars: { country: 'France' } }), inThreadJsRunner);
    expect(out.map((o) => o.pass)).toEqual([true, true, false, true]);
    expect(out[1]!.reason).toBe('returned 31');
    expect(out[2]!.reason).toMatch(/^threw SyntaxError/);
    expect(Check.safeParse({ id: 'c', name: 'n', kind: 'js', expression: 'a = 1' }).success).toBe(false);
  });
});

describe('running checks', () => {
  it('skips disabled checks, only grades ok attempts, and makes one grade per outcome', async () => {
    const checks = [check({ kind: 'contains', text: 'Paris' }), { ...check({ kind: 'json_valid' }), id: 'x', name: 'json', enabled: false }];
    const out = await runChecks(checks, subject(), inThreadJsRunner);
    expect(out).toHaveLength(1);
    expect(checksApply({ status: 'ok' })).toBe(true);
    expect(checksApply({ status: 'failed' })).toBe(false);
    let i = 0;
    const grades = outcomesToGrades(out, 42, () => `g${++i}`);
    expect(grades).toEqual([{ id: 'g1', source: 'check', name: 'n', pass: true, score: 1, note: 'contains “Paris”', at: 42 }]);
  });

  it('reads stored checks, keeping invalid entries aside; finds duplicate names', () => {
    const { checks, invalid } = readChecks([defaultCheck('json_valid', 'a', 'JSON'), { kind: 'nope' }, defaultCheck('contains', 'b', 'Has text')]);
    expect(checks.map((c) => c.id)).toEqual(['a']);
    expect(invalid.map((i) => i.index)).toEqual([1, 2]);
    expect(duplicateNames([{ name: 'a' }, { name: 'b' }, { name: 'a ' }])).toEqual(['a']);
  });
});
