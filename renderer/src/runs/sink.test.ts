import { afterEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { createDb } from '../db/db';
import { getAttempt, updateAttempt } from '../db/journal';
import { dexieSink } from './sink';
import type { Attempt } from '../../../shared/domain/schemas';

const name = `sink-${Math.random().toString(36).slice(2)}`;
afterEach(async () => {
  await Dexie.delete(name);
});

const pending: Attempt = {
  schema: 'tenth.attempt/1', id: 'a1', runId: 'r', promptId: 'p', promptVersion: 'pv', caseId: 'c', repeatIndex: 0, retryOf: null,
  providerKind: 'openai', providerId: 'prov', model: 'm', servedModel: null, systemFingerprint: null, params: {},
  status: 'pending', failure: null, finishReason: null, output: '', outputTruncatedAt: null, request: null, responseMeta: null,
  queuedAt: 1, startedAt: null, firstTokenAt: null, endedAt: null, ttftMs: null, latencyMs: null, tokensPerSec: null,
  usage: null, price: null, costUsd: null, grades: [], owner: 'page:x',
};

describe('dexie sink', () => {
  it('keeps grades, notes and tags added while the attempt was pending', async () => {
    const db = createDb(name);
    const sink = dexieSink(db);
    await sink.writePending(pending);
    await updateAttempt('a1', { grades: [{ source: 'human', name: 'human', pass: true, score: 1, at: 5 }], notes: 'looked good', tags: ['x'] }, db);
    await sink.writeFinished({ ...pending, status: 'ok', output: 'hello', endedAt: 9 });
    const stored = await getAttempt('a1', db);
    expect(stored).toMatchObject({ status: 'ok', output: 'hello', notes: 'looked good', tags: ['x'] });
    expect(stored?.grades).toHaveLength(1);
    db.close();
  });
});
