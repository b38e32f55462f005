/**
 * Runs the `js` checks' expressions (shared/checks/expr.ts, an interpreter: the
 * CSP allows no eval). A worker so a runaway expression can be stopped by
 * terminating it; the expression itself sees only its scope and pure globals.
 */
import { handleExprRequest, WORKER_READY, type ExprRequest } from '../../../shared/checks/worker-core';

self.onmessage = (e: MessageEvent<ExprRequest>) => (self as unknown as Worker).postMessage(handleExprRequest(e.data));
(self as unknown as Worker).postMessage(WORKER_READY);
