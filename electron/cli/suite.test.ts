import { describe, expect, it } from 'vitest';
import { formatIssue, parseSuite } from './suite';

const GOOD = `providers:
  mock: { kind: openai, baseUrl: "http://127.0.0.1:11555/v1", keyEnv: MOCK_KEY }
  local: { kind: openai-compatible, baseUrl: "http://127.0.0.1:1234/v1", concurrency: 2, rpm: 30 }
models:
  - { provider: mock, id: gpt-mock, price: { input: 0.15, output: 0.6 } }
  - { provider: local, id: llama }
prompts:
  - id: capital
    system: You answer in one word.
    messages: [{ role: user, content: "Capital of {{country}}?" }]
    params: { temperature: 0.7, maxOutputTokens: 64 }
    cases: [{ country: France }, { country: Japan }, { id: pe, label: Peru, vars: { country: Peru } }]
  - id: haiku
    user: Write a haiku about {{topic}}.
repeat: 5
concurrency: 4
timeouts: { firstTokenMs: 5000, totalMs: 20000 }
retry: { on: [rate_limited], max: 1 }
`;

async function issuesOf(text: string, env: Record<string, string> = { MOCK_KEY: 'x' }) {
  const r = await parseSuite(text, 'suite.yaml', { env });
  if (r.ok) throw new Error('expected issues');
  return r.issues.map(formatIssue);
}

describe('parseSuite', () => {
  it('reads providers, models with prices, prompts, cases and settings', async () => {
    const r = await parseSuite(GOOD, 'suite.yaml', { env: { MOCK_KEY: 'k' } });
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    const s = r.suite;
    expect(s.providers.map((p) => [p.id, p.kind, p.concurrency, p.rpm])).toEqual([
      ['mock', 'openai', 4, null],
      ['local', 'openai-compatible', 2, 30],
    ]);
    expect(s.providers[0].models[0].price).toEqual({ inputPerM: 0.15, outputPerM: 0.6 });
    expect(s.keyEnv).toEqual({ mock: 'MOCK_KEY', local: null });
    expect(s.targets).toEqual([
      { providerId: 'mock', model: 'gpt-mock' },
      { providerId: 'local', model: 'llama' },
    ]);
    expect(s.versions).toHaveLength(2);
    expect(s.versions[0].id).toMatch(/^pv_[0-9a-f]{24}$/);
    expect(s.versions[1].messages).toEqual([{ role: 'user', content: 'Write a haiku about {{topic}}.' }]);
    expect(s.cases.map((c) => [c.id.startsWith('capital:'), c.vars.country, c.label])).toEqual([
      [true, 'France', null],
      [true, 'Japan', null],
      [true, 'Peru', 'Peru'],
    ]);
    expect(s.cases[2].id).toBe('capital:pe');
    expect({ repeats: s.repeats, concurrency: s.concurrency, ft: s.firstTokenTimeoutMs, total: s.totalTimeoutMs }).toEqual({
      repeats: 5,
      concurrency: 4,
      ft: 5000,
      total: 20000,
    });
    expect(s.retry).toEqual({ classes: ['rate_limited'], maxRetries: 1, baseDelayMs: 500 });
    // No price and a variable without cases are warnings, not errors.
    expect(r.warnings.map(formatIssue)).toEqual([
      'suite.yaml:6:5: models[1]: model llama has no price; its cost is not counted',
      'suite.yaml:13:5: prompts[1]: uses {{topic}} but has no cases; sent as written',
    ]);
  });

  it('gives the same ids to the same content on every parse', async () => {
    const a = await parseSuite(GOOD, 'a.yaml', { env: { MOCK_KEY: 'k' } });
    const b = await parseSuite(GOOD.replace('repeat: 5', 'repeat: 9'), 'b.yaml', { env: { MOCK_KEY: 'k' }, concurrency: 1 });
    if (!a.ok || !b.ok) throw new Error('parse failed');
    expect(b.suite.versions.map((v) => v.id)).toEqual(a.suite.versions.map((v) => v.id));
    expect(b.suite.cases.map((c) => c.id)).toEqual(a.suite.cases.map((c) => c.id));
    expect([b.suite.repeats, b.suite.concurrency]).toEqual([9, 1]);
  });

  it('names file, line, column and field for a wrong type', async () => {
    const bad = GOOD.replace('temperature: 0.7', 'temperature: hot');
    expect(await issuesOf(bad)).toEqual(['suite.yaml:11:28: prompts[0].params.temperature: Invalid input: expected number, received string']);
  });

  it('points at an unknown field and at a reference to a missing provider', async () => {
    expect(await issuesOf(GOOD.replace('repeat: 5', 'repeats: 5'))).toEqual(['suite.yaml:15:1: repeats: unknown field "repeats"']);
    expect(await issuesOf(GOOD.replace('provider: local, id: llama', 'provider: lcoal, id: llama'))).toEqual([
      'suite.yaml:6:17: models[1].provider: no provider named "lcoal" (known: mock, local)',
    ]);
  });

  it('refuses a key in the file and says where keys go', async () => {
    const bad = GOOD.replace('keyEnv: MOCK_KEY', 'key: sk-live-123');
    const issues = await issuesOf(bad);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^suite\.yaml:2:63: providers\.mock\.key: keys are never read from a suite file; .*keyEnv/);
    expect(issues[0]).not.toContain('sk-live-123');
  });

  it('refuses a credential header in the file', async () => {
    const bad = GOOD.replace('keyEnv: MOCK_KEY }', 'keyEnv: MOCK_KEY, headers: { Authorization: "Bearer sk-live-9" } }');
    const issues = await issuesOf(bad);
    expect(issues).toEqual([expect.stringMatching(/^suite\.yaml:2:\d+: providers\.mock\.headers\.Authorization: credentials are never read/)]);
    expect(issues[0]).not.toContain('sk-live-9');
  });

  it('requires the key variable to be set for kinds that need a key', async () => {
    expect(await issuesOf(GOOD, {})).toEqual([
      'suite.yaml:2:71: providers.mock.keyEnv: environment variable MOCK_KEY is not set (the key for provider mock is read from it)',
    ]);
    const openai = `providers: { o: { kind: openai } }\nmodels: [{ provider: o, id: m }]\nprompts: [{ id: p, user: hi }]\n`;
    expect((await issuesOf(openai, {}))[0]).toContain('o.kind: environment variable OPENAI_API_KEY is not set');
  });

  it('reports missing sections, bad enums and YAML syntax errors with positions', async () => {
    expect(await issuesOf('providers: {}\nmodels: []\n')).toEqual([
      'suite.yaml:2:9: models: Too small: expected array to have >=1 items',
      'suite.yaml:1:1: prompts: Invalid input: expected array, received undefined',
    ]);
    const badRole = GOOD.replace('role: user', 'role: system');
    expect((await issuesOf(badRole))[0]).toMatch(/^suite\.yaml:10:24: prompts\[0\]\.messages\[0\]\.role: Invalid option/);
    const syntax = await issuesOf('providers:\n  a: [1, 2\nmodels: x\n');
    expect(syntax[0]).toMatch(/^suite\.yaml:\d+:\d+: /);
    expect(await issuesOf('- 1\n- 2\n')).toEqual(['suite.yaml:1:1: expected a mapping with providers, models and prompts']);
  });

  it('checks case values and duplicate cases', async () => {
    const nested = GOOD.replace('{ country: Japan }', '{ country: { name: Japan } }');
    expect((await issuesOf(nested))[0]).toMatch(/^suite\.yaml:12:45: prompts\[0\]\.cases\[1\]\.country: Invalid input/);
    const dup = GOOD.replace('{ country: Japan }', '{ country: France }');
    expect((await issuesOf(dup))[0]).toMatch(/^suite\.yaml:12:\d+: prompts\[0\]\.cases\[1\]: this case repeats an earlier one/);
  });

  it('reads JSON as well', async () => {
    const json = JSON.stringify({
      providers: { m: { kind: 'ollama' } },
      models: [{ provider: 'm', id: 'llama3' }],
      prompts: [{ id: 'p', user: 'hi', params: { maxOutputTokens: -1 } }],
    }, null, 2);
    const issues = await issuesOf(json);
    expect(issues).toEqual([expect.stringMatching(/^suite\.yaml:\d+:\d+: prompts\[0\]\.params\.maxOutputTokens: Too small/)]);
  });
});
