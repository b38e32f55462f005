/**
 * The `tenth run` suite file: YAML or JSON (YAML is a superset of JSON, so one
 * parser reads both and gives source positions for either). See
 * examples/README.md for the format.
 *
 * Errors name the file, line, column and field (`suite.yaml:12:7:
 * prompts[0].params.temperature: …`): zod checks the shape, and each issue's
 * path is looked up in the YAML document's node ranges to find its line.
 *
 * Keys are never read from the file. A provider names the environment variable
 * that holds its key (`keyEnv`, default OPENAI_API_KEY etc. by kind); a `key`
 * field is refused with a message saying so.
 */
import { createHash } from 'node:crypto';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import {
  DEFAULT_RETRY_POLICY,
  FailureClass,
  Params,
  ProviderKind,
  type Case,
  type Message,
  type Prompt,
  type PromptVersion,
  type Provider,
  type RetryPolicy,
  type RunTarget,
} from '../../shared/domain/schemas';
import { templateVariables } from '../../shared/engine/template';
import { isSensitiveName } from '../../shared/journal/writer';
import { promptVersionId } from '../../shared/engine/version-id';

export const DEFAULT_BASE_URLS: Record<ProviderKind, string | null> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  openrouter: 'https://openrouter.ai/api/v1',
  ollama: 'http://127.0.0.1:11434',
  // Any server speaking the OpenAI wire: there is no sensible default.
  'openai-compatible': null,
};

/** Where a key comes from by default; null: the kind works without a key (local servers). */
export const DEFAULT_KEY_ENV: Record<ProviderKind, string | null> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  ollama: null,
  'openai-compatible': null,
};

export const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 60_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 300_000;

export interface SuiteIssue {
  file: string;
  line: number | null;
  col: number | null;
  /** Dotted path of the field (`prompts[0].cases[1].country`), or '' for the whole file. */
  field: string;
  message: string;
}

export function formatIssue(i: SuiteIssue): string {
  const where = i.line === null ? i.file : `${i.file}:${i.line}:${i.col ?? 1}`;
  return `${where}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
}

export interface Suite {
  file: string;
  name: string | null;
  providers: Provider[];
  /** Environment variable holding each provider's key (by provider id); null when it needs none. */
  keyEnv: Record<string, string | null>;
  prompts: Prompt[];
  versions: PromptVersion[];
  cases: Case[];
  targets: RunTarget[];
  repeats: number;
  concurrency: number;
  firstTokenTimeoutMs: number;
  totalTimeoutMs: number;
  retry: RetryPolicy;
}

export type SuiteResult = { ok: true; suite: Suite; warnings: SuiteIssue[] } | { ok: false; issues: SuiteIssue[]; warnings: SuiteIssue[] };

// ---------------------------------------------------------------------------
// Shape

/** Case values and message text may be written as numbers or booleans in YAML; they are sent as text. */
const Text = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as OPENAI_API_KEY');
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'expected an id of letters, digits, _ . : or -');

const ProviderEntry = z.strictObject({
  kind: ProviderKind,
  name: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  keyEnv: EnvName.optional(),
  headers: z.record(z.string(), Text).optional(),
  concurrency: z.number().int().positive().optional(),
  rpm: z.number().int().positive().optional(),
});

const ModelEntry = z.strictObject({
  provider: z.string().min(1),
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  /** USD per 1M tokens. */
  price: z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }).optional(),
  contextWindow: z.number().int().positive().optional(),
});

const MessageEntry = z.strictObject({ role: z.enum(['user', 'assistant']), content: Text });

const PromptEntry = z.strictObject({
  id: Id,
  name: z.string().min(1).optional(),
  system: Text.optional(),
  /** Shorthand for `messages: [{role: user, content: …}]`. */
  user: Text.optional(),
  messages: z.array(MessageEntry).min(1).optional(),
  params: Params.optional(),
  cases: z.array(z.record(z.string(), z.unknown())).optional(),
});

const StructuredCase = z.strictObject({
  id: Id.optional(),
  label: z.string().optional(),
  vars: z.record(z.string(), Text),
});
const PlainCase = z.record(z.string(), Text);

const SuiteShape = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  providers: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a provider name of letters, digits, _ . or -'), ProviderEntry),
  models: z.array(ModelEntry).min(1),
  prompts: z.array(PromptEntry).min(1),
  repeat: z.number().int().positive().default(1),
  concurrency: z.number().int().positive().default(4),
  timeouts: z
    .strictObject({ firstTokenMs: z.number().int().positive().optional(), totalMs: z.number().int().positive().optional() })
    .optional(),
  retry: z
    .strictObject({
      on: z.array(FailureClass).optional(),
      max: z.number().int().min(0).max(10).optional(),
      baseDelayMs: z.number().int().nonnegative().optional(),
    })
    .optional(),
});

const KEY_FIELDS = ['key', 'apiKey', 'api_key', 'apikey', 'token', 'secret'];

// ---------------------------------------------------------------------------
// Locations

type Path = (string | number)[];

function fieldOf(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s;
}

class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
    private readonly file: string,
  ) {}

  /** The deepest node on `path` that exists (a missing field points at its parent). */
  issue(path: readonly PropertyKey[], message: string, preferKey = false): SuiteIssue {
    const p = path.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number');
    for (let n = p.length; n >= 0; n--) {
      const pos = this.position(p.slice(0, n), preferKey && n === p.length);
      if (pos) return { file: this.file, ...pos, field: fieldOf(path), message };
    }
    return { file: this.file, line: null, col: null, field: fieldOf(path), message };
  }

  private position(path: Path, atKey: boolean): { line: number; col: number } | null {
    let node: unknown;
    if (atKey && path.length > 0) {
      // Point at the key itself (for a field that should not be there).
      const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((it) => {
          const k = it.key as { value?: unknown } | null;
          return k !== null && typeof k === 'object' && k.value === path[path.length - 1];
        });
        node = pair?.key;
      }
    }
    if (!node) node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (!range) return null;
    return this.lc.linePos(range[0]);
  }
}

// ---------------------------------------------------------------------------
// Parsing

export interface ParseSuiteOptions {
  /** Where keys are looked up (only to check they are set; keys are never copied into the suite). */
  env?: Record<string, string | undefined>;
  /** CLI overrides. */
  repeat?: number;
  concurrency?: number;
}

export async function parseSuite(text: string, file: string, opts: ParseSuiteOptions = {}): Promise<SuiteResult> {
  const env = opts.env ?? {};
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const warnings: SuiteIssue[] = [];
  if (doc.errors.length > 0) {
    return {
      ok: false,
      warnings,
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? (e.pos ? lc.linePos(e.pos[0]) : null);
        return { file, line: pos?.line ?? null, col: pos?.col ?? null, field: '', message: e.message.split('\n')[0] };
      }),
    };
  }
  const loc = new Locator(doc, lc, file);
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, warnings, issues: [loc.issue([], 'expected a mapping with providers, models and prompts')] };
  }

  const issues: SuiteIssue[] = [];
  // A key in the file is refused outright, with the way to do it instead.
  const rawProviders = (raw as Record<string, unknown>).providers;
  if (rawProviders && typeof rawProviders === 'object' && !Array.isArray(rawProviders)) {
    for (const [name, p] of Object.entries(rawProviders as Record<string, unknown>)) {
      if (!p || typeof p !== 'object') continue;
      for (const k of Object.keys(p)) {
        if (KEY_FIELDS.includes(k)) {
          issues.push(
            loc.issue(
              ['providers', name, k],
              `keys are never read from a suite file; put the key in an environment variable and name it with keyEnv (e.g. keyEnv: ${DEFAULT_KEY_ENV[(p as { kind?: ProviderKind }).kind ?? 'openai'] ?? 'MY_API_KEY'})`,
              true,
            ),
          );
          delete (p as Record<string, unknown>)[k];
        }
      }
      // A credential header is a key by another name.
      const headers = (p as { headers?: unknown }).headers;
      if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
        for (const h of Object.keys(headers)) {
          if (isSensitiveName(h)) {
            issues.push(
              loc.issue(
                ['providers', name, 'headers', h],
                'credentials are never read from a suite file; the key goes in the environment variable named by keyEnv and is sent in the right header for the kind',
                true,
              ),
            );
            delete (headers as Record<string, unknown>)[h];
          }
        }
      }
    }
  }

  const parsed = SuiteShape.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      if (i.code === 'unrecognized_keys') {
        for (const k of i.keys) issues.push(loc.issue([...i.path, k], `unknown field "${k}"`, true));
      } else {
        issues.push(loc.issue(i.path, i.message));
      }
    }
    return { ok: false, issues, warnings };
  }
  if (issues.length > 0) return { ok: false, issues, warnings };
  const s = parsed.data;

  // Providers.
  const providers = new Map<string, Provider>();
  const keyEnv: Record<string, string | null> = {};
  for (const [id, p] of Object.entries(s.providers)) {
    const baseUrl = p.baseUrl ?? DEFAULT_BASE_URLS[p.kind];
    if (!baseUrl) {
      issues.push(loc.issue(['providers', id, 'baseUrl'], `a provider of kind ${p.kind} needs a baseUrl`));
      continue;
    }
    const envName = p.keyEnv ?? DEFAULT_KEY_ENV[p.kind];
    keyEnv[id] = envName;
    if (envName && !env[envName]) {
      const needs = DEFAULT_KEY_ENV[p.kind] !== null;
      const msg = `environment variable ${envName} is not set (the key for provider ${id} is read from it)`;
      if (needs) issues.push(loc.issue(['providers', id, p.keyEnv ? 'keyEnv' : 'kind'], msg));
      else warnings.push(loc.issue(['providers', id, 'keyEnv'], `${msg}; requests go without a key`));
    }
    providers.set(id, {
      id,
      name: p.name ?? id,
      kind: p.kind,
      baseUrl,
      headers: p.headers ?? {},
      concurrency: p.concurrency ?? 4,
      rpm: p.rpm ?? null,
      models: [],
    });
  }

  // Models.
  const targets: RunTarget[] = [];
  s.models.forEach((m, i) => {
    const provider = providers.get(m.provider);
    if (!provider) {
      if (!(m.provider in s.providers)) {
        const known = Object.keys(s.providers);
        issues.push(loc.issue(['models', i, 'provider'], `no provider named "${m.provider}"${known.length ? ` (known: ${known.join(', ')})` : ''}`));
      }
      return;
    }
    if (provider.models.some((x) => x.id === m.id)) {
      issues.push(loc.issue(['models', i, 'id'], `model ${m.id} is listed twice for provider ${m.provider}`));
      return;
    }
    provider.models.push({
      id: m.id,
      displayName: m.name,
      price: m.price ? { inputPerM: m.price.input, outputPerM: m.price.output } : null,
      contextWindow: m.contextWindow ?? null,
    });
    targets.push({ providerId: provider.id, model: m.id });
    if (!m.price) warnings.push(loc.issue(['models', i], `model ${m.id} has no price; its cost is not counted`));
  });

  // Prompts, versions and cases.
  const now = Date.now();
  const prompts: Prompt[] = [];
  const versions: PromptVersion[] = [];
  const cases: Case[] = [];
  const promptIds = new Set<string>();
  for (let i = 0; i < s.prompts.length; i++) {
    const p = s.prompts[i];
    if (promptIds.has(p.id)) {
      issues.push(loc.issue(['prompts', i, 'id'], `prompt id ${p.id} is used twice`));
      continue;
    }
    promptIds.add(p.id);
    if (p.user !== undefined && p.messages !== undefined) {
      issues.push(loc.issue(['prompts', i, 'user'], 'give either user (one user message) or messages, not both'));
      continue;
    }
    const messages: Message[] = p.messages ?? (p.user !== undefined ? [{ role: 'user', content: p.user }] : []);
    if (messages.length === 0) {
      issues.push(loc.issue(['prompts', i], 'a prompt needs user: or messages:'));
      continue;
    }
    const system = p.system ?? '';
    const params = p.params ?? {};
    prompts.push({
      schema: 'tenth.prompt/1',
      id: p.id,
      name: p.name ?? p.id,
      tags: [],
      archived: false,
      system,
      messages,
      params,
      checks: [],
      createdAt: now,
      updatedAt: now,
    });
    versions.push({
      schema: 'tenth.promptVersion/1',
      id: await promptVersionId({ promptId: p.id, system, messages, params }),
      promptId: p.id,
      system,
      messages,
      params,
      createdAt: now,
    });

    const used = templateVariables([system, ...messages.map((m) => m.content)].join('\n'));
    const caseIds = new Set<string>();
    (p.cases ?? []).forEach((c, j) => {
      const path = ['prompts', i, 'cases', j];
      const structured = Object.prototype.hasOwnProperty.call(c, 'vars');
      const r = structured ? StructuredCase.safeParse(c) : PlainCase.safeParse(c);
      if (!r.success) {
        for (const e of r.error.issues) {
          if (e.code === 'unrecognized_keys') for (const k of e.keys) issues.push(loc.issue([...path, ...e.path, k], `unknown field "${k}"`, true));
          else issues.push(loc.issue([...path, ...e.path], e.message));
        }
        return;
      }
      const vars = structured ? (r.data as z.infer<typeof StructuredCase>).vars : (r.data as Record<string, string>);
      const label = structured ? ((r.data as z.infer<typeof StructuredCase>).label ?? null) : null;
      // A case's id is stable across runs (so repeats and later runs pair up by case): the given
      // id, else a hash of its values.
      const given = structured ? (r.data as z.infer<typeof StructuredCase>).id : undefined;
      const id = `${p.id}:${given ?? `c_${createHash('sha256').update(canonicalVars(vars)).digest('hex').slice(0, 12)}`}`;
      if (caseIds.has(id)) {
        issues.push(loc.issue(path, given ? `case id ${given} is used twice` : 'this case repeats an earlier one with the same values (give it an id: and vars: to keep both)'));
        return;
      }
      caseIds.add(id);
      cases.push({ schema: 'tenth.case/1', id, promptId: p.id, label, vars, order: j });
      const missing = used.filter((v) => !Object.prototype.hasOwnProperty.call(vars, v));
      if (missing.length > 0) {
        warnings.push(loc.issue(path, `no value for ${missing.map((v) => `{{${v}}}`).join(', ')}; sent as written`));
      }
    });
    if ((p.cases ?? []).length === 0 && used.length > 0) {
      warnings.push(loc.issue(['prompts', i], `uses ${used.map((v) => `{{${v}}}`).join(', ')} but has no cases; sent as written`));
    }
  }

  if (issues.length > 0) return { ok: false, issues, warnings };

  const retry: RetryPolicy = {
    classes: s.retry?.on ?? DEFAULT_RETRY_POLICY.classes,
    maxRetries: s.retry?.max ?? DEFAULT_RETRY_POLICY.maxRetries,
    baseDelayMs: s.retry?.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
  };
  return {
    ok: true,
    warnings,
    suite: {
      file,
      name: s.name ?? null,
      providers: [...providers.values()],
      keyEnv,
      prompts,
      versions,
      cases,
      targets,
      repeats: opts.repeat ?? s.repeat,
      concurrency: opts.concurrency ?? s.concurrency,
      firstTokenTimeoutMs: s.timeouts?.firstTokenMs ?? DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
      totalTimeoutMs: s.timeouts?.totalMs ?? DEFAULT_TOTAL_TIMEOUT_MS,
      retry,
    },
  };
}

function canonicalVars(vars: Record<string, string>): string {
  return JSON.stringify(Object.keys(vars).sort().map((k) => [k, vars[k]]));
}
