/**
 * The light projection of an attempt that the statistics read (`StatsAttempt`):
 * no output text, request body or headers, so a worker can be posted 100,000 of
 * them and the CLI can hold a large journal in memory.
 */
import type { Attempt } from '../domain/schemas';
import type { StatsAttempt } from './verdict';

/**
 * Returns one shared instance per distinct string. Records read from IndexedDB
 * or JSON each carry their own copy of every prompt id, case id and model name;
 * interning them while projecting makes grouping and per-case tallies hash each
 * distinct value once (engines cache a string's hash on the string), and the
 * copies can be collected.
 */
export function createInterner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const v = seen.get(s);
    if (v !== undefined) return v;
    seen.set(s, s);
    return s;
  };
}

const same = (s: string) => s;
const maybe = (intern: (s: string) => string, s: string | null) => (s === null ? null : intern(s));

/** Projects an attempt; pass `createInterner()` when projecting many to share the repeated strings. */
export function toStatsAttempt(a: Attempt, intern: (s: string) => string = same): StatsAttempt {
  return {
    id: a.id,
    promptId: intern(a.promptId),
    promptVersion: intern(a.promptVersion),
    caseId: intern(a.caseId),
    repeatIndex: a.repeatIndex,
    providerId: intern(a.providerId),
    model: intern(a.model),
    servedModel: maybe(intern, a.servedModel),
    systemFingerprint: maybe(intern, a.systemFingerprint),
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
    grades: a.grades.map((g) => ({ source: g.source, name: intern(g.name), pass: g.pass, score: g.score, at: g.at })),
  };
}
