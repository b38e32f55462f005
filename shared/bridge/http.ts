/**
 * The bridge over HTTP to the browser host: calls are POSTs, streams are NDJSON
 * response bodies, and every request carries the per-launch token.
 */
import type { Transport } from './client';
import type { Envelope } from './contract';

export function httpTransport(token: string, base = ''): Transport {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const controllers = new Map<string, AbortController>();
  const failure = (message: string, code: string): Envelope<never> => ({
    ok: false,
    error: { name: 'TransportError', message, code },
  });
  return {
    async invoke(channel, args) {
      try {
        const res = await fetch(`${base}/api/call/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(args ?? {}),
        });
        return (await res.json()) as Envelope<unknown>;
      } catch (error) {
        return failure(`The Tenth host is not reachable: ${(error as Error).message}`, 'host_unreachable');
      }
    },
    async stream(channel, requestId, args, onEvent) {
      const controller = new AbortController();
      controllers.set(requestId, controller);
      try {
        const res = await fetch(`${base}/api/stream/${encodeURIComponent(channel)}?id=${encodeURIComponent(requestId)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(args),
          signal: controller.signal,
        });
        if (!res.body) return (await res.json()) as Envelope<null>;
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
            const message = JSON.parse(line) as { event?: unknown; end?: Envelope<null> };
            if (message.end) return message.end;
            onEvent(message.event);
          }
        }
        return failure('The stream ended without a result', 'stream_cut');
      } catch (error) {
        if (controller.signal.aborted) return failure('Cancelled', 'cancelled');
        return failure(`The Tenth host is not reachable: ${(error as Error).message}`, 'host_unreachable');
      } finally {
        controllers.delete(requestId);
      }
    },
    cancel(requestId) {
      // Ask the host to stop first, so the model call ends as "cancelled" with its
      // record; aborting the fetch alone would lose the final event.
      void fetch(`${base}/api/call/stream:cancel`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ requestId }),
      }).catch(() => controllers.get(requestId)?.abort());
    },
  };
}
