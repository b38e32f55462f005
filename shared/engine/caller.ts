/**
 * Adapts a streaming model call (events: started, delta, done{result}) — the
 * model service in-process, or the bridge's `model:call` stream — to the
 * engine's `ModelCaller`.
 */
import type { ModelCallEvent, ModelCallRequest, ModelCallResult } from '../domain/model-call';
import type { ModelCaller } from './engine';

export type StreamingCall = (req: ModelCallRequest, emit: (e: ModelCallEvent) => void, signal: AbortSignal) => Promise<void>;

export function callerFromStream(call: StreamingCall): ModelCaller {
  return async (req, onDelta, signal) => {
    let result: ModelCallResult | null = null;
    await call(
      req,
      (e) => {
        if (e.type === 'delta') onDelta(e.text);
        else if (e.type === 'done') result = e.result;
      },
      signal,
    );
    // The stream's contract is exactly one `done`; without one the call did not complete.
    if (result === null) throw new Error('the model call ended without a result');
    return result;
  };
}
