/**
 * Runs a judge over attempts through the shared run engine, so every judge
 * call is journaled like any attempt (pending before it leaves, with cost and
 * failures), marked `judgeOf` = the attempt it grades. The judge grade (median
 * of k) is appended to the graded attempt with the ids of its calls.
 */
import { ulid } from 'ulid';
import { api } from '../../bridge';
import { DEFAULT_RETRY_POLICY, type Attempt, type Run } from '../../../../shared/domain/schemas';
import { callerFromStream, createRunEngine, renderTemplate, type PlannedAttempt } from '../../../../shared/engine';
import { aggregateJudge, judgeGrade, judgeMessages, parseJudgeReply, type JudgeConfig, type JudgeReply } from '../../../../shared/judge';
import { getDb } from '../../db/db';
import { getAttempts } from '../../db/journal';
import { dexieSink } from '../../runs/sink';
import { owner, holdOwnerLock } from '../../runs/owner';
import { appendGrades, newGradeId } from '../../db/repo/grades';

const caller = callerFromStream((req, emit, signal) => {
  const handle = api.model.call(req, emit);
  if (signal.aborted) handle.cancel();
  else signal.addEventListener('abort', () => handle.cancel(), { once: true });
  return handle.done;
});

/** The text the graded model was sent, rebuilt from its prompt version and case. */
async function requestText(a: Attempt): Promise<string> {
  const db = getDb();
  const [version, c] = await Promise.all([db.promptVersions.get(a.promptVersion), db.cases.get(a.caseId)]);
  if (!version) return '';
  const vars = c?.vars ?? {};
  const parts = version.system ? [`[system]\n${renderTemplate(version.system, vars).text}`] : [];
  for (const m of version.messages) parts.push(`[${m.role}]\n${renderTemplate(m.content, vars).text}`);
  return parts.join('\n\n');
}

export interface JudgeRunResult {
  runId: string;
  graded: number;
  calls: number;
  /** Graded attempts for which no judge call gave a usable reply. */
  unusable: number;
}

export async function runJudge(config: JudgeConfig, attemptIds: readonly string[], onProgress?: (done: number, total: number) => void): Promise<JudgeRunResult> {
  await holdOwnerLock();
  const db = getDb();
  const provider = await db.providers.get(config.providerId);
  if (!provider) throw new Error('The judge provider is not configured.');
  const price = provider.models.find((m) => m.id === config.model)?.price ?? null;
  const subjects = (await getAttempts(attemptIds)).filter((a) => a.status === 'ok' && !a.judgeOf);

  const planned: PlannedAttempt[] = [];
  const gradedOf: string[] = [];
  for (const a of subjects) {
    const { system, messages } = judgeMessages(config.rubric, { prompt: await requestText(a), output: a.output });
    for (let r = 0; r < config.k; r++) {
      gradedOf.push(a.id);
      planned.push({ index: planned.length, promptId: a.promptId, promptVersion: a.promptVersion, caseId: a.caseId, repeatIndex: r, provider, model: config.model, price, system, messages, params: { temperature: config.temperature } });
    }
  }
  const run: Run = {
    schema: 'tenth.run/1',
    id: ulid(),
    name: `Judge “${config.name}” (${config.model}, k=${config.k})`,
    promptVersionIds: [...new Set(subjects.map((a) => a.promptVersion))],
    caseIds: [],
    targets: [{ providerId: provider.id, model: config.model }],
    repeats: config.k,
    concurrency: Math.max(1, Math.min(provider.concurrency, 8)),
    firstTokenTimeoutMs: 60_000,
    totalTimeoutMs: 180_000,
    retry: DEFAULT_RETRY_POLICY,
    status: 'running',
    createdAt: Date.now(),
    endedAt: null,
    owner,
  };

  // Attempt ids are known from the engine's queued events, which come before each write.
  const judgeOf = new Map<string, string>();
  const base = dexieSink();
  const sink = {
    writePending: (a: Attempt) => base.writePending({ ...a, judgeOf: judgeOf.get(a.id) ?? null }),
    writeFinished: (a: Attempt) => base.writeFinished({ ...a, judgeOf: judgeOf.get(a.id) ?? null }),
    writeRun: base.writeRun,
  };
  const engine = createRunEngine({ caller, sink, owner });
  const handle = engine.start(run, planned);
  const finished = new Map<string, Attempt[]>();
  let calls = 0;
  handle.onEvent((e) => {
    if (e.type === 'attempt:queued') judgeOf.set(e.attemptId, gradedOf[e.planned.index]!);
    if (e.type === 'attempt:finished') {
      calls++;
      const of = judgeOf.get(e.attempt.id)!;
      (finished.get(of) ?? finished.set(of, []).get(of)!).push(e.attempt);
    }
    if (e.type === 'progress') onProgress?.(e.progress.done, e.progress.total);
  });
  await handle.done;

  const at = Date.now();
  const grades = new Map<string, ReturnType<typeof judgeGrade>[]>();
  let unusable = 0;
  for (const a of subjects) {
    const list = finished.get(a.id) ?? [];
    const replies: JudgeReply[] = [];
    const used: string[] = [];
    for (const j of list) {
      if (j.status !== 'ok') continue;
      const r = parseJudgeReply(j.output);
      if ('error' in r) continue;
      replies.push(r);
      used.push(j.id);
    }
    const agg = aggregateJudge(replies);
    if (!agg) {
      unusable++;
      continue;
    }
    grades.set(a.id, [judgeGrade(config, agg, used, at, newGradeId(), replies.map((r) => r.reason))]);
  }
  await appendGrades(grades);
  return { runId: run.id, graded: grades.size, calls, unusable };
}

/** Self-agreement of a judge over the attempts it graded: mean share agreeing with the majority, mean score spread. */
export async function judgeSelfAgreement(graded: readonly Attempt[], judgeName: string): Promise<{ n: number; passAgreement: number | null; scoreSpread: number | null }> {
  const ids = graded.flatMap((a) => {
    const g = [...a.grades].reverse().find((x) => x.source === 'judge' && x.name === judgeName);
    return g?.judgeAttemptIds ? [g.judgeAttemptIds] : [];
  });
  const calls = new Map((await getAttempts(ids.flat())).map((a) => [a.id, a] as const));
  let n = 0;
  let agree = 0;
  let spread = 0;
  for (const group of ids) {
    const replies = group.flatMap((id) => {
      const a = calls.get(id);
      const r = a ? parseJudgeReply(a.output) : null;
      return r && !('error' in r) ? [r] : [];
    });
    const agg = aggregateJudge(replies);
    if (!agg) continue;
    n++;
    agree += agg.passAgreement;
    spread += agg.scoreSpread;
  }
  return { n, passAgreement: n ? agree / n : null, scoreSpread: n ? spread / n : null };
}
