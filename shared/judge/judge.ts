/**
 * Judge models (issue 5, "Judge models"): a rubric, a judge model and k
 * repeats per graded attempt. This module is the pure part: the judge's
 * messages, reading its reply, the grade from k replies (median), the judge's
 * self-agreement across its k calls and its agreement with human grades.
 */
import { z } from 'zod';
import type { Grade, Message } from '../domain/schemas';
import { gradePasses, gradeScore } from '../stats/verdict';

export const JudgeConfig = z.object({
  /** Names the grade (`judge:<name>`), so re-judging replaces the verdict of the same judge. */
  name: z.string().trim().min(1),
  rubric: z.string().trim().min(1, 'A rubric'),
  providerId: z.string().min(1, 'A judge provider'),
  model: z.string().min(1, 'A judge model'),
  k: z.number().int().min(1).max(15).default(3),
  temperature: z.number().min(0).max(2).default(0.7),
});
export type JudgeConfig = z.infer<typeof JudgeConfig>;

export interface JudgeSubject {
  /** What the graded model was asked (system + messages as sent), for context. */
  prompt: string;
  output: string;
}

export const JUDGE_SYSTEM = [
  'You grade one answer of an AI model against a rubric.',
  'Read the rubric, the request and the answer. Reply with ONLY a JSON object, no prose around it:',
  '{"pass": true or false, "score": an integer 1 to 5 (5 = fully meets the rubric), "reason": "one short sentence"}',
].join('\n');

export function judgeMessages(rubric: string, s: JudgeSubject): { system: string; messages: Message[] } {
  const content = [`# Rubric\n${rubric.trim()}`, `# Request\n${s.prompt.trim() || '(empty)'}`, `# Answer\n${s.output}`].join('\n\n');
  return { system: JUDGE_SYSTEM, messages: [{ role: 'user', content }] };
}

export interface JudgeReply {
  pass: boolean;
  /** 0..1, from the judge's 1–5 as (n − 1) / 4 (PRODUCT.md stores scores as 0..1). */
  score: number;
  reason: string;
}

/** A 1–5 score as stored (0..1). */
export const scoreFromFive = (n: number) => (n - 1) / 4;

/**
 * Reads a judge's reply: the first JSON object in the text (judges often wrap it
 * in a code fence or a sentence). Returns an error string when it can't.
 */
export function parseJudgeReply(text: string): JudgeReply | { error: string } {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return { error: 'the judge replied without a JSON object' };
  let v: unknown;
  try {
    v = JSON.parse(text.slice(start, end + 1));
  } catch (e) {
    return { error: `the judge's JSON does not parse: ${(e as Error).message}` };
  }
  const o = v as Record<string, unknown>;
  const raw = typeof o.score === 'string' ? Number(o.score) : o.score;
  const hasScore = typeof raw === 'number' && Number.isFinite(raw) && raw >= 1 && raw <= 5;
  const hasPass = typeof o.pass === 'boolean';
  if (!hasScore && !hasPass) return { error: 'the judge gave neither a pass flag nor a 1–5 score' };
  const score = hasScore ? scoreFromFive(raw as number) : o.pass ? 1 : 0;
  return { pass: hasPass ? (o.pass as boolean) : score >= 0.5, score, reason: typeof o.reason === 'string' ? o.reason.slice(0, 500) : '' };
}

/** Median with linear interpolation between the two middle values for even n. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface JudgeAggregate {
  /** Median of the k scores. */
  score: number;
  /** Majority of the k pass flags; a tie is a fail (a split judge has not shown a pass). */
  pass: boolean;
  /** Calls that gave a usable reply. */
  n: number;
  /** Share of calls agreeing with the majority verdict (1 = unanimous). */
  passAgreement: number;
  /** Highest minus lowest score across the calls (0 = the same score every time). */
  scoreSpread: number;
}

export function aggregateJudge(replies: readonly JudgeReply[]): JudgeAggregate | null {
  if (replies.length === 0) return null;
  const passes = replies.filter((r) => r.pass).length;
  const fails = replies.length - passes;
  const scores = replies.map((r) => r.score);
  return {
    score: median(scores),
    pass: passes > fails,
    n: replies.length,
    passAgreement: Math.max(passes, fails) / replies.length,
    scoreSpread: Math.max(...scores) - Math.min(...scores),
  };
}

/** The grade a judge leaves on the attempt it graded. */
export function judgeGrade(config: Pick<JudgeConfig, 'name' | 'model'>, agg: JudgeAggregate, judgeAttemptIds: string[], at: number, id: string, reasons: string[]): Grade {
  const agreement = `${Math.round(agg.passAgreement * agg.n)}/${agg.n} agree`;
  const why = reasons.find((r) => r) ?? '';
  return {
    id,
    source: 'judge',
    name: config.name,
    pass: agg.pass,
    score: agg.score,
    note: `${config.model}, median of ${agg.n}: ${agreement}, score spread ${agg.scoreSpread.toFixed(2)}${why ? ` — ${why}` : ''}`,
    at,
    judgeAttemptIds,
  };
}

export interface HumanAgreement {
  /** Attempts with both a human grade and a grade of this judge. */
  n: number;
  /** Share where the pass/fail verdicts agree; null when n = 0. */
  agreement: number | null;
  /** Cohen's kappa on pass/fail (chance-corrected); null when undefined (n = 0 or no variation). */
  kappa: number | null;
  /** Mean absolute difference of scores (0..1); null when n = 0. */
  meanAbsScoreDiff: number | null;
}

/**
 * Agreement of a judge with people, over attempts that have both: the latest
 * human grade against the latest grade of the named judge.
 */
export function agreementWithHumans(attempts: readonly { grades: readonly Grade[] }[], judgeName: string): HumanAgreement {
  let n = 0;
  let agree = 0;
  let humanPass = 0;
  let judgePass = 0;
  let absDiff = 0;
  for (const a of attempts) {
    const human = latest(a.grades, (g) => g.source === 'human');
    const judge = latest(a.grades, (g) => g.source === 'judge' && g.name === judgeName);
    if (!human || !judge) continue;
    n++;
    const hp = gradePasses(human);
    const jp = gradePasses(judge);
    if (hp === jp) agree++;
    if (hp) humanPass++;
    if (jp) judgePass++;
    absDiff += Math.abs(gradeScore(human) - gradeScore(judge));
  }
  if (n === 0) return { n, agreement: null, kappa: null, meanAbsScoreDiff: null };
  const po = agree / n;
  const pe = (humanPass / n) * (judgePass / n) + (1 - humanPass / n) * (1 - judgePass / n);
  return { n, agreement: po, kappa: pe === 1 ? null : (po - pe) / (1 - pe), meanAbsScoreDiff: absDiff / n };
}

function latest(grades: readonly Grade[], keep: (g: Grade) => boolean): Grade | null {
  let best: Grade | null = null;
  for (const g of grades) {
    if (!keep(g) || (g.pass === null && g.score === null)) continue;
    if (!best || g.at >= best.at) best = g;
  }
  return best;
}
