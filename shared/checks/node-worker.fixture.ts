/* eslint-disable no-restricted-imports -- test fixture only: runs the shared expression handler in a Node worker thread, as the renderer runs it in a Web Worker. */
import { parentPort } from 'node:worker_threads';
import { handleExprRequest, WORKER_READY, type ExprRequest } from './worker-core';

parentPort!.on('message', (req: ExprRequest) => parentPort!.postMessage(handleExprRequest(req)));
parentPort!.postMessage(WORKER_READY);
