import { describe, expect, it } from 'vitest';
import { tokenRates } from '../../src/core/token-rate';
import { sampleFromTimes } from '../../src/bench/worker/runner';

describe('tokens per second: one rule for the Chat and the Benchmark', () => {
  it('time to first token, prefill over it, decode as tokens after the first over the time since the first', () => {
    // Started at 100 ms, 5 tokens at 150, 160, 170, 180, 190 ms, 20 prompt tokens prefilled.
    expect(tokenRates(20, 100, 150, 190, 5)).toEqual({ timeToFirstTokenMs: 50, prefillTokensPerSecond: 400, decodeTokensPerSecond: 100 });
  });

  it('one token, or no time, gives 0 rather than Infinity or NaN', () => {
    expect(tokenRates(20, 100, 150, 150, 1).decodeTokensPerSecond).toBe(0);
    expect(tokenRates(20, 100, 100, 100, 1).prefillTokensPerSecond).toBe(0);
  });

  it("the Benchmark's run figures are exactly the shared rule's", () => {
    const times = [150, 160, 171, 180, 195];
    const sample = sampleFromTimes(100, times, 20, [1, 2, 3, 4, 5]);
    const rates = tokenRates(20, 100, 150, 195, 5);
    expect(sample).toMatchObject(rates);
    expect(sample.tokenLatenciesMs).toEqual([10, 11, 9, 15]);
  });
});
