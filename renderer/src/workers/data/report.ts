/**
 * Reads what a report needs from Dexie: the selection's attempts (outputs
 * included: the report lists every one), and the prompts and versions they use.
 * A report is for a stats selection (prompt(s) × models), so it is read whole.
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
  const prompts = (await db.prompts.bulkGet(promptIds)).filter((p) => p !== undefined);
  const versions = (await db.promptVersions.bulkGet(versionIds)).filter((v) => v !== undefined);
  const model = buildReport({ title: req.title, app: req.app, generatedAt: req.generatedAt, filter: req.filter, attempts, prompts, versions });
  return { html: renderHtml(model), markdown: renderMarkdown(model), attempts: attempts.length };
}
