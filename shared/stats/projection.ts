/**
 * The light projection of an attempt that the statistics read (`StatsAttempt`):
 * no output text, request body or headers, so a worker can be posted 100,000 of
 * them and the CLI can hold a large journal in memory.
 */
import type { Attempt } from '../domain/schemas';
import type { StatsAttempt } from './verdict';

export function toStatsAttempt(a: Attempt): StatsAttempt {
  return {
    id: a.id,
    promptId: a.promptId,
    promptVersion: a.promptVersion,
    caseId: a.caseId,
    repeatIndex: a.repeatIndex,
    providerId: a.providerId,
    model: a.model,
    servedModel: a.servedModel,
    systemFingerprint: a.systemFingerprint,
    status: a.status,
    queuedAt: a.queuedAt,
    startedAt: a.startedAt,
    firstTokenAt: a.firstTokenAt,
    endedAt: a.endedAt,
    ttftMs: a.ttftMs,
    latencyMs: a.latencyMs,
    tokensPerSec: a.tokensPerSec,
    costUsd: a.costUsd,
    retryOf: a.retryOf,
    judgeOf: a.judgeOf ?? null,
    failure: a.failure ? { class: a.failure.class } : null,
    usage: a.usage ? { outputTokens: a.usage.outputTokens } : null,
    grades: a.grades.map((g) => ({ source: g.source, name: g.name, pass: g.pass, score: g.score, at: g.at })),
  };
}
