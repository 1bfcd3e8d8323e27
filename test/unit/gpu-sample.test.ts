/**
 * The CPU side of the GPU draw: the kernel's parameters (src/engine/gpu-sample-kernel.ts), and the
 * sampler's draw request (src/engine/sampling.ts): one random number a draw, spent before the step,
 * whether the GPU draws the token or the step hands logits back; the loop takes a drawn token as it is.
 * The kernel itself runs in test/e2e/gpu-sample.spec.ts (WebGPU).
 */
import { describe, expect, it } from 'vitest';
import { sampleParams, seenWords } from '../../src/engine/gpu-sample-kernel';
import { Sampler } from '../../src/engine/sampling';
import { runGenerationLoop, type StepModel } from '../../src/engine/generate';
import { createRng } from '../../src/core/rng';
import type { DrawRequest } from '../../src/engine/sampling';

const BASE = { temperature: 0.8, topK: 0, topP: 1, repetitionPenalty: 1 };

describe('the kernel parameters', () => {
  it('switch top-k off at 0 or at the vocabulary, top-p off outside (0, 1), the penalty off at 1, and keep r below 1', () => {
    const read = (buffer: ArrayBuffer) => ({ u: new Uint32Array(buffer), f: new Float32Array(buffer) });
    const on = read(sampleParams({ first: 3, vocab: 100, topK: 40, temperature: 0.8, repetitionPenalty: 1.3, topP: 0.9, r: 0.25 }));
    expect([...on.u.subarray(0, 4)]).toEqual([3, 100, 40, 1]);
    expect([...on.f.subarray(4)]).toEqual([Math.fround(0.8), Math.fround(1.3), Math.fround(0.9), 0.25]);
    const off = read(sampleParams({ first: 0, vocab: 100, topK: 100, temperature: 1, repetitionPenalty: 1, topP: 1, r: 1 - 1e-12 }));
    expect(off.u[2]).toBe(0);
    expect(off.u[3]).toBe(0);
    expect(off.f[6]).toBe(1);
    expect(off.f[7]).toBeLessThan(1);
    expect(read(sampleParams({ first: 0, vocab: 100, topK: 0, temperature: 1, repetitionPenalty: 1, topP: 0, r: 0 })).f[6]).toBe(1);
    expect(seenWords(0)).toBe(1);
    expect(seenWords(33)).toBe(2);
  });
});

describe('the draw request', () => {
  it('spends one random number for a sampled draw and none for greedy, and replays it once', () => {
    const rng = createRng(5);
    const reference = createRng(5);
    const sampled = new Sampler(BASE).drawRequest(rng);
    expect(sampled.r).toBe(reference());
    expect(sampled.replay()).toBe(sampled.r);
    expect(() => sampled.replay()).toThrow(/one random number/);
    const greedy = new Sampler({ ...BASE, temperature: 0 }).drawRequest(rng);
    expect(greedy.r).toBe(0);
    // The greedy request took nothing from the generator.
    expect(rng()).toBe(reference());
  });

  it('carries the seen tokens as one growing list', () => {
    const sampler = new Sampler({ ...BASE, repetitionPenalty: 1.2 });
    sampler.observe([4, 9, 4]);
    const first = sampler.drawRequest(createRng(1));
    sampler.observe(12);
    const second = sampler.drawRequest(createRng(1));
    expect(second.seen).toBe(first.seen);
    expect([...second.seen]).toEqual([4, 9, 12]);
  });
});

/** A model that draws on the "GPU" with the CPU sampler's own rule, or hands its logits back. */
class DrawingModel implements StepModel<{ length: number; dispose(): void }> {
  drawnSteps = 0;
  constructor(private readonly draws: boolean) {}
  newCache() {
    return { length: 0, dispose: () => undefined };
  }
  async forward(ids: number[], cache: { length: number }, _top?: number | null, draw?: DrawRequest) {
    cache.length += ids.length;
    const logits = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i * 7 + cache.length));
    if (!this.draws || !draw) return logits;
    this.drawnSteps++;
    // What the kernel computes: the CPU's token for the request's random number.
    const sampler = new Sampler(draw.settings);
    sampler.observe(draw.seen);
    return { drawn: sampler.next(logits, () => draw.r) };
  }
}

describe('the generation loop with a step that draws', () => {
  for (const settings of [BASE, { ...BASE, topK: 10, topP: 0.9, repetitionPenalty: 1.3 }, { ...BASE, temperature: 0, repetitionPenalty: 1.5 }]) {
    it(`gives the tokens of CPU sampling for the same seed (${JSON.stringify(settings)})`, async () => {
      const generate = async (model: DrawingModel) =>
        (await runGenerationLoop(model, [1, 2, 3], {
          sampling: settings,
          maxNewTokens: 25,
          contextLength: 100,
          eosIds: [],
          rng: createRng(31),
          isAborted: () => false,
          onToken: () => false,
          yieldToEvents: async () => undefined,
        })).tokenIds;
      const drawing = new DrawingModel(true);
      expect(await generate(drawing)).toEqual(await generate(new DrawingModel(false)));
      expect(drawing.drawnSteps).toBe(25);
    });
  }
});
