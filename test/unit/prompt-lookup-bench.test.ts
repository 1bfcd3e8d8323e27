import { describe, expect, it } from 'vitest';
import { measurePromptLookup, type TimedReply } from '../../src/bench/worker/prompt-lookup-bench';
import { parseBenchUrl, writeBenchUrl } from '../../src/bench/page/url-settings';
import { ratiosFor } from '../../src/bench/page/report';
import { DEFAULT_BENCH_SETTINGS, type BackendResult } from '../../src/bench/shared/types';

const settings = { ...DEFAULT_BENCH_SETTINGS, newTokens: 4, measuredRuns: 4 };

describe('the prompt-lookup measurement', () => {
  it('measures a copying prompt (opening, the model\'s own reply, opening) and the plain one, interleaved, apart from plain decode', async () => {
    const calls: { prompt: number[]; on: boolean }[] = [];
    const reply = async (prompt: number[], newTokens: number, on: boolean): Promise<TimedReply> => {
      calls.push({ prompt, on });
      const copying = prompt.length > 3;
      return {
        tokenIds: Array.from({ length: newTokens }, (_, i) => 10 + i),
        totalMs: on && copying ? 50 : 100,
        promptLookup: { verifyCalls: 1, drafted: on ? 4 : 0, accepted: on ? (copying ? 3 : 1) : 0, calls: on && copying ? 2 : newTokens },
      };
    };
    const results = await measurePromptLookup(reply, [1, 2, 3], 100, settings, () => {});
    // The copying prompt: the opening, what the model wrote after it, and the opening again.
    expect(calls[0]).toEqual({ prompt: [1, 2, 3], on: false });
    expect(results.map((r) => r.prompt)).toEqual(['copying', 'non-copying']);
    expect(results[0].promptTokens).toBe(3 + 4 + 3);
    expect(results[0].speedup).toBe(2);
    expect(results[0].acceptance).toBe(0.75);
    expect(results[0].tokensPerCall).toBe(2);
    expect(results[1].speedup).toBe(1);
    expect(results.every((r) => r.identicalTokens)).toBe(true);
    // Each prompt: a warm-up of each, then the runs alternating which goes first.
    const copyingCalls = calls.filter((c) => c.prompt.length === 10).map((c) => c.on);
    expect(copyingCalls).toEqual([false, true, false, true, true, false, false, true, true, false]);
  });

  it('a reply that differs with prompt lookup on is reported, not hidden', async () => {
    const reply = async (_prompt: number[], newTokens: number, on: boolean): Promise<TimedReply> => ({
      tokenIds: Array.from({ length: newTokens }, () => (on ? 7 : 8)),
      totalMs: 10,
      promptLookup: { verifyCalls: 0, drafted: 0, accepted: 0, calls: newTokens },
    });
    const results = await measurePromptLookup(reply, [1, 2, 3], 100, settings, () => {});
    expect(results.every((r) => !r.identicalTokens)).toBe(true);
  });

  it('is on by default; bench_prompt_lookup=0 turns it off and survives a round trip', () => {
    expect(parseBenchUrl('').settings.promptLookup).toBe(true);
    const off = parseBenchUrl('?bench_prompt_lookup=0');
    expect(off.settings.promptLookup).toBe(false);
    expect(parseBenchUrl(writeBenchUrl('', off)).settings.promptLookup).toBe(false);
    expect(writeBenchUrl('', parseBenchUrl(''))).not.toContain('bench_prompt_lookup');
  });

  it('gives prompt_lookup_over_plain_<backend> for the copying prompt and a separate ratio for the other', () => {
    const spread = { median: 1, p10: 1, p90: 1, min: 1, max: 1, mean: 1, n: 1 };
    const result = {
      engine: 'ours',
      backend: 'wasm',
      decodeTokensPerSecond: { ...spread, median: 100 },
      promptLookup: [
        { prompt: 'copying', promptTokens: 10, plainMs: spread, lookupMs: spread, speedup: 2.1, acceptance: 0.8, tokensPerCall: 3, identicalTokens: true },
        { prompt: 'non-copying', promptTokens: 3, plainMs: spread, lookupMs: spread, speedup: 0.97, acceptance: 0.1, tokensPerCall: 1, identicalTokens: true },
      ],
    } as unknown as BackendResult;
    const ratios = ratiosFor('tl-gpt', [result]);
    expect(ratios).toContainEqual({ model: 'tl-gpt', name: 'prompt_lookup_over_plain_wasm', value: 2.1 });
    expect(ratios).toContainEqual({ model: 'tl-gpt', name: 'prompt_lookup_noncopying_over_plain_wasm', value: 0.97 });
  });
});
