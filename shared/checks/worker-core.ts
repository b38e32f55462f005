/**
 * The message protocol of the JS-expression worker and its handler, shared by
 * the renderer's Web Worker (renderer/src/workers/checks.worker.ts) and the Node
 * worker thread the unit tests use, so both run exactly this code.
 */
import { evaluateExpr } from './expr';

export interface ExprRequest {
  id: number;
  expression: string;
  scope: Record<string, unknown>;
}

/** An expression's result: its truthiness and a short text of its value, or why it failed. */
export type ExprResult = { ok: true; pass: boolean; value: string } | { ok: false; error: string; timedOut?: boolean };
export type ExprResponse = ExprResult & { id: number };

/** Short text of a value for the grade's note. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 80)}…` : s;
  } catch {
    return String(v);
  }
}

/**
 * Posted once by a worker when it has loaded: the time limit of the first
 * expression starts from here, so a slow worker start is not billed to it.
 */
export const WORKER_READY: ExprResponse = { id: 0, ok: true, pass: true, value: 'ready' };

export function handleExprRequest(req: ExprRequest): ExprResponse {
  try {
    const value = evaluateExpr(req.expression, req.scope);
    return { id: req.id, ok: true, pass: Boolean(value), value: describeValue(value) };
  } catch (e) {
    const err = e as Error;
    return { id: req.id, ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}` };
  }
}
