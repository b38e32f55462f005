export * from './schema';
export * from './evaluate';
export { workerJsRunner, type WorkerPort, type WorkerJsRunner } from './runner';
export { handleExprRequest, describeValue, WORKER_READY, type ExprRequest, type ExprResponse, type ExprResult } from './worker-core';
export { evaluateExpr, parseExpr, ExprError } from './expr';
export { validateJson, checkSchema, jsonEqual, type JsonSchema, type SchemaError } from './json-schema';
