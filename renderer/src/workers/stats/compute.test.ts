import { describe, expect, it } from 'vitest';
import { KNOWN_CELLS, KNOWN_DRIFT, knownJournal } from '../../../../shared/stats/known-journal';
import { toStatsAttempt } from '../../../../shared/stats';
import { attempt, check, human, judge } from '../../../../shared/stats/testing';
import { mulberry32 } from '../../../../shared/stats/prng';
import { computeCompare, computeMatrix, computePlots, ecdfOnGrid, replicatesFor, settlePlan, verdictSentence, type WorkerAttempt } from './compute';
import { comparePair, verdictOf } from '../../../../shared/stats';
import type { CompareResult, GalleryColumn, PairResult, PromptComparison } from './protocol';

const known = (): WorkerAttempt[] => knownJournal().map((a) => ({ ...toStatsAttempt(a), runId: a.runId }));
const extras = { access: 'test', versions: [], tags: [], prompts: [] };

describe('computeMatrix', () => {
  it('gives one cell per prompt × model with the hand-worked floors, and marks drift on the drifting cells only', () => {
    const m = computeMatrix(known(), false, extras);
    expect(m.rows.map((r) => r.key)).toEqual(['extract', 'summarise']);
    expect(m.models).toEqual(['model-a', 'model-b', 'model-c', 'model-d']);
    expect(m.cells).toHaveLength(6);
    for (const k of KNOWN_CELLS) {
      const c = m.cells.find((x) => x.prompt === k.prompt && x.model === k.model)!;
      expect(c.stats.passRate.lower).toBeCloseTo(k.passFloor, 12);
      expect(c.stats.score.p10.value).toBeCloseTo(k.scoreFloor, 12);
      expect(c.drift).toEqual([]);
    }
    const d = m.cells.find((x) => x.model === KNOWN_DRIFT.model)!;
    const kinds = d.drift.map((i) => m.flags[i].kind).sort();
    expect(kinds).toEqual(['pass-rate', 'served-model']);
    expect(m.span!.from).toBeLessThan(m.span!.to);
  });

  it('expands rows by case', () => {
    const m = computeMatrix(known(), true, extras);
    expect(m.rows).toHaveLength(40);
    expect(m.rows[0]).toEqual({ key: 'extract\u001fextract:c01', prompt: 'extract', caseId: 'extract:c01' });
    expect(m.cells.filter((c) => c.model === 'model-a')).toHaveLength(40);
  });

  it('is empty for no attempts', () => {
    const m = computeMatrix([], false, extras);
    expect(m.cells).toEqual([]);
    expect(m.span).toBeNull();
  });
});

describe('computeCompare', () => {
  it('compares per prompt and overall, with a verdict that claims only what the interval supports', () => {
    const r = computeCompare(known(), ['model-a', 'model-b'], null);
    expect(r.prompts).toEqual(['extract', 'summarise']);
    expect(r.pairs).toHaveLength(1);
    const pair = r.pairs[0];
    expect(pair.perPrompt.map((p) => p.prompt)).toEqual(['extract', 'summarise']);
    // One attempt per (case, repeat) on both sides: McNemar applies.
    expect(pair.perPrompt[1].comparison.passTest?.method).toBe('mcnemar-exact');
    expect(pair.overall.cases.shared).toBe(40);
    expect(pair.overall.verdict).toBe('a-higher');
    expect(pair.verdict).toMatch(/^model-a scores higher than model-b on these prompts/);
    expect(pair.verdict).toContain("McNemar's exact test");
  });

  it('takes the bottom decile of each model, failures first', () => {
    const r = computeCompare(known(), ['model-a', 'model-b'], ['extract', 'summarise']);
    const b = r.gallery.find((g) => g.model === 'model-b')!;
    expect(b.scored).toBe(40);
    expect(b.items).toHaveLength(4);
    expect(b.items.every((i) => i.score === 0)).toBe(true);
    const a = r.gallery.find((g) => g.model === 'model-a')!;
    expect(a.items[0].status).toBe('failed');
    expect(a.items[0].failureClass).toBe('timeout');
    expect(a.items.map((i) => i.score)).toEqual([...a.items.map((i) => i.score)].sort((x, y) => x - y));
  });

  it('restricts to the chosen prompts', () => {
    const r = computeCompare(known(), ['model-a', 'model-b'], ['extract']);
    expect(r.prompts).toEqual(['extract']);
    expect(r.pairs[0].perPrompt).toHaveLength(1);
  });
});

/**
 * computeCompare written the straightforward way (as it was before it scored
 * each model once): comparePair on the raw attempts of every pair and prompt,
 * the pooled comparison on copies of the attempts whose case id carries the
 * prompt, and a verdict pass of its own for the gallery.
 */
function straightforwardCompare(attempts: readonly WorkerAttempt[], models: readonly string[], prompts: readonly string[] | null, galleryCap = 40): CompareResult {
  const SEP = '\u001f';
  const byModelPrompt = new Map<string, Map<string, WorkerAttempt[]>>();
  const used = new Set<string>();
  for (const a of attempts) {
    if (!models.includes(a.model) || (prompts && !prompts.includes(a.promptId))) continue;
    used.add(a.promptId);
    if (!byModelPrompt.has(a.model)) byModelPrompt.set(a.model, new Map());
    const m = byModelPrompt.get(a.model)!;
    m.set(a.promptId, [...(m.get(a.promptId) ?? []), a]);
  }
  const promptList = [...used].sort();
  const pairs: PairResult[] = [];
  for (let i = 0; i < models.length; i++) {
    for (let j = i + 1; j < models.length; j++) {
      const [a, b] = [models[i], models[j]];
      const perPrompt: PromptComparison[] = [];
      const allA: WorkerAttempt[] = [];
      const allB: WorkerAttempt[] = [];
      for (const p of promptList) {
        const la = byModelPrompt.get(a)?.get(p) ?? [];
        const lb = byModelPrompt.get(b)?.get(p) ?? [];
        if (la.length === 0 || lb.length === 0) continue;
        const comparison = comparePair(la, lb, { replicates: replicatesFor(la.length + lb.length) });
        perPrompt.push({ prompt: p, comparison, settle: settlePlan(p, comparison, la, lb) });
        allA.push(...la.map((x) => ({ ...x, caseId: `${p}${SEP}${x.caseId}` })));
        allB.push(...lb.map((x) => ({ ...x, caseId: `${p}${SEP}${x.caseId}` })));
      }
      const overall = comparePair(allA, allB, { replicates: replicatesFor(allA.length + allB.length) });
      overall.perCase = overall.perCase.map((c) => ({ ...c, caseId: c.caseId.split(SEP).join(' / ') }));
      pairs.push({ a, b, perPrompt, overall, verdict: verdictSentence(a, b, overall, perPrompt) });
    }
  }
  const gallery: GalleryColumn[] = models.map((model) => {
    const scored = [...(byModelPrompt.get(model)?.values() ?? [])]
      .flat()
      .filter((a) => !a.judgeOf)
      .map((a) => ({ a, v: verdictOf(a) }))
      .filter(({ v }) => v.verdict === 'pass' || v.verdict === 'fail')
      .map(({ a, v }) => ({ a, score: v.score ?? 0 }));
    scored.sort((x, y) => x.score - y.score || (x.a.startedAt ?? x.a.queuedAt) - (y.a.startedAt ?? y.a.queuedAt));
    const items = scored.slice(0, Math.min(galleryCap, Math.ceil(scored.length / 10))).map(({ a, score }) => ({
      id: a.id,
      prompt: a.promptId,
      caseId: a.caseId,
      repeatIndex: a.repeatIndex,
      status: a.status,
      score,
      failureClass: a.failure?.class ?? null,
      failureMessage: null,
      output: '',
    }));
    return { model, scored: scored.length, items };
  });
  return { models: [...models], prompts: promptList, pairs, gallery };
}

/**
 * A journal with everything a comparison must get right: uneven repeats,
 * retries sharing a repeat index, repeats out of order, cases one model lacks,
 * a prompt one model never ran, failures, ungraded attempts and judge calls,
 * human/check/judge grades, tied scores and tied start times — and two
 * prompt ids that make the same pooled (prompt, case) key.
 */
function generatedJournal(seed: number): WorkerAttempt[] {
  const rng = mulberry32(seed);
  const out: WorkerAttempt[] = [];
  const prompts: [string, string[]][] = [
    ['alpha', ['a:1', 'a:2', 'a:3', 'a:4', 'a:5', 'a:6', 'a:7', 'a:8']],
    ['beta', ['b:1', 'b:2', 'b:3', 'b:4', 'b:5', 'b:6']],
    // Pooled keys 'p␟x␟y' twice: once from prompt 'p', once from prompt 'p␟x'.
    ['p', ['x\u001fy', 'z']],
    ['p\u001fx', ['y']],
  ];
  const models = ['m1', 'm2', 'm3', 'm4'];
  for (const [promptId, cases] of prompts) {
    for (const model of models) {
      if (model === 'm4' && promptId === 'beta') continue;
      // On 'alpha' every model has 3 scored repeats of every case, so McNemar applies there.
      const even = promptId === 'alpha';
      for (const caseId of cases) {
        if (model === 'm3' && !even && rng() < 0.2) continue;
        const repeats = even ? 3 : 1 + Math.floor(rng() * 4);
        const order = Array.from({ length: repeats }, (_, r) => r);
        const twist = even ? 1 : rng();
        if (twist < 0.1) order.reverse();
        else if (twist < 0.2) order.push(0);
        const quality = 0.3 + 0.15 * models.indexOf(model);
        for (const repeatIndex of order) {
          const failed = rng() < 0.1;
          const score = Math.round(Math.min(1, Math.max(0, quality + (rng() - 0.5) * 0.6)) * 20) / 20;
          const g = rng();
          const grades = failed ? [] : g < 0.05 && !even ? [] : g < 0.15 ? [human(score >= 0.5, score)] : g < 0.25 ? [judge(null, score)] : [check(score >= 0.5, score)];
          // Few distinct start times: the gallery's ties (same score, same start) fall across prompts and cases.
          const t = Math.floor(rng() * 25);
          out.push({
            ...attempt({
              promptId,
              model,
              caseId,
              repeatIndex,
              promptVersion: `${promptId}-v1`,
              providerId: 'pv',
              status: failed ? 'failed' : 'ok',
              failure: failed ? { class: 'timeout' } : null,
              grades,
              startedAt: t,
              queuedAt: t,
            }),
            runId: `run-${repeatIndex}`,
          });
          if (rng() < 0.05) out.push({ ...attempt({ promptId, model, caseId, repeatIndex, judgeOf: out.at(-1)!.id, grades: [check(true, 1)], startedAt: t, queuedAt: t }), runId: 'run-j' });
        }
      }
    }
  }
  // Journal order is not case order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('computeCompare against the straightforward computation', () => {
  it('gives the same result, number for number, on generated journals', () => {
    for (const seed of [1, 2, 3]) {
      const journal = generatedJournal(seed);
      const models = ['m1', 'm2', 'm3', 'm4'];
      const fast = computeCompare(journal, models, null);
      expect(fast).toEqual(straightforwardCompare(journal, models, null));
      expect(computeCompare(journal, ['m3', 'm1'], ['beta', 'p', 'p\u001fx'], 5)).toEqual(straightforwardCompare(journal, ['m3', 'm1'], ['beta', 'p', 'p\u001fx'], 5));
      // The journal reaches what it is meant to: both pass tests, the colliding pooled key, settle plans.
      const tests = fast.pairs.flatMap((p) => [p.overall, ...p.perPrompt.map((x) => x.comparison)]).map((c) => c.passTest?.method);
      expect(tests).toContain('mcnemar-exact');
      expect(tests.some((m) => m?.startsWith('two-proportion'))).toBe(true);
      expect(fast.pairs[0].overall.perCase.map((c) => c.caseId)).toContain('p / x / y');
    }
  });
});

describe('settlePlan', () => {
  // Two models close together, three repeats of ten cases each, noisy within a case.
  const noisy = (model: string, shift: number, runId: string): WorkerAttempt[] => {
    const out: WorkerAttempt[] = [];
    for (let c = 0; c < 10; c++) {
      for (let r = 0; r < 3; r++) {
        const score = Math.min(1, Math.max(0, 0.5 + shift + ((c * 7 + r * 13 + (model === 'x' ? 3 : 0)) % 10) / 25 - 0.2));
        out.push({ ...attempt({ model, caseId: `c${c}`, repeatIndex: r, promptVersion: 'v2', providerId: 'pv', grades: [check(score >= 0.5, score)] }), runId });
      }
    }
    return out;
  };

  it('plans more repeats of the shared cases for both targets when the comparison is unsettled', () => {
    const a = noisy('x', 0.02, 'run-1');
    const b = noisy('y', 0, 'run-2');
    const c = comparePair(a, b);
    expect(c.verdict).toBe('not-distinguishable-yet');
    expect(c.sampleSize?.moreRepeatsPerCase).toBe(67);
    expect(settlePlan('p1', c, a, b)).toEqual({
      prompt: 'p1',
      promptVersion: 'v2',
      caseIds: c.perCase.map((x) => x.caseId),
      targets: [
        { providerId: 'pv', model: 'x' },
        { providerId: 'pv', model: 'y' },
      ],
      repeats: 67,
      firstRepeatIndex: 3,
      fromRunId: 'run-2',
    });
    expect(verdictSentence('x', 'y', c, [])).toMatch(/^x and y are not distinguishable yet: .* spans zero\./);
  });

  it('plans nothing for a settled comparison', () => {
    const k = known();
    const a = k.filter((x) => x.model === 'model-a' && x.promptId === 'summarise');
    const b = k.filter((x) => x.model === 'model-b' && x.promptId === 'summarise');
    expect(settlePlan('summarise', comparePair(a, b), a, b)).toBeNull();
  });

  it('says so when there is too little data', () => {
    const a = [{ ...attempt({ model: 'x', grades: [check(true, 1)] }), runId: 'r' }];
    const b = [{ ...attempt({ model: 'y', grades: [check(false, 0)] }), runId: 'r' }];
    expect(verdictSentence('x', 'y', comparePair(a, b), [])).toMatch(/^Too little data to compare x and y: 1 shared case/);
  });
});

describe('replicatesFor', () => {
  it('keeps 2000 for small comparisons and scales down to 200 for large ones', () => {
    expect(replicatesFor(80)).toBe(2000);
    expect(replicatesFor(1000)).toBe(2000);
    expect(replicatesFor(2000)).toBe(1000);
    expect(replicatesFor(40_000)).toBe(200);
    expect(replicatesFor(0)).toBe(2000);
  });
});

describe('plots', () => {
  it('ecdfOnGrid counts values at or below each grid point', () => {
    expect(ecdfOnGrid([0.1, 0.5, 0.5, 0.9], [0, 0.1, 0.5, 0.8, 1])).toEqual([0, 0.25, 0.75, 0.75, 1]);
    expect(ecdfOnGrid([], [0, 1])).toEqual([null, null]);
  });

  it('computes ECDFs per model on shared grids and the floor in windows', () => {
    const p = computePlots(known(), ['model-a', 'model-d']);
    expect(p.score.series.map((s) => s.model)).toEqual(['model-a', 'model-d']);
    expect(p.score.x).toHaveLength(101);
    const a = p.score.series[0];
    expect(a.n).toBe(40);
    expect(a.y[0]).toBe(1 / 40); // the one timeout scores 0
    expect(a.y[100]).toBe(1);
    expect(p.latency.series[0].y.at(-1)).toBe(1);
    expect(p.floor.windowSize).toBe(10);
    const d = p.floor.passFloor.find((s) => s.model === 'model-d')!;
    expect(d.n).toBe(10);
    const values = d.y.filter((v): v is number => v !== null);
    // The last window (all from the worse checkpoint) has a lower floor than the first.
    expect(values.at(-1)!).toBeLessThan(values[0]);
    expect(p.floor.x).toEqual([...p.floor.x].sort((x, y) => x - y));
  });
});
