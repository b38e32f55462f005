import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback } from 'react';
import { getDb } from '../db/db';

/**
 * Prompt names by id, for views keyed by prompt id. An id whose prompt isn't in
 * the journal (an import of attempts only) shows as itself.
 */
export function usePromptNames(): (id: string) => string {
  const names = useLiveQuery(async () => new Map((await getDb().prompts.toArray()).map((p) => [p.id, p.name])), [], new Map<string, string>());
  return useCallback((id: string) => names.get(id) ?? id, [names]);
}
