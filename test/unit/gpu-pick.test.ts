/**
 * The CPU side of the GPU pick: a step that reads back only the k largest logits must make the sampler
 * draw exactly the tokens it draws from the whole vocabulary, for the same seed. The k largest are
 * taken here by a plain full sort (the reference's), as the kernel gives them: largest first, ties to
 * the lowest id. The kernel itself runs in test/e2e/gpu-pick.spec.ts (WebGPU).
 */
import { describe, expect, it } from 'vitest';
import { Sampler, type SamplingSettings, type StepLogits, type TopLogits } from '../../src/engine/sampling';
import { runGenerationLoop, type StepModel } from '../../src/engine/generate';
import { kernelSize, logitsBinding, MAX_GPU_TOP_K, resultBytes } from '../../src/engine/gpu-pick-kernel';
import { createRng } from '../../src/core/rng';
import { referenceTopK } from '../support/reference-sampler';

const BASE: SamplingSettings = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };

function randomLogits(n: number, seed: number, scale: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => scale * (rng() + rng() + rng() - 1.5));
}

/** Few distinct values, so the k-th largest is usually tied and the tie rule decides membership and order. */
function tiedLogits(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(rng() * 6) / 2);
}

/** What the GPU reads back: the k largest, by the reference's stable full sort. */
function topOf(logits: Float32Array, k: number): TopLogits {
  const ids = referenceTopK(logits, k);
  return { ids, values: ids.map((id) => logits[id]), count: k, vocab: logits.length };
}

describe('sampling from the k largest logits gives the tokens the whole vocabulary gives', () => {
  const modes: [string, SamplingSettings][] = [
    ['greedy', { ...BASE, temperature: 0 }],
    ['greedy with top-k set', { ...BASE, temperature: 0, topK: 40 }],
    ['top-k 40, temperature 0.8', { ...BASE, temperature: 0.8, topK: 40 }],
    ['top-k 40 + top-p 0.9 (the app default kind)', { ...BASE, temperature: 0.7, topK: 40, topP: 0.9 }],
    ['top-k 64, temperature 1.5', { ...BASE, temperature: 1.5, topK: 64 }],
    ['top-k 5 + top-p 0.5', { ...BASE, temperature: 1, topK: 5, topP: 0.5 }],
    ['top-k 1', { ...BASE, temperature: 1, topK: 1 }],
  ];
  for (const [name, settings] of modes) {
    it(name, () => {
      for (const [vocab, make] of [
        [5_000, (step: number) => randomLogits(5_000, step, 4)],
        [700, (step: number) => tiedLogits(700, step)],
      ] as const) {
        for (let seed = 0; seed < 25; seed++) {
          const full = new Sampler(settings);
          const top = new Sampler(settings);
          const k = top.topNeeded;
          expect(k).not.toBeNull();
          const rngFull = createRng(seed);
          const rngTop = createRng(seed);
          const got: number[] = [];
          const want: number[] = [];
          for (let step = 0; step < 12; step++) {
            const logits = make(seed * 100 + step);
            want.push(full.next(Float32Array.from(logits), rngFull));
            got.push(top.next(topOf(logits, k!), rngTop));
          }
          expect(got, `vocab ${vocab}, seed ${seed}`).toEqual(want);
        }
        // Not a degenerate check: the sampling modes do draw different tokens over the seeds.
        if (settings.temperature > 0 && settings.topK > 1) {
          const draws = new Set(Array.from({ length: 30 }, (_, seed) => new Sampler(settings).next(make(1), createRng(seed))));
          expect(draws.size).toBeGreaterThan(1);
        }
      }
    });
  }

  it('greedy on tied maxima picks the lowest id, from the whole vocabulary and from the k largest alike', () => {
    const logits = Float32Array.from([1, 3, 0, 3, 3, -1]);
    const greedy = { ...BASE, temperature: 0 };
    expect(new Sampler(greedy).next(Float32Array.from(logits), createRng(1))).toBe(1);
    expect(new Sampler(greedy).next(topOf(logits, 1), createRng(1))).toBe(1);
  });
});

describe('what the sampler asks a step for', () => {
  it('asks for 1 logit when greedy and for k with top-k, else for the whole vocabulary', () => {
    expect(new Sampler({ ...BASE, temperature: 0 }).topNeeded).toBe(1);
    expect(new Sampler({ ...BASE, temperature: 0.8, topK: 40 }).topNeeded).toBe(40);
    expect(new Sampler({ ...BASE, temperature: 0.8, topK: 40, topP: 0.9 }).topNeeded).toBe(40);
    // The draw can land anywhere in the vocabulary.
    expect(new Sampler({ ...BASE, temperature: 0.8 }).topNeeded).toBeNull();
    expect(new Sampler({ ...BASE, temperature: 0.8, topP: 0.9 }).topNeeded).toBeNull();
    // The penalty can lift a token from below the k largest raw logits into the k largest penalised ones.
    expect(new Sampler({ ...BASE, temperature: 0, repetitionPenalty: 1.1 }).topNeeded).toBeNull();
    expect(new Sampler({ ...BASE, temperature: 0.8, topK: 40, repetitionPenalty: 1.1 }).topNeeded).toBeNull();
  });

  it('refuses fewer candidates than its settings need, rather than drawing from the wrong distribution', () => {
    const logits = randomLogits(100, 3, 2);
    expect(() => new Sampler({ ...BASE, topK: 40 }).next(topOf(logits, 8), createRng(1))).toThrow(/read back 8 of 100 logits; these sampling settings need 40/);
    expect(() => new Sampler({ ...BASE, topP: 0.9 }).next(topOf(logits, 8), createRng(1))).toThrow(/need all/);
  });
});

/** A model whose logits depend on the context; it answers with the k largest where asked, if `picks`. */
class ContextModel implements StepModel<{ length: number; dispose(): void }> {
  readonly asked: (number | null | undefined)[] = [];
  constructor(private readonly picks: boolean) {}
  newCache() {
    return { length: 0, dispose: () => undefined };
  }
  async forward(ids: number[], cache: { length: number }, top?: number | null): Promise<StepLogits> {
    this.asked.push(top);
    cache.length += ids.length;
    const logits = randomLogits(3_000, cache.length * 31 + ids[ids.length - 1], 3);
    return this.picks && top ? topOf(logits, top) : logits;
  }
}

describe('the generation loop asks the step for only what the sampler needs', () => {
  for (const [name, settings, asked] of [
    ['greedy', { ...BASE, temperature: 0 }, 1],
    ['top-k 40 + top-p 0.9', { ...BASE, temperature: 0.8, topK: 40, topP: 0.9 }, 40],
    ['top-k with a repetition penalty', { ...BASE, temperature: 0.8, topK: 40, repetitionPenalty: 1.2 }, null],
  ] as const) {
    it(`${name}: the same tokens from the k largest as from the whole vocabulary`, async () => {
      const generate = async (model: ContextModel) =>
        (await runGenerationLoop(model, [5, 6, 7], {
          sampling: settings,
          maxNewTokens: 20,
          contextLength: 100,
          eosIds: [],
          rng: createRng(99),
          isAborted: () => false,
          onToken: () => false,
          yieldToEvents: async () => undefined,
        })).tokenIds;
      const full = new ContextModel(false);
      const picked = new ContextModel(true);
      const want = await generate(full);
      expect(await generate(picked)).toEqual(want);
      expect(picked.asked).toEqual(Array.from({ length: 20 }, () => asked));
    });
  }
});

describe('the pick kernel sizes and bindings', () => {
  it('one kernel for greedy, powers of two from 8 up to 64 for top-k, none above', () => {
    expect(kernelSize(1)).toBe(1);
    expect([2, 8, 9, 16, 17, 40, 64].map(kernelSize)).toEqual([8, 8, 16, 16, 32, 64, 64]);
    expect(kernelSize(MAX_GPU_TOP_K + 1)).toBeNull();
    expect(kernelSize(0)).toBeNull();
    // Greedy reads back one id and one value.
    expect(resultBytes(kernelSize(1)!)).toBe(8);
    expect(resultBytes(kernelSize(40)!)).toBeLessThanOrEqual(64 * 1024);
  });

  it('binds only the last position of a long prompt, from an aligned offset, within the buffer', () => {
    // 100 positions of a 262,144 vocabulary: 100 MB of float32, more than a storage binding may hold.
    const vocab = 262_144;
    const start = 99 * vocab;
    const f32 = logitsBinding(start, vocab, 4, 100 * vocab * 4);
    expect(f32.offset % 256).toBe(0);
    expect(f32.offset + f32.first * 4).toBe(start * 4);
    expect(f32.size).toBe(100 * vocab * 4 - f32.offset);
    // fp16, odd vocabulary: the start falls mid-word and the end is rounded up to whole words.
    const odd = logitsBinding(3 * 1001, 1001, 2, 4 * 1001 * 2 + 14);
    expect(odd.offset % 256).toBe(0);
    expect(odd.offset + odd.first * 2).toBe(3 * 1001 * 2);
    expect(odd.size % 4).toBe(0);
    expect(odd.offset + odd.size).toBeGreaterThanOrEqual(4 * 1001 * 2);
    expect(odd.offset + odd.size).toBeLessThanOrEqual(4 * 1001 * 2 + 14);
  });
});
