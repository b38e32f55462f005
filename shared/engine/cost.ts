/**
 * Cost and throughput figures of an attempt (PRODUCT.md, "Metric definitions").
 */
import type { Price, Usage } from '../domain/schemas';
import type { PlannedAttempt } from './plan';

/** USD for one attempt: input × inPrice / 1e6 + output × outPrice / 1e6; null without a price or usage. */
export function costUsd(usage: Usage | null, price: Price | null): number | null {
  if (!usage || !price) return null;
  if (usage.inputTokens === null && usage.outputTokens === null) return null;
  return ((usage.inputTokens ?? 0) * price.inputPerM + (usage.outputTokens ?? 0) * price.outputPerM) / 1e6;
}

/**
 * Tokens per second over the generation phase: outputTokens / (endedAt − firstTokenAt).
 * Null when any part is missing or the phase has no measurable length (a
 * single chunk carrying the whole answer).
 */
export function tokensPerSec(outputTokens: number | null | undefined, firstTokenAt: number | null, endedAt: number | null): number | null {
  if (outputTokens === null || outputTokens === undefined || firstTokenAt === null || endedAt === null) return null;
  const ms = endedAt - firstTokenAt;
  if (!(ms > 0)) return null;
  return outputTokens / (ms / 1000);
}

/** Rough token count of a text: four characters a token, the usual rule of thumb for English. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export const DEFAULT_ESTIMATED_OUTPUT_TOKENS = 512;

export interface CostEstimate {
  /** Upper-end estimate for the attempts that have a price. */
  usd: number;
  /** Attempts counted in `usd`. */
  pricedAttempts: number;
  /** Targets with no price, whose attempts are left out of `usd`. */
  missingPrices: { providerId: string; model: string; attempts: number }[];
}

/**
 * Estimates what a plan will cost before it runs: prompt tokens by
 * `estimateTokens`, output tokens at `maxOutputTokens` (or
 * `defaultOutputTokens` when the prompt sets no limit). Retries are not
 * foreseen. `priceOf` overrides the price copied into the plan, e.g. when
 * the user has just edited a price.
 */
export function estimateCost(
  plan: readonly PlannedAttempt[],
  options: { defaultOutputTokens?: number; priceOf?: (providerId: string, model: string) => Price | null } = {},
): CostEstimate {
  const defaultOut = options.defaultOutputTokens ?? DEFAULT_ESTIMATED_OUTPUT_TOKENS;
  const missing = new Map<string, { providerId: string; model: string; attempts: number }>();
  const inputTokensByText = new Map<string, number>();
  let usd = 0;
  let priced = 0;
  for (const a of plan) {
    const price = options.priceOf ? options.priceOf(a.provider.id, a.model) : a.price;
    if (!price) {
      const key = `${a.provider.id}\u0000${a.model}`;
      const m = missing.get(key) ?? { providerId: a.provider.id, model: a.model, attempts: 0 };
      m.attempts++;
      missing.set(key, m);
      continue;
    }
    // Repeats share their text; count each distinct prompt once.
    const textKey = `${a.promptVersion}\u0000${a.caseId}`;
    let input = inputTokensByText.get(textKey);
    if (input === undefined) {
      input = estimateTokens(a.system) + a.messages.reduce((n, m) => n + estimateTokens(m.content), 0);
      inputTokensByText.set(textKey, input);
    }
    const output = a.params.maxOutputTokens ?? defaultOut;
    usd += (input * price.inputPerM + output * price.outputPerM) / 1e6;
    priced++;
  }
  return { usd, pricedAttempts: priced, missingPrices: [...missing.values()] };
}
