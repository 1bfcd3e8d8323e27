/**
 * Time to first token and tokens per second from when a generation started and when its tokens came:
 * the one rule the Chat's figures and the Benchmark's both use, so they can never disagree on it.
 */

export interface TokenRates {
  timeToFirstTokenMs: number;
  /** Prompt tokens actually run through the model (not those reused from a kept cache) over the time to first token. */
  prefillTokensPerSecond: number;
  /** Tokens after the first, over the time from the first to the last. */
  decodeTokensPerSecond: number;
}

/** Times in milliseconds on one clock; `tokens` generated, the first at `firstTokenAt`, the last at `lastTokenAt`. */
export function tokenRates(prefilledTokens: number, startedAt: number, firstTokenAt: number, lastTokenAt: number, tokens: number): TokenRates {
  const ttft = firstTokenAt - startedAt;
  const decodeMs = lastTokenAt - firstTokenAt;
  return {
    timeToFirstTokenMs: ttft,
    prefillTokensPerSecond: ttft > 0 ? (prefilledTokens * 1000) / ttft : 0,
    decodeTokensPerSecond: tokens > 1 && decodeMs > 0 ? ((tokens - 1) * 1000) / decodeMs : 0,
  };
}
