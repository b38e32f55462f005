export { renderTemplate, templateVariables, type Rendered } from './template';
export { expandRun, implicitCaseId, type PlannedAttempt, type PlanProblem, type RunPlan } from './plan';
export {
  costUsd,
  tokensPerSec,
  estimateTokens,
  estimateCost,
  DEFAULT_ESTIMATED_OUTPUT_TOKENS,
  type CostEstimate,
} from './cost';
export {
  createRunEngine,
  monotonicClock,
  type EngineClock,
  type JournalSink,
  type ModelCaller,
  type RunEngine,
  type RunEngineOptions,
  type RunEvent,
  type RunHandle,
  type RunProgress,
  type RunStatus,
  type RunSummary,
} from './engine';
export { recoverInterrupted } from './recover';
export { callerFromStream, type StreamingCall } from './caller';
export { canonicalJson, promptVersionId, sha256Hex } from './version-id';
