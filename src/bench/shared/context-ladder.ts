/** The context lengths the speed-against-context curve measures (the page offers them, the worker and the CLI run them). */

/** The ladder the page offers: the model's own limit is added where it is longer than the last rung. */
export const DEFAULT_CONTEXT_LADDER = [16, 128, 512, 1024, 2048] as const;

/** New tokens per point: enough for a decode rate, few enough that the cache barely grows during them. */
export const CURVE_NEW_TOKENS = 8;

/** The longest rung a ladder may ask for (the longest context the URL settings take). */
export const MAX_RUNG = 32768;

/**
 * The prompt lengths to measure: each rung that fits with its new tokens, and, unless `exact`, the
 * model's limit.
 */
export function ladderFor(ladder: readonly number[], contextLength: number, newTokens = CURVE_NEW_TOKENS, exact = false): number[] {
  const limit = contextLength - newTokens;
  const rungs = ladder.filter((n) => n >= 1 && n <= limit);
  if (!exact && limit >= 1 && !rungs.includes(limit) && limit > (rungs[rungs.length - 1] ?? 0)) rungs.push(limit);
  return [...new Set(rungs)].sort((a, b) => a - b);
}

/**
 * A ladder written as "16,128,512": whole numbers from 1 to MAX_RUNG, sorted, each once. Anything else
 * is a message saying what is wrong (the CLI prints it; the page ignores a link's bad ladder).
 */
export function parseLadder(text: string): { ladder: number[] } | { error: string } {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return { error: 'a ladder lists context lengths, e.g. 16,128,512' };
  const bad = parts.find((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > MAX_RUNG);
  if (bad !== undefined) return { error: `"${bad}" is not a context length from 1 to ${MAX_RUNG}` };
  return { ladder: [...new Set(parts.map(Number))].sort((a, b) => a - b) };
}
