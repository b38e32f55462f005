import { describe, expect, it } from 'vitest';
import { estimateCost, costUsd, tokensPerSec } from './cost';
import { expandRun, implicitCaseId } from './plan';
import { provider, run, testCase, version } from './test-helpers';

describe('expandRun', () => {
  const versions = [
    version('v1', 'p1', { messages: [{ role: 'user', content: 'Capital of {{country}}?' }] }),
    version('v2', 'p2', { system: 'Be {{tone}}', messages: [{ role: 'user', content: 'hello' }] }),
  ];
  const cases = [
    testCase('c1', 'p1', { country: 'France' }),
    testCase('c2', 'p1', { country: 'Japan' }),
    testCase('c3', 'p1', { country: 'Peru' }),
  ];
  const providers = [provider('A'), provider('B', { models: [{ id: 'x' }] })];
  const r = run({
    promptVersionIds: ['v1', 'v2'],
    caseIds: ['c1', 'c2', 'c3'],
    targets: [
      { providerId: 'A', model: 'm' },
      { providerId: 'B', model: 'x' },
    ],
    repeats: 3,
  });

  it('makes versions × their cases × targets × repeats attempts', () => {
    const plan = expandRun(r, versions, cases, providers);
    // v1: 3 cases; v2: no case in the run → one implicit empty case.
    expect(plan.attempts).toHaveLength((3 + 1) * 2 * 3);
    expect(plan.implicitCases.map((c) => c.id)).toEqual([implicitCaseId('p2')]);
    expect(plan.attempts.map((a) => a.index)).toEqual(plan.attempts.map((_, i) => i));
    const cells = new Set(plan.attempts.map((a) => `${a.promptVersion}/${a.caseId}/${a.provider.id}/${a.repeatIndex}`));
    expect(cells.size).toBe(plan.attempts.length);
  });

  it('puts repeats outermost so a partial run covers every cell', () => {
    const plan = expandRun(r, versions, cases, providers);
    const firstRound = plan.attempts.slice(0, 8);
    expect(firstRound.every((a) => a.repeatIndex === 0)).toBe(true);
    expect(plan.attempts[8].repeatIndex).toBe(1);
  });

  it('renders variables per case and reports the unknown ones', () => {
    const plan = expandRun(r, versions, cases, providers);
    const japan = plan.attempts.find((a) => a.caseId === 'c2')!;
    expect(japan.messages[0].content).toBe('Capital of Japan?');
    expect(japan.system).toBe('sys');
    const v2 = plan.attempts.find((a) => a.promptVersion === 'v2')!;
    expect(v2.system).toBe('Be {{tone}}');
    const unknown = plan.problems.filter((p) => p.kind === 'unknown_variable');
    expect(unknown).toEqual([expect.objectContaining({ variable: 'tone', promptVersion: 'v2' })]);
  });

  it('copies the price in force, and runs an unlisted model without one', () => {
    const plan = expandRun(r, versions, cases, providers);
    expect(plan.attempts.find((a) => a.provider.id === 'A')!.price).toEqual({ inputPerM: 1, outputPerM: 2 });
    expect(plan.attempts.find((a) => a.provider.id === 'B')!.price).toBeNull();
    const plan2 = expandRun({ ...r, targets: [{ providerId: 'A', model: 'nope' }] }, versions, cases, providers);
    expect(plan2.attempts.length).toBe(4 * 3);
    expect(plan2.problems.some((p) => p.kind === 'unknown_model' && p.model === 'nope')).toBe(true);
  });

  it('reports missing versions, cases and providers instead of throwing', () => {
    const plan = expandRun(
      { ...r, promptVersionIds: ['v1', 'gone'], caseIds: ['c1', 'lost'], targets: [{ providerId: 'Z', model: 'm' }] },
      versions,
      cases,
      providers,
    );
    expect(plan.attempts).toHaveLength(0);
    expect(plan.problems.map((p) => p.kind).sort()).toEqual(['missing_case', 'missing_provider', 'missing_version']);
  });
});

describe('cost', () => {
  it('prices input and output per million tokens', () => {
    const usage = { inputTokens: 1000, outputTokens: 500, reasoningTokens: null, cachedInputTokens: null };
    expect(costUsd(usage, { inputPerM: 0.15, outputPerM: 0.6 })).toBeCloseTo(0.00015 + 0.0003, 12);
    expect(costUsd(usage, null)).toBeNull();
    expect(costUsd(null, { inputPerM: 1, outputPerM: 1 })).toBeNull();
    expect(costUsd({ ...usage, inputTokens: null, outputTokens: null }, { inputPerM: 1, outputPerM: 1 })).toBeNull();
  });

  it('measures tokens/s over the generation phase only', () => {
    expect(tokensPerSec(100, 1_000, 3_000)).toBe(50);
    expect(tokensPerSec(100, 1_000, 1_000)).toBeNull();
    expect(tokensPerSec(null, 1_000, 2_000)).toBeNull();
    expect(tokensPerSec(10, null, 2_000)).toBeNull();
  });

  it('estimates a plan from chars/4 and the output limit, listing unpriced targets', () => {
    const versions = [version('v', 'p', { system: 'x'.repeat(40), messages: [{ role: 'user', content: 'y'.repeat(40) }], params: { maxOutputTokens: 100 } })];
    const providers = [provider('A', { models: [{ id: 'm', price: { inputPerM: 1, outputPerM: 10 } }] }), provider('B', { models: [] })];
    const plan = expandRun(
      run({ promptVersionIds: ['v'], targets: [{ providerId: 'A', model: 'm' }, { providerId: 'B', model: 'q' }], repeats: 5 }),
      versions,
      [],
      providers,
    );
    const est = estimateCost(plan.attempts);
    // 20 input tokens × $1/M + 100 output × $10/M, five times.
    expect(est.usd).toBeCloseTo(5 * (20 * 1 + 100 * 10) / 1e6, 12);
    expect(est.pricedAttempts).toBe(5);
    expect(est.missingPrices).toEqual([{ providerId: 'B', model: 'q', attempts: 5 }]);
    const noLimit = estimateCost(plan.attempts.map((a) => ({ ...a, params: {} })), { defaultOutputTokens: 50 });
    expect(noLimit.usd).toBeCloseTo(5 * (20 + 500) / 1e6, 12);
  });
});
