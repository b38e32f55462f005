import { spawnSync } from 'node:child_process';
import type * as NodeFs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RETRY_POLICY, type Attempt, type Run } from '../../shared/domain/schemas';
import { JournalFile, readExistingJournal } from './journal-file';
import { cliOwner, isOwnerAlive, processStartMs } from './owner';

/** fsync through a counter and a switch, so group commit and a failing disk can be observed. */
const fsyncCtl = vi.hoisted(() => ({ calls: 0, fail: null as Error | null, shortStringWrite: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const fsync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    fsyncCtl.calls++;
    if (fsyncCtl.fail) {
      const err = fsyncCtl.fail;
      setImmediate(() => cb(err));
    } else fs.fsync(fd, cb);
  };
  // A write of a string can be cut to its first `shortStringWrite` bytes, as a short write(2) would.
  const writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (typeof data === 'string' && fsyncCtl.shortStringWrite > 0) {
      const bytes = Buffer.from(data, 'utf8');
      return fs.writeSync(fd, bytes, 0, Math.min(fsyncCtl.shortStringWrite, bytes.length));
    }
    return (fs.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, fsync, writeSync }, fsync, writeSync };
});

let dir: string;
beforeEach(() => {
  fsyncCtl.calls = 0;
  fsyncCtl.fail = null;
  fsyncCtl.shortStringWrite = 0;
  dir = mkdtempSync(join(tmpdir(), 'tenth-jf-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function attempt(id: string, status: Attempt['status'], owner = 'cli:h:1:1'): Attempt {
  return {
    schema: 'tenth.attempt/1', id, runId: 'r1', promptId: 'p', promptVersion: 'v', caseId: 'c', repeatIndex: 0, retryOf: null,
    providerKind: 'openai', providerId: 'A', model: 'm', servedModel: null, systemFingerprint: null, params: {},
    status, failure: null, finishReason: null, output: '', outputTruncatedAt: null, request: null, responseMeta: null,
    queuedAt: 1, startedAt: null, firstTokenAt: null, endedAt: null, ttftMs: null, latencyMs: null, tokensPerSec: null,
    usage: null, price: null, costUsd: null, grades: [], owner,
  };
}

const run: Run = {
  schema: 'tenth.run/1', id: 'r1', promptVersionIds: ['v'], caseIds: ['c'], targets: [{ providerId: 'A', model: 'm' }],
  repeats: 1, concurrency: 1, firstTokenTimeoutMs: 1000, totalTimeoutMs: 2000, retry: DEFAULT_RETRY_POLICY,
  status: 'running', createdAt: 1, endedAt: null,
};

describe('JournalFile', () => {
  it('appends one line per record, in call order, even when writes overlap', async () => {
    const path = join(dir, 'j.jsonl');
    const f = await JournalFile.open(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => f.append(attempt(`a${i}`, 'pending'))));
    await f.close();
    const ids = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as Attempt).id);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
  });

  it('writes a pending line before writePending returns, and shares fsyncs between overlapping appends', async () => {
    const path = join(dir, 'w.jsonl');
    const f = await JournalFile.open(path);
    const s = f.sink();
    const pending = s.writePending(attempt('a0', 'pending'));
    // Already in the file (the page cache) with no await in between: write-ahead holds even if the process dies now.
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(attempt('a0', 'pending'))}\n`);
    await pending;
    await Promise.all(Array.from({ length: 50 }, (_, i) => f.append(attempt(`a${i + 1}`, 'ok'))));
    // The first fsync began with the pending line; the 50 appends share at most two more.
    expect(fsyncCtl.calls).toBeGreaterThanOrEqual(1);
    expect(fsyncCtl.calls).toBeLessThanOrEqual(3);
    await f.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(51);
  });

  it('fails the waiting appends and every later write when an fsync fails, and close reports it only once', async () => {
    const path = join(dir, 'e.jsonl');
    const f = await JournalFile.open(path);
    fsyncCtl.fail = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    await expect(f.append(attempt('a1', 'ok'))).rejects.toThrow('EIO');
    expect(() => f.writeNow(attempt('a2', 'pending'))).toThrow('EIO');
    await expect(f.sink().writePending(attempt('a3', 'pending'))).rejects.toThrow('EIO');
    await expect(f.close()).resolves.toBeUndefined();

    // A failure nobody saw yet (only a pending line was written) comes out of close.
    const g = await JournalFile.open(join(dir, 'e2.jsonl'));
    await g.sink().writePending(attempt('b1', 'pending'));
    await expect(g.close()).rejects.toThrow('EIO');
  });

  it('writes non-ASCII text whole, also when the OS takes only part of a line (cut inside a character)', async () => {
    const path = join(dir, 'u.jsonl');
    const f = await JournalFile.open(path, { fsync: false });
    const a = { ...attempt('a1', 'ok'), output: 'é漢🙂 ok' };
    await f.append(a);
    // 301 bytes ends inside a multi-byte character of the output, near the start of the line.
    fsyncCtl.shortStringWrite = 301;
    await f.append({ ...a, id: 'a2', output: '漢'.repeat(200) });
    await f.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Attempt);
    expect(lines.map((l) => l.output)).toEqual(['é漢🙂 ok', '漢'.repeat(200)]);
  });

  it('without fsync, append resolves after the write alone and nothing is synced', async () => {
    const path = join(dir, 'n.jsonl');
    const f = await JournalFile.open(path, { fsync: false });
    await f.append(attempt('a1', 'ok'));
    await f.close();
    expect(fsyncCtl.calls).toBe(0);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2);
  });

  it('closes off a line torn by a killed writer before appending', async () => {
    const path = join(dir, 'torn.jsonl');
    const whole = JSON.stringify(attempt('a1', 'pending'));
    writeFileSync(path, `${whole}\n${whole.slice(0, 40)}`);
    const f = await JournalFile.open(path);
    await f.sink().writeFinished(attempt('a1', 'ok'));
    await f.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[1]).toBe(whole.slice(0, 40));
    expect((JSON.parse(lines[2]) as Attempt).status).toBe('ok');
    const ex = await readExistingJournal(path);
    expect(ex.invalid.map((i) => i.line)).toEqual([2]);
    expect(ex.pending).toEqual([]);
  });

  it('reads back which attempts are still pending and which runs are open', async () => {
    const path = join(dir, 'r.jsonl');
    const f = await JournalFile.open(path);
    const s = f.sink();
    await s.writeRun!(run);
    await s.writePending(attempt('a1', 'pending'));
    await s.writePending(attempt('a2', 'pending'));
    await s.writeFinished(attempt('a1', 'ok'));
    await s.writeRun!({ ...run, id: 'r2', status: 'running' });
    await s.writeRun!({ ...run, id: 'r2', status: 'done', endedAt: 5 });
    await f.close();
    const ex = await readExistingJournal(path);
    expect(ex.lines).toBe(6);
    expect(ex.pending.map((a) => a.id)).toEqual(['a2']);
    expect(ex.openRuns.map((r) => r.id)).toEqual(['r1']);
    expect([...ex.ids.attempt].sort()).toEqual(['a1', 'a2']);
    expect(ex.hasHeader).toBe(false);
    expect((await readExistingJournal(join(dir, 'none.jsonl'))).lines).toBe(0);
  });
});

describe('owner', () => {
  it('is alive for this process and for other hosts or writers, dead for an exited pid', () => {
    const self = cliOwner();
    expect(self).toMatch(new RegExp(`^cli:${hostname()}:${process.pid}:\\d+$`));
    expect(isOwnerAlive(self, self)).toBe(true);
    const parentStart = processStartMs(process.ppid);
    expect(isOwnerAlive(`cli:${hostname()}:${process.ppid}:${parentStart ?? 1}`, self)).toBe(true);
    // A live pid with another start time belongs to a program that reused it.
    if (parentStart !== null) expect(isOwnerAlive(`cli:${hostname()}:${process.ppid}:${parentStart - 3_600_000}`, self)).toBe(false);
    const mine = processStartMs(process.pid);
    if (mine !== null) expect(Math.abs(mine - performance.timeOrigin)).toBeLessThan(5_000);
    expect(isOwnerAlive('cli:some-other-host:1:1', self)).toBe(true);
    expect(isOwnerAlive('app:window-1', self)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(isOwnerAlive(`cli:${hostname()}:${child.pid}:1`, self)).toBe(false);
    // Our pid with another start time: a dead process whose pid we reuse.
    expect(isOwnerAlive(`cli:${hostname()}:${process.pid}:1`, self)).toBe(false);
  });
});
