/**
 * Names for the Stats page's ids: targets (provider, model) by display name and,
 * where needed, provider name (`nameTargets`); cases by label or variables
 * (`caseName`). Live: renaming a provider or a case renames it here.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useMemo } from 'react';
import type { Case, Provider } from '../../../../shared/domain/schemas';
import { caseName, nameTargets, parseTargetKey, type TargetName, type TargetRef } from '../../../../shared/report/names';
import { getDb } from '../../db/db';

const NO_PROVIDERS: Provider[] = [];

export interface TargetNames {
  /** The name of a target key; one outside the set is named alone. */
  (key: string): TargetName;
  /** Labels by key, for the worker's verdict sentences. */
  labels: Record<string, string>;
}

export function useTargetNames(targets: readonly TargetRef[]): TargetNames {
  const providers = useLiveQuery(() => getDb().providers.toArray(), [], NO_PROVIDERS);
  return useMemo(() => {
    const names = nameTargets(targets, providers);
    const of = ((key: string) => names.get(key) ?? nameTargets([parseTargetKey(key)], providers).values().next().value!) as TargetNames;
    of.labels = Object.fromEntries([...names.values()].map((n) => [n.key, n.label]));
    return of;
  }, [targets, providers]);
}

/** A case's name by its id (and its prompt's, to shorten ids of cases not in the journal). */
export function useCaseNames(): (caseId: string, promptId?: string) => string {
  const cases = useLiveQuery(async () => new Map((await getDb().cases.toArray()).map((c: Case) => [c.id, c])), [], new Map<string, Case>());
  return useCallback((caseId: string, promptId?: string) => caseName(cases.get(caseId), caseId, promptId), [cases]);
}
