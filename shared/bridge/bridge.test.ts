import { describe, expect, it } from 'vitest';
import { ApiError, createApi, directTransport } from './client';
import { BridgeError, createBridgeServer, type Handlers } from './server';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const notUsed = () => {
    throw new Error('not used in this test');
  };
  return {
    'app:info': () => ({ name: 'Tenth', version: '0.0.0', host: 'direct', platform: 'test', dataDir: '/tmp', secretStore: 'memory' }),
    'settings:get': () => ({ theme: 'system', backup: { enabled: true, everyHours: 24, keep: 7 } }),
    'settings:update': notUsed,
    'secrets:set': ({ providerId, key }) => ({ providerId, hasKey: true, last4: key.slice(-4) }),
    'secrets:status': () => {
      throw new BridgeError('No such provider', 'not_found');
    },
    'secrets:delete': notUsed,
    'secrets:scanEnv': () => [],
    'secrets:importEnv': notUsed,
    'providers:test': notUsed,
    'providers:detectLocal': () => [],
    'files:saveText': notUsed,
    'files:beginSave': notUsed,
    'files:appendChunk': notUsed,
    'files:finishSave': notUsed,
    'files:abortSave': notUsed,
    'files:downloadUrl': notUsed,
    'backups:list': notUsed,
    'backups:begin': notUsed,
    'backups:finish': notUsed,
    'backups:read': notUsed,
    'stream:cancel': () => false,
    'model:call': async (req, emit, signal) => {
      emit({ type: 'started', startedAt: 1 });
      for (let i = 0; i < 3; i++) {
        if (signal.aborted) throw new BridgeError('cancelled', 'cancelled');
        emit({ type: 'delta', text: `t${i} ` });
        await new Promise((r) => setTimeout(r, req.model === 'slow' ? 50 : 0));
      }
    },
    ...overrides,
  };
}

const request = (model = 'm') => ({
  attemptId: 'a1',
  provider: { id: 'p', name: 'P', kind: 'openai' as const, baseUrl: 'http://127.0.0.1:1/v1' },
  model,
  system: '',
  messages: [{ role: 'user' as const, content: 'hi' }],
  params: {},
  firstTokenTimeoutMs: 1000,
  totalTimeoutMs: 2000,
});

describe('bridge', () => {
  it('builds a namespaced api from the contract and round-trips calls', async () => {
    const api = createApi(directTransport(createBridgeServer(handlers())));
    expect((await api.app.info()).name).toBe('Tenth');
    expect(await api.secrets.set({ providerId: 'p', key: 'sk-abcdef1234' })).toEqual({ providerId: 'p', hasKey: true, last4: '1234' });
  });

  it('rejects bad arguments with a validation error naming the field', async () => {
    const server = createBridgeServer(handlers());
    const res = await server.invoke('secrets:set', { providerId: 'p', key: '' });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(!res.ok && res.error.message).toMatch(/^key:/);
    const extra = await server.invoke('secrets:set', { providerId: 'p', key: 'x', evil: true });
    expect(extra.ok).toBe(false);
    expect(await server.invoke('nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await server.invoke('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('carries errors as data and rebuilds them with their code', async () => {
    const api = createApi(directTransport(createBridgeServer(handlers())));
    const error = await api.secrets.status({ providerId: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'BridgeError', message: 'No such provider', code: 'not_found' });
  });

  it('streams events tagged by request id, and cancels', async () => {
    const server = createBridgeServer(handlers());
    const api = createApi(directTransport(server));
    const events: unknown[] = [];
    const handle = api.model.call(request(), (e) => events.push(e));
    await handle.done;
    expect(events).toEqual([
      { type: 'started', startedAt: 1 },
      { type: 'delta', text: 't0 ' },
      { type: 'delta', text: 't1 ' },
      { type: 'delta', text: 't2 ' },
    ]);

    const slow = api.model.call(request('slow'), () => undefined);
    expect(server.active()).toBe(1);
    slow.cancel();
    await expect(slow.done).rejects.toMatchObject({ code: 'cancelled' });
    expect(server.active()).toBe(0);
  });

  it('validates stream arguments before the handler runs', async () => {
    const api = createApi(directTransport(createBridgeServer(handlers())));
    const handle = api.model.call({ ...request(), messages: [] }, () => undefined);
    await expect(handle.done).rejects.toMatchObject({ code: 'invalid_arguments' });
  });

  it('applies a cancel that arrives before its stream starts', async () => {
    const server = createBridgeServer(handlers());
    expect(server.cancel('early')).toBe(false);
    const events: unknown[] = [];
    const res = await server.stream('model:call', 'early', request('slow'), (e) => events.push(e));
    expect(res).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(events.filter((e) => (e as { type: string }).type === 'delta').length).toBeLessThanOrEqual(1);
  });
});
