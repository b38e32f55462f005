/** Recent run configurations per prompt, for one-action re-launch. */
import { getDb } from '../../db/db';
import type { Run } from '../../../../shared/domain/schemas';

export type RunConfig = Pick<Run, 'promptVersionIds' | 'caseIds' | 'targets' | 'repeats' | 'concurrency' | 'firstTokenTimeoutMs' | 'totalTimeoutMs' | 'retry'>;

const KEEP = 8;

export async function saveRecentConfig(promptId: string, config: RunConfig): Promise<void> {
  const db = getDb();
  const key = `recentRuns:${promptId}`;
  await db.transaction('rw', db.meta, async () => {
    const list = ((await db.meta.get(key))?.value as RunConfig[] | undefined) ?? [];
    const same = JSON.stringify(config);
    const next = [config, ...list.filter((c) => JSON.stringify(c) !== same)].slice(0, KEEP);
    await db.meta.put({ key, value: next });
  });
}
