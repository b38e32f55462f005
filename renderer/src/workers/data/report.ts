/**
 * Reads what a report needs from Dexie: the selection's attempts (outputs
 * included: the report lists every one), the prompts, versions and cases they
 * use, and the providers (for their names and the models' display names). A
 * report is for a stats selection (prompt(s) × models), so it is read whole.
 */
import type { Attempt } from '../../../../shared/domain/schemas';
import type { JournalFilter } from '../../../../shared/journal/filter';
import { buildReport, renderHtml, renderMarkdown } from '../../../../shared/report';
import type { TenthDb } from '../../db/db';
import { scanAttempts } from '../../db/journal';

export async function buildReportFromDexie(
  db: TenthDb,
  req: { filter: JournalFilter | null; app: { name: string; version: string }; title?: string; generatedAt: number; signal?: AbortSignal },
): Promise<{ html: string; markdown: string; attempts: number }> {
  const attempts: Attempt[] = [];
  for await (const page of scanAttempts(req.filter, { signal: req.signal }, db)) attempts.push(...page);
  const promptIds = [...new Set(attempts.map((a) => a.promptId))].sort();
  const versionIds = [...new Set(attempts.map((a) => a.promptVersion))].sort();
  const caseIds = [...new Set(attempts.map((a) => a.caseId))].sort();
  const [prompts, versions, cases, providers] = await Promise.all([
    db.prompts.bulkGet(promptIds).then((l) => l.filter((p) => p !== undefined)),
    db.promptVersions.bulkGet(versionIds).then((l) => l.filter((v) => v !== undefined)),
    db.cases.bulkGet(caseIds).then((l) => l.filter((c) => c !== undefined)),
    db.providers.toArray(),
  ]);
  const model = buildReport({ title: req.title, app: req.app, generatedAt: req.generatedAt, filter: req.filter, attempts, prompts, versions, cases, providers });
  return { html: renderHtml(model), markdown: renderMarkdown(model), attempts: attempts.length };
}
