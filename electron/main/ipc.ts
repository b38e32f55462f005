/**
 * Registers the bridge on ipcMain. Main trusts nothing: every message must come
 * from our own window's main frame at the app origin, and the bridge server
 * parses every argument with the contract's zod schema (VS Code's
 * ValidatedIpcMain does the same).
 */
import type { BridgeServer } from '../../shared/bridge/server';
import { CALL_NAMES, STREAM_NAMES } from '../../shared/bridge/contract';
import { isAppUrl } from './window';

export const STREAM_EVENT_CHANNEL = 'bridge:event';

interface SenderFrame {
  url: string;
  parent: unknown;
}
interface IpcEvent {
  senderFrame: SenderFrame | null;
  sender: {
    id: number;
    send(channel: string, payload: unknown): void;
    isDestroyed(): boolean;
    on?(event: 'destroyed' | 'render-process-gone' | 'did-start-navigation', listener: (...args: never[]) => void): unknown;
    off?(event: 'destroyed' | 'render-process-gone' | 'did-start-navigation', listener: (...args: never[]) => void): unknown;
  };
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEvent, ...args: unknown[]) => unknown): void;
}

export function isTrustedSender(event: IpcEvent, allowedWebContentsIds: () => Set<number>): boolean {
  const frame = event.senderFrame;
  return Boolean(frame && frame.parent === null && isAppUrl(frame.url) && allowedWebContentsIds().has(event.sender.id));
}

const untrusted = { ok: false, error: { name: 'SecurityError', message: 'Untrusted sender', code: 'untrusted_sender' } };

export function registerBridgeIpc(ipcMain: IpcMainLike, server: BridgeServer, allowed: () => Set<number>): void {
  for (const channel of CALL_NAMES) {
    ipcMain.handle(channel, (event, args) => (isTrustedSender(event, allowed) ? server.invoke(channel, args) : untrusted));
  }
  for (const channel of STREAM_NAMES) {
    ipcMain.handle(channel, (event, requestId, args) => {
      if (!isTrustedSender(event, allowed)) return untrusted;
      const sender = event.sender;
      const id = String(requestId);
      // A window closed, reloaded or crashed mid-stream cancels what it was
      // streaming: nobody is left to journal the result, so don't pay for it.
      const stop = () => server.cancel(id);
      const onNavigate = (details: { isMainFrame?: boolean; isSameDocument?: boolean }) => {
        if (details?.isMainFrame && !details.isSameDocument) stop();
      };
      sender.on?.('destroyed', stop);
      sender.on?.('render-process-gone', stop);
      sender.on?.('did-start-navigation', onNavigate as never);
      return server
        .stream(channel, id, args, (payload) => {
          if (!sender.isDestroyed()) sender.send(STREAM_EVENT_CHANNEL, { requestId: id, event: payload });
        })
        .finally(() => {
          sender.off?.('destroyed', stop);
          sender.off?.('render-process-gone', stop);
          sender.off?.('did-start-navigation', onNavigate as never);
        });
    });
  }
}
