import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from './main';
import type { CliIO } from './run';
import { formatIssue, parseSuite } from './suite';

function io(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {}, cwd: process.cwd() },
    out: () => out,
    err: () => err,
  };
}

describe('tenth command router', () => {
  it('lists its commands on --help and refuses unknown ones', async () => {
    const help = io();
    expect(await main(['--help'], help.io)).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(help.out()).toContain(`  ${name}`);
    const none = io();
    expect(await main([], none.io)).toBe(2);
    expect(none.err()).toContain('usage: tenth <command>');
    const unknown = io();
    expect(await main(['frobnicate'], unknown.io)).toBe(2);
    expect(unknown.err()).toContain('unknown command "frobnicate"');
  });

  it('routes to run', async () => {
    const h = io();
    expect(await main(['run', '--help'], h.io)).toBe(0);
    expect(h.out()).toContain('usage: tenth run SUITE');
  });
});

describe('examples/mock-suite.yaml', () => {
  it('is a valid suite with no warnings', async () => {
    const file = resolve(__dirname, '../../examples/mock-suite.yaml');
    const r = await parseSuite(readFileSync(file, 'utf8'), 'examples/mock-suite.yaml', { env: { MOCK_KEY: 'x' } });
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    expect(r.warnings.map(formatIssue)).toEqual([]);
    expect(r.suite.targets).toHaveLength(2);
    expect(r.suite.cases).toHaveLength(4);
  });
});
