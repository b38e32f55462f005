/**
 * "Try it with the mock provider": from nothing to a finished run with no key.
 * Finds the mock (`npm run mock`) through the local-server probe, adds it as a
 * provider with two models — one steady, one that streams slower and fails now
 * and then, so the floors have something to show — and a sample prompt with
 * three cases and a saved version (or opens the sample a previous run made).
 */
import { api } from '../../bridge';
import { getDb } from '../../db/db';
import { saveProvider } from '../../db/repo/providers';
import { addCases, createPrompt, promptNameKey, saveVersion, updatePrompt } from '../../db/repo/prompts';
import { useKeyEpoch } from '../providers/keyStatus';

export const MOCK_NAME = 'Tenth mock';
export const SAMPLE_NAME = 'Capital cities (sample)';

export type TryMockResult = { ok: true; promptId: string; providerId: string; /** The sample prompt was there already. */ reused: boolean } | { ok: false; message: string };

export async function tryWithMock(): Promise<TryMockResult> {
  const servers = await api.providers.detectLocal();
  const found = servers.find((s) => s.name === 'Tenth mock provider');
  if (!found) {
    return { ok: false, message: 'The mock provider is not running. Start it with “npm run mock” in the project folder, then try again.' };
  }
  const db = getDb();
  const existing = (await db.providers.toArray()).find((p) => p.baseUrl === found.baseUrl);
  const provider =
    existing ??
    (await saveProvider({
      name: (await db.providers.where('name').equals(MOCK_NAME).count()) ? `${MOCK_NAME} ${Date.now() % 1000}` : MOCK_NAME,
      kind: found.kind,
      baseUrl: found.baseUrl,
      headers: {},
      concurrency: 4,
      rpm: null,
      models: [
        // Knobs ride on the model id (tests/mock/README.md): pacing and injected faults.
        { id: 'mock-small+ttft=150+tps=80', displayName: 'mock-small', price: { inputPerM: 0.15, outputPerM: 0.6 }, contextWindow: 128_000 },
        { id: 'mock-large+ttft=400+tps=40+tokens=24+fault=overloaded+fault-rate=0.2', displayName: 'mock-large (flaky)', price: { inputPerM: 2.5, outputPerM: 10 }, contextWindow: 128_000 },
      ],
    }));
  // The mock accepts any key but an empty one, as a real OpenAI-style server would.
  await api.secrets.set({ providerId: provider.id, key: 'mock-key-not-secret' });
  useKeyEpoch.getState().bump();

  // Running the tour again opens the sample it made before rather than adding an
  // identical one; an archived or renamed-away sample makes way for a new one,
  // numbered if the name is still taken ("Capital cities (sample 2)").
  const sample = await db.prompts.filter((p) => !p.archived && promptNameKey(p.name) === promptNameKey(SAMPLE_NAME)).first();
  if (sample) return { ok: true, promptId: sample.id, providerId: provider.id, reused: true };

  const prompt = await createPrompt(SAMPLE_NAME, { ifTaken: 'number' });
  const draft = {
    system: 'Answer with the city name only.',
    messages: [{ role: 'user' as const, content: 'What is the capital of {{country}}?' }],
    params: { temperature: 0.7, maxOutputTokens: 64 },
  };
  await updatePrompt(prompt.id, { ...draft, tags: ['sample'] });
  await addCases(prompt.id, [
    { label: null, vars: { country: 'France' } },
    { label: null, vars: { country: 'Japan' } },
    { label: null, vars: { country: 'Brazil' } },
  ]);
  await saveVersion({ id: prompt.id, ...draft });
  return { ok: true, promptId: prompt.id, providerId: provider.id, reused: false };
}
