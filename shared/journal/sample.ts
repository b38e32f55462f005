/**
 * A deterministic sample journal: providers, prompts, versions, cases, runs and
 * attempts covering every status and failure class, with unicode, newlines,
 * quotes and commas in outputs. Used by the tests and by the export/import
 * benchmark, so both exercise the same shapes.
 */
import {
  ATTEMPT_SCHEMA,
  CASE_SCHEMA,
  DEFAULT_RETRY_POLICY,
  FAILURE_CLASSES,
  PROMPT_SCHEMA,
  PROMPT_VERSION_SCHEMA,
  RUN_SCHEMA,
  type Attempt,
  type Case,
  type FailureClass,
  type Prompt,
  type PromptVersion,
  type Provider,
  type Run,
} from '../domain/schemas';

/** mulberry32: a tiny seeded PRNG, so generated files are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OUTPUTS = [
  'Paris.',
  'Line one\nLine two\r\nLine "three", with commas, and \'quotes\'',
  '=SUM(A1:A9) looks like a formula',
  '-12.5',
  '+1 (555) 0100',
  '@mention at the start',
  'Unicode: héllo wörld — 你好，世界 — 🙂🚀 — עברית — \u0000nul and \u2028 separator',
  '{"json": "inside", "n": [1, 2, 3]}',
  '',
  '   leading and trailing spaces   ',
  'tab\tseparated\tvalues',
];

const T0 = 1_760_000_000_000;

function pad(n: number, w = 6): string {
  return String(n).padStart(w, '0');
}

export interface SampleJournal {
  providers: Provider[];
  prompts: Prompt[];
  versions: PromptVersion[];
  cases: Case[];
  runs: Run[];
  attempts: Attempt[];
}

/** A provider as the app keeps it (no schema field). */
export function sampleProvider(i: number): Provider {
  return {
    id: `prov-${i}`,
    name: i === 0 ? 'OpenAI' : `Local ${i}`,
    kind: i === 0 ? 'openai' : 'openai-compatible',
    baseUrl: i === 0 ? 'https://api.openai.com/v1' : `http://127.0.0.1:${11434 + i}/v1`,
    headers: i === 0 ? {} : { 'X-Team': 'evals' },
    concurrency: 4,
    rpm: i === 0 ? 500 : null,
    models: [
      { id: 'gpt-test', displayName: 'GPT test', price: { inputPerM: 2.5, outputPerM: 10 }, contextWindow: 128000 },
      { id: 'local-7b', price: null, contextWindow: null },
    ],
    createdAt: T0,
  };
}

export function sampleAttempt(i: number, rnd: () => number = seededRandom(i + 1)): Attempt {
  const statuses = ['ok', 'ok', 'ok', 'failed', 'failed', 'cancelled', 'interrupted', 'pending'] as const;
  // Walk the failure classes in order so every class appears in any 12 consecutive failures.
  const status = i % 13 === 12 ? 'failed' : statuses[Math.floor(rnd() * statuses.length)];
  const fc: FailureClass = FAILURE_CLASSES[i % FAILURE_CLASSES.length];
  const failed = status === 'failed';
  const started = T0 + i * 1000 + 3;
  const ended = status === 'pending' || status === 'interrupted' ? null : started + 200 + Math.floor(rnd() * 4000);
  const first = status === 'ok' ? started + 50 + Math.floor(rnd() * 150) : null;
  const outTokens = status === 'ok' ? 1 + Math.floor(rnd() * 800) : null;
  const output = status === 'ok' ? OUTPUTS[i % OUTPUTS.length] + (i % 5 === 0 ? ` #${i} ${'lorem ipsum '.repeat(20)}` : '') : '';
  const grades: Attempt['grades'] =
    status !== 'ok'
      ? []
      : i % 3 === 0
        ? [{ source: 'check', name: 'contains answer', pass: rnd() < 0.7, score: null, at: started + 9000 }]
        : i % 3 === 1
          ? [
              { source: 'check', name: 'is json', pass: true, score: 1, at: started + 9000 },
              { id: `g-${i}`, source: 'human', name: 'review', pass: rnd() < 0.5, score: Math.round(rnd() * 100) / 100, note: 'ok, "fine"', at: started + 99_000, blind: true },
            ]
          : [{ source: 'judge', name: 'judge', pass: null, score: 0.25, note: null, at: started + 9500, judgeAttemptIds: [`att-j-${i}`] }];
  return {
    schema: ATTEMPT_SCHEMA,
    id: `att-${pad(i)}`,
    runId: `run-${i % 3}`,
    promptId: `prompt-${i % 2}`,
    promptVersion: `pv-${i % 2}`,
    caseId: `case-${i % 7}`,
    repeatIndex: i % 20,
    retryOf: failed && i % 2 === 0 && i > 0 ? `att-${pad(i - 1)}` : null,
    judgeOf: i % 11 === 0 ? null : undefined,
    providerKind: i % 2 ? 'openai-compatible' : 'openai',
    providerId: `prov-${i % 2}`,
    model: 'gpt-test',
    servedModel: status === 'ok' ? 'gpt-test-2025-01-01' : null,
    systemFingerprint: status === 'ok' ? `fp_${(i * 2654435761) % 1e9}` : null,
    params: i % 4 === 0 ? {} : { temperature: 0.7, maxOutputTokens: 512, stop: ['\n\n'], seed: -42 },
    status,
    failure: failed
      ? {
          class: fc,
          message: `${fc}: the provider said "no", twice,\nthen hung up`,
          httpStatus: fc === 'rate_limited' ? 429 : fc === 'auth' ? 401 : fc === 'overloaded' ? 529 : null,
          retryAfterMs: fc === 'rate_limited' ? 2000 : null,
          ...(i % 2 ? { body: '{"error":{"type":"x"}}' } : {}),
        }
      : null,
    finishReason: status === 'ok' ? 'stop' : failed && fc === 'truncated' ? 'length' : null,
    output,
    outputTruncatedAt: i % 17 === 0 && status === 'ok' ? 100_000 : null,
    request: i % 9 === 0 ? null : { model: 'gpt-test', messages: [{ role: 'user', content: `Case ${i} — "quoted"` }], stream: true },
    responseMeta: status === 'ok' ? { status: 200, headers: { 'x-request-id': `req_${i}`, 'openai-processing-ms': '120' } } : null,
    queuedAt: started - 3,
    startedAt: status === 'pending' ? null : started,
    firstTokenAt: first,
    endedAt: ended,
    ttftMs: first !== null ? first - started : null,
    latencyMs: ended !== null ? ended - started : null,
    tokensPerSec: first !== null && ended !== null && outTokens !== null ? outTokens / Math.max(1, ended - first) * 1000 : null,
    usage: status === 'ok' ? { inputTokens: 120 + (i % 50), outputTokens: outTokens, reasoningTokens: i % 2 ? 0 : null, cachedInputTokens: null } : null,
    price: i % 2 ? null : { inputPerM: 2.5, outputPerM: 10 },
    costUsd: status === 'ok' && i % 2 === 0 ? ((120 + (i % 50)) * 2.5 + (outTokens ?? 0) * 10) / 1e6 : null,
    grades,
    ...(i % 10 === 0 ? { notes: 'note with ünïcode', tags: ['a', 'b,c'] } : {}),
  } as Attempt;
}

/** A whole journal with `attempts` attempts. Optional fields vary so the writer's omissions are exercised. */
export function sampleJournal(attempts: number, seed = 1): SampleJournal {
  const rnd = seededRandom(seed);
  const prompts: Prompt[] = [0, 1].map((i) => ({
    schema: PROMPT_SCHEMA,
    id: `prompt-${i}`,
    name: i ? 'Extract JSON, "strictly"' : 'Capital city',
    tags: i ? ['json'] : [],
    archived: false,
    system: 'You are terse.\nAnswer in one word.',
    messages: [{ role: 'user', content: 'What is the capital of {{country}}?' }],
    params: { temperature: 0 },
    checks: [{ kind: 'contains', value: '{{answer}}' }],
    createdAt: T0,
    updatedAt: T0 + 5,
  }));
  const versions: PromptVersion[] = [0, 1].map((i) => ({
    schema: PROMPT_VERSION_SCHEMA,
    id: `pv-${i}`,
    promptId: `prompt-${i}`,
    system: 'You are terse.\nAnswer in one word.',
    messages: [{ role: 'user', content: 'What is the capital of {{country}}?' }],
    params: { temperature: 0 },
    createdAt: T0 + 1,
  }));
  const cases: Case[] = Array.from({ length: 7 }, (_, i) => ({
    schema: CASE_SCHEMA,
    id: `case-${i}`,
    promptId: `prompt-${i % 2}`,
    label: i === 0 ? null : `Case ${i}, "quoted"`,
    vars: { country: ['France', 'Côte d’Ivoire', '日本', 'Peru', 'Chad', 'Fiji', 'Oman'][i], answer: 'x' },
    order: i,
  }));
  const runs: Run[] = [0, 1, 2].map((i) => ({
    schema: RUN_SCHEMA,
    id: `run-${i}`,
    ...(i ? { name: `Run ${i}` } : {}),
    promptVersionIds: ['pv-0', 'pv-1'],
    caseIds: cases.map((c) => c.id),
    targets: [{ providerId: 'prov-0', model: 'gpt-test' }],
    repeats: 20,
    concurrency: 4,
    firstTokenTimeoutMs: 30_000,
    totalTimeoutMs: 120_000,
    retry: DEFAULT_RETRY_POLICY,
    status: i === 2 ? 'interrupted' : 'done',
    createdAt: T0,
    endedAt: i === 2 ? null : T0 + 1e6,
  }));
  return {
    providers: [sampleProvider(0), sampleProvider(1)],
    prompts,
    versions,
    cases,
    runs,
    attempts: Array.from({ length: attempts }, (_, i) => sampleAttempt(i, seededRandom(Math.floor(rnd() * 2 ** 31)))),
  };
}
