import { describe, expect, it, vi } from 'vitest';
import { createBridgeServer, type Handlers } from '../../shared/bridge/server';
import { registerBridgeIpc, STREAM_EVENT_CHANNEL, type IpcMainLike } from './ipc';

function setup() {
  const handlers = new Map<string, (event: never, ...args: unknown[]) => unknown>();
  const ipc: IpcMainLike = { handle: (channel, fn) => void handlers.set(channel, fn as never) };
  const server = createBridgeServer({
    'app:info': () => ({ name: 'Tenth', version: '1', host: 'electron', platform: 'x', dataDir: '/d', secretStore: 'safeStorage' }),
    'model:call': async (_req, emit) => {
      emit({ type: 'started', startedAt: 1 });
    },
  } as Partial<Handlers> as Handlers);
  registerBridgeIpc(ipc, server, () => new Set([7]));
  return handlers;
}

const sender = (id = 7) => ({ id, send: vi.fn(), isDestroyed: () => false });
const event = (url: string, parent: unknown = null, id = 7) => ({ senderFrame: { url, parent }, sender: sender(id) });

describe('IPC registration', () => {
  it('registers every contract channel', () => {
    const handlers = setup();
    expect([...handlers.keys()]).toEqual(expect.arrayContaining(['app:info', 'secrets:set', 'stream:cancel', 'model:call']));
  });

  it('answers our own main frame and refuses other frames, origins and windows', async () => {
    const handlers = setup();
    const call = handlers.get('app:info')!;
    expect(await call(event('app://tenth/index.html') as never, {})).toMatchObject({ ok: true, value: { name: 'Tenth' } });
    expect(await call(event('app://tenth/index.html', {}) as never, {})).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(await call(event('https://evil.example/') as never, {})).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(await call(event('app://tenth/index.html', null, 99) as never, {})).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(await call({ senderFrame: null, sender: sender() } as never, {})).toMatchObject({ ok: false });
  });

  it('validates arguments and pushes stream events tagged with the request id', async () => {
    const handlers = setup();
    const bad = await handlers.get('app:info')!(event('app://tenth/') as never, { extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    const e = event('app://tenth/');
    const req = {
      attemptId: 'a',
      provider: { id: 'p', name: 'P', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' },
      model: 'm',
      system: '',
      messages: [{ role: 'user', content: 'x' }],
      params: {},
      firstTokenTimeoutMs: 10,
      totalTimeoutMs: 10,
    };
    expect(await handlers.get('model:call')!(e as never, 'r1', req)).toEqual({ ok: true, value: null });
    expect(e.sender.send).toHaveBeenCalledWith(STREAM_EVENT_CHANNEL, { requestId: 'r1', event: { type: 'started', startedAt: 1 } });
  });
});
