/**
 * Evaluating checks on an attempt. Every check yields an outcome with a reason;
 * a check that cannot be evaluated (an expression that throws or times out, a
 * schema that does not compile) is a FAILED check whose reason says why — never
 * a silent pass and never a missing grade (issue 5).
 */
import type { Attempt, Grade } from '../domain/schemas';
import type { Check } from './schema';
import { validateJson, type JsonSchema } from './json-schema';
import type { ExprRequest, ExprResult } from './worker-core';
import { handleExprRequest } from './worker-core';

/** What a check reads of an attempt. A full Attempt is assignable to it. */
export type CheckSubject = Pick<Attempt, 'id' | 'status' | 'output' | 'latencyMs' | 'ttftMs' | 'costUsd' | 'finishReason' | 'model' | 'servedModel' | 'usage'> & {
  /** The case's variables, when known (`vars` in expressions). */
  vars?: Record<string, string>;
};

export interface CheckOutcome {
  checkId: string;
  name: string;
  pass: boolean;
  reason: string;
}

/** Runs one JS expression with a time limit; resolves (never rejects) with the worker's answer. */
export interface JsRunner {
  run(expression: string, scope: Record<string, unknown>, timeoutMs: number): Promise<ExprResult>;
}

/** Checks grade answers: only `ok` attempts (a failed attempt's verdict is already fail). */
export function checksApply(a: Pick<Attempt, 'status'>): boolean {
  return a.status === 'ok';
}

const words = (s: string) => (s.trim() ? s.trim().split(/\s+/u).length : 0);
const lines = (s: string) => (s === '' ? 0 : s.split(/\r\n|\r|\n/).length);
const quote = (s: string) => `“${s.length > 60 ? `${s.slice(0, 60)}…` : s}”`;

/** The checks that need no worker. Returns null for `js`. */
export function evaluateSync(check: Check, a: CheckSubject): CheckOutcome | null {
  const out = (pass: boolean, reason: string): CheckOutcome => ({ checkId: check.id, name: check.name, pass, reason });
  const text = a.output ?? '';
  switch (check.kind) {
    case 'contains':
    case 'not_contains': {
      const found = check.caseSensitive ? text.includes(check.text) : text.toLowerCase().includes(check.text.toLowerCase());
      if (check.kind === 'contains') return out(found, found ? `contains ${quote(check.text)}` : `does not contain ${quote(check.text)}`);
      return out(!found, found ? `contains ${quote(check.text)}` : `does not contain ${quote(check.text)}`);
    }
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(check.pattern, check.flags.replace(/[gy]/g, ''));
      } catch (e) {
        return out(false, `invalid regex: ${(e as Error).message}`);
      }
      const m = re.exec(text);
      return out(m !== null, m ? `matches /${check.pattern}/ at ${m.index}` : `no match for /${check.pattern}/`);
    }
    case 'json_valid':
    case 'json_schema': {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (e) {
        return out(false, `not valid JSON: ${(e as Error).message}`);
      }
      if (check.kind === 'json_valid') return out(true, 'valid JSON');
      let schema: JsonSchema;
      try {
        schema = JSON.parse(check.schema) as JsonSchema;
      } catch (e) {
        return out(false, `the check's schema is not JSON: ${(e as Error).message}`);
      }
      try {
        const errors = validateJson(schema, data);
        if (errors.length === 0) return out(true, 'matches the schema');
        return out(false, errors.slice(0, 3).map((e) => `${e.path} ${e.message}`).join('; ') + (errors.length > 3 ? ` (+${errors.length - 3} more)` : ''));
      } catch (e) {
        return out(false, `schema could not be applied: ${(e as Error).message}`);
      }
    }
    case 'length': {
      const n = check.unit === 'chars' ? [...text].length : check.unit === 'words' ? words(text) : lines(text);
      const unit = check.unit === 'chars' ? 'characters' : check.unit;
      if (check.min !== null && n < check.min) return out(false, `${n} ${unit} < minimum ${check.min}`);
      if (check.max !== null && n > check.max) return out(false, `${n} ${unit} > maximum ${check.max}`);
      return out(true, `${n} ${unit}`);
    }
    case 'latency': {
      const ms = check.metric === 'ttft' ? a.ttftMs : a.latencyMs;
      const label = check.metric === 'ttft' ? 'TTFT' : 'latency';
      if (ms === null || ms === undefined) return out(false, `no ${label} recorded`);
      return out(ms <= check.maxMs, `${label} ${Math.round(ms)} ms ${ms <= check.maxMs ? '≤' : '>'} ${check.maxMs} ms`);
    }
    case 'cost': {
      if (a.costUsd === null || a.costUsd === undefined) return out(false, 'no cost recorded (the model has no price)');
      return out(a.costUsd <= check.maxUsd, `$${a.costUsd.toFixed(6)} ${a.costUsd <= check.maxUsd ? '≤' : '>'} $${check.maxUsd}`);
    }
    case 'js':
      return null;
  }
}

/** The names an expression can read. Plain data only: it crosses to a worker by structured clone. */
export function expressionScope(a: CheckSubject): Record<string, unknown> {
  return {
    output: a.output ?? '',
    vars: { ...(a.vars ?? {}) },
    attempt: {
      model: a.model,
      servedModel: a.servedModel,
      finishReason: a.finishReason,
      latencyMs: a.latencyMs,
      ttftMs: a.ttftMs,
      costUsd: a.costUsd,
      usage: a.usage ? { ...a.usage } : null,
    },
  };
}

/** Evaluates every enabled check on one attempt, in order. */
export async function runChecks(checks: readonly Check[], a: CheckSubject, js: JsRunner): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    if (!check.enabled) continue;
    const sync = evaluateSync(check, a);
    if (sync) {
      outcomes.push(sync);
      continue;
    }
    if (check.kind !== 'js') continue;
    const r = await js.run(check.expression, expressionScope(a), check.timeoutMs);
    if (r.ok) outcomes.push({ checkId: check.id, name: check.name, pass: r.pass, reason: `returned ${r.value}` });
    else outcomes.push({ checkId: check.id, name: check.name, pass: false, reason: r.timedOut ? `timed out after ${check.timeoutMs} ms` : `threw ${r.error}` });
  }
  return outcomes;
}

/** Grade records for outcomes (new records; the caller appends them, keeping older grades). */
export function outcomesToGrades(outcomes: readonly CheckOutcome[], at: number, newId: () => string): Grade[] {
  return outcomes.map((o) => ({ id: newId(), source: 'check', name: o.name, pass: o.pass, score: o.pass ? 1 : 0, note: o.reason, at }));
}

/**
 * Runs expressions in this thread: for Node (the CLI, tests). It has the step
 * budget but no wall-clock limit — the app uses the worker runner (runner.ts).
 */
export const inThreadJsRunner: JsRunner = {
  run: async (expression, scope) => {
    const r = handleExprRequest({ id: 0, expression, scope } satisfies ExprRequest);
    return r.ok ? { ok: true, pass: r.pass, value: r.value } : { ok: false, error: r.error };
  },
};
