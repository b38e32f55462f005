/**
 * Who wrote a pending attempt, and whether that process still lives: the test
 * `tenth run` uses at start to mark attempts left pending by a killed run as
 * interrupted (PRODUCT.md, attempt statuses).
 *
 * Owner format: `cli:<hostname>:<pid>:<process start, epoch ms>`. The start time
 * tells this process apart from a dead one whose pid it happens to reuse.
 */
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
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
