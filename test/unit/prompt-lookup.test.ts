import { describe, expect, it } from 'vitest';
import { DraftLength, lookupDraft } from '../../src/engine/prompt-lookup';
import { runGenerationLoop, type LoopOptions, type StepModel } from '../../src/engine/generate';
import { Sampler, type SamplingSettings } from '../../src/engine/sampling';
import { createRng } from '../../src/core/rng';

const VOCAB = 16;
const EOS = 15;
const GREEDY: SamplingSettings = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

/** A cache that holds the tokens fed through it, as a real KV cache holds their keys and values. */
class TokenCache {
  tokens: number[] = [];
  disposed = 0;
  truncations = 0;
  get length(): number {
    return this.tokens.length;
  }
  dispose(): void {
    this.disposed++;
  }
  async truncate(length: number): Promise<void> {
    this.truncations++;
    this.tokens.length = length;
  }
}

/**
 * A model whose next-token logits are a fixed function of the whole context: it tends to continue a
 * passage it has seen (the token that followed the last two tokens' earlier occurrence), with seeded
 * noise on every token so that sampling has a real distribution. `forwardRows` answers each position
 * from its own prefix, as a decoder does.
 */
class CopyingModel implements StepModel<TokenCache> {
  calls = 0;
  maxPositions = 0;
  /** Called at the start of every model call (e.g. to press Stop mid-call). */
  onCall: () => void = () => {};

  constructor(private readonly copyBias = 4) {}

  newCache(): TokenCache {
    return new TokenCache();
  }

  logitsAfter(context: readonly number[]): Float32Array {
    const n = context.length;
    const rng = createRng(context.reduce((h, id) => (h * 31 + id + 7) >>> 0, n));
    const logits = Float32Array.from({ length: VOCAB }, () => 2 * rng());
    logits[EOS] -= 1;
    for (let start = n - 3; start >= 0 && n >= 2; start--) {
      if (context[start] === context[n - 2] && context[start + 1] === context[n - 1]) {
        logits[context[start + 2]] += this.copyBias;
        break;
      }
    }
    return logits;
  }

  private feed(ids: number[], cache: TokenCache): void {
    if (cache.disposed) throw new Error('forward on a disposed cache');
    this.calls++;
    this.onCall();
    cache.tokens.push(...ids);
    this.maxPositions = Math.max(this.maxPositions, cache.length);
  }

  async forward(ids: number[], cache: TokenCache): Promise<Float32Array> {
    this.feed(ids, cache);
    return this.logitsAfter(cache.tokens);
  }

  async forwardRows(ids: number[], cache: TokenCache, rows: number): Promise<Float32Array[]> {
    this.feed(ids, cache);
    const end = cache.tokens.length;
    return Array.from({ length: rows }, (_, j) => this.logitsAfter(cache.tokens.slice(0, end - rows + 1 + j)));
  }
}

/** A passage, then its start again: a reply that copies it is what prompt lookup is for. */
const PROMPT = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 3, 4, 5];

function options(overrides: Partial<LoopOptions> = {}): LoopOptions {
  return {
    sampling: GREEDY,
    maxNewTokens: 40,
    contextLength: 1000,
    eosIds: [EOS],
    rng: createRng(1),
    isAborted: () => false,
    onToken: () => false,
    yieldToEvents: () => Promise.resolve(),
    ...overrides,
  };
}

/** The same generation with prompt lookup off and on, each on a fresh model and a fresh rng. */
async function bothWays(overrides: (model: CopyingModel) => Partial<LoopOptions>, seed = 1, prompt = PROMPT, model = () => new CopyingModel()) {
  const plainModel = model();
  const plain = await runGenerationLoop(plainModel, prompt, options({ rng: createRng(seed), ...overrides(plainModel), keepCache: true }));
  const fastModel = model();
  const fast = await runGenerationLoop(fastModel, prompt, options({ rng: createRng(seed), ...overrides(fastModel), keepCache: true, promptLookup: true }));
  return { plain, fast, plainModel, fastModel };
}

describe('lookupDraft', () => {
  it('copies what followed the most recent earlier occurrence of the last tokens', () => {
    expect(lookupDraft([1, 2, 3, 9, 1, 2, 3, 7, 8, 1, 2, 3], 3)).toEqual([7, 8, 1]);
    expect(lookupDraft([5, 6, 1, 2, 9, 1, 2], 4)).toEqual([9, 1, 2]);
  });

  it('prefers a longer match to a more recent shorter one', () => {
    // The last three tokens (4 1 2) occur at the start; the last two (1 2) also occur more recently.
    expect(lookupDraft([4, 1, 2, 30, 31, 1, 2, 40, 4, 1, 2], 2)).toEqual([30, 31]);
  });

  it('gives nothing without a match of at least two tokens, nor with no room', () => {
    expect(lookupDraft([1, 2, 3, 4, 5], 5)).toEqual([]);
    expect(lookupDraft([7, 1, 2, 7, 3], 5)).toEqual([]);
    expect(lookupDraft([1, 2, 3, 1, 2], 0)).toEqual([]);
    expect(lookupDraft([], 3)).toEqual([]);
  });
});

describe('DraftLength', () => {
  it('grows after drafts accepted whole, shrinks after a partial one, and pauses longer after each draft rejected whole', () => {
    const length = new DraftLength();
    expect(length.take()).toBe(4);
    length.update(4, 4);
    expect(length.take()).toBe(6);
    length.update(6, 2);
    expect(length.take()).toBe(5);
    // Rejected whole: 1 step without a draft, then 2, then 4.
    const paused = () => {
      let steps = 0;
      while (length.take() === 0) steps++;
      return steps;
    };
    length.update(5, 0);
    expect(paused()).toBe(1);
    length.update(4, 0);
    expect(paused()).toBe(2);
    length.update(3, 0);
    expect(paused()).toBe(4);
    // An acceptance ends the backing off.
    length.update(2, 1);
    length.update(2, 0);
    expect(paused()).toBe(1);
  });
});

describe('prompt-lookup speculative decoding in the generation loop', () => {
  it('greedy: the same tokens as plain decoding, in fewer model calls, the cache holding exactly the tokens fed', async () => {
    const { plain, fast, plainModel, fastModel } = await bothWays(() => ({}));
    expect(fast.tokenIds).toEqual(plain.tokenIds);
    expect(fast.reason).toBe(plain.reason);
    expect(fast.promptLookup.accepted).toBeGreaterThan(10);
    expect(fastModel.calls).toBeLessThan(plainModel.calls * 0.6);
    expect(fast.promptLookup.calls).toBe(fastModel.calls);
    expect(fast.context!.cache.tokens).toEqual(fast.context!.ids);
    expect(fast.context!.ids).toEqual(plain.context!.ids);
  });

  it('sampling: the same tokens as plain decoding for every seed and setting (penalty included)', async () => {
    const settings: SamplingSettings[] = [
      { temperature: 0.8, topK: 0, topP: 1, repetitionPenalty: 1 },
      { temperature: 1, topK: 5, topP: 0.9, repetitionPenalty: 1 },
      { temperature: 0.7, topK: 0, topP: 0.95, repetitionPenalty: 1.3 },
    ];
    let accepted = 0;
    for (const sampling of settings) {
      for (let seed = 1; seed <= 40; seed++) {
        const { plain, fast } = await bothWays(() => ({ sampling, maxNewTokens: 20 }), seed);
        expect(fast.tokenIds, `seed ${seed}`).toEqual(plain.tokenIds);
        accepted += fast.promptLookup.accepted;
      }
    }
    expect(accepted).toBeGreaterThan(100);
  }, 60_000);

  it('sampling: a verified draft token comes out with the probability the sampling distribution gives it', async () => {
    // The token after the prompt is drafted (5 → 6 follows "3 4 5" earlier). Over many seeds, how often
    // each token comes out must match the model's distribution there, and 6 must be accepted that often.
    const sampling: SamplingSettings = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };
    const model = new CopyingModel(2.5);
    const probs = new Sampler(sampling).distribution(model.logitsAfter(PROMPT));
    const N = 3000;
    const counts = new Array<number>(VOCAB).fill(0);
    let accepted = 0;
    for (let seed = 0; seed < N; seed++) {
      const result = await runGenerationLoop(new CopyingModel(2.5), PROMPT, options({ sampling, maxNewTokens: 2, rng: createRng(seed * 7919 + 13), promptLookup: true }));
      counts[result.tokenIds[0]]++;
      if (result.tokenIds[0] === 6) accepted++;
      expect(result.promptLookup.drafted).toBeGreaterThan(0);
    }
    let chi2 = 0;
    probs.ids.forEach((id, i) => (chi2 += (counts[id] - N * probs.probs[i]) ** 2 / (N * probs.probs[i])));
    // 15 degrees of freedom: the 99.9% quantile is 37.7.
    expect(chi2).toBeLessThan(37.7);
    const p6 = probs.probs[probs.ids.indexOf(6)];
    expect(p6).toBeGreaterThan(0.1);
    expect(p6).toBeLessThan(0.9);
    expect(Math.abs(accepted / N - p6)).toBeLessThan(4 * Math.sqrt((p6 * (1 - p6)) / N));
  }, 60_000);

  it('a draft that would run past the context limit is cut: the reply ends for context where plain decoding ends it', async () => {
    const { plain, fast, fastModel } = await bothWays(() => ({ contextLength: PROMPT.length + 9 }));
    expect(plain.reason).toBe('context');
    expect(fast.reason).toBe('context');
    expect(fast.tokenIds).toEqual(plain.tokenIds);
    expect(fastModel.maxPositions).toBeLessThanOrEqual(PROMPT.length + 9);
    expect(fast.promptLookup.accepted).toBeGreaterThan(0);
    expect(fast.context!.cache.tokens).toEqual(fast.context!.ids);
  });

  it('max new tokens inside an accepted draft ends the reply at exactly that many tokens', async () => {
    const { plain, fast } = await bothWays(() => ({ maxNewTokens: 7 }));
    expect(fast.tokenIds).toHaveLength(7);
    expect(fast.tokenIds).toEqual(plain.tokenIds);
    expect(fast.context!.cache.tokens).toEqual(fast.context!.ids);
  });

  it('a stop string inside accepted draft tokens ends the reply where plain decoding ends it', async () => {
    // The stop string is the 4th token of the copied passage; it arrives inside a verified draft.
    const stopAtFourth = () => {
      let seen = 0;
      return () => ++seen === 4;
    };
    const { plain, fast } = await bothWays(() => ({ onToken: stopAtFourth() }));
    expect(plain.reason).toBe('stop-string');
    expect(fast.reason).toBe('stop-string');
    expect(fast.tokenIds).toEqual(plain.tokenIds);
    expect(fast.tokenIds).toHaveLength(4);
    expect(fast.promptLookup.accepted).toBeGreaterThanOrEqual(3);
    expect(fast.context!.cache.tokens).toEqual(fast.context!.ids);
    expect(fast.context!.ids).toEqual(plain.context!.ids);
  });

  it('EOS inside the drafted tokens ends the reply at the EOS, as plain decoding does', async () => {
    // The passage to copy holds EOS: the draft carries it, and the model's own draw accepts it.
    const prompt = [1, 3, 4, 5, 6, EOS, 8, 9, 3, 4];
    const { plain, fast } = await bothWays(() => ({}), 1, prompt);
    expect(plain.reason).toBe('eos');
    expect(fast.reason).toBe('eos');
    expect(fast.tokenIds).toEqual(plain.tokenIds);
    expect(fast.tokenIds[fast.tokenIds.length - 1]).toBe(EOS);
    expect(fast.promptLookup.accepted).toBeGreaterThanOrEqual(2);
    expect(fast.context!.cache.tokens).toEqual(fast.context!.ids);
  });

  it('Stop pressed during a verification call ends the reply after that call\'s first token, as after a plain step', async () => {
    for (const stopDuringCall of [2, 3, 4]) {
      const results = await bothWays((model) => {
        let stopped = false;
        model.onCall = () => {
          if (model.calls === stopDuringCall) stopped = true;
        };
        return { isAborted: () => stopped };
      });
      const { plain, fast } = results;
      expect(fast.reason).toBe('aborted');
      expect(plain.reason).toBe('aborted');
      // Plain decoding gives one token per call: Stop during call n leaves n tokens. With prompt lookup,
      // the calls before it gave several, and the one it was pressed in gives one more.
      expect(plain.tokenIds).toHaveLength(stopDuringCall);
      expect(fast.tokenIds.length).toBeGreaterThan(stopDuringCall);
      expect(plain.tokenIds.length).toBeLessThan(fast.tokenIds.length);
      const reference = await runGenerationLoop(new CopyingModel(), PROMPT, options({ maxNewTokens: fast.tokenIds.length }));
      expect(fast.tokenIds).toEqual(reference.tokenIds);
      expect(fast.context!.cache.tokens).toEqual(fast.context!.ids);
    }
  });

  it('a model or cache without multi-position calls decodes as before, prompt lookup or not', async () => {
    class PlainOnly extends CopyingModel {
      override forwardRows = undefined as never;
    }
    const { plain, fast, fastModel, plainModel } = await bothWays(() => ({}), 1, PROMPT, () => new PlainOnly());
    expect(fast.tokenIds).toEqual(plain.tokenIds);
    expect(fastModel.calls).toBe(plainModel.calls);
    expect(fast.promptLookup.drafted).toBe(0);
  });
});
