import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOURNAL_TABS, TAB_LABELS } from '../features/journal/store';
import type { Command } from './commands';
import { globalCommands } from './globalCommands';
import { KEYWORD_WEIGHT, rankCommands, scoreCommand } from './paletteRank';

const run = () => undefined;
const cmd = (id: string, label: string, group: string, more: Partial<Command> = {}): Command => ({ id, label, group, run, ...more });

/**
 * What each page registers while it is shown, as it registers it (the palette
 * shows the global commands and the open page's). The labels are checked
 * against their source files below, so a renamed command fails here until its
 * queries are looked at again.
 */
const PAGES: Record<string, { file: string; commands: Command[] }> = {
  prompts: { file: 'renderer/src/features/prompts/PromptsPage.tsx', commands: [cmd('prompts.new', 'New prompt', 'Prompts', { shortcut: 'Mod+Alt+N' })] },
  prompt: {
    file: 'renderer/src/features/prompts/PromptWorkspace.tsx',
    commands: [cmd('prompt.save', 'Save prompt version', 'Prompt', { shortcut: 'Mod+S' }), cmd('prompt.run', 'Run this prompt…', 'Prompt', { shortcut: 'Mod+Enter' })],
  },
  launcher: { file: 'renderer/src/features/prompts/RunLauncher.tsx', commands: [cmd('run.launch', 'Launch run', 'Prompt', { shortcut: 'Mod+Enter' })] },
  run: {
    file: 'renderer/src/features/runs/RunView.tsx',
    commands: [
      cmd('run.back', 'Back to all runs', 'Run'),
      cmd('run.pause', 'Pause run', 'Run'),
      cmd('run.resume', 'Resume run', 'Run'),
      cmd('run.cancel', 'Cancel run', 'Run'),
      cmd('run.rerun', 'Re-run interrupted attempts', 'Run'),
    ],
  },
  journal: {
    file: 'renderer/src/features/journal/JournalPage.tsx',
    commands: [
      ...JOURNAL_TABS.map((t) => cmd(`journal.tab.${t}`, `Journal: ${TAB_LABELS[t]}`, 'Journal')),
      cmd('journal.clearFilters', 'Journal: clear filters', 'Journal'),
      cmd('journal.compare', 'Journal: compare the two selected attempts', 'Journal'),
      cmd('journal.closeDetail', 'Journal: close attempt detail', 'Journal'),
    ],
  },
  grading: {
    file: 'renderer/src/features/journal/GradeQueue.tsx',
    commands: [
      cmd('grade.next', 'Grade: next attempt', 'Grading', { shortcut: 'J' }),
      cmd('grade.prev', 'Grade: previous attempt', 'Grading', { shortcut: 'K' }),
      cmd('grade.pass', 'Grade: pass (and next)', 'Grading', { shortcut: 'P' }),
      cmd('grade.fail', 'Grade: fail (and next)', 'Grading', { shortcut: 'F' }),
      ...[1, 2, 3, 4, 5].map((n) => cmd(`grade.score${n}`, `Grade: score ${n} of 5`, 'Grading', { shortcut: String(n) })),
      cmd('grade.note', 'Grade: write a note', 'Grading', { shortcut: 'N' }),
    ],
  },
  stats: {
    file: 'renderer/src/features/stats/StatsPage.tsx',
    commands: [
      ...['matrix', 'compare', 'plots', 'drift'].map((t) => cmd(`stats.tab.${t}`, `Stats: show ${t}`, 'Stats')),
      cmd('stats.refresh', 'Stats: recompute', 'Stats'),
      cmd('stats.by-case', 'Stats: expand rows by case', 'Stats'),
      cmd('stats.clear-filters', 'Stats: clear filters', 'Stats'),
    ],
  },
  providers: {
    file: 'renderer/src/features/providers/ProvidersPage.tsx',
    commands: [cmd('providers.add', 'Add provider', 'Providers'), cmd('providers.detect', 'Detect local model servers', 'Providers'), cmd('providers.env', 'Import keys from environment', 'Providers')],
  },
};

/** The palette's list on a page: the global commands, then the page's (a page's command replaces a global one with its id). */
function shown(...pages: (keyof typeof PAGES)[]): Command[] {
  const byId = new Map(globalCommands().map((c) => [c.id, c]));
  for (const p of pages) for (const c of PAGES[p]!.commands) byId.set(c.id, c);
  return [...byId.values()];
}

const first = (commands: Command[], query: string) => rankCommands(commands, query)[0]?.command.id;

/** Natural queries → the command Enter should run, per page (where a page's commands change the answer). */
type Query = [pages: (keyof typeof PAGES)[], query: string, id: string];
const QUERIES: Query[] = [
  // The two misfires the review found.
  [[], 'grade', 'journal.tab.grade'],
  [[], 'dark', 'theme.dark'],
  // On the Journal page its own grade tab command takes the global one's place.
  [['journal'], 'grade', 'journal.tab.grade'],
  [['journal', 'grading'], 'grade', 'grade.next'],
  [[], 'command palette', 'palette.open'],
  [[], 'palette', 'palette.open'],
  [[], 'shortcuts', 'help.shortcuts'],
  [[], 'keyboard', 'help.shortcuts'],
  [[], 'help', 'help.shortcuts'],
  [[], 'keys', 'help.shortcuts'],
  [[], 'prompts', 'go.prompts'],
  [[], 'go prompts', 'go.prompts'],
  [[], 'runs', 'go.runs'],
  [['run'], 'runs', 'go.runs'],
  [[], 'journal', 'go.journal'],
  [['journal'], 'go journal', 'go.journal'],
  [[], 'stats', 'go.stats'],
  [['stats'], 'go stats', 'go.stats'],
  [[], 'providers', 'go.providers'],
  [[], 'settings', 'go.settings'],
  [[], 'preferences', 'go.settings'],
  [[], 'new prompt', 'prompts.new'],
  [[], 'new', 'prompts.new'],
  [['prompts', 'prompt'], 'new prompt', 'prompts.new'],
  [[], 'export', 'data.export'],
  [[], 'csv', 'data.export'],
  [['journal'], 'export', 'data.export'],
  [[], 'import', 'data.import'],
  [['providers'], 'import', 'data.import'],
  [[], 'backup', 'data.backup'],
  [[], 'back up', 'data.backup'],
  [[], 'report', 'data.report'],
  [[], 'html report', 'data.report'],
  [[], 'light', 'theme.light'],
  [[], 'light mode', 'theme.light'],
  [[], 'dark mode', 'theme.dark'],
  [[], 'night', 'theme.dark'],
  [[], 'theme dark', 'theme.dark'],
  [[], 'system theme', 'theme.system'],
  [[], 'switch theme', 'theme.cycle'],
  [[], 'toggle theme', 'theme.cycle'],
  [[], 'mock', 'onboarding.mock'],
  [[], 'demo', 'onboarding.mock'],
  [['prompts', 'prompt'], 'save', 'prompt.save'],
  [['prompts', 'prompt'], 'run prompt', 'prompt.run'],
  [['prompts', 'prompt', 'launcher'], 'launch', 'run.launch'],
  [['run'], 'pause', 'run.pause'],
  [['run'], 'resume', 'run.resume'],
  [['run'], 'cancel', 'run.cancel'],
  [['run'], 'rerun', 'run.rerun'],
  [['run'], 'back', 'run.back'],
  [['journal'], 'attempts', 'journal.tab.attempts'],
  [['journal'], 'blind', 'journal.tab.blind'],
  [['journal'], 'checks', 'journal.tab.checks'],
  [['journal'], 'judges', 'journal.tab.judges'],
  [['journal'], 'clear filters', 'journal.clearFilters'],
  [['journal'], 'compare', 'journal.compare'],
  [['journal'], 'close detail', 'journal.closeDetail'],
  [['journal', 'grading'], 'next', 'grade.next'],
  [['journal', 'grading'], 'previous', 'grade.prev'],
  [['journal', 'grading'], 'pass', 'grade.pass'],
  [['journal', 'grading'], 'fail', 'grade.fail'],
  ...[1, 2, 3, 4, 5].map((n): Query => [['journal', 'grading'], `score ${n}`, `grade.score${n}`]),
  [['journal', 'grading'], 'note', 'grade.note'],
  [['stats'], 'matrix', 'stats.tab.matrix'],
  [['stats'], 'compare', 'stats.tab.compare'],
  [['stats'], 'plots', 'stats.tab.plots'],
  [['stats'], 'drift', 'stats.tab.drift'],
  [['stats'], 'recompute', 'stats.refresh'],
  [['stats'], 'by case', 'stats.by-case'],
  [['stats'], 'clear filters', 'stats.clear-filters'],
  [['providers'], 'add provider', 'providers.add'],
  [['providers'], 'detect', 'providers.detect'],
  [['providers'], 'environment', 'providers.env'],
];

describe('command palette ranking', () => {
  it.each(QUERIES)('on %j, "%s" runs %s', (pages, query, id) => {
    expect(first(shown(...pages), query)).toBe(id);
  });

  // Where the part after the prefix is itself another area's name, that area's commands may come first.
  const AMBIGUOUS: Record<string, string> = { 'Grade on ["journal","grading"]': 'grade.next' };

  it('every command is the first result for its own title, and for the part after its "Area:" prefix', () => {
    const contexts: (keyof typeof PAGES)[][] = [[], ['prompts', 'prompt'], ['prompts', 'prompt', 'launcher'], ['run'], ['journal'], ['journal', 'grading'], ['stats'], ['providers']];
    for (const pages of contexts) {
      const commands = shown(...pages);
      for (const c of commands) {
        expect(first(commands, c.label), `"${c.label}" on ${JSON.stringify(pages)}`).toBe(c.id);
        expect(first(commands, c.label.toLowerCase()), `"${c.label.toLowerCase()}" on ${JSON.stringify(pages)}`).toBe(c.id);
        const rest = c.label.split(': ')[1];
        const where = `${rest} on ${JSON.stringify(pages)}`;
        if (rest) expect(first(commands, rest), where).toBe(AMBIGUOUS[where] ?? c.id);
      }
    }
  });

  it('every global command has at least one natural query above', () => {
    const covered = new Set(QUERIES.map(([, , id]) => id));
    expect(globalCommands().filter((c) => !covered.has(c.id)).map((c) => c.id)).toEqual([]);
    for (const p of Object.values(PAGES)) expect(p.commands.filter((c) => !covered.has(c.id)).map((c) => c.id)).toEqual([]);
  });

  it('the page commands above are still registered under these titles', () => {
    for (const p of Object.values(PAGES)) {
      const source = readFileSync(p.file, 'utf8');
      // Titles built from a template (tabs, scores) are checked by their fixed part.
      for (const c of p.commands) expect(source, `${c.label} in ${p.file}`).toContain(c.label.replace(/^(Journal: |Stats: show |Grade: score ).*$/, '$1'));
    }
  });

  it('a match in the title beats the same match in keywords or the group', () => {
    const title = cmd('a', 'Theme: Dark', 'Appearance');
    const keyword = cmd('b', 'Theme: Light', 'Appearance', { keywords: ['dark mode'] });
    expect(scoreCommand(title, 'dark')).toBeGreaterThan(scoreCommand(keyword, 'dark'));
    expect(scoreCommand(keyword, 'dark')).toBeLessThanOrEqual(KEYWORD_WEIGHT);
    // The group alone still finds a command, ranked below any title match.
    expect(scoreCommand(cmd('c', 'Try it with the mock provider', 'General'), 'general')).toBeGreaterThan(0);
  });

  it('one list across groups: a later group’s better match comes first', () => {
    const commands = [cmd('x', 'Get a random demo', 'General'), cmd('y', 'Grade attempts', 'Zzz')];
    expect(rankCommands(commands, 'grade').map((r) => r.command.id)).toEqual(['y', 'x']);
  });

  it('hides disabled commands and keeps registry order for an empty query', () => {
    const commands = [cmd('a', 'Beta', 'G'), cmd('b', 'Alpha', 'G', { enabled: () => false }), cmd('c', 'Alpha two', 'H')];
    expect(rankCommands(commands, '').map((r) => r.command.id)).toEqual(['a', 'c']);
    expect(rankCommands(commands, 'alpha').map((r) => r.command.id)).toEqual(['c']);
  });
});
