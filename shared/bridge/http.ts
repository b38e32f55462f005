/**
 * The bridge over HTTP to the browser host. Calls are POSTs. Streams share one
 * long-lived NDJSON connection per page (`GET /api/events`): a stream is started
 * with a POST that returns at once, and its events and final envelope arrive on
 * that connection tagged with the request id. One connection for all streams
 * keeps many attempts in flight without queuing behind the browser's limit of
 * six connections per host. Every request carries the per-launch token.
 */
import type { Transport } from './client';
import type { Envelope } from './contract';

interface Pending {
  onEvent(event: unknown): void;
  resolve(envelope: Envelope<null>): void;
}

export function httpTransport(token: string, base = ''): Transport {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const pending = new Map<string, Pending>();
  let channel: Promise<string> | null = null;

  const failure = (message: string, code: string): Envelope<never> => ({
    ok: false,
    error: { name: 'TransportError', message, code },
  });

  /** Opens the event connection once; reopened on the next stream if it drops. */
  function openChannel(): Promise<string> {
    if (channel) return channel;
    const opened = new Promise<string>((resolveId, rejectId) => {
      void (async () => {
        let gotId = false;
        try {
          const res = await fetch(`${base}/api/events`, { headers: { authorization: headers.authorization } });
          if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl);
              buffer = buffer.slice(nl + 1);
              if (!line) continue;
              const message = JSON.parse(line) as { channel?: string; id?: string; event?: unknown; end?: Envelope<null> };
              if (message.channel) {
                gotId = true;
                resolveId(message.channel);
                continue;
              }
              const p = message.id ? pending.get(message.id) : undefined;
              if (!p) continue;
              if (message.end) {
                pending.delete(message.id!);
                p.resolve(message.end);
              } else p.onEvent(message.event);
            }
          }
          throw new Error('the event connection closed');
        } catch (error) {
          channel = null;
          if (!gotId) rejectId(error);
          // Streams in flight lost their events: end them with a clear error.
          for (const [id, p] of pending) {
            pending.delete(id);
            p.resolve(failure(`The Tenth host connection was lost: ${(error as Error).message}`, 'stream_cut'));
          }
        }
      })();
    });
    channel = opened;
    opened.catch(() => undefined);
    return opened;
  }

  return {
    async invoke(channelName, args) {
      try {
        const res = await fetch(`${base}/api/call/${encodeURIComponent(channelName)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(args ?? {}),
        });
        return (await res.json()) as Envelope<unknown>;
      } catch (error) {
        return failure(`The Tenth host is not reachable: ${(error as Error).message}`, 'host_unreachable');
      }
    },
    async stream(channelName, requestId, args, onEvent) {
      let channelId: string;
      try {
        channelId = await openChannel();
      } catch (error) {
        return failure(`The Tenth host is not reachable: ${(error as Error).message}`, 'host_unreachable');
      }
      const done = new Promise<Envelope<null>>((resolve) => pending.set(requestId, { onEvent, resolve }));
      try {
        const res = await fetch(
          `${base}/api/stream/${encodeURIComponent(channelName)}?id=${encodeURIComponent(requestId)}&channel=${encodeURIComponent(channelId)}`,
          { method: 'POST', headers, body: JSON.stringify(args) },
        );
        if (res.status !== 202) {
          pending.delete(requestId);
          return (await res.json()) as Envelope<null>;
        }
      } catch (error) {
        pending.delete(requestId);
        return failure(`The Tenth host is not reachable: ${(error as Error).message}`, 'host_unreachable');
      }
      return done;
    },
    cancel(requestId) {
      // The host ends the stream as "cancelled", with its final event, on the channel.
      void fetch(`${base}/api/call/stream:cancel`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ requestId }),
      }).catch(() => undefined);
    },
  };
}

/**
 * A call whose `text` argument goes as the raw request body (the host's
 * `/api/text/` route; export chunks): no JSON envelope around megabytes of
 * text, and a Blob body is handed to the browser's network process without
 * the page copying it (measured: a 38 MB export in 10 chunks uploaded in 0.55 s
 * as Blobs against 2.4 s as strings and 3.1 s as JSON).
 */
export function httpTextCall(token: string, base = ''): (channelName: string, args: Record<string, string>, text: Uint8Array | Blob | string) => Promise<Envelope<unknown>> {
  return async (channelName, args, text) => {
    try {
      // Bytes (a Blob's, or UTF-8 in an array) go as they are (the host writes them without decoding); a string as text.
      const route = typeof text === 'string' ? 'text' : 'bytes';
      const res = await fetch(`${base}/api/${route}/${encodeURIComponent(channelName)}?${new URLSearchParams(args).toString()}`, {
        method: 'POST',
        headers: { 'content-type': typeof text === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream', authorization: `Bearer ${token}` },
        body: text as BodyInit,
      });
      return (await res.json()) as Envelope<unknown>;
    } catch (error) {
      return { ok: false, error: { name: 'TransportError', message: `The Tenth host is not reachable: ${(error as Error).message}`, code: 'host_unreachable' } };
    }
  };
}
