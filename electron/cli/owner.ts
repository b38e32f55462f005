/**
 * Who wrote a pending attempt, and whether that process still lives: the test
 * `tenth run` uses at start to mark attempts left pending by a killed run as
 * interrupted (PRODUCT.md, attempt statuses).
 *
 * Owner format: `cli:<hostname>:<pid>:<process start, epoch ms>`. The start time
 * tells this process apart from a dead one whose pid it happens to reuse.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export function cliOwner(pid = process.pid, host = hostname(), startedAt = Math.round(performance.timeOrigin)): string {
  return `cli:${host}:${pid}:${startedAt}`;
}

/**
 * Alive: this very process, or another pid on this host that still exists
 * (signal 0; EPERM means it exists but belongs to someone else). An owner from
 * another host or another kind of writer (the app) cannot be checked from
 * here, so it counts as alive and its attempts are left alone.
 */
export function isOwnerAlive(owner: string, self = cliOwner(), host = hostname()): boolean {
  if (owner === self) return true;
  const m = /^cli:(.*):(\d+):(\d+)$/.exec(owner);
  if (!m) return true;
  const [, ownerHost, pidText] = m;
  if (ownerHost !== host) return true;
  const pid = Number(pidText);
  if (pid === process.pid) return false; // our pid, but not our start time: a previous holder of it
  let exists: boolean;
  try {
    process.kill(pid, 0);
    exists = true;
  } catch (e) {
    exists = (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!exists) return false;
  // The pid lives, but is it the same process? Where the start time can be read
  // (Linux), a different one means the pid was reused by another program.
  const started = processStartMs(pid);
  return started === null || Math.abs(started - Number(m[3])) < 5_000;
}

/** When a process started, epoch ms, from /proc (Linux); null where unknown. */
export function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, clock ticks after boot) comes after the ")" closing the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (!btime || !Number.isFinite(ticks)) return null;
    // USER_HZ is 100 on every Linux build Node supports.
    return Number(btime[1]) * 1000 + (ticks / 100) * 1000;
  } catch {
    return null;
  }
}
