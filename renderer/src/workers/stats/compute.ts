/**
 * What the Stats worker computes, as pure functions over projected attempts so
 * they can be tested without a worker or a database: the matrix (groupCells +
 * detectDrift), comparisons with their "run N more" plans, the worst-of-N
 * gallery selection and the plot series.
 */
import {
  addToCase,
  BootstrapDraws,
  type Cell,
  comparedVerdict,
  compareSides,
  type ComparisonSide,
  comparisonSide,
  detectDrift,
  type GroupBy,
  groupCells,
  type CaseGroup,
  type PairComparison,
  rollingWindows,
  type StatsAttempt,
  verdictOf,
} from '../../../../shared/stats';
import { parseTargetKey, targetKey, type TargetRef } from '../../../../shared/report/names';
import type { CompareResult, GalleryColumn, MatrixCell, MatrixResult, PairResult, PlotSeries, PlotsResult, PromptComparison, SettlePlan } from './protocol';

/** A projected attempt plus the run it belongs to (for "run N more": the run's settings are reused). */
export type WorkerAttempt = StatsAttempt & { runId: string };

const SEP = '\u001f';

export interface MatrixExtras {
  access: string;
  versions: string[];
  tags: string[];
  prompts: string[];
}

/** Targets in reading order: by model id, then provider id (the same model on two endpoints side by side). */
export function compareTargets(x: TargetRef, y: TargetRef): number {
  return x.model < y.model ? -1 : x.model > y.model ? 1 : x.providerId < y.providerId ? -1 : x.providerId > y.providerId ? 1 : 0;
}

const sortTargetKeys = (keys: Iterable<string>) => [...keys].sort((x, y) => compareTargets(parseTargetKey(x), parseTargetKey(y)));

/**
 * Whether most of a set's answered-or-failed attempts have no verdict (ungraded
 * ok answers): its pass floor and p10 score then rest on the failures and the
 * few graded answers alone, and say little about the model.
 */
export function mostlyUngraded(eligible: number, ungraded: number): boolean {
  return ungraded > 0 && ungraded * 2 > eligible;
}

/**
 * The target key of each attempt's (provider, model), through one Map per
 * level: no key string is built per attempt, and each key is one shared string.
 */
class TargetKeys {
  private readonly byProvider = new Map<string, Map<string, string>>();

  constructor(keys?: Iterable<string>) {
    for (const k of keys ?? []) {
      const t = parseTargetKey(k);
      this.level(t.providerId).set(t.model, k);
    }
  }

  private level(providerId: string) {
    let m = this.byProvider.get(providerId);
    if (!m) this.byProvider.set(providerId, (m = new Map()));
    return m;
  }

  /** The key of a's target if it is one of those given; undefined otherwise. */
  get(a: Pick<StatsAttempt, 'providerId' | 'model'>): string | undefined {
    return this.byProvider.get(a.providerId)?.get(a.model);
  }

  /** The key of a's target, added if new. */
  of(a: Pick<StatsAttempt, 'providerId' | 'model'>): string {
    const m = this.level(a.providerId);
    let k = m.get(a.model);
    if (k === undefined) m.set(a.model, (k = targetKey(a.providerId, a.model)));
    return k;
  }
}

/**
 * The matrix: prompts (optionally × cases) × targets — a target is (provider,
 * model), so one model id on two providers is two columns — with drift flags
 * attached to the cells they touch.
 */
export function computeMatrix(attempts: readonly StatsAttempt[], byCase: boolean, extras: MatrixExtras): MatrixResult {
  const by: GroupBy[] = byCase ? ['prompt', 'case', 'provider', 'model'] : ['prompt', 'provider', 'model'];
  const cells = groupCells(attempts, by);
  const flags = detectDrift(attempts);
  const promptOfVersion = new Map<string, string>();
  let from = Infinity;
  let to = -Infinity;
  for (const a of attempts) {
    if (!promptOfVersion.has(a.promptVersion)) promptOfVersion.set(a.promptVersion, a.promptId);
    const t = a.startedAt ?? a.queuedAt;
    if (t < from) from = t;
    if (t > to) to = t;
  }
  const rowKeys = new Map<string, { key: string; prompt: string; caseId: string | null }>();
  const keys = new TargetKeys();
  const targets = new Map<string, TargetRef & { key: string }>();
  const out: MatrixCell[] = cells.map((c: Cell) => {
    const prompt = c.key.prompt ?? '';
    const caseId = byCase ? (c.key.case ?? '') : null;
    const row = byCase ? `${prompt}${SEP}${caseId}` : prompt;
    if (!rowKeys.has(row)) rowKeys.set(row, { key: row, prompt, caseId });
    const providerId = c.key.provider ?? '';
    const model = c.key.model ?? '';
    const target = keys.of({ providerId, model });
    if (!targets.has(target)) targets.set(target, { key: target, providerId, model });
    const drift: number[] = [];
    flags.forEach((f, i) => {
      if (f.model !== model || f.providerId !== providerId) return;
      if (f.kind === 'pass-rate' && promptOfVersion.get(f.promptVersion) !== prompt) return;
      drift.push(i);
    });
    return { row, prompt, caseId, target, providerId, model, stats: c.stats, drift };
  });
  const rows = [...rowKeys.values()].sort((x, y) => x.prompt.localeCompare(y.prompt) || (x.caseId ?? '').localeCompare(y.caseId ?? ''));
  return {
    attempts: attempts.length,
    access: extras.access,
    byCase,
    rows,
    targets: [...targets.values()].sort(compareTargets),
    cells: out,
    flags,
    versions: extras.versions,
    tags: extras.tags,
    prompts: extras.prompts,
    span: attempts.length ? { from, to } : null,
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number | null, digits = 3) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`);

/**
 * One sentence per pair that says only what the intervals support: a direction
 * only when the 95% interval of the paired score difference excludes zero, the
 * pass-rate test's p as computed, and the floor difference flagged as unsettled
 * when its bootstrap interval spans zero.
 */
export function verdictSentence(a: string, b: string, overall: PairComparison, perPrompt: readonly PromptComparison[], alpha = 0.05): string {
  const s = overall.score;
  if (overall.verdict === 'insufficient-data') {
    return `Too little data to compare ${a} and ${b}: ${overall.cases.shared} shared case${overall.cases.shared === 1 ? '' : 's'} with scored attempts from both (a paired comparison needs at least 2).`;
  }
  const ci = `mean per-case score difference ${a} − ${b} ${signed(s.mean)} (95% CI ${signed(s.lower)} to ${signed(s.upper)}, ${s.cases} cases)`;
  let head: string;
  if (overall.verdict === 'not-distinguishable-yet') head = `${a} and ${b} are not distinguishable yet: ${ci} spans zero.`;
  else {
    const [hi, lo] = overall.verdict === 'a-higher' ? [a, b] : [b, a];
    head = `${hi} scores higher than ${lo} on these prompts: ${ci}.`;
  }
  const parts = [head];
  const t = overall.passTest;
  if (t) {
    const p = t.p;
    const name = t.method === 'mcnemar-exact' ? "McNemar's exact test" : 'a two-proportion z-test at effective sample sizes';
    if (p === null) parts.push('The pass rates could not be tested.');
    else parts.push(`Pass rates ${pct(overall.pass.meanA)} vs ${pct(overall.pass.meanB)}: ${p < alpha ? 'different' : 'no significant difference'} by ${name} (p = ${p.toPrecision(2)}).`);
  }
  const f = overall.floor;
  if (f.diff !== null && f.lower !== null && f.upper !== null) {
    const settled = f.lower > 0 || f.upper < 0;
    parts.push(`Score floors (p10) ${f.a?.toFixed(2)} vs ${f.b?.toFixed(2)}; their difference ${signed(f.diff, 2)} (95% bootstrap ${signed(f.lower, 2)} to ${signed(f.upper, 2)}, ${f.replicates} replicates)${settled ? '' : ' is not settled'}.`);
  }
  if (perPrompt.length > 1) {
    const count = (v: string) => perPrompt.filter((p) => p.comparison.verdict === v).length;
    parts.push(`Per prompt: ${a} higher on ${count('a-higher')}, ${b} higher on ${count('b-higher')}, not distinguishable yet on ${count('not-distinguishable-yet')}, too little data on ${count('insufficient-data')}.`);
  }
  const more = overall.sampleSize;
  if (overall.verdict === 'not-distinguishable-yet' && more) {
    const bits: string[] = [];
    if (more.moreRepeatsPerCase !== null) bits.push(`${more.moreRepeatsPerCase} more repeats of every case`);
    if (more.moreCases !== null) bits.push(`${more.moreCases} more cases`);
    if (bits.length) parts.push(`For 80% power at α = 0.05 on a difference this size: ${bits.join(' or ')}.`);
  }
  return parts.join(' ');
}

function latest(list: readonly WorkerAttempt[]): WorkerAttempt | null {
  let best: WorkerAttempt | null = null;
  for (const a of list) if (!best || (a.startedAt ?? a.queuedAt) >= (best.startedAt ?? best.queuedAt)) best = a;
  return best;
}

/** The plan that settles one prompt's comparison with more repeats, or null when repeats cannot (or need not). */
export function settlePlan(prompt: string, c: PairComparison, listA: readonly WorkerAttempt[], listB: readonly WorkerAttempt[]): SettlePlan | null {
  const repeats = c.sampleSize?.moreRepeatsPerCase ?? null;
  if (c.verdict !== 'not-distinguishable-yet' || repeats === null || repeats <= 0) return null;
  const subjects = [...listA, ...listB].filter((x) => !x.judgeOf);
  const last = latest(subjects);
  const lastA = latest(listA.filter((x) => !x.judgeOf));
  const lastB = latest(listB.filter((x) => !x.judgeOf));
  if (!last || !lastA || !lastB) return null;
  let maxRepeat = -1;
  for (const x of subjects) if (x.repeatIndex > maxRepeat) maxRepeat = x.repeatIndex;
  return {
    prompt,
    promptVersion: last.promptVersion,
    caseIds: c.perCase.map((p) => p.caseId),
    targets: [
      { providerId: lastA.providerId, model: lastA.model },
      { providerId: lastB.providerId, model: lastB.model },
    ],
    repeats,
    firstRepeatIndex: maxRepeat + 1,
    fromRunId: last.runId,
  };
}

/**
 * Bootstrap replicates for a comparison over `values` scores: 2000 (the shared
 * default) for small comparisons, fewer as the data grows so the cost stays
 * near 2·10⁶ copied values per comparison, never below 200. Large comparisons
 * have narrow intervals, where fewer replicates lose little; the count is
 * reported with each interval.
 */
export function replicatesFor(values: number): number {
  return Math.max(200, Math.min(2000, Math.round(2_000_000 / Math.max(1, values))));
}

/** One model's attempts on one prompt, scored once for every pair it is in and for the gallery. */
interface ModelPrompt {
  attempts: WorkerAttempt[];
  /** The scored ones, in journal order, with their scores. */
  scored: WorkerAttempt[];
  scores: number[];
  byCase: Map<string, CaseGroup>;
}

/** Adds one prompt's (prompt, case) groups to a pooled map; a key seen before (possible only when ids contain SEP) gets the groups joined, as pooling the attempts would. */
function pool(into: Map<string, CaseGroup>, from: ReadonlyMap<string, CaseGroup>) {
  for (const [key, g] of from) {
    const prev = into.get(key);
    into.set(
      key,
      prev ? { scores: [...prev.scores, ...g.scores], passes: [...prev.passes, ...g.passes], repeats: [...prev.repeats, ...g.repeats] } : g,
    );
  }
}

/**
 * Each pair of the chosen targets (`targetKey`: provider and model) over the
 * chosen prompts: per prompt, and all prompts at once with (prompt, case) as
 * the pairing unit. Plus, per target, the bottom decile of its scored attempts
 * (failures score 0, so they come first) — without outputs: the worker reads
 * those for the few ids chosen. `labels` name the targets in the verdict
 * sentences (the model id where a target has none).
 *
 * Each target's attempts are scored, grouped by case and sorted once per prompt
 * (`comparisonSide`), and once for the pooled comparison per set of prompts it
 * is pooled over — not once per pair; the bootstrap's case draws are made once
 * per number of shared cases (`BootstrapDraws`). The numbers are those of
 * `comparePair` on the raw attempts (tested against that computation).
 */
export function computeCompare(
  attempts: readonly WorkerAttempt[],
  targets: readonly string[],
  prompts: readonly string[] | null,
  galleryCap = 40,
  labels: Readonly<Record<string, string>> = {},
): CompareResult {
  const promptSet = prompts ? new Set(prompts) : null;
  const wanted = new TargetKeys(targets);
  const byTargetPrompt = new Map<string, Map<string, ModelPrompt>>();
  const usedPrompts = new Set<string>();
  // One pass in journal order: the attempts lie in memory in that order, so
  // scoring them here reads each once and in sequence.
  for (const a of attempts) {
    const target = wanted.get(a);
    if (target === undefined) continue;
    if (promptSet && !promptSet.has(a.promptId)) continue;
    usedPrompts.add(a.promptId);
    let m = byTargetPrompt.get(target);
    if (!m) byTargetPrompt.set(target, (m = new Map()));
    let mp = m.get(a.promptId);
    if (!mp) m.set(a.promptId, (mp = { attempts: [], scored: [], scores: [], byCase: new Map() }));
    mp.attempts.push(a);
    const v = comparedVerdict(a);
    if (!v) continue;
    mp.scored.push(a);
    mp.scores.push(v.score ?? 0);
    addToCase(mp.byCase, a.caseId, a.repeatIndex, v);
  }
  // Per model and prompt: the per-prompt comparisons' side, and the case groups keyed by (prompt, case) for pooling.
  const sides = new Map<ModelPrompt, { side: ComparisonSide; byPromptCase: Map<string, CaseGroup> }>();
  for (const m of byTargetPrompt.values()) {
    for (const [prompt, mp] of m) {
      const byPromptCase = new Map<string, CaseGroup>();
      for (const [caseId, g] of mp.byCase) byPromptCase.set(`${prompt}${SEP}${caseId}`, g);
      sides.set(mp, { side: comparisonSide(mp.byCase), byPromptCase });
    }
  }
  // A target's pooled side depends only on the prompts pooled (those both targets of a pair ran): usually the same for all its pairs.
  const pooledSides = new Map<string, ComparisonSide>();
  const pooledSide = (model: string, pooled: readonly string[]) => {
    const key = JSON.stringify([model, pooled]);
    let side = pooledSides.get(key);
    if (!side) {
      const all = new Map<string, CaseGroup>();
      for (const p of pooled) pool(all, sides.get(byTargetPrompt.get(model)!.get(p)!)!.byPromptCase);
      pooledSides.set(key, (side = comparisonSide(all)));
    }
    return side;
  };
  // Comparisons with as many shared cases draw the same bootstrap cases: drawn once for all of them.
  const draws = new BootstrapDraws();
  const labelOf = (key: string) => labels[key] ?? parseTargetKey(key).model;
  const promptList = [...usedPrompts].sort();
  const pairs: PairResult[] = [];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i];
      const b = targets[j];
      const perPrompt: PromptComparison[] = [];
      const pooled: string[] = [];
      let countA = 0;
      let countB = 0;
      for (const p of promptList) {
        const pa = byTargetPrompt.get(a)?.get(p);
        const pb = byTargetPrompt.get(b)?.get(p);
        if (!pa || !pb) continue;
        const la = pa.attempts;
        const lb = pb.attempts;
        const comparison = compareSides(sides.get(pa)!.side, sides.get(pb)!.side, { replicates: replicatesFor(la.length + lb.length), draws });
        perPrompt.push({ prompt: p, comparison, settle: settlePlan(p, comparison, la, lb) });
        // The pooled comparison pairs by (prompt, case): the same inputs for both.
        pooled.push(p);
        countA += la.length;
        countB += lb.length;
      }
      const overall = compareSides(pooledSide(a, pooled), pooledSide(b, pooled), { replicates: replicatesFor(countA + countB), draws });
      overall.perCase = overall.perCase.map((c) => ({ ...c, caseId: c.caseId.split(SEP).join(' / ') }));
      pairs.push({ a, b, perPrompt, overall, verdict: verdictSentence(labelOf(a), labelOf(b), overall, perPrompt) });
    }
  }
  const gallery: GalleryColumn[] = targets.map((target) => {
    const lists = [...(byTargetPrompt.get(target)?.values() ?? [])];
    let scored = 0;
    for (const mp of lists) scored += mp.scored.length;
    const take = Math.min(galleryCap, Math.ceil(scored / 10));
    // The `take` lowest by (score, start time), ties in list order: what a
    // stable sort of all of them would put first, without sorting 20,000 per
    // model. `worst` stays in that order; most attempts only meet its last.
    const worst: { a: WorkerAttempt; score: number }[] = [];
    const after = (x: { a: WorkerAttempt; score: number }, a: WorkerAttempt, score: number) =>
      (x.score - score || (x.a.startedAt ?? x.a.queuedAt) - (a.startedAt ?? a.queuedAt)) > 0;
    for (const mp of lists) {
      for (let i = 0; i < mp.scored.length; i++) {
        const a = mp.scored[i];
        const score = mp.scores[i];
        if (worst.length === take && (take === 0 || !after(worst[take - 1], a, score))) continue;
        let at = worst.length;
        while (at > 0 && after(worst[at - 1], a, score)) at--;
        worst.splice(at, 0, { a, score });
        if (worst.length > take) worst.pop();
      }
    }
    return {
      target,
      scored,
      items: worst.map(({ a, score }) => ({
        id: a.id,
        prompt: a.promptId,
        caseId: a.caseId,
        repeatIndex: a.repeatIndex,
        status: a.status,
        score,
        failureClass: a.failure?.class ?? null,
        failureMessage: null,
        output: '',
      })),
    };
  });
  return { targets: [...targets], prompts: promptList, pairs, gallery };
}

/** Fraction of `sorted` ≤ each x of an ascending grid, in one merge-like pass. */
export function ecdfOnGrid(sorted: ArrayLike<number>, grid: readonly number[]): (number | null)[] {
  const n = sorted.length;
  if (n === 0) return grid.map(() => null);
  const out: number[] = [];
  let i = 0;
  for (const x of grid) {
    while (i < n && sorted[i] <= x) i++;
    out.push(i / n);
  }
  return out;
}

/**
 * ECDFs of scores and latencies per target on shared grids, and the floors per
 * target in rolling windows. Ungraded answers have no score: the score series
 * counts them apart, and a window where most answers are ungraded gets no
 * floor point (its floor would be read from its failures alone) and is counted
 * in `ungradedWindows` instead.
 */
export function computePlots(attempts: readonly StatsAttempt[], targets: readonly string[] | null): PlotsResult {
  const wanted = targets ? new TargetKeys(targets) : null;
  const keys = new TargetKeys();
  const byTarget = new Map<string, StatsAttempt[]>();
  for (const a of attempts) {
    if (a.judgeOf) continue;
    const key = wanted ? wanted.get(a) : keys.of(a);
    if (key === undefined) continue;
    const list = byTarget.get(key);
    if (list) list.push(a);
    else byTarget.set(key, [a]);
  }
  const names = sortTargetKeys(byTarget.keys());
  const scoreGrid = Array.from({ length: 101 }, (_, i) => i / 100);
  const scores = new Map<string, Float64Array>();
  const ungraded = new Map<string, number>();
  const latencies = new Map<string, Float64Array>();
  let latencyMax = 0;
  for (const m of names) {
    const s: number[] = [];
    const l: number[] = [];
    let u = 0;
    for (const a of byTarget.get(m)!) {
      const v = verdictOf(a);
      if (v.verdict === 'pass' || v.verdict === 'fail') s.push(v.score ?? 0);
      else if (v.verdict === 'ungraded') u++;
      if (a.status === 'ok' && a.latencyMs !== null && Number.isFinite(a.latencyMs)) l.push(a.latencyMs);
    }
    const ss = Float64Array.from(s).sort();
    const ls = Float64Array.from(l).sort();
    scores.set(m, ss);
    ungraded.set(m, u);
    latencies.set(m, ls);
    // The grid stops at the largest p99 so one stray timeout does not squash every curve to the left.
    if (ls.length) latencyMax = Math.max(latencyMax, ls[Math.min(ls.length - 1, Math.floor(ls.length * 0.99))]);
  }
  const latencyGrid = latencyMax > 0 ? Array.from({ length: 121 }, (_, i) => (latencyMax * 1.02 * i) / 120) : [];

  const eligible = names.map((m) => byTarget.get(m)!.filter((a) => a.status === 'ok' || a.status === 'failed').length).sort((x, y) => x - y);
  const median = eligible.length ? eligible[Math.floor(eligible.length / 2)] : 0;
  // About 20 windows for a typical target, never fewer than 10 attempts per window.
  const windowSize = Math.max(10, Math.min(1000, Math.round(median / 20)));
  const windowsByTarget = new Map(names.map((m) => [m, rollingWindows(byTarget.get(m)!, windowSize)]));
  const times = new Set<number>();
  for (const ws of windowsByTarget.values()) for (const w of ws) times.add(w.to);
  const x = [...times].sort((p, q) => p - q);
  const index = new Map(x.map((t, i) => [t, i]));
  const passFloor: PlotSeries[] = [];
  const scoreFloor: PlotSeries[] = [];
  for (const m of names) {
    const ws = windowsByTarget.get(m)!;
    const pf: (number | null)[] = x.map(() => null);
    const sf: (number | null)[] = x.map(() => null);
    let skipped = 0;
    for (const w of ws) {
      // passRate.n counts the window's attempts with a verdict (graded ok + failed); the rest of its eligible ones are ungraded answers.
      if (mostlyUngraded(w.eligible, w.eligible - w.passRate.n)) {
        skipped++;
        continue;
      }
      const i = index.get(w.to)!;
      pf[i] = w.passRate.n > 0 ? w.passRate.lower : null;
      sf[i] = w.p10.value;
    }
    passFloor.push({ target: m, n: ws.length - skipped, y: pf, ungradedWindows: skipped });
    scoreFloor.push({ target: m, n: ws.length - skipped, y: sf, ungradedWindows: skipped });
  }
  return {
    score: { x: scoreGrid, series: names.map((m) => ({ target: m, n: scores.get(m)!.length, y: ecdfOnGrid(scores.get(m)!, scoreGrid), ungraded: ungraded.get(m)! })) },
    latency: { x: latencyGrid, series: names.map((m) => ({ target: m, n: latencies.get(m)!.length, y: ecdfOnGrid(latencies.get(m)!, latencyGrid) })) },
    floor: { x, windowSize, passFloor, scoreFloor },
  };
}
