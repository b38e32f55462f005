/**
 * Who is running attempts in this page. Each page load is an owner and holds a
 * Web Lock named after itself for as long as it lives; at start-up, pending
 * attempts whose owner holds no lock belong to a page (or app) that is gone, and
 * are marked interrupted. Another open tab keeps its lock, so its running
 * attempts are left alone.
 */
import { ulid } from 'ulid';

const LOCK_PREFIX = 'tenth-owner:';

export const owner = `page:${ulid()}`;

let held: Promise<void> | null = null;

/** Takes this page's lock (idempotent). Resolves once it is held. */
export function holdOwnerLock(): Promise<void> {
  if (held) return held;
  held = new Promise<void>((resolve) => {
    if (typeof navigator === 'undefined' || !navigator.locks) return resolve();
    void navigator.locks.request(`${LOCK_PREFIX}${owner}`, () => {
      resolve();
      // Never released: the lock ends with the page.
      return new Promise<void>(() => undefined);
    });
  });
  return held;
}

/** The owners that still hold their lock (this page's and other live tabs'). */
export async function liveOwners(): Promise<Set<string>> {
  const alive = new Set<string>([owner]);
  if (typeof navigator === 'undefined' || !navigator.locks) return alive;
  const state = await navigator.locks.query();
  for (const lock of state.held ?? []) {
    if (lock.name?.startsWith(LOCK_PREFIX)) alive.add(lock.name.slice(LOCK_PREFIX.length));
  }
  return alive;
}
