/**
 * `tenth run SUITE [--repeat N] [--concurrency C] [--out FILE.jsonl]`: the run
 * engine headless. Reads a suite (./suite.ts), journals every attempt to a JSONL
 * file (./journal-file.ts), shows progress on stderr and prints a summary table
 * per prompt × model on stdout.
 *
 * Exit codes: 0 the run finished (failed attempts are data, not errors);
 * 1 the journal could not be written; 2 bad usage or a bad suite file;
 * 130 cancelled with Ctrl-C.
 */
import { tuneHeapForRuns } from './heap';
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { monotonicFactory } from 'ulid';
import { PROVIDER_SCHEMA, RUN_SCHEMA, type Run } from '../../shared/domain/schemas';
import { callerFromStream } from '../../shared/engine/caller';
import { estimateCost } from '../../shared/engine/cost';
import { createRunEngine, type ModelCaller } from '../../shared/engine/engine';
import { expandRun } from '../../shared/engine/plan';
import { recoverInterrupted } from '../../shared/engine/recover';
import { JOURNAL_SCHEMA } from '../../shared/journal/records';
import { createModelService } from '../services/models';
import { JournalFile, readExistingJournal } from './journal-file';
import { cliOwner, isOwnerAlive } from './owner';
import { formatFailures, formatUsd, ProgressBar, renderTable, statsView, summaryRows, type TextOut } from './report';
import { formatIssue, parseSuite } from './suite';

export interface CliIO {
  stdout: TextOut;
  stderr: TextOut;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Registers a Ctrl-C handler; returns its removal. */
  onInterrupt?: (handler: () => void) => () => void;
  /** For tests: a caller instead of the model service. */
  caller?: ModelCaller;
}

export const RUN_USAGE = `usage: tenth run SUITE.yaml [--repeat N] [--concurrency C] [--out FILE.jsonl]

  SUITE          a YAML or JSON suite (see examples/README.md)
  --repeat N     repeats per prompt × case × model (overrides the suite)
  --concurrency C  requests in flight at once, all providers together (overrides the suite)
  --out FILE     the journal to append to (default: SUITE-NAME.jsonl in the current folder)
  --no-fsync     skip the fsync after each line (faster; a power cut may lose the last lines)

Keys come from environment variables only (keyEnv in the suite; OPENAI_API_KEY etc. by default).
`;

function positiveInt(name: string, raw: string | undefined): number | undefined | string {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) return `--${name} expects a positive integer, got "${raw}"`;
  return n;
}

function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  tuneHeapForRuns();
  const err = (text: string) => io.stderr.write(`${text}\n`);

  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        repeat: { type: 'string' },
        concurrency: { type: 'string' },
        out: { type: 'string', short: 'o' },
        'no-fsync': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    err(`tenth run: ${(e as Error).message}\n\n${RUN_USAGE}`);
    return 2;
  }
  if (args.values.help) {
    io.stdout.write(RUN_USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) {
    err(`tenth run: expected one suite file, got ${args.positionals.length}\n\n${RUN_USAGE}`);
    return 2;
  }
  const repeat = positiveInt('repeat', args.values.repeat);
  const concurrency = positiveInt('concurrency', args.values.concurrency);
  for (const v of [repeat, concurrency]) {
    if (typeof v === 'string') {
      err(`tenth run: ${v}`);
      return 2;
    }
  }

  // --- the suite
  const suitePath = resolve(io.cwd, args.positionals[0]);
  const shown = args.positionals[0];
  let text: string;
  try {
    text = readFileSync(suitePath, 'utf8');
  } catch (e) {
    err(`${shown}: cannot read the suite (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return 2;
  }
  const parsed = await parseSuite(text, shown, {
    env: io.env,
    repeat: repeat as number | undefined,
    concurrency: concurrency as number | undefined,
  });
  for (const w of parsed.warnings) err(`warning: ${formatIssue(w)}`);
  if (!parsed.ok) {
    for (const i of parsed.issues) err(formatIssue(i));
    err(`tenth run: ${parsed.issues.length} problem${parsed.issues.length === 1 ? '' : 's'} in ${shown}; nothing was run.`);
    return 2;
  }
  const suite = parsed.suite;
  const outPath = resolve(io.cwd, args.values.out ?? `${basename(suitePath, extname(suitePath))}.jsonl`);

  // --- the journal: recover what a killed run left, then write this run's records
  let existing: Awaited<ReturnType<typeof readExistingJournal>>;
  let journal: JournalFile;
  try {
    existing = await readExistingJournal(outPath);
    journal = await JournalFile.open(outPath, { fsync: !args.values['no-fsync'] });
  } catch (e) {
    err(`${outPath}: cannot open the journal (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return 2;
  }
  for (const bad of existing.invalid) err(`warning: ${outPath}: ${bad.message} (line skipped)`);
  const owner = cliOwner();
  const nowMs = () => performance.timeOrigin + performance.now();
  try {
    const interrupted = recoverInterrupted(existing.pending, (o) => isOwnerAlive(o, owner), Date.now());
    for (const a of interrupted) await journal.append(a);
    const runsHit = new Set(interrupted.map((a) => a.runId));
    const livePendingRuns = new Set(existing.pending.filter((a) => a.owner !== undefined && isOwnerAlive(a.owner, owner)).map((a) => a.runId));
    for (const r of existing.openRuns) {
      // A run is cut off when its owner is gone (even between attempts, e.g. in a
      // retry's backoff); runs written before runs carried an owner go by their attempts.
      const dead = r.owner !== undefined ? !isOwnerAlive(r.owner, owner) : runsHit.has(r.id) && !livePendingRuns.has(r.id);
      if (dead) await journal.append({ ...r, status: 'interrupted', endedAt: Date.now() });
    }
    if (interrupted.length > 0) {
      err(`Marked ${interrupted.length} attempt${interrupted.length === 1 ? '' : 's'} left pending by a stopped process as interrupted.`);
    }

    if (existing.lines === 0) {
      await journal.append({
        schema: JOURNAL_SCHEMA,
        exportedAt: Date.now(),
        app: { name: 'tenth', version: appVersion() },
        filter: { command: 'tenth run', suite: shown },
      });
    }
    // Records already in the file are not written again: the journal keeps one of each.
    for (const p of suite.providers) {
      if (!existing.ids.provider.has(p.id)) await journal.append({ ...p, schema: PROVIDER_SCHEMA });
    }
    for (const p of suite.prompts) if (!existing.ids.prompt.has(p.id)) await journal.append(p);
    for (const v of suite.versions) if (!existing.ids.promptVersion.has(v.id)) await journal.append(v);

    const ulid = monotonicFactory();
    const run: Run = {
      schema: RUN_SCHEMA,
      id: ulid(),
      name: suite.name ?? basename(suitePath),
      promptVersionIds: suite.versions.map((v) => v.id),
      caseIds: suite.cases.map((c) => c.id),
      targets: suite.targets,
      repeats: suite.repeats,
      concurrency: suite.concurrency,
      firstTokenTimeoutMs: suite.firstTokenTimeoutMs,
      totalTimeoutMs: suite.totalTimeoutMs,
      retry: suite.retry,
      status: 'running',
      createdAt: Date.now(),
      endedAt: null,
      owner,
    };
    const plan = expandRun(run, suite.versions, suite.cases, suite.providers);
    for (const c of [...suite.cases, ...plan.implicitCases]) if (!existing.ids.case.has(c.id)) await journal.append(c);
    for (const p of plan.problems) if (p.kind !== 'unknown_variable') err(`warning: ${p.message}`);

    const est = estimateCost(plan.attempts);
    const missing = est.missingPrices.map((m) => `${m.providerId}/${m.model}`);
    err(
      `Run ${run.id}: ${plan.attempts.length} attempts (${suite.versions.length} prompt${suite.versions.length === 1 ? '' : 's'}, ` +
        `${suite.targets.length} model${suite.targets.length === 1 ? '' : 's'}, ${suite.repeats} repeat${suite.repeats === 1 ? '' : 's'}), ` +
        `concurrency ${suite.concurrency}; estimated cost up to ${formatUsd(est.usd)}${missing.length ? ` (no price: ${missing.join(', ')})` : ''}`,
    );
    err(`Journal: ${outPath}`);

    // --- run
    const caller =
      io.caller ??
      callerFromStream(
        createModelService({
          // Read at call time from the environment; never stored, printed or journaled.
          getKey: async (providerId) => {
            const name = suite.keyEnv[providerId];
            // Trimmed: a key read from a CRLF .env file ends in \r.
            return name ? (io.env[name]?.trim() ?? null) : null;
          },
        }).call,
      );
    const engine = createRunEngine({ caller, sink: journal.sink(), owner, ids: ulid });
    const handle = engine.start(run, plan);
    const bar = new ProgressBar(io.stderr);
    const finished: ReturnType<typeof statsView>[] = [];
    handle.onEvent((e) => {
      if (e.type === 'attempt:finished') finished.push(statsView(e.attempt));
      else if (e.type === 'progress') bar.update(e.progress);
      else if (e.type === 'provider:hold') bar.log(`${e.providerId}: rate limited; holding its queue for ${Math.round(e.untilMs - nowMs())} ms`);
    });

    let interruptedByUser = false;
    const removeInterrupt = io.onInterrupt?.(() => {
      if (interruptedByUser) return;
      interruptedByUser = true;
      bar.log('Cancelling: in-flight attempts are recorded as cancelled, queued ones are not sent (Ctrl-C again to quit at once).');
      handle.cancel();
    });

    let summary;
    try {
      summary = await handle.done;
    } catch (e) {
      bar.finish(handle.progress());
      err(`tenth run: the journal could not be written (${(e as Error).message}); the run was stopped.`);
      return 1;
    } finally {
      removeInterrupt?.();
    }
    bar.finish(handle.progress());

    io.stdout.write(`${renderTable(summaryRows(finished))}\n\n`);
    const failures = formatFailures(summary.failuresByClass);
    io.stdout.write(
      `${summary.status === 'cancelled' ? 'Cancelled' : 'Done'}: ${summary.attempts} attempts (${summary.retries} retries), ok ${summary.ok}, ` +
        `failed ${summary.failed}${failures ? ` (${failures})` : ''}` +
        `${summary.cancelled ? `, cancelled ${summary.cancelled}` : ''}${summary.dropped ? `, not sent ${summary.dropped}` : ''}` +
        `, cost ${formatUsd(summary.costUsd)}, ${(summary.elapsedMs / 1000).toFixed(1)} s\nJournal: ${outPath}\n`,
    );
    return interruptedByUser ? 130 : 0;
  } finally {
    await journal.close();
  }
}
