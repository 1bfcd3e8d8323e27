import { describe, expect, it } from 'vitest';
import { runGenerationLoop, type CachedContext, type LoopOptions, type StepModel } from '../../src/engine/generate';
import { PromptTooLongError } from '../../src/core/errors';
import { createRng } from '../../src/core/rng';

const VOCAB = 16;
const EOS = 15;

/** A cache that remembers the tokens fed through it, as a real KV cache holds their keys and values. */
class TokenCache {
  tokens: number[] = [];
  disposed = 0;
  get length(): number {
    return this.tokens.length;
  }
  dispose(): void {
    this.disposed++;
  }
}

/**
 * A fake decoder: it records what it was fed, checks the cache bookkeeping, fails on request, and
 * answers one-hot logits for the token its subclass picks.
 */
abstract class FakeDecoder implements StepModel<TokenCache> {
  readonly calls: { ids: number[]; cacheBefore: number }[] = [];
  readonly caches: TokenCache[] = [];
  maxPositions = 0;
  /** The 1-based forward call that throws `failure`, if any. */
  failAtCall: number | null = null;
  protected failure = 'step failed';

  /** The token the logits of this call favour. */
  protected abstract pick(call: number, cache: TokenCache): number;

  newCache(): TokenCache {
    const cache = new TokenCache();
    this.caches.push(cache);
    return cache;
  }

  async forward(ids: number[], cache: TokenCache): Promise<Float32Array> {
    if (cache.disposed) throw new Error('forward on a disposed cache');
    this.calls.push({ ids: [...ids], cacheBefore: cache.length });
    if (this.failAtCall === this.calls.length) throw new Error(this.failure);
    cache.tokens.push(...ids);
    this.maxPositions = Math.max(this.maxPositions, cache.length);
    const logits = new Float32Array(VOCAB).fill(-5);
    logits[this.pick(this.calls.length, cache)] = 5;
    return logits;
  }
}

/** A scripted decoder: greedy decoding reproduces the script, whatever the context. */
class ScriptedModel extends FakeDecoder {
  protected override failure = 'GPU device lost';
  constructor(
    private readonly script: number[],
    failAtCall: number | null = null,
  ) {
    super();
    this.failAtCall = failAtCall;
  }

  protected pick(call: number): number {
    return this.script[call - 1] ?? 1;
  }
}

function options(overrides: Partial<LoopOptions> = {}): LoopOptions {
  return {
    sampling: { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 },
    maxNewTokens: 100,
    contextLength: 1000,
    eosIds: [EOS],
    rng: createRng(1),
    isAborted: () => false,
    onToken: () => false,
    yieldToEvents: () => Promise.resolve(),
    ...overrides,
  };
}

const PROMPT = [3, 4, 5, 6];

describe('runGenerationLoop', () => {
  it('prefills the whole prompt once, then feeds one token at a time', async () => {
    const model = new ScriptedModel([7, 8, 9, EOS]);
    const result = await runGenerationLoop(model, PROMPT, options());
    expect(model.calls.map((c) => c.ids)).toEqual([PROMPT, [7], [8], [9]]);
    expect(model.calls.map((c) => c.cacheBefore)).toEqual([0, 4, 5, 6]);
    expect(result.tokenIds).toEqual([7, 8, 9, EOS]);
  });

  it('stops at an end-of-sequence token with reason "eos"', async () => {
    const model = new ScriptedModel([7, 8, EOS, 9, 9]);
    const seen: number[] = [];
    const result = await runGenerationLoop(model, PROMPT, options({ onToken: (id) => (seen.push(id), false) }));
    expect(result.reason).toBe('eos');
    expect(result.tokenIds).toEqual([7, 8, EOS]);
    // The EOS token itself is not passed on as text.
    expect(seen).toEqual([7, 8]);
    expect(model.calls).toHaveLength(3);
  });

  it('any of several eos ids stops generation', async () => {
    const model = new ScriptedModel([7, 12, 8]);
    const result = await runGenerationLoop(model, PROMPT, options({ eosIds: [EOS, 12] }));
    expect(result.reason).toBe('eos');
    expect(result.tokenIds).toEqual([7, 12]);
  });

  it('stops after maxNewTokens with reason "max-tokens"', async () => {
    const model = new ScriptedModel([7, 8, 9, 10, 11, 12]);
    const result = await runGenerationLoop(model, PROMPT, options({ maxNewTokens: 3 }));
    expect(result.reason).toBe('max-tokens');
    expect(result.tokenIds).toEqual([7, 8, 9]);
    // No wasted forward pass after the last token.
    expect(model.calls).toHaveLength(3);
  });

  it('stops at the context limit and never feeds more positions than the context holds', async () => {
    const model = new ScriptedModel(Array(50).fill(7));
    const contextLength = 10;
    const result = await runGenerationLoop(model, PROMPT, options({ contextLength }));
    expect(result.reason).toBe('context');
    expect(model.maxPositions).toBeLessThanOrEqual(contextLength);
    // Every position of the context is used: 4 prompt + 6 generated tokens fed, plus the last one sampled.
    expect(model.maxPositions).toBe(contextLength);
    expect(PROMPT.length + result.tokenIds.length).toBe(contextLength + 1);
  });

  it('a prompt that exactly fills the context still yields one token, then stops for context', async () => {
    const model = new ScriptedModel([7, 8]);
    const result = await runGenerationLoop(model, PROMPT, options({ contextLength: PROMPT.length }));
    expect(result.reason).toBe('context');
    expect(result.tokenIds).toEqual([7]);
    expect(model.maxPositions).toBe(PROMPT.length);
  });

  it('throws PromptTooLongError when the prompt is longer than the context', async () => {
    const model = new ScriptedModel([7]);
    const run = runGenerationLoop(model, [1, 2, 3, 4, 5, 6], options({ contextLength: 5 }));
    await expect(run).rejects.toBeInstanceOf(PromptTooLongError);
    await expect(run).rejects.toThrow(/6 tokens.*holds 5/);
    expect(model.calls).toHaveLength(0);
  });

  it('stops when onToken reports a stop string, with reason "stop-string"', async () => {
    const model = new ScriptedModel([7, 8, 9, 10, 11]);
    const result = await runGenerationLoop(model, PROMPT, options({ onToken: (id) => id === 9 }));
    expect(result.reason).toBe('stop-string');
    expect(result.tokenIds).toEqual([7, 8, 9]);
    expect(model.calls).toHaveLength(3);
  });

  it('abort is checked between steps: aborting after the 3rd token yields exactly 3 tokens', async () => {
    const model = new ScriptedModel(Array(20).fill(7));
    let aborted = false;
    let yields = 0;
    const result = await runGenerationLoop(
      model,
      PROMPT,
      options({
        isAborted: () => aborted,
        onToken: (_id, timing) => {
          if (timing.count === 3) aborted = true;
          return false;
        },
        yieldToEvents: async () => {
          yields++;
        },
      }),
    );
    expect(result.reason).toBe('aborted');
    expect(result.tokenIds).toHaveLength(3);
    expect(model.calls).toHaveLength(3);
    expect(yields).toBeGreaterThanOrEqual(3);
  });

  it('an abort that arrives while yielding to events is honoured before the next forward pass', async () => {
    const model = new ScriptedModel(Array(20).fill(7));
    let aborted = false;
    let yields = 0;
    const result = await runGenerationLoop(
      model,
      PROMPT,
      options({
        isAborted: () => aborted,
        yieldToEvents: async () => {
          if (++yields === 2) aborted = true;
        },
      }),
    );
    expect(result.reason).toBe('aborted');
    expect(result.tokenIds).toHaveLength(2);
    expect(model.calls).toHaveLength(2);
  });

  it('aborted before starting generates nothing', async () => {
    const model = new ScriptedModel([7]);
    const result = await runGenerationLoop(model, PROMPT, options({ isAborted: () => true }));
    expect(result).toMatchObject({ reason: 'aborted', tokenIds: [], timing: null });
    expect(model.calls).toHaveLength(0);
    expect(model.caches[0].disposed).toBe(1);
  });

  it('reports timing: first token time and a count per token', async () => {
    const model = new ScriptedModel([7, 8, 9]);
    let clock = 100;
    const timings: { count: number; firstTokenAt: number; at: number; startedAt: number }[] = [];
    const result = await runGenerationLoop(
      model,
      PROMPT,
      options({
        maxNewTokens: 3,
        now: () => (clock += 10),
        onToken: (_id, timing) => (timings.push({ ...timing }), false),
      }),
    );
    expect(timings.map((t) => t.count)).toEqual([1, 2, 3]);
    expect(timings.every((t) => t.startedAt === 110 && t.firstTokenAt === 120)).toBe(true);
    expect(timings.map((t) => t.at)).toEqual([120, 130, 140]);
    expect(result.timing).toEqual(timings[2]);
  });

  it('with sampling, the same seed reproduces the same tokens', async () => {
    class NoisyModel extends ScriptedModel {
      override async forward(ids: number[], cache: TokenCache): Promise<Float32Array> {
        await super.forward(ids, cache);
        // Varied logits over the vocabulary; EOS is impossible so every run has 30 tokens.
        return Float32Array.from({ length: VOCAB }, (_, i) => (i === EOS ? -Infinity : Math.sin(i + cache.length)));
      }
    }
    const sampling = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };
    const run = (seed: number) =>
      runGenerationLoop(new NoisyModel([]), PROMPT, options({ sampling, rng: createRng(seed), maxNewTokens: 30 }));
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a.tokenIds).toEqual(b.tokenIds);
    expect(a.tokenIds).not.toEqual(c.tokenIds);
  });

  describe('the cache is disposed exactly once in every case', () => {
    const cases: [string, number[], Partial<LoopOptions>][] = [
      ['eos', [7, EOS], {}],
      ['max-tokens', [7, 8, 9], { maxNewTokens: 2 }],
      ['context', Array(20).fill(7), { contextLength: 6 }],
      ['stop-string', [7, 8], { onToken: () => true }],
      ['aborted', [7, 8], { isAborted: () => true }],
    ];
    for (const [reason, script, overrides] of cases) {
      it(reason, async () => {
        const model = new ScriptedModel(script);
        const result = await runGenerationLoop(model, PROMPT, options(overrides));
        expect(result.reason).toBe(reason);
        expect(model.caches).toHaveLength(1);
        expect(model.caches[0].disposed).toBe(1);
      });
    }

    it('when forward throws, the error propagates and the cache is still disposed', async () => {
      const model = new ScriptedModel([7, 8, 9], 2);
      await expect(runGenerationLoop(model, PROMPT, options())).rejects.toThrow('GPU device lost');
      expect(model.caches[0].disposed).toBe(1);
    });

    it('when onToken throws, the cache is still disposed', async () => {
      const model = new ScriptedModel([7, 8, 9]);
      const run = runGenerationLoop(
        model,
        PROMPT,
        options({
          onToken: () => {
            throw new Error('listener failed');
          },
        }),
      );
      await expect(run).rejects.toThrow('listener failed');
      expect(model.caches[0].disposed).toBe(1);
    });
  });
});

/**
 * A decoder whose next token depends on every token in its cache (a hash of the whole context), so a
 * cache reused with the wrong contents, or fed a token twice, changes what it says.
 */
class ContextModel extends FakeDecoder {
  protected pick(_call: number, cache: TokenCache): number {
    let hash = 17;
    for (const id of cache.tokens) hash = (hash * 31 + id) % 1_000_003;
    return 1 + (hash % (VOCAB - 2)); // never EOS (15) nor 0
  }
}

describe('the KV cache kept across chat turns', () => {
  const USER_2 = [3, 9, 4];

  /** Turn 1, then turn 2 whose prompt is turn 1's prompt, its reply and a new user message. */
  async function twoTurns(model: ContextModel, reuse: boolean, overrides: Partial<LoopOptions> = {}) {
    const first = await runGenerationLoop(model, PROMPT, options({ maxNewTokens: 5, keepCache: true, ...overrides }));
    const prompt2 = [...PROMPT, ...first.tokenIds, ...USER_2];
    const callsBefore = model.calls.length;
    const previous = reuse ? first.context : (first.context?.cache.dispose(), null);
    const second = await runGenerationLoop(model, prompt2, options({ maxNewTokens: 6, keepCache: true }), previous);
    return { first, second, prompt2, turn2Calls: model.calls.slice(callsBefore) };
  }

  it('greedy replies are identical with and without reuse, and turn 2 prefills only the new tokens', async () => {
    const reused = await twoTurns(new ContextModel(), true);
    const fresh = await twoTurns(new ContextModel(), false);
    expect(reused.second.tokenIds).toEqual(fresh.second.tokenIds);
    expect(reused.second.tokenIds).toHaveLength(6);
    // Turn 1 fed the prompt and 4 of its 5 tokens: the 5th was sampled but never fed.
    expect(reused.first.context?.ids).toEqual([...PROMPT, ...reused.first.tokenIds.slice(0, 4)]);
    // So turn 2 prefills the 5th reply token and the user's message, after 8 cached tokens.
    expect(reused.turn2Calls[0]).toEqual({ ids: [reused.first.tokenIds[4], ...USER_2], cacheBefore: 8 });
    expect(reused.second.reusedTokens).toBe(8);
    expect(fresh.turn2Calls[0]).toEqual({ ids: fresh.prompt2, cacheBefore: 0 });
    expect(fresh.second.reusedTokens).toBe(0);
  });

  it('falls back to a full prefill when the history was edited, and disposes the stale cache', async () => {
    const model = new ContextModel();
    const first = await runGenerationLoop(model, PROMPT, options({ maxNewTokens: 5, keepCache: true }));
    const edited = [...PROMPT, ...first.tokenIds, ...USER_2];
    edited[1] = 12; // an earlier message changed (or a system prompt, or a template rewriting history)
    const callsBefore = model.calls.length;
    const second = await runGenerationLoop(model, edited, options({ maxNewTokens: 6, keepCache: true }), first.context);
    expect(model.calls[callsBefore]).toEqual({ ids: edited, cacheBefore: 0 });
    expect(second.reusedTokens).toBe(0);
    expect(first.context!.cache.disposed).toBe(1);
    const fresh = await runGenerationLoop(new ContextModel(), edited, options({ maxNewTokens: 6 }));
    expect(second.tokenIds).toEqual(fresh.tokenIds);
  });

  it('a prompt that is exactly the cached tokens, or shorter, is prefilled in full (there must be a token to run)', async () => {
    for (const cut of [0, 2]) {
      const model = new ContextModel();
      const first = await runGenerationLoop(model, PROMPT, options({ maxNewTokens: 3, keepCache: true }));
      const same = first.context!.ids.slice(0, first.context!.ids.length - cut);
      const callsBefore = model.calls.length;
      await runGenerationLoop(model, same, options({ maxNewTokens: 2 }), first.context);
      expect(model.calls[callsBefore]).toEqual({ ids: same, cacheBefore: 0 });
      expect(first.context!.cache.disposed).toBe(1);
    }
  });

  it('after EOS, a stop string or an abort the kept cache holds exactly the tokens fed', async () => {
    const cases: [string, Partial<LoopOptions>][] = [
      ['stop-string', { onToken: (_id, t) => t.count === 3 }],
      ['aborted', { isAborted: (() => { let n = 0; return () => ++n > 3; })() }],
    ];
    for (const [reason, overrides] of cases) {
      const model = new ContextModel();
      const result = await runGenerationLoop(model, PROMPT, options({ maxNewTokens: 10, keepCache: true, ...overrides }));
      expect(result.reason).toBe(reason);
      const context = result.context as CachedContext<TokenCache>;
      expect(context.ids).toEqual(context.cache.tokens);
      expect(context.cache.disposed).toBe(0);
    }
    // EOS: the scripted model ends with EOS, which is never fed.
    const scripted = new ScriptedModel([7, 8, EOS]);
    const eos = await runGenerationLoop(scripted, PROMPT, options({ keepCache: true }));
    expect(eos.reason).toBe('eos');
    expect(eos.context?.ids).toEqual([...PROMPT, 7, 8]);
    expect(eos.context?.cache.length).toBe(PROMPT.length + 2);
  });

  it('a failed step keeps nothing: the reused cache is disposed and no context comes back', async () => {
    const model = new ContextModel();
    const first = await runGenerationLoop(model, PROMPT, options({ maxNewTokens: 3, keepCache: true }));
    model.failAtCall = model.calls.length + 2;
    const prompt2 = [...PROMPT, ...first.tokenIds, 5];
    await expect(runGenerationLoop(model, prompt2, options({ keepCache: true }), first.context)).rejects.toThrow('step failed');
    expect(first.context!.cache.disposed).toBe(1);
  });

  it('a prompt too long for the context disposes the handed-over cache too', async () => {
    const model = new ContextModel();
    const first = await runGenerationLoop(model, PROMPT, options({ maxNewTokens: 3, keepCache: true }));
    const long = [...first.context!.ids, 1, 2, 3, 4, 5, 6, 7, 8];
    await expect(runGenerationLoop(model, long, options({ contextLength: 10 }), first.context)).rejects.toBeInstanceOf(PromptTooLongError);
    expect(first.context!.cache.disposed).toBe(1);
  });
});
