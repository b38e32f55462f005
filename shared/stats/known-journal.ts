/**
 * A small journal whose floors are worked out by hand, for the tests that check
 * the same numbers come out of `tenth stats --json` and the Stats view (not
 * exported from index.ts). Every record is a full, schema-valid Attempt.
 *
 * Two prompts × two models, 20 cases × 1 repeat per cell (so deff = 1 and every
 * interval is the plain Wilson interval):
 *
 * | prompt    | model   | outcome                                            | passes | p10 score |
 * | --------- | ------- | -------------------------------------------------- | ------ | --------- |
 * | summarise | model-a | case 1 timed out (score 0); cases 2..20 score 0.5 + 0.025·i, all pass | 19/20 | 0.525 + 0.9·0.025 = 0.5475 |
 * | summarise | model-b | case i scores 0.05·(i−1); passes at ≥ 0.5          | 10/20  | 0.05 + 0.9·0.05 = 0.095 |
 * | extract   | model-a | all score 1                                        | 20/20  | 1 |
 * | extract   | model-b | 4 rate-limited (score 0), 16 score 0.8             | 16/20  | 0 |
 *
 * p10 is numpy's type 7: h = (n − 1)·0.1 = 1.9, x₍₁₎ + 0.9·(x₍₂₎ − x₍₁₎) on the
 * 0-based sorted scores. Wilson 95% lower bounds (z = 1.96): 19/20 → 0.763864,
 * 10/20 → 0.299295, 20/20 → 0.838870, 16/20 → 0.583978.
 *
 * Plus:
 *  - `model-c` on extract: 3 passing attempts — too few for a confident figure;
 *  - `model-d` on summarise, 100 attempts (20 cases × 5 repeats) in time order:
 *    the first 50 served as `model-d-2024-01` and all pass, the last 50 served
 *    as `model-d-2024-06` and only 1 in 5 passes. That is an injected drift: a
 *    served-model change halfway and a worse floor in the latest window of 50.
 */
import type { Attempt } from '../domain/schemas';

export const KNOWN_T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const KNOWN_PROVIDER = 'prov-known';

export interface KnownCell {
  prompt: string;
  model: string;
  passes: number;
  n: number;
  passFloor: number;
  scoreFloor: number;
}

export const KNOWN_CELLS: readonly KnownCell[] = [
  { prompt: 'summarise', model: 'model-a', passes: 19, n: 20, passFloor: 0.7638641064874331, scoreFloor: 0.5475 },
  { prompt: 'summarise', model: 'model-b', passes: 10, n: 20, passFloor: 0.2992949144298199, scoreFloor: 0.095 },
  { prompt: 'extract', model: 'model-a', passes: 20, n: 20, passFloor: 0.8388698745050667, scoreFloor: 1 },
  { prompt: 'extract', model: 'model-b', passes: 16, n: 20, passFloor: 0.5839782779742401, scoreFloor: 0 },
];

export const KNOWN_FEW = { prompt: 'extract', model: 'model-c', n: 3 } as const;
export const KNOWN_DRIFT = { prompt: 'summarise', model: 'model-d', before: 'model-d-2024-01', after: 'model-d-2024-06' } as const;

const VERSION: Record<string, string> = { summarise: 'v-summarise-1', extract: 'v-extract-1' };

interface Spec {
  prompt: string;
  model: string;
  caseNo: number;
  repeat: number;
  /** null: the attempt failed with `failClass`. */
  score: number | null;
  failClass?: 'timeout' | 'rate_limited';
  servedModel?: string;
}

function record(i: number, s: Spec): Attempt {
  const queuedAt = KNOWN_T0 + i * 60_000;
  const startedAt = queuedAt + 5;
  const failed = s.score === null;
  const latencyMs = 800 + (i % 20) * 50;
  const ttftMs = 200 + (i % 10) * 10;
  const outputTokens = failed ? 0 : 100 + (i % 7);
  const endedAt = startedAt + latencyMs;
  const firstTokenAt = failed ? null : startedAt + ttftMs;
  const pass = s.score !== null && s.score >= 0.5;
  return {
    schema: 'tenth.attempt/1',
    id: `known-${String(i).padStart(4, '0')}`,
    runId: 'run-known',
    promptId: s.prompt,
    promptVersion: VERSION[s.prompt],
    caseId: `${s.prompt}:c${String(s.caseNo).padStart(2, '0')}`,
    repeatIndex: s.repeat,
    retryOf: null,
    judgeOf: null,
    providerKind: 'openai-compatible',
    providerId: KNOWN_PROVIDER,
    model: s.model,
    servedModel: failed ? null : (s.servedModel ?? s.model),
    systemFingerprint: null,
    params: {},
    status: failed ? 'failed' : 'ok',
    failure: failed
      ? {
          class: s.failClass ?? 'timeout',
          message: s.failClass === 'rate_limited' ? 'HTTP 429' : 'no first token within 30 s',
          httpStatus: s.failClass === 'rate_limited' ? 429 : null,
          retryAfterMs: null,
        }
      : null,
    finishReason: failed ? null : 'stop',
    output: failed ? '' : `${s.model} on ${s.prompt} case ${s.caseNo} repeat ${s.repeat}: answer scoring ${s.score}`,
    outputTruncatedAt: null,
    request: null,
    responseMeta: null,
    queuedAt,
    startedAt,
    firstTokenAt,
    endedAt,
    ttftMs: failed ? null : ttftMs,
    latencyMs: failed ? null : latencyMs,
    tokensPerSec: failed ? null : outputTokens / ((latencyMs - ttftMs) / 1000),
    usage: failed ? null : { inputTokens: 50, outputTokens, reasoningTokens: null, cachedInputTokens: null },
    price: null,
    costUsd: failed ? 0 : 0.001,
    grades: failed ? [] : [{ source: 'check', name: 'rubric', pass, score: s.score, at: endedAt }],
    tags: ['known'],
  };
}

/** The attempts of the known journal, in time order. */
export function knownJournal(): Attempt[] {
  const specs: Spec[] = [];
  for (let c = 1; c <= 20; c++) {
    specs.push({ prompt: 'summarise', model: 'model-a', caseNo: c, repeat: 0, score: c === 1 ? null : 0.5 + 0.025 * (c - 1), failClass: 'timeout' });
    specs.push({ prompt: 'summarise', model: 'model-b', caseNo: c, repeat: 0, score: 0.05 * (c - 1) });
    specs.push({ prompt: 'extract', model: 'model-a', caseNo: c, repeat: 0, score: 1 });
    specs.push({ prompt: 'extract', model: 'model-b', caseNo: c, repeat: 0, score: c <= 4 ? null : 0.8, failClass: 'rate_limited' });
  }
  for (let c = 1; c <= 3; c++) specs.push({ prompt: 'extract', model: 'model-c', caseNo: c, repeat: 0, score: 0.9 });
  for (let k = 0; k < 100; k++) {
    const late = k >= 50;
    specs.push({
      prompt: 'summarise',
      model: 'model-d',
      caseNo: (k % 20) + 1,
      repeat: Math.floor(k / 20),
      score: late ? (k % 5 === 0 ? 0.9 : 0.2) : 0.9,
      servedModel: late ? KNOWN_DRIFT.after : KNOWN_DRIFT.before,
    });
  }
  return specs.map((s, i) => record(i, s));
}

/**
 * The known journal as `tenth run` writes it: each attempt first as a pending
 * line, later as its final line (the last line for an id wins).
 */
export function knownRunOutput(): string {
  const lines: string[] = [];
  for (const a of knownJournal()) {
    const pending: Attempt = { ...a, status: 'pending', failure: null, output: '', endedAt: null, latencyMs: null, ttftMs: null, tokensPerSec: null, firstTokenAt: null, grades: [], usage: null, costUsd: null, servedModel: null, finishReason: null };
    lines.push(JSON.stringify(pending));
  }
  for (const a of knownJournal()) lines.push(JSON.stringify(a));
  return `${lines.join('\n')}\n`;
}

/**
 * Two models too close to call on 3 cases × 3 repeats of prompt `tone`, with the
 * provider, version, cases and run that produced them — so "Run N more to
 * settle this" has something to plan. The paired comparison says "not
 * distinguishable yet" and asks for 5 more repeats of every case (so 5 × 3 × 2 =
 * 30 attempts). Scores: 0.3 + shift + ((7c + 13r + offset) mod 10) / 25, shift
 * 0.08 for model-x, 0 for model-y; a pass at ≥ 0.5.
 */
export function unsettledJournal() {
  const provider = {
    id: 'prov-local',
    name: 'Local (nothing listening)',
    kind: 'openai-compatible' as const,
    baseUrl: 'http://127.0.0.1:9/v1',
    headers: {},
    concurrency: 2,
    rpm: null,
    models: [{ id: 'model-x' }, { id: 'model-y' }],
  };
  const version = { schema: 'tenth.promptVersion/1' as const, id: 'v-tone-1', promptId: 'tone', system: '', messages: [{ role: 'user' as const, content: 'Rewrite politely: {{text}}' }], params: {}, createdAt: KNOWN_T0 };
  const cases = [0, 1, 2].map((c) => ({ schema: 'tenth.case/1' as const, id: `tone:c${c}`, promptId: 'tone', label: null, vars: { text: `message ${c}` }, order: c }));
  const run = {
    schema: 'tenth.run/1' as const,
    id: 'run-tone',
    name: 'Tone',
    promptVersionIds: [version.id],
    caseIds: cases.map((c) => c.id),
    targets: provider.models.map((m) => ({ providerId: provider.id, model: m.id })),
    repeats: 3,
    concurrency: 2,
    firstTokenTimeoutMs: 5000,
    totalTimeoutMs: 10_000,
    retry: { classes: [], maxRetries: 0, baseDelayMs: 0 },
    status: 'done' as const,
    createdAt: KNOWN_T0,
    endedAt: KNOWN_T0 + 1,
  };
  const base = knownJournal()[2];
  const attempts: Attempt[] = [];
  let i = 0;
  for (const model of ['model-x', 'model-y']) {
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 3; r++) {
        const shift = model === 'model-x' ? 0.08 : 0;
        const score = Math.min(1, Math.max(0, 0.3 + shift + ((c * 7 + r * 13 + (model === 'model-x' ? 3 : 0)) % 10) / 25));
        const queuedAt = KNOWN_T0 + (1000 + i) * 60_000;
        attempts.push({
          ...base,
          id: `tone-${String(i++).padStart(3, '0')}`,
          runId: run.id,
          promptId: 'tone',
          promptVersion: version.id,
          caseId: cases[c].id,
          repeatIndex: r,
          providerId: provider.id,
          model,
          servedModel: model,
          queuedAt,
          startedAt: queuedAt + 5,
          firstTokenAt: queuedAt + 205,
          endedAt: queuedAt + 905,
          output: `${model}: polite rewrite of message ${c} (repeat ${r})`,
          grades: [{ source: 'check', name: 'tone', pass: score >= 0.5, score, at: queuedAt + 905 }],
          tags: ['tone'],
        });
      }
    }
  }
  return { provider, version, cases, run, attempts, moreRepeatsPerCase: 5 };
}
