/**
 * Automatic checks (issue 5, "Automatic checks"): named, per prompt, stored in
 * `Prompt.checks` (typed `unknown[]` in the domain schema; these zod schemas
 * give it its shape). Each check turns one finished attempt into one grade with
 * `source: 'check'` and the check's name.
 */
import { z } from 'zod';
import { checkSchema } from './json-schema';
import { parseExpr } from './expr';

export const CHECK_KINDS = ['contains', 'not_contains', 'regex', 'json_valid', 'json_schema', 'js', 'length', 'latency', 'cost'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const CHECK_KIND_LABELS: Record<CheckKind, string> = {
  contains: 'Contains',
  not_contains: 'Does not contain',
  regex: 'Matches regex',
  json_valid: 'Is valid JSON',
  json_schema: 'Matches JSON Schema',
  js: 'JavaScript expression',
  length: 'Length bounds',
  latency: 'Latency bound',
  cost: 'Cost bound',
};

const base = {
  id: z.string().min(1),
  name: z.string().trim().min(1, 'A check needs a name'),
  enabled: z.boolean().default(true),
};

/** Limits on a JS expression's time in its worker. */
export const JS_TIMEOUT_MIN_MS = 10;
export const JS_TIMEOUT_MAX_MS = 10_000;
export const JS_TIMEOUT_DEFAULT_MS = 1_000;

const nullableCount = z.number().int().nonnegative().nullable().default(null);

export const Check = z
  .discriminatedUnion('kind', [
    z.object({ ...base, kind: z.literal('contains'), text: z.string().min(1, 'Text to look for'), caseSensitive: z.boolean().default(false) }),
    z.object({ ...base, kind: z.literal('not_contains'), text: z.string().min(1, 'Text to look for'), caseSensitive: z.boolean().default(false) }),
    z.object({ ...base, kind: z.literal('regex'), pattern: z.string().min(1, 'A pattern'), flags: z.string().regex(/^[imsuy]*$/, 'Flags: i, m, s, u, y').default('') }),
    z.object({ ...base, kind: z.literal('json_valid') }),
    /** The schema as JSON text, so the editor keeps the user's formatting. */
    z.object({ ...base, kind: z.literal('json_schema'), schema: z.string().min(1, 'A JSON Schema') }),
    z.object({
      ...base,
      kind: z.literal('js'),
      expression: z.string().min(1, 'An expression'),
      timeoutMs: z.number().int().min(JS_TIMEOUT_MIN_MS).max(JS_TIMEOUT_MAX_MS).default(JS_TIMEOUT_DEFAULT_MS),
    }),
    z.object({ ...base, kind: z.literal('length'), unit: z.enum(['chars', 'words', 'lines']).default('chars'), min: nullableCount, max: nullableCount }),
    z.object({ ...base, kind: z.literal('latency'), metric: z.enum(['latency', 'ttft']).default('latency'), maxMs: z.number().positive() }),
    z.object({ ...base, kind: z.literal('cost'), maxUsd: z.number().nonnegative() }),
  ])
  .superRefine((c, ctx) => {
    if (c.kind === 'regex') {
      try {
        new RegExp(c.pattern, c.flags);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: `Invalid regex: ${(e as Error).message}` });
      }
    }
    if (c.kind === 'json_schema') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(c.schema);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['schema'], message: `The schema is not JSON: ${(e as Error).message}` });
        return;
      }
      for (const p of checkSchema(parsed)) ctx.addIssue({ code: 'custom', path: ['schema'], message: p });
    }
    if (c.kind === 'js') {
      try {
        parseExpr(c.expression);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['expression'], message: (e as Error).message });
      }
    }
    if (c.kind === 'length' && c.min !== null && c.max !== null && c.min > c.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'The maximum is below the minimum' });
    }
    if (c.kind === 'length' && c.min === null && c.max === null) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'Set a minimum, a maximum or both' });
    }
  });
export type Check = z.infer<typeof Check>;
export type CheckInput = z.input<typeof Check>;

/**
 * Reads a prompt's `checks` array: valid checks, and the entries that are not
 * (kept by the caller so an edit in a newer app version is never thrown away).
 */
export function readChecks(raw: readonly unknown[]): { checks: Check[]; invalid: { index: number; error: string }[] } {
  const checks: Check[] = [];
  const invalid: { index: number; error: string }[] = [];
  raw.forEach((item, index) => {
    const r = Check.safeParse(item);
    if (r.success) checks.push(r.data);
    else invalid.push({ index, error: r.error.issues.map((i) => i.message).join('; ') });
  });
  return { checks, invalid };
}

/** Names must be unique within a prompt: the verdict keeps the latest grade per check name. */
export function duplicateNames(checks: readonly Pick<Check, 'name'>[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const c of checks) {
    const n = c.name.trim();
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return [...dup];
}

/** A new check of a kind with sensible defaults (for the editor's "Add check"). */
export function defaultCheck(kind: CheckKind, id: string, name: string): Check {
  const b = { id, name, enabled: true };
  switch (kind) {
    case 'contains':
    case 'not_contains':
      // Empty on purpose: the editor shows “Text to look for” until the user types it.
      return { ...b, kind, text: '', caseSensitive: false };
    case 'regex':
      return { ...b, kind, pattern: '^.+$', flags: '' };
    case 'json_valid':
      return { ...b, kind };
    case 'json_schema':
      return { ...b, kind, schema: '{\n  "type": "object"\n}' };
    case 'js':
      return { ...b, kind, expression: 'output.trim().length > 0', timeoutMs: JS_TIMEOUT_DEFAULT_MS };
    case 'length':
      return { ...b, kind, unit: 'chars', min: 1, max: null };
    case 'latency':
      return { ...b, kind, metric: 'latency', maxMs: 10_000 };
    case 'cost':
      return { ...b, kind, maxUsd: 0.01 };
  }
}
