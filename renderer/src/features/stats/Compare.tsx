import { useLayoutEffect, useRef, useState } from 'react';
import type { PairComparison } from '../../../../shared/stats';
import { useUi } from '../../store/ui';
import { useRunsUi } from '../runs/RunsPage';
import type { CompareResult, MatrixResult, PairResult, SettlePlan, Timings } from '../../workers/stats/protocol';
import type { StatsClient } from './client';
import { launchSettle } from './settle';
import { useStatsUi } from './store';
import { usePromptNames } from '../../hooks/usePromptNames';
import { type TargetNames, useCaseNames, useTargetNames } from './useNames';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number | null, d = 3) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);

const VERDICT_WORDS: Record<PairComparison['verdict'], (a: string, b: string) => string> = {
  'a-higher': (a) => `${a} higher`,
  'b-higher': (_a, b) => `${b} higher`,
  'not-distinguishable-yet': () => 'not distinguishable yet',
  'insufficient-data': () => 'too little data',
};

function passTestText(c: PairComparison): string {
  const t = c.passTest;
  if (!t) return '—';
  if (t.p === null) return 'untestable';
  const name = t.method === 'mcnemar-exact' ? 'McNemar exact' : 'z-test (n_eff)';
  return `${name} p = ${t.p.toPrecision(2)}`;
}

function neededText(c: PairComparison): string {
  if (c.verdict === 'a-higher' || c.verdict === 'b-higher') return 'settled';
  const s = c.sampleSize;
  if (!s) return c.verdict === 'insufficient-data' ? 'more shared cases' : 'no difference observed';
  const bits: string[] = [];
  if (s.moreRepeatsPerCase !== null) bits.push(`${s.moreRepeatsPerCase} more repeats/case`);
  if (s.moreCases !== null) bits.push(`or ${s.moreCases} more cases`);
  if (s.moreAttemptsPerModel !== null) bits.push(`(${s.moreAttemptsPerModel} more attempts/model for the pass rates)`);
  return bits.join(' ');
}

function SettleButton({ plan, label }: { plan: SettlePlan; label: string }) {
  const toast = useUi((s) => s.toast);
  const setPage = useUi((s) => s.setPage);
  const [busy, setBusy] = useState(false);
  const count = plan.repeats * plan.caseIds.length * plan.targets.length;
  return (
    <button
      type="button"
      className="small"
      disabled={busy}
      aria-label={`Run ${count} more to settle ${label}`}
      title={`${plan.repeats} more repeats × ${plan.caseIds.length} cases × ${plan.targets.length} targets, prompt version ${plan.promptVersion}`}
      onClick={async () => {
        setBusy(true);
        try {
          const r = await launchSettle(plan);
          if (!r.ok) toast(r.message, 'error');
          else {
            toast(`Launched ${r.attempts} attempts to settle ${label}.`);
            useRunsUi.getState().open(r.runId);
            setPage('runs');
          }
        } catch (e) {
          toast(`Could not launch: ${(e as Error).message}`, 'error');
        } finally {
          setBusy(false);
        }
      }}
    >
      Run {count} more to settle this
    </button>
  );
}

function PairView({ pair, promptName, target }: { pair: PairResult; promptName(id: string): string; target: TargetNames }) {
  const [a, b] = [target(pair.a).label, target(pair.b).label];
  return (
    <section className="card" aria-label={`${a} vs ${b}`}>
      <h2>
        <span title={target(pair.a).title}>{a}</span> vs <span title={target(pair.b).title}>{b}</span>
      </h2>
      <p className="verdict" aria-label={`Verdict ${a} vs ${b}`}>
        {pair.verdict}
      </p>
      <table className="table" aria-label={`Per prompt, ${a} vs ${b}`}>
        <thead>
          <tr>
            <th scope="col">Prompt</th>
            <th scope="col" title="Cases scored for both models (the paired comparison uses only these)">shared cases</th>
            <th scope="col" title="Pass rate on the shared cases: mean over cases of each model's pass fraction">
              pass {a} / {b}
            </th>
            <th scope="col" title="Mean per-case score difference A − B with its 95% Student t interval over cases">score diff (95% CI)</th>
            <th scope="col" title="McNemar's exact test when attempts pair one to one by (case, repeat); else a two-proportion z-test at effective sample sizes">pass-rate test</th>
            <th scope="col" title="p10(A) − p10(B) with a 95% paired cluster-bootstrap interval (cases resampled)">floor diff (bootstrap)</th>
            <th scope="col">verdict</th>
            <th scope="col" title="For 80% power at α = 0.05 on the observed difference">still needed</th>
            <th scope="col">
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pair.perPrompt.map(({ prompt, comparison: c, settle }) => (
            <tr key={prompt}>
              <th scope="row" title={prompt}>
                {promptName(prompt)}
              </th>
              <td>{c.cases.shared}</td>
              <td>
                {pct(c.pass.meanA)} / {pct(c.pass.meanB)}
              </td>
              <td>
                {signed(c.score.mean)} ({signed(c.score.lower)} to {signed(c.score.upper)})
              </td>
              <td>{passTestText(c)}</td>
              <td title={`${c.floor.replicates} bootstrap replicates, seed ${c.floor.seed}`}>
                {signed(c.floor.diff, 2)} ({signed(c.floor.lower, 2)} to {signed(c.floor.upper, 2)})
              </td>
              <td>
                <span className={`chip ${c.verdict === 'a-higher' || c.verdict === 'b-higher' ? 'ok' : 'warn'}`}>{VERDICT_WORDS[c.verdict](a, b)}</span>
              </td>
              <td>{neededText(c)}</td>
              <td>{settle && <SettleButton plan={settle} label={`${a} vs ${b} on ${promptName(prompt)}`} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Gallery({ result, promptName, target }: { result: CompareResult; promptName(id: string): string; target: TargetNames }) {
  const caseName = useCaseNames();
  return (
    <section className="card" aria-label="Worst-of-N gallery">
      <h2>Worst of N: the bottom decile of each model</h2>
      <p className="muted">What you would ship on a bad day: the lowest-scoring tenth of each model's scored attempts on these prompts, failures included (a failure scores 0).</p>
      <div className="gallery" style={{ gridTemplateColumns: `repeat(${Math.max(1, result.gallery.length)}, minmax(240px, 1fr))` }}>
        {result.gallery.map((col) => (
          <section key={col.target} aria-label={`Worst outputs of ${target(col.target).label}`}>
            <h3>
              <span title={target(col.target).title}>{target(col.target).label}</span> <span className="muted">· {col.items.length} of {col.scored}</span>
            </h3>
            {col.items.length === 0 && <p className="muted">No scored attempts.</p>}
            <ol className="gallery-list">
              {col.items.map((item) => (
                <li key={item.id} className="gallery-item">
                  <div className="card-head">
                    <span className="muted" title={`attempt ${item.id} · case ${item.caseId}`}>
                      {promptName(item.prompt)} · {caseName(item.caseId, item.prompt)} · #{item.repeatIndex + 1}
                    </span>
                    <span className={`chip ${item.status === 'failed' ? 'bad' : 'warn'}`}>{item.failureClass ?? `score ${item.score.toFixed(2)}`}</span>
                  </div>
                  {item.failureMessage && <p className="failure-msg">{item.failureMessage}</p>}
                  {item.output && <pre className="attempt-text">{item.output}</pre>}
                </li>
              ))}
            </ol>
          </section>
        ))}
      </div>
    </section>
  );
}

export function Compare({ matrix, client }: { matrix: MatrixResult; client: StatsClient }) {
  const { compareTargets, comparePrompts, set } = useStatsUi();
  const [result, setResult] = useState<CompareResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [timing, setTiming] = useState<(Timings & { t0: number; roundTripMs: number; count: number }) | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const prompts = [...new Set(matrix.rows.map((r) => r.prompt))];
  const promptName = usePromptNames();
  const target = useTargetNames(matrix.targets);
  const models = compareTargets.filter((k) => matrix.targets.some((t) => t.key === k));
  const chosenPrompts = comparePrompts.filter((p) => prompts.includes(p));
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const t0 = performance.now();
      const r = await client.compare(models, chosenPrompts.length ? chosenPrompts : null, target.labels);
      setResult(r.result);
      setTiming((prev) => ({ ...r.timings, t0, roundTripMs: performance.now() - t0, count: (prev?.count ?? 0) + 1 }));
    } catch (e) {
      if ((e as Error).name !== 'StaleRequest') setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Once a comparison is in the DOM: attributes the benchmark reads (worker compute, outputs read, request → rendered).
  useLayoutEffect(() => {
    const el = root.current;
    if (!timing || !el) return;
    el.dataset.compareReady = String(timing.count);
    el.dataset.compareComputeMs = timing.computeMs.toFixed(1);
    el.dataset.compareLoadMs = timing.loadMs.toFixed(1);
    el.dataset.compareRoundTripMs = timing.roundTripMs.toFixed(1);
    el.dataset.compareMs = (performance.now() - timing.t0).toFixed(1);
  }, [timing]);

  return (
    <div className="compare" ref={root}>
      <div className="compare-pick">
        <fieldset>
          <legend>Models to compare (two or more)</legend>
          {matrix.targets.map((t) => (
            <label key={t.key} className="check" title={target(t.key).title}>
              <input type="checkbox" checked={models.includes(t.key)} onChange={() => set({ compareTargets: toggle(models, t.key) })} /> {target(t.key).label}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Prompts (none ticked: all)</legend>
          {prompts.map((p) => (
            <label key={p} className="check">
              <input type="checkbox" checked={chosenPrompts.includes(p)} onChange={() => set({ comparePrompts: toggle(chosenPrompts, p) })} /> {promptName(p)}
            </label>
          ))}
        </fieldset>
        <button type="button" onClick={() => void run()} disabled={models.length < 2 || busy}>
          {busy ? 'Comparing…' : 'Compare'}
        </button>
      </div>
      {error && (
        <p className="notice bad" role="alert">
          {error}
        </p>
      )}
      {result && (
        <>
          {result.pairs.map((p) => (
            <PairView key={`${p.a}\u0000${p.b}`} pair={p} promptName={promptName} target={target} />
          ))}
          <Gallery result={result} promptName={promptName} target={target} />
        </>
      )}
    </div>
  );
}
