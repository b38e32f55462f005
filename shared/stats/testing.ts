/**
 * Builders for light attempts in this folder's tests and benchmarks (not
 * exported from index.ts).
 */
import type { StatsAttempt, StatsGrade } from './verdict';

let counter = 0;

export function attempt(over: Partial<StatsAttempt> = {}): StatsAttempt {
  counter++;
  return {
    id: `a${String(counter).padStart(6, '0')}`,
    promptId: 'p1',
    promptVersion: 'v1',
    caseId: 'c1',
    repeatIndex: 0,
    providerId: 'prov',
    model: 'm1',
    servedModel: null,
    systemFingerprint: null,
    status: 'ok',
    queuedAt: counter,
    startedAt: counter,
    firstTokenAt: null,
    endedAt: null,
    ttftMs: null,
    latencyMs: null,
    tokensPerSec: null,
    costUsd: null,
    retryOf: null,
    judgeOf: null,
    failure: null,
    usage: null,
    grades: [],
    ...over,
  };
}

export function check(pass: boolean | null, score: number | null = null, name = 'check', at = 1): StatsGrade {
  return { source: 'check', name, pass, score, at };
}

export function human(pass: boolean | null, score: number | null = null, at = 1, name = 'human'): StatsGrade {
  return { source: 'human', name, pass, score, at };
}

export function judge(pass: boolean | null, score: number | null = null, name = 'judge', at = 1): StatsGrade {
  return { source: 'judge', name, pass, score, at };
}

/** An ok attempt with one check grade of the given pass, or a failed attempt when `pass` is 'failed'. */
export function outcome(caseId: string, pass: boolean | 'failed', over: Partial<StatsAttempt> = {}): StatsAttempt {
  if (pass === 'failed') return attempt({ caseId, status: 'failed', failure: { class: 'server_error' }, ...over });
  return attempt({ caseId, grades: [check(pass)], ...over });
}
