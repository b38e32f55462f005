/**
 * Shared pieces of the integration tests: the real model service pointed at
 * the real mock provider, a call that collects every event, and the mock's
 * ground-truth record of that call (matched by the `x-mock-tag` header, which
 * rides on the provider's extra headers like any user-added header would).
 */
import type { ModelCallEvent, ModelCallRequestInput, ModelCallResult } from '../../shared/domain/model-call';
import { ModelCallRequest } from '../../shared/domain/model-call';
import type { Provider, ProviderKind } from '../../shared/domain/schemas';
import { createModelService, type ModelService } from '../../electron/services/models';
import type { GroundTruth, MockServer } from '../mock/server';

/** Looks like a real key and is unique enough that finding it anywhere is a leak. */
export const CANARY = 'sk-canary-XYZ-7f3a9c2e5b1d4086';

export function mockProvider(mock: MockServer, kind: ProviderKind, headers: Record<string, string> = {}, over: Partial<Provider> = {}): Provider {
  return {
    id: `mock-${kind}`,
    name: `Mock ${kind}`,
    kind,
    baseUrl: mock.baseUrls[kind],
    headers,
    concurrency: 4,
    rpm: null,
    models: [{ id: 'mock-model', price: { inputPerM: 1, outputPerM: 2 } }],
    ...over,
  };
}

export function modelService(key: string | null = CANARY): ModelService {
  return createModelService({ getKey: async () => key });
}

export interface Called {
  result: ModelCallResult;
  events: ModelCallEvent[];
}

export async function callOnce(service: ModelService, req: Omit<ModelCallRequestInput, 'attemptId' | 'model' | 'system' | 'messages' | 'params'> & Partial<ModelCallRequestInput>): Promise<Called> {
  const parsed = ModelCallRequest.parse({
    attemptId: 'a1',
    model: 'mock-model',
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'Name three rivers in Europe.' }],
    params: { temperature: 0 },
    ...req,
  });
  const events: ModelCallEvent[] = [];
  await service.call(parsed, (e) => events.push(e), new AbortController().signal);
  const done = events.filter((e) => e.type === 'done');
  if (done.length !== 1) throw new Error(`expected exactly one done event, got ${done.length}`);
  return { result: (done[0] as Extract<ModelCallEvent, { type: 'done' }>).result, events };
}

/** The mock's record for a tag, once the mock has seen the request end (it learns of a client abort a moment later). */
export async function groundTruthFor(mock: MockServer, tag: string): Promise<GroundTruth> {
  let gt: GroundTruth | undefined;
  for (let i = 0; i < 400; i++) {
    gt = mock.groundTruth().find((r) => r.tag === tag);
    if (gt && gt.outcome !== 'open') return gt;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no finished ground truth for tag ${tag} (last seen: ${JSON.stringify(gt)})`);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
