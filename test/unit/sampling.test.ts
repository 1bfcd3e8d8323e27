import { describe, expect, it } from 'vitest';
import { argmax, Sampler, type SamplingSettings } from '../../src/engine/sampling';
import { createRng, type Rng } from '../../src/core/rng';
import { topKIndices } from '../../src/core/top-k';
import { referenceDistribution, referenceSample, referenceTopK } from '../support/reference-sampler';

const PLAIN: SamplingSettings = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };

/** One step of a fresh sampler that has seen `seenIds`. */
function sampleNextToken(logits: Float32Array, settings: SamplingSettings, rng: Rng, seenIds: number[]): number {
  const sampler = new Sampler(settings);
  sampler.observe(seenIds);
  return sampler.next(logits, rng);
}

function samplingDistribution(logits: Float32Array, settings: SamplingSettings) {
  return new Sampler(settings).distribution(logits);
}

/** The penalty alone: a greedy step applies it to `logits` in place before its argmax. */
function applyRepetitionPenalty(logits: Float32Array, seenIds: number[], penalty: number): void {
  sampleNextToken(logits, { ...PLAIN, temperature: 0, repetitionPenalty: penalty }, createRng(0), seenIds);
}

/** Reference softmax in float64, written independently of the module under test. */
function softmax(logits: ArrayLike<number>, temperature = 1): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  const exps = Array.from(logits, (l) => Math.exp(l / temperature - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Indices sorted by value, largest first, by a plain full sort. */
function fullSort(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a]);
}

/** Brute-force nucleus: the smallest prefix of the fully sorted vocabulary whose mass reaches p. */
function bruteNucleus(logits: ArrayLike<number>, p: number, temperature = 1): { ids: number[]; probs: number[] } {
  const probs = softmax(logits, temperature);
  const order = fullSort(Array.from(logits, (l) => l / temperature));
  const ids: number[] = [];
  let mass = 0;
  for (const id of order) {
    ids.push(id);
    mass += probs[id];
    if (mass >= p) break;
  }
  return { ids, probs: ids.map((id) => probs[id] / mass) };
}

/** Deterministic pseudo-normal logits (Box-Muller on a seeded stream). */
function randomLogits(n: number, seed: number, scale: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng();
    const v = rng();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

function sampleMany(logits: Float32Array, settings: SamplingSettings, count: number, seed: number): number[] {
  const rng = createRng(seed);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < count; i++) counts[sampleNextToken(Float32Array.from(logits), settings, rng, [])]++;
  return counts;
}

describe('argmax / greedy', () => {
  it('argmax returns the index of the largest value, wherever it is', () => {
    expect(argmax([0.1, 5, -3, 4.9])).toBe(1);
    expect(argmax([7, 1, 2])).toBe(0);
    expect(argmax([-9, -8, -1])).toBe(2);
    expect(argmax(Float32Array.from([-Infinity, -1e30, -Infinity]))).toBe(1);
  });

  it('temperature 0 always picks the argmax and never consumes randomness', () => {
    const logits = Float32Array.from([1, 3, 2.9, -1, 0]);
    let calls = 0;
    const rng = () => {
      calls++;
      return 0.999;
    };
    for (let i = 0; i < 10; i++) {
      expect(sampleNextToken(Float32Array.from(logits), { ...PLAIN, temperature: 0 }, rng, [])).toBe(1);
    }
    expect(calls).toBe(0);
  });

  it('greedy decoding applies the repetition penalty before picking', () => {
    // Token 1 is best, but it was already seen; with penalty 2 it drops to 1.5 < 2.9.
    const logits = Float32Array.from([1, 3, 2.9, -1]);
    expect(sampleNextToken(logits, { ...PLAIN, temperature: 0, repetitionPenalty: 2 }, createRng(1), [1])).toBe(2);
  });
});

describe('seeded randomness', () => {
  const logits = Float32Array.from([0.5, 1.2, -0.3, 2.0, 0.0, 1.1, 0.7, -1.5]);

  function run(seed: number, n = 64): number[] {
    const rng = createRng(seed);
    return Array.from({ length: n }, () => sampleNextToken(Float32Array.from(logits), PLAIN, rng, []));
  }

  it('the same seed reproduces the same sequence of tokens', () => {
    expect(run(1234)).toEqual(run(1234));
  });

  it('a different seed gives a different sequence', () => {
    expect(run(1234)).not.toEqual(run(4321));
  });

  it('the rng yields values in [0, 1)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 10_000; i++) {
      const x = rng();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe('sampled frequencies match the distribution', () => {
  const logits = Float32Array.from([2.0, 1.0, 0.5, 0.0, -1.0, -2.0]);
  const N = 20_000;

  it('at temperature 1 frequencies match softmax(logits)', () => {
    const counts = sampleMany(logits, PLAIN, N, 42);
    const expected = softmax(logits);
    for (let i = 0; i < logits.length; i++) expect(Math.abs(counts[i] / N - expected[i])).toBeLessThan(0.015);
    // Chi-square with 5 degrees of freedom: the 99.9% quantile is 20.5.
    const chi2 = expected.reduce((acc, p, i) => acc + (counts[i] - N * p) ** 2 / (N * p), 0);
    expect(chi2).toBeLessThan(20.5);
  });

  it('samplingDistribution at temperature 1 is softmax over the vocabulary, largest first', () => {
    const { ids, probs } = samplingDistribution(logits, PLAIN);
    const expected = softmax(logits);
    expect(ids).toEqual(fullSort(logits));
    ids.forEach((id, i) => expect(probs[i]).toBeCloseTo(expected[id], 6));
  });

  it('at temperature 0.5 frequencies match softmax(logits / 0.5)', () => {
    const settings = { ...PLAIN, temperature: 0.5 };
    const counts = sampleMany(logits, settings, N, 99);
    const expected = softmax(logits, 0.5);
    for (let i = 0; i < logits.length; i++) expect(Math.abs(counts[i] / N - expected[i])).toBeLessThan(0.015);
  });

  it('a lower temperature puts more mass on the top token, a higher one less', () => {
    const top = (t: number) => {
      const d = samplingDistribution(logits, { ...PLAIN, temperature: t });
      return d.probs[d.ids.indexOf(0)];
    };
    expect(top(0.3)).toBeGreaterThan(top(0.7));
    expect(top(0.7)).toBeGreaterThan(top(1));
    expect(top(1)).toBeGreaterThan(top(2));
    const low = sampleMany(logits, { ...PLAIN, temperature: 0.3 }, 5000, 5)[0];
    const high = sampleMany(logits, { ...PLAIN, temperature: 2 }, 5000, 5)[0];
    expect(low).toBeGreaterThan(high);
  });
});

describe('top-k', () => {
  const logits = Float32Array.from([0.3, 2.5, -1, 1.7, 0.9, 2.4, -0.2, 1.6]);
  // Largest first: 1 (2.5), 5 (2.4), 3 (1.7), 7 (1.6), ...

  it('never samples a token outside the k most likely', () => {
    const counts = sampleMany(logits, { ...PLAIN, topK: 3 }, 5000, 3);
    const allowed = new Set([1, 5, 3]);
    counts.forEach((c, id) => {
      if (!allowed.has(id)) expect(c).toBe(0);
      else expect(c).toBeGreaterThan(0);
    });
  });

  it('samplingDistribution has exactly k entries, renormalised softmax over them', () => {
    const { ids, probs } = samplingDistribution(logits, { ...PLAIN, topK: 3 });
    expect(ids).toEqual([1, 5, 3]);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const sub = softmax([logits[1], logits[5], logits[3]]);
    probs.forEach((p, i) => expect(p).toBeCloseTo(sub[i], 6));
  });

  it('k >= vocabulary size means no truncation', () => {
    const { ids } = samplingDistribution(logits, { ...PLAIN, topK: 100 });
    expect(ids).toHaveLength(logits.length);
  });

  it('top-k = 1 is greedy', () => {
    const rng = createRng(11);
    for (let i = 0; i < 50; i++) expect(sampleNextToken(Float32Array.from(logits), { ...PLAIN, topK: 1 }, rng, [])).toBe(1);
  });

  it('top-k and top-p together: nucleus of the renormalised top-k distribution', () => {
    const settings = { ...PLAIN, topK: 4, topP: 0.6 };
    const { ids, probs } = samplingDistribution(logits, settings);
    const sub = softmax([logits[1], logits[5], logits[3], logits[7]]);
    // Cumulative: sub[0] < 0.6 <= sub[0] + sub[1].
    expect(sub[0]).toBeLessThan(0.6);
    expect(sub[0] + sub[1]).toBeGreaterThanOrEqual(0.6);
    expect(ids).toEqual([1, 5]);
    expect(probs[0]).toBeCloseTo(sub[0] / (sub[0] + sub[1]), 6);
  });
});

describe('topKIndices', () => {
  it('matches a full sort on random vectors for many k', () => {
    for (const seed of [1, 2, 3]) {
      const values = randomLogits(1000, seed, 2);
      const sorted = fullSort(values);
      for (const k of [1, 2, 5, 17, 100, 999, 1000, 1500]) {
        expect(topKIndices(values, k)).toEqual(sorted.slice(0, k));
      }
    }
  });

  it('returns the largest values first even when they sit at the end', () => {
    expect(topKIndices([1, 2, 3, 4, 5, 6], 3)).toEqual([5, 4, 3]);
    expect(topKIndices([1, 2, 3], 5)).toEqual([2, 1, 0]);
    expect(topKIndices([6, 5, 4, 3, 2, 1], 2)).toEqual([0, 1]);
  });
});

describe('top-p (nucleus)', () => {
  it('keeps the smallest prefix whose mass reaches p, renormalised', () => {
    // Probabilities 0.5, 0.25, 0.125, 0.0625, 0.0625 (exact powers of two as logits).
    const logits = Float32Array.from([Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.0625), Math.log(0.0625)]);
    const d = samplingDistribution(logits, { ...PLAIN, topP: 0.7 });
    expect(d.ids).toEqual([0, 1]);
    expect(d.probs[0]).toBeCloseTo(0.5 / 0.75, 6);
    expect(d.probs[1]).toBeCloseTo(0.25 / 0.75, 6);
    // 0.8 needs a third token: 0.75 < 0.8 <= 0.875.
    expect(samplingDistribution(logits, { ...PLAIN, topP: 0.8 }).ids).toEqual([0, 1, 2]);
    // A tiny p still keeps the top token.
    expect(samplingDistribution(logits, { ...PLAIN, topP: 0.01 }).ids).toEqual([0]);
  });

  it('never samples outside the nucleus', () => {
    const logits = Float32Array.from([3, 2.8, 0, -1, 1, -2]);
    const nucleus = new Set(bruteNucleus(logits, 0.8).ids);
    const counts = sampleMany(logits, { ...PLAIN, topP: 0.8 }, 3000, 8);
    counts.forEach((c, id) => {
      if (!nucleus.has(id)) expect(c).toBe(0);
    });
  });

  it('on a 50k vocabulary matches a brute-force full sort', () => {
    // Spread logits (σ = 3): the nucleus ends inside one of thousands of buckets, the rest passed whole.
    const logits = randomLogits(50_000, 2024, 3);
    for (const [topP, temperature] of [
      [0.5, 1],
      [0.9, 1],
      [0.99, 1],
      [0.9, 0.7],
      [0.95, 1.5],
    ]) {
      const got = samplingDistribution(logits, { ...PLAIN, topP, temperature });
      const want = bruteNucleus(logits, topP, temperature);
      expect(got.ids.length, `top_p=${topP} T=${temperature}`).toBe(want.ids.length);
      // Same tokens (the order of near-ties may differ between float32 and float64 scaling).
      expect([...got.ids].sort((a, b) => a - b)).toEqual([...want.ids].sort((a, b) => a - b));
      const wantProb = new Map(want.ids.map((id, i) => [id, want.probs[i]]));
      for (let i = 0; i < got.ids.length; i++) {
        expect(Math.abs(got.probs[i] - wantProb.get(got.ids[i])!)).toBeLessThan(1e-6);
        if (i > 0) expect(got.probs[i]).toBeLessThanOrEqual(got.probs[i - 1]);
      }
      expect(got.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });

  it('a nucleus that reaches deep into a long flat tail is still the exact one', () => {
    // One clear favourite and 50,000 tokens 7.4 to 7.6 nats below it: each is rare, but together they
    // hold ~96% of the mass, so the nucleus must take thousands of them, not stop near the top.
    const rng = createRng(77);
    const logits = Float32Array.from({ length: 50_001 }, (_, i) => (i === 0 ? 0 : -7.6 + 0.2 * rng()));
    const got = samplingDistribution(logits, { ...PLAIN, topP: 0.5 });
    const want = bruteNucleus(logits, 0.5);
    expect(want.ids.length).toBeGreaterThan(20_000);
    expect(got.ids.length).toBe(want.ids.length);
    expect([...got.ids].sort((a, b) => a - b)).toEqual([...want.ids].sort((a, b) => a - b));
    expect(got.probs[0]).toBeCloseTo(want.probs[0], 6);
  });

  it('top_p = 1 disables the nucleus', () => {
    const logits = randomLogits(100, 5, 1);
    expect(samplingDistribution(logits, { ...PLAIN, topP: 1 }).ids).toHaveLength(100);
  });
});

describe('repetition penalty', () => {
  it('divides a positive logit and multiplies a negative one', () => {
    const logits = Float32Array.from([2, -2, 1, -1]);
    applyRepetitionPenalty(logits, [0, 1], 2);
    expect(Array.from(logits)).toEqual([1, -4, 1, -1]);
  });

  it('penalises each token once even if it was seen many times', () => {
    const logits = Float32Array.from([3, -3, 5]);
    applyRepetitionPenalty(logits, [0, 0, 0, 1, 1, 0], 1.5);
    expect(logits[0]).toBeCloseTo(2, 6);
    expect(logits[1]).toBeCloseTo(-4.5, 6);
    expect(logits[2]).toBe(5);
  });

  it('penalty 1 changes nothing and out-of-range ids are ignored', () => {
    const logits = Float32Array.from([3, -3]);
    applyRepetitionPenalty(logits, [0, 1], 1);
    expect(Array.from(logits)).toEqual([3, -3]);
    applyRepetitionPenalty(logits, [-1, 2, 99], 2);
    expect(Array.from(logits)).toEqual([3, -3]);
  });

  it('a seen token becomes less likely when sampling', () => {
    const logits = Float32Array.from([1, 1, 1]);
    const settings = { ...PLAIN, repetitionPenalty: 3 };
    const rng = createRng(17);
    let zeros = 0;
    for (let i = 0; i < 3000; i++) if (sampleNextToken(Float32Array.from(logits), settings, rng, [0]) === 0) zeros++;
    // p(0) = e^(1/3) / (e^(1/3) + 2e) ~ 0.20 instead of 1/3.
    const expected = Math.exp(1 / 3) / (Math.exp(1 / 3) + 2 * Math.E);
    expect(Math.abs(zeros / 3000 - expected)).toBeLessThan(0.03);
  });
});

describe('the sampler gives the tokens the full-sort reference sampler gave', () => {
  /** Logits with many exact ties (integers), where the order of equal tokens decides the draw. */
  function tiedLogits(n: number, seed: number): Float32Array {
    const rng = createRng(seed);
    return Float32Array.from({ length: n }, () => Math.floor(rng() * 12));
  }

  const modes: [string, SamplingSettings][] = [
    ['greedy', { ...PLAIN, temperature: 0 }],
    ['temperature 0.7', { ...PLAIN, temperature: 0.7 }],
    ['temperature 1.3', { ...PLAIN, temperature: 1.3 }],
    ['top-k 40', { ...PLAIN, temperature: 0.8, topK: 40 }],
    ['top-p 0.9', { ...PLAIN, temperature: 0.7, topP: 0.9 }],
    ['top-k 50 + top-p 0.8', { ...PLAIN, topK: 50, topP: 0.8 }],
    ['top-p 0.95 + repetition penalty 1.1', { ...PLAIN, temperature: 0.9, topP: 0.95, repetitionPenalty: 1.1 }],
    ['repetition penalty 1.3 alone', { ...PLAIN, repetitionPenalty: 1.3 }],
  ];

  for (const [name, settings] of modes) {
    it(name, () => {
      for (const [vocab, make] of [
        [20_000, (seed: number) => randomLogits(20_000, seed, 3)],
        [2_000, (seed: number) => tiedLogits(2_000, seed)],
      ] as const) {
        const sampler = new Sampler(settings);
        const seen: number[] = [];
        const rngNew = createRng(77);
        const rngRef = createRng(77);
        const got: number[] = [];
        const want: number[] = [];
        for (let step = 0; step < 40; step++) {
          const logits = make(step);
          // The context grows as in a generation: a prompt, then each sampled token.
          const context = step === 0 ? Array.from({ length: 50 }, (_, i) => (i * 97) % vocab) : [want[want.length - 1]];
          seen.push(...context);
          sampler.observe(context);
          want.push(referenceSample(Float32Array.from(logits), settings, rngRef, seen));
          got.push(sampler.next(Float32Array.from(logits), rngNew));
        }
        expect(got, `vocab ${vocab}`).toEqual(want);
        // Not a degenerate check: sampling modes do draw different tokens.
        if (settings.temperature > 0 && settings.topK !== 1) expect(new Set(got).size).toBeGreaterThan(1);
      }
    });
  }

  it('the candidates and probabilities match the reference distribution (top-k with ties, top-p, plain)', () => {
    for (const settings of [{ ...PLAIN, topK: 30 }, { ...PLAIN, topP: 0.9, temperature: 0.6 }, { ...PLAIN, temperature: 2 }]) {
      for (const logits of [randomLogits(5_000, 3, 3), tiedLogits(3_000, 4)]) {
        const got = samplingDistribution(logits, settings);
        const want = referenceDistribution(Float32Array.from(logits), settings);
        expect(got.ids).toEqual(want.ids);
        got.probs.forEach((p, i) => expect(p).toBeCloseTo(want.probs[i], 12));
      }
    }
  });

  it('draws at the ends of the distribution and over all-equal logits match the reference', () => {
    for (const logits of [randomLogits(20_000, 12, 3), new Float32Array(5_000).fill(0.5), tiedLogits(4_000, 13)]) {
      for (const r of [0, 1e-15, 0.5, 1 - 1e-6]) {
        for (const settings of [{ ...PLAIN, temperature: 0.7 }, { ...PLAIN, topP: 0.9 }]) {
          const rng = () => r;
          expect(new Sampler(settings).next(Float32Array.from(logits), rng)).toBe(referenceSample(Float32Array.from(logits), settings, rng, []));
        }
      }
    }
  });

  it('a favourite far above every other logit, and logits that are mostly -Infinity, draw as the reference does', () => {
    // The favourite sits where an evenly spread sample of the logits does not look (index 3,001 of 5,000).
    const outlier = randomLogits(5_000, 21, 3);
    outlier[3_001] = 150;
    outlier[777] = 149;
    // Only a few finite logits, none of them where the sample looks: everything it reads is -Infinity.
    const sparse = new Float32Array(5_000).fill(-Infinity);
    for (const [id, value] of [[5, -300], [3_001, -301.5], [4_999, -299]]) sparse[id] = value;
    for (const logits of [outlier, sparse]) {
      for (const settings of [{ ...PLAIN, temperature: 0.5 }, { ...PLAIN, temperature: 2, topP: 0.9 }, PLAIN]) {
        const rng = createRng(5);
        const reference = createRng(5);
        for (let step = 0; step < 8; step++) {
          expect(new Sampler(settings).next(Float32Array.from(logits), rng)).toBe(referenceSample(Float32Array.from(logits), settings, reference, []));
        }
      }
    }
  });

  it('logits in rising or falling order (every token a new maximum, or none) draw as the reference does', () => {
    // Rising: each token is within reach of the running maximum when read, more than the pass's list of
    // near tokens holds, so every gather scans the vocabulary; falling: the list is exact from the start.
    const spread = randomLogits(20_000, 31, 3);
    const rising = Float32Array.from(spread).sort();
    const falling = Float32Array.from(rising).reverse();
    for (const logits of [rising, falling]) {
      for (const settings of [{ ...PLAIN, temperature: 0.7 }, { ...PLAIN, temperature: 1.2, topP: 0.9 }, PLAIN]) {
        const rng = createRng(8);
        const reference = createRng(8);
        const sampler = new Sampler(settings);
        for (let step = 0; step < 30; step++) {
          expect(sampler.next(Float32Array.from(logits), rng)).toBe(referenceSample(Float32Array.from(logits), settings, reference, []));
        }
      }
    }
  });

  it('a draw within rounding of 1 lands in the far tail, as the full sort does (which token there is rounding noise)', () => {
    const logits = randomLogits(20_000, 12, 3);
    const order = referenceDistribution(Float32Array.from(logits), PLAIN).ids;
    const tail = new Set(order.slice(-order.length / 10));
    expect(tail.has(new Sampler(PLAIN).next(Float32Array.from(logits), () => 1 - 1e-15))).toBe(true);
  });

  it('top-k selection into a reused buffer matches the reference heap, ties included', () => {
    for (const values of [randomLogits(10_000, 9, 2), tiedLogits(10_000, 10)]) {
      for (const k of [1, 7, 40, 500]) expect(topKIndices(values, k)).toEqual(referenceTopK(values, k));
    }
  });

  it('the seen set is kept across steps: a token is penalised once however often it recurs', () => {
    const sampler = new Sampler({ ...PLAIN, temperature: 0, repetitionPenalty: 2 });
    sampler.observe([0, 0, 1]);
    sampler.observe(0);
    sampler.observe(2);
    const logits = Float32Array.from([4, -1, 6, 3]);
    // 4/2 = 2, -1*2 = -2, 6/2 = 3: token 3 (3) now ties token 2 (3); argmax keeps the first.
    expect(sampler.next(logits, createRng(1))).toBe(2);
    expect(Array.from(logits)).toEqual([2, -2, 3, 3]);
  });
});
