/**
 * What the command palette shows for a query, best first. cmdk's own filter
 * scores each item but selects the first match in group order (its sort of
 * the groups looks them up by their React id, which they don't carry as their
 * value), so "dark" ran "Theme: Light" and "grade" ran the mock tour. Here every command is scored with
 * cmdk's score and the results are one list across groups, so the first
 * result — the one Enter runs — is the best match.
 */
import { defaultFilter } from 'cmdk';
import type { Command } from './commands';

export interface Ranked {
  command: Command;
  score: number;
}

/**
 * A match only in the keywords or the group name counts for this much of a
 * match in the title: "dark" finds "Theme: Dark" before "Theme: Light" (whose
 * keyword says "light mode, not dark"), and a query that matches a title well
 * is never beaten by one that matches some keyword.
 */
export const KEYWORD_WEIGHT = 0.5;

/** A query's words in another order than the title's ("system theme" for "Theme: System") count for this much. */
export const ANY_ORDER_WEIGHT = 0.9;

/** "re-run" is matched as "rerun" too: people type the word without the hyphen. */
const unhyphenated = (s: string) => s.replace(/(\w)-(\w)/g, '$1$2');

/** One query (or one of its words) against one command: the title first, then keywords and group. */
function scoreText(label: string, extra: string[], q: string): number {
  const title = Math.max(defaultFilter(label, q), defaultFilter(unhyphenated(label), q));
  return Math.max(title, KEYWORD_WEIGHT * defaultFilter(label, q, extra));
}

/** The score of one command for a query: 0 when it doesn't match. */
export function scoreCommand(command: Command, query: string): number {
  // Lower case on both sides: cmdk takes a little off for a case difference,
  // which would decide between "Go to Journal" and "Export the journal".
  const q = query.trim().toLowerCase();
  if (!q) return 1;
  const label = command.label.toLowerCase();
  const extra = [...(command.keywords ?? []), command.group].map((k) => k.toLowerCase());
  const whole = scoreText(label, extra, q);
  const words = q.split(/\s+/);
  if (words.length < 2) return whole;
  // Each word on its own (geometric mean), for words typed in another order or
  // split between the title and a keyword ("html report").
  const each = words.map((w) => scoreText(label, extra, w));
  const anyOrder = each.every((x) => x > 0) ? ANY_ORDER_WEIGHT * Math.exp(each.reduce((sum, x) => sum + Math.log(x), 0) / each.length) : 0;
  return Math.max(whole, anyOrder);
}

/**
 * The enabled commands that match, best first. On a tie the shorter title goes
 * first — the query is more of it ("journal": "Go to Journal" before "Export
 * the journal") — then the registry order (global commands, then the shown
 * page's). An empty query keeps every enabled command in registry order.
 */
export function rankCommands(commands: Command[], query: string): Ranked[] {
  const enabled = commands.filter((c) => c.enabled?.() ?? true);
  if (!query.trim()) return enabled.map((command) => ({ command, score: 1 }));
  return enabled
    .map((command) => ({ command, score: scoreCommand(command, query) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.command.label.length - b.command.label.length);
}
