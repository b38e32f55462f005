/**
 * The preload: one small CommonJS bundle that exposes `window.api`, built from
 * the bridge contract over IPC, and nothing else — no raw ipcRenderer and no
 * generic send(channel, …): only the contract's channels can be reached.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createApi, type Transport } from '../../shared/bridge/client';
import type { Envelope } from '../../shared/bridge/contract';

const listeners = new Map<string, (event: unknown) => void>();
ipcRenderer.on('bridge:event', (_e, message: { requestId: string; event: unknown }) => {
  listeners.get(message.requestId)?.(message.event);
});

const transport: Transport = {
  invoke: (channel, args) => ipcRenderer.invoke(channel, args) as Promise<Envelope<unknown>>,
  async stream(channel, requestId, args, onEvent) {
    listeners.set(requestId, onEvent);
    try {
      return (await ipcRenderer.invoke(channel, requestId, args)) as Envelope<null>;
    } finally {
      listeners.delete(requestId);
    }
  },
  cancel: (requestId) => {
    void ipcRenderer.invoke('stream:cancel', { requestId });
  },
};

contextBridge.exposeInMainWorld('api', createApi(transport));
contextBridge.exposeInMainWorld('tenthHost', 'electron');
