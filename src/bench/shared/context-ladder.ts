/** The context lengths the speed-against-context curve measures (the page offers them, the worker and the CLI run them). */

/** The ladder the page offers: the model's own limit is added where it is longer than the last rung. */
export const DEFAULT_CONTEXT_LADDER = [16, 128, 512, 1024, 2048] as const;

/** New tokens per point: enough for a decode rate, few enough that the cache barely grows during them. */
export const CURVE_NEW_TOKENS = 8;

/** The prompt lengths to measure: each rung that fits with its new tokens, and the model's limit. */
export function ladderFor(ladder: readonly number[], contextLength: number, newTokens = CURVE_NEW_TOKENS): number[] {
  const limit = contextLength - newTokens;
  const rungs = ladder.filter((n) => n >= 1 && n <= limit);
  if (limit >= 1 && !rungs.includes(limit) && limit > (rungs[rungs.length - 1] ?? 0)) rungs.push(limit);
  return [...new Set(rungs)].sort((a, b) => a - b);
}
