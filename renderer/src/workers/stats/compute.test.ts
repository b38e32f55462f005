import { describe, expect, it } from 'vitest';
import { KNOWN_CELLS, KNOWN_DRIFT, knownJournal } from '../../../../shared/stats/known-journal';
import { toStatsAttempt } from '../../../../shared/stats';
import { attempt, check, human, judge } from '../../../../shared/stats/testing';
import { mulberry32 } from '../../../../shared/stats/prng';
import { computeCompare, computeMatrix, computePlots, ecdfOnGrid, mostlyUngraded, replicatesFor, settlePlan, verdictSentence, type WorkerAttempt } from './compute';
import { comparePair, verdictOf } from '../../../../shared/stats';
import type { CompareResult, GalleryColumn, PairResult, PromptComparison } from './protocol';
import { KNOWN_PROVIDER } from '../../../../shared/stats/known-journal';
import { targetKey } from '../../../../shared/report/names';

const known = (): WorkerAttempt[] => knownJournal().map((a) => ({ ...toStatsAttempt(a), runId: a.runId }));
/** The known journal's targets: every model on one provider. */
const k = (model: string) => targetKey(KNOWN_PROVIDER, model);
const extras = { access: 'test', versions: [], tags: [], prompts: [] };

describe('computeMatrix', () => {
  it('gives one cell per prompt × model with the hand-worked floors, and marks drift on the drifting cells only', () => {
    const m = computeMatrix(known(), false, extras);
    expect(m.rows.map((r) => r.key)).toEqual(['extract', 'summarise']);
    expect(m.targets.map((t) => t.key)).toEqual(['model-a', 'model-b', 'model-c', 'model-d'].map(k));
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

/**
 * The mock tour's run, plus the same small model on a second provider: two
 * targets share the model id `mock-small+ttft=150+tps=80`. mock-large has 14
 * overloaded failures and 60 ok answers no one has graded yet.
 */
function twoProviders(): WorkerAttempt[] {
  const SMALL = 'mock-small+ttft=150+tps=80';
  const out: WorkerAttempt[] = [];
  let t = 0;
  for (const [providerId, model, quality] of [
    ['mock', SMALL, 0.9],
    ['proxy', SMALL, 0.3],
  ] as const) {
    for (let c = 0; c < 5; c++) {
      for (let r = 0; r < 4; r++) {
        const score = Math.min(1, quality + ((c + r) % 3) * 0.05);
        t++;
        const served = providerId === 'proxy' && t % 20 > 10 ? 'small-v2' : 'small-v1';
        out.push({ ...attempt({ providerId, model, servedModel: served, caseId: `case-${c}`, repeatIndex: r, startedAt: t, queuedAt: t, grades: [check(score >= 0.5, score)] }), runId: 'run-1' });
      }
    }
  }
  for (let i = 0; i < 74; i++) {
    t++;
    const failed = i % 5 === 4 && i < 70;
    out.push({
      ...attempt({ providerId: 'mock', model: 'mock-large', caseId: `case-${i % 5}`, repeatIndex: Math.floor(i / 5), startedAt: t, queuedAt: t, status: failed ? 'failed' : 'ok', failure: failed ? { class: 'overloaded' } : null }),
      runId: 'run-1',
    });
  }
  return out;
}

describe('targets: one model id on two providers', () => {
  const journal = twoProviders();
  const small = (p: string) => targetKey(p, 'mock-small+ttft=150+tps=80');

  it('gives each (provider, model) its own column, cells and drift', () => {
    const m = computeMatrix(journal, false, extras);
    expect(m.targets).toEqual([
      { key: targetKey('mock', 'mock-large'), providerId: 'mock', model: 'mock-large' },
      { key: small('mock'), providerId: 'mock', model: 'mock-small+ttft=150+tps=80' },
      { key: small('proxy'), providerId: 'proxy', model: 'mock-small+ttft=150+tps=80' },
    ]);
    const cell = (key: string) => m.cells.find((c) => c.target === key)!;
    expect(cell(small('mock')).stats.counts.total).toBe(20);
    expect(cell(small('proxy')).stats.counts.total).toBe(20);
    expect(cell(small('mock')).stats.passRate.k).toBe(20);
    expect(cell(small('proxy')).stats.passRate.k).toBe(0);
    // The served-model change happened on the proxy only.
    expect(cell(small('proxy')).drift.length).toBeGreaterThan(0);
    expect(cell(small('mock')).drift).toEqual([]);
  });

  it('compares them with each other, with a gallery column each', () => {
    const r = computeCompare(journal, [small('mock'), small('proxy')], null, 40, { [small('mock')]: 'mock-small · Tenth mock', [small('proxy')]: 'mock-small · Proxy' });
    expect(r.pairs).toHaveLength(1);
    expect(r.pairs[0].overall.attempts).toEqual({ a: 20, b: 20 });
    expect(r.pairs[0].verdict).toMatch(/^mock-small · Tenth mock scores higher than mock-small · Proxy/);
    expect(r.gallery.map((g) => [g.target, g.scored])).toEqual([
      [small('mock'), 20],
      [small('proxy'), 20],
    ]);
  });

  it('plots a series per target', () => {
    const p = computePlots(journal, null);
    expect(p.score.series.map((s) => [s.target, s.n])).toEqual([
      [targetKey('mock', 'mock-large'), 14],
      [small('mock'), 20],
      [small('proxy'), 20],
    ]);
  });
});

describe('ungraded answers', () => {
  const journal = twoProviders();
  const large = targetKey('mock', 'mock-large');

  it('the matrix keeps the floor as defined and returns the ungraded count beside it', () => {
    const c = computeMatrix(journal, false, extras).cells.find((x) => x.target === large)!;
    // PRODUCT.md: failures count as fails, ungraded ok answers are in neither denominator.
    expect(c.stats.passRate.n).toBe(14);
    expect(c.stats.passRate.k).toBe(0);
    expect(c.stats.counts.ungradedOk).toBe(60);
    expect(c.stats.counts.eligible).toBe(74);
    expect(mostlyUngraded(c.stats.counts.eligible, c.stats.counts.ungradedOk)).toBe(true);
  });

  it('plots no floor for windows of mostly ungraded answers, and counts them', () => {
    const p = computePlots(journal, [large]);
    const f = p.floor.passFloor[0];
    // Not a line stuck at 0 from the failures alone: no point at all.
    expect(f.y.every((v) => v === null)).toBe(true);
    expect(f.ungradedWindows).toBeGreaterThan(0);
    expect(f.n).toBe(0);
    expect(p.score.series[0]).toMatchObject({ n: 14, ungraded: 60 });
  });

  it('mostlyUngraded: more than half of the eligible attempts', () => {
    expect(mostlyUngraded(74, 60)).toBe(true);
    expect(mostlyUngraded(10, 5)).toBe(false);
    expect(mostlyUngraded(0, 0)).toBe(false);
  });
});

describe('computeCompare', () => {
  it('compares per prompt and overall, with a verdict that claims only what the interval supports', () => {
    const r = computeCompare(known(), [k('model-a'), k('model-b')], null);
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
    const r = computeCompare(known(), [k('model-a'), k('model-b')], ['extract', 'summarise']);
    const b = r.gallery.find((g) => g.target === k('model-b'))!;
    expect(b.scored).toBe(40);
    expect(b.items).toHaveLength(4);
    expect(b.items.every((i) => i.score === 0)).toBe(true);
    const a = r.gallery.find((g) => g.target === k('model-a'))!;
    expect(a.items[0].status).toBe('failed');
    expect(a.items[0].failureClass).toBe('timeout');
    expect(a.items.map((i) => i.score)).toEqual([...a.items.map((i) => i.score)].sort((x, y) => x - y));
  });

  it('restricts to the chosen prompts', () => {
    const r = computeCompare(known(), [k('model-a'), k('model-b')], ['extract']);
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
function straightforwardCompare(
  attempts: readonly WorkerAttempt[],
  models: readonly string[],
  prompts: readonly string[] | null,
  galleryCap = 40,
  labels: Record<string, string> = {},
): CompareResult {
  const SEP = '\u001f';
  const byModelPrompt = new Map<string, Map<string, WorkerAttempt[]>>();
  const used = new Set<string>();
  for (const a of attempts) {
    const target = targetKey(a.providerId, a.model);
    if (!models.includes(target) || (prompts && !prompts.includes(a.promptId))) continue;
    used.add(a.promptId);
    if (!byModelPrompt.has(target)) byModelPrompt.set(target, new Map());
    const m = byModelPrompt.get(target)!;
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
      pairs.push({ a, b, perPrompt, overall, verdict: verdictSentence(labels[a], labels[b], overall, perPrompt) });
    }
  }
  const gallery: GalleryColumn[] = models.map((target) => {
    const scored = [...(byModelPrompt.get(target)?.values() ?? [])]
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
    return { target, scored: scored.length, items };
  });
  return { targets: [...models], prompts: promptList, pairs, gallery };
}

/**
 * A journal with everything a comparison must get right: uneven repeats,
 * retries sharing a repeat index, repeats out of order, cases one model lacks,
 * a prompt one model never ran, failures, ungraded attempts and judge calls,
 * human/check/judge grades, tied scores and tied start times, two prompt
 * ids that make the same pooled (prompt, case) key — and one model id on two
 * providers, which are two targets.
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
  const targets = [
    ['pv', 'm1'],
    ['pv', 'm2'],
    ['pv', 'm3'],
    ['pv', 'm4'],
    ['pw', 'm1'],
  ];
  for (const [promptId, cases] of prompts) {
    for (const [t, [providerId, model]] of targets.entries()) {
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
        const quality = 0.3 + 0.12 * t;
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
              providerId,
              status: failed ? 'failed' : 'ok',
              failure: failed ? { class: 'timeout' } : null,
              grades,
              startedAt: t,
              queuedAt: t,
            }),
            runId: `run-${repeatIndex}`,
          });
          if (rng() < 0.05) out.push({ ...attempt({ promptId, model, providerId, caseId, repeatIndex, judgeOf: out.at(-1)!.id, grades: [check(true, 1)], startedAt: t, queuedAt: t }), runId: 'run-j' });
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
      const models = [targetKey('pv', 'm1'), targetKey('pv', 'm2'), targetKey('pv', 'm3'), targetKey('pv', 'm4'), targetKey('pw', 'm1')];
      const labels = { [models[0]]: 'm1 · pv', [models[1]]: 'm2', [models[2]]: 'm3', [models[3]]: 'm4', [models[4]]: 'm1 · pw' };
      const fast = computeCompare(journal, models, null, 40, labels);
      expect(fast).toEqual(straightforwardCompare(journal, models, null, 40, labels));
      const some = [models[2], models[0], models[4]];
      expect(computeCompare(journal, some, ['beta', 'p', 'p\u001fx'], 5, labels)).toEqual(straightforwardCompare(journal, some, ['beta', 'p', 'p\u001fx'], 5, labels));
      // The same model id on two providers is two targets, compared with each other.
      const twin = fast.pairs.find((p) => p.a === models[0] && p.b === models[4])!;
      expect(twin.overall.attempts.a).toBeGreaterThan(0);
      expect(twin.verdict).toContain('m1 · pv');
      expect(twin.verdict).toContain('m1 · pw');
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

  it('plans each target on its own provider when one model id is on two', () => {
    const a = noisy('x', 0.02, 'run-1');
    const b = noisy('y', 0, 'run-2').map((x) => ({ ...x, model: 'x', providerId: 'pw' }));
    const r = computeCompare([...a, ...b], [targetKey('pv', 'x'), targetKey('pw', 'x')], null);
    const settle = r.pairs[0].perPrompt[0].settle;
    expect(settle?.targets).toEqual([
      { providerId: 'pv', model: 'x' },
      { providerId: 'pw', model: 'x' },
    ]);
    expect(settle?.repeats).toBe(67);
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
    const p = computePlots(known(), [k('model-a'), k('model-d')]);
    expect(p.score.series.map((s) => s.target)).toEqual([k('model-a'), k('model-d')]);
    expect(p.score.x).toHaveLength(101);
    const a = p.score.series[0];
    expect(a.n).toBe(40);
    expect(a.y[0]).toBe(1 / 40); // the one timeout scores 0
    expect(a.y[100]).toBe(1);
    expect(p.latency.series[0].y.at(-1)).toBe(1);
    expect(p.floor.windowSize).toBe(10);
    const d = p.floor.passFloor.find((s) => s.target === k('model-d'))!;
    expect(d.n).toBe(10);
    const values = d.y.filter((v): v is number => v !== null);
    // The last window (all from the worse checkpoint) has a lower floor than the first.
    expect(values.at(-1)!).toBeLessThan(values[0]);
    expect(p.floor.x).toEqual([...p.floor.x].sort((x, y) => x - y));
  });
});
