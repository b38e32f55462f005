import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type Case, type PromptVersion, type Run } from '../../../shared/domain/schemas';
import { cellKey, coverage, familyOf, interruptedToRerun, isJudgeFamily, plannedCells, repeatOffset, type Cell, type SentCell } from './coverage';

const version = (id: string, promptId: string): PromptVersion => ({ schema: 'tenth.promptVersion/1', id, promptId, system: '', messages: [{ role: 'user', content: 'Hi {{x}}' }], params: {}, createdAt: 1 });
const kase = (id: string, promptId: string): Case => ({ schema: 'tenth.case/1', id, promptId, label: null, vars: { x: id }, order: 0 });
const run = (id: string, over: Partial<Run> = {}): Run => ({
  schema: 'tenth.run/1',
  id,
  promptVersionIds: ['v1'],
  caseIds: ['c1', 'c2'],
  targets: [
    { providerId: 'pa', model: 'm1' },
    { providerId: 'pb', model: 'm2' },
  ],
  repeats: 3,
  concurrency: 4,
  firstTokenTimeoutMs: 1000,
  totalTimeoutMs: 2000,
  retry: DEFAULT_RETRY_POLICY,
  status: 'done',
  createdAt: 1,
  endedAt: 2,
  ...over,
});
const cell = (caseId: string, model: string, repeatIndex: number): Cell => ({ promptVersion: 'v1', caseId, providerId: model === 'm1' ? 'pa' : 'pb', model, repeatIndex });
const sent = (runId: string, c: Cell): SentCell => ({ ...c, runId });

describe('plannedCells', () => {
  it("expands a run's record into versions × cases × targets × repeats, whether or not its providers still exist", () => {
    const cells = plannedCells(run('r'), [version('v1', 'p')], [kase('c1', 'p'), kase('c2', 'p')]);
    expect(cells).toHaveLength(2 * 2 * 3);
    expect(new Set(cells.map(cellKey)).size).toBe(12);
    // Repeat is the outermost loop, as the engine sends them.
    expect(cells.slice(0, 4).every((c) => c.repeatIndex === 0)).toBe(true);
    expect(cells).toContainEqual(cell('c2', 'm2', 2));
  });

  it('shifts repeat indexes by an offset, and plans one empty case for a version with none', () => {
    const cells = plannedCells(run('r', { caseIds: [], repeats: 2 }), [version('v1', 'p')], [], 5);
    expect(cells.map((c) => `${c.caseId}/${c.model}/${c.repeatIndex}`)).toEqual(['p:default/m1/5', 'p:default/m2/5', 'p:default/m1/6', 'p:default/m2/6']);
  });
});

describe('coverage', () => {
  const planned = plannedCells(run('r'), [version('v1', 'p')], [kase('c1', 'p'), kase('c2', 'p')]);

  it('counts the planned attempts no run sent, once each however many retries a cell had', () => {
    const journal = [sent('r', cell('c1', 'm1', 0)), sent('r', cell('c1', 'm1', 0)), sent('r', cell('c1', 'm2', 0)), sent('r', cell('c2', 'm1', 0))];
    const c = coverage(planned, journal, 'r');
    expect(c.planned).toBe(12);
    expect(c.notSent).toHaveLength(9);
    expect(c.notSent[0]).toEqual(cell('c2', 'm2', 0));
    expect(c.sentElsewhere).toBe(0);
  });

  it('counts what a later run of the family sent as sent, from either run', () => {
    const journal = [sent('r', cell('c1', 'm1', 0)), sent('later', cell('c1', 'm2', 0)), sent('later', cell('c2', 'm1', 1))];
    expect(coverage(planned, journal, 'r')).toMatchObject({ planned: 12, sentElsewhere: 2 });
    expect(coverage(planned, journal, 'r').notSent).toHaveLength(9);
    expect(coverage(planned, journal, 'later').notSent).toHaveLength(9);
    expect(coverage(planned, journal, 'later').sentElsewhere).toBe(1);
  });

  it('is complete when every planned cell was sent', () => {
    const journal = planned.map((c) => sent('r', c));
    expect(coverage(planned, journal, 'r')).toEqual({ planned: 12, notSent: [], sentElsewhere: 0 });
  });
});

describe('familyOf', () => {
  it('finds the run that holds the plan through rerunOf links, and every run that continues it', () => {
    const runs = [
      run('root', { createdAt: 1 }),
      run('rerun', { rerunOf: 'root', createdAt: 2 }),
      run('resume', { rerunOf: 'rerun', createdAt: 3 }),
      run('other', { createdAt: 4 }),
      run('orphan', { rerunOf: 'deleted', createdAt: 5 }),
    ];
    const f = familyOf('resume', runs)!;
    expect(f.root.id).toBe('root');
    expect(f.members.map((r) => r.id)).toEqual(['root', 'rerun', 'resume']);
    expect(familyOf('root', runs)!.members.map((r) => r.id)).toEqual(['root', 'rerun', 'resume']);
    expect(familyOf('other', runs)!.members.map((r) => r.id)).toEqual(['other']);
    // A parent that is gone ends the chain.
    expect(familyOf('orphan', runs)!.root.id).toBe('orphan');
    expect(familyOf('nope', runs)).toBeNull();
  });

  it('survives a cycle', () => {
    const f = familyOf('a', [run('a', { rerunOf: 'b' }), run('b', { rerunOf: 'a' })]);
    expect(f?.members).toHaveLength(2);
  });
});

describe('repeatOffset, interruptedToRerun, isJudgeFamily', () => {
  it('starts a plan at the lowest repeat its family sent (settle runs number theirs after the journal’s)', () => {
    expect(repeatOffset([])).toBe(0);
    expect(repeatOffset([{ repeatIndex: 4 }, { repeatIndex: 3 }, { repeatIndex: 6 }])).toBe(3);
  });

  it('leaves out interrupted attempts a later run sent again', () => {
    const interrupted = [{ ...cell('c1', 'm1', 0), id: 'a' }, { ...cell('c2', 'm1', 0), id: 'b' }];
    expect(interruptedToRerun(interrupted, [cell('c1', 'm1', 0)]).map((a) => a.id)).toEqual(['b']);
  });

  it('knows judge runs by their calls, or by their name when none was written', () => {
    const f = { root: run('j'), members: [run('j')] };
    expect(isJudgeFamily(f, [{ judgeOf: 'x' }])).toBe(true);
    expect(isJudgeFamily(f, [{ judgeOf: null }, {}])).toBe(false);
    const named = run('j', { caseIds: [], name: 'Judge “strict” (m, k=3)' });
    expect(isJudgeFamily({ root: named, members: [named] }, [])).toBe(true);
  });
});
