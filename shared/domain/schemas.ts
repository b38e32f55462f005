/**
 * The product's data contract (../shared/PRODUCT.md): providers, models, prompts,
 * prompt versions, cases, runs, attempts and grades, as zod schemas.
 *
 * Every record that leaves the app (the journal JSONL, the bridge, `tenth run`)
 * is parsed with these. Fields may be added in a backwards-compatible way; a
 * breaking change bumps the schema name's version (`tenth.attempt/2`).
 */
import { z } from 'zod';

export const PROVIDER_KINDS = [
  'openai',
  'anthropic',
  'gemini',
  'openrouter',
  'ollama',
  'openai-compatible',
] as const;
export const ProviderKind = z.enum(PROVIDER_KINDS);
export type ProviderKind = z.infer<typeof ProviderKind>;

export const ATTEMPT_STATUSES = ['pending', 'ok', 'failed', 'cancelled', 'interrupted'] as const;
export const AttemptStatus = z.enum(ATTEMPT_STATUSES);
export type AttemptStatus = z.infer<typeof AttemptStatus>;

/** The twelve failure classes of PRODUCT.md, in the order the product lists them. */
export const FAILURE_CLASSES = [
  'network',
  'timeout',
  'auth',
  'bad_request',
  'rate_limited',
  'overloaded',
  'server_error',
  'malformed',
  'content_filter',
  'refusal',
  'truncated',
  'empty',
] as const;
export const FailureClass = z.enum(FAILURE_CLASSES);
export type FailureClass = z.infer<typeof FailureClass>;

export const Failure = z.object({
  class: FailureClass,
  message: z.string(),
  httpStatus: z.number().int().nullable(),
  retryAfterMs: z.number().nonnegative().nullable(),
  /** The provider's error body (or in-stream error event), capped; never holds a key. */
  body: z.string().nullable().optional(),
});
export type Failure = z.infer<typeof Failure>;

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative().nullable(),
  outputTokens: z.number().int().nonnegative().nullable(),
  reasoningTokens: z.number().int().nonnegative().nullable(),
  cachedInputTokens: z.number().int().nonnegative().nullable(),
});
export type Usage = z.infer<typeof Usage>;

/** USD per 1M tokens, copied into each attempt at the time it ran. */
export const Price = z.object({
  inputPerM: z.number().nonnegative(),
  outputPerM: z.number().nonnegative(),
});
export type Price = z.infer<typeof Price>;

export const GradeSource = z.enum(['human', 'check', 'judge']);
export type GradeSource = z.infer<typeof GradeSource>;

export const Grade = z.object({
  id: z.string().optional(),
  source: GradeSource,
  name: z.string(),
  pass: z.boolean().nullable(),
  score: z.number().min(0).max(1).nullable(),
  note: z.string().nullable().optional(),
  at: z.number(),
  /** Made in blind review (model hidden). */
  blind: z.boolean().optional(),
  /** For judge grades: the judge attempt(s) this grade came from. */
  judgeAttemptIds: z.array(z.string()).optional(),
});
export type Grade = z.infer<typeof Grade>;

export const Message = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
});
export type Message = z.infer<typeof Message>;

export const Params = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
    stop: z.array(z.string()).optional(),
    responseFormat: z.enum(['text', 'json']).optional(),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const ResponseMeta = z.object({
  status: z.number().int().nullable(),
  headers: z.record(z.string(), z.string()),
});
export type ResponseMeta = z.infer<typeof ResponseMeta>;

export const ATTEMPT_SCHEMA = 'tenth.attempt/1';

export const Attempt = z.object({
  schema: z.literal(ATTEMPT_SCHEMA),
  // identity
  id: z.string().min(1),
  runId: z.string().min(1),
  promptId: z.string().min(1),
  promptVersion: z.string().min(1),
  caseId: z.string().min(1),
  repeatIndex: z.number().int().nonnegative(),
  retryOf: z.string().nullable(),
  /** Set on judge calls: the attempt this call grades. */
  judgeOf: z.string().nullable().optional(),
  // target
  providerKind: ProviderKind,
  providerId: z.string(),
  model: z.string(),
  servedModel: z.string().nullable(),
  systemFingerprint: z.string().nullable(),
  params: Params,
  // outcome
  status: AttemptStatus,
  failure: Failure.nullable(),
  finishReason: z.string().nullable(),
  output: z.string(),
  outputTruncatedAt: z.number().int().nonnegative().nullable(),
  request: z.unknown().nullable(),
  responseMeta: ResponseMeta.nullable(),
  // timing (ms)
  queuedAt: z.number(),
  startedAt: z.number().nullable(),
  firstTokenAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  ttftMs: z.number().nonnegative().nullable(),
  latencyMs: z.number().nonnegative().nullable(),
  tokensPerSec: z.number().nonnegative().nullable(),
  // usage and cost
  usage: Usage.nullable(),
  price: Price.nullable(),
  costUsd: z.number().nonnegative().nullable(),
  // judgement
  grades: z.array(Grade),
  // the process that wrote a pending attempt, so a restart can tell it is gone
  owner: z.string().optional(),
  notes: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
export type Attempt = z.infer<typeof Attempt>;

export const Model = z.object({
  id: z.string().min(1),
  displayName: z.string().optional(),
  price: Price.nullable().optional(),
  contextWindow: z.number().int().positive().nullable().optional(),
});
export type Model = z.infer<typeof Model>;

export const PROVIDER_SCHEMA = 'tenth.provider/1';
/** A provider as stored and exported: never a key (keys live only in main's secret store). */
export const Provider = z.object({
  schema: z.literal(PROVIDER_SCHEMA).optional(),
  id: z.string().min(1),
  name: z.string().min(1),
  kind: ProviderKind,
  baseUrl: z.string().url(),
  headers: z.record(z.string(), z.string()).default({}),
  concurrency: z.number().int().positive().default(4),
  rpm: z.number().int().positive().nullable().default(null),
  models: z.array(Model).default([]),
  createdAt: z.number().optional(),
});
export type Provider = z.infer<typeof Provider>;

export const PROMPT_SCHEMA = 'tenth.prompt/1';
export const Prompt = z.object({
  schema: z.literal(PROMPT_SCHEMA),
  id: z.string().min(1),
  name: z.string().min(1),
  tags: z.array(z.string()).default([]),
  archived: z.boolean().default(false),
  /** The draft being edited; versions are the immutable snapshots. */
  system: z.string().default(''),
  messages: z.array(Message).default([]),
  params: Params.default({}),
  checks: z.array(z.unknown()).default([]),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Prompt = z.infer<typeof Prompt>;

export const PROMPT_VERSION_SCHEMA = 'tenth.promptVersion/1';
export const PromptVersion = z.object({
  schema: z.literal(PROMPT_VERSION_SCHEMA),
  /** Content hash of {system, messages, params}. */
  id: z.string().min(1),
  promptId: z.string().min(1),
  system: z.string(),
  messages: z.array(Message),
  params: Params,
  createdAt: z.number(),
});
export type PromptVersion = z.infer<typeof PromptVersion>;

export const CASE_SCHEMA = 'tenth.case/1';
export const Case = z.object({
  schema: z.literal(CASE_SCHEMA),
  id: z.string().min(1),
  promptId: z.string().min(1),
  label: z.string().nullable().default(null),
  vars: z.record(z.string(), z.string()),
  order: z.number().default(0),
});
export type Case = z.infer<typeof Case>;

export const RetryPolicy = z.object({
  classes: z.array(FailureClass),
  maxRetries: z.number().int().min(0).max(10),
  baseDelayMs: z.number().int().nonnegative(),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  classes: ['rate_limited', 'overloaded', 'network', 'timeout'],
  maxRetries: 2,
  baseDelayMs: 500,
};

export const RUN_SCHEMA = 'tenth.run/1';
export const RunTarget = z.object({ providerId: z.string(), model: z.string() });
export type RunTarget = z.infer<typeof RunTarget>;
export const Run = z.object({
  schema: z.literal(RUN_SCHEMA),
  id: z.string().min(1),
  name: z.string().optional(),
  promptVersionIds: z.array(z.string()),
  caseIds: z.array(z.string()),
  targets: z.array(RunTarget),
  repeats: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  firstTokenTimeoutMs: z.number().int().positive(),
  totalTimeoutMs: z.number().int().positive(),
  retry: RetryPolicy,
  status: z.enum(['running', 'paused', 'done', 'cancelled', 'interrupted']),
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  /** The process (app window or CLI) running it, so a restart can tell it was cut off. */
  owner: z.string().optional(),
  /** Set when this run re-runs attempts of another (e.g. its interrupted ones). */
  rerunOf: z.string().nullable().optional(),
});
export type Run = z.infer<typeof Run>;
