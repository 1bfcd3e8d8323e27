/**
 * The sampler as it was before it was rewritten for 262k vocabularies (a copy of the scaled vocabulary,
 * a full sort for plain temperature, `new Set(seen)` every step), kept unchanged as the reference the
 * new `Sampler` is checked against: the same seed and settings must give the same tokens.
 */
import type { Rng } from '../../src/core/rng';
// argmax is the one piece shared with the code under test: it has its own direct test (sampling.test.ts).
import { argmax, type SamplingSettings } from '../../src/engine/sampling';

export function referencePenalty(logits: Float32Array, seenIds: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of new Set(seenIds)) {
    if (id < 0 || id >= logits.length) continue;
    const value = logits[id];
    logits[id] = value > 0 ? value / penalty : value * penalty;
  }
}

interface Candidates {
  ids: number[];
  probs: number[];
}

/**
 * Softmax over the candidates of `scaled`, largest first. `total` is the denominator over the whole
 * vocabulary when `ids` are only the likeliest part of it (top-p), so probabilities stay absolute.
 */
function softmaxOver(scaled: Float32Array, ids: number[], total?: number): Candidates {
  const max = scaled[ids[0]];
  const probs = ids.map((id) => Math.exp(scaled[id] - max));
  const sum = total ?? probs.reduce((a, b) => a + b, 0);
  return { ids, probs: probs.map((p) => p / sum) };
}

/** Keeps the smallest prefix whose probability mass reaches `topP` (at least one token). */
function nucleus(candidates: Candidates, topP: number): Candidates {
  let mass = 0;
  let keep = 0;
  while (keep < candidates.ids.length && (keep === 0 || mass < topP)) {
    mass += candidates.probs[keep];
    keep++;
  }
  const probs = candidates.probs.slice(0, keep);
  return { ids: candidates.ids.slice(0, keep), probs: probs.map((p) => p / mass) };
}

/**
 * Candidates for nucleus sampling over the whole vocabulary. Sorting 50k logits every step is slow,
 * so only tokens above a probability threshold are sorted; if they do not reach `topP`, the threshold
 * drops. The result is exact: every token left out is less likely than every token kept.
 */
function candidatesForTopP(scaled: Float32Array, topP: number): { ids: number[]; sum: number } {
  const max = scaled[argmax(scaled)];
  let sum = 0;
  for (let i = 0; i < scaled.length; i++) sum += Math.exp(scaled[i] - max);
  for (let logThreshold = -7; ; logThreshold -= 7) {
    const ids: number[] = [];
    let mass = 0;
    for (let i = 0; i < scaled.length; i++) {
      const delta = scaled[i] - max;
      if (delta >= logThreshold) {
        ids.push(i);
        mass += Math.exp(delta) / sum;
      }
    }
    // Below e^-700 nothing is representable: everything that can be kept is kept.
    if (mass >= topP || ids.length === scaled.length || logThreshold < -700) {
      return { ids: ids.sort((a, b) => scaled[b] - scaled[a]), sum };
    }
  }
}

/**
 * The distribution the sampler draws from, after temperature, top-k and top-p (not for greedy).
 * Exposed so tests and the architecture panel can show exactly what is sampled.
 */
export function referenceDistribution(logits: Float32Array, settings: SamplingSettings): Candidates {
  const scaled = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) scaled[i] = logits[i] / settings.temperature;
  const useTopK = settings.topK > 0 && settings.topK < logits.length;
  const useTopP = settings.topP > 0 && settings.topP < 1;
  let ids: number[];
  let total: number | undefined;
  if (useTopK) ids = referenceTopK(scaled, settings.topK);
  else if (useTopP) ({ ids, sum: total } = candidatesForTopP(scaled, settings.topP));
  else ids = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => scaled[b] - scaled[a]);
  const candidates = softmaxOver(scaled, ids, total);
  return useTopP ? nucleus(candidates, settings.topP) : candidates;
}

/** Picks the next token. Mutates `logits` (repetition penalty) to avoid a copy per step. */
export function referenceSample(logits: Float32Array, settings: SamplingSettings, rng: Rng, seenIds: Iterable<number>): number {
  referencePenalty(logits, seenIds, settings.repetitionPenalty);
  if (settings.temperature <= 0) return argmax(logits);
  const { ids, probs } = referenceDistribution(logits, settings);
  let r = rng();
  for (let i = 0; i < ids.length; i++) {
    r -= probs[i];
    if (r < 0) return ids[i];
  }
  return ids[ids.length - 1];
}

/**
 * Indices of the k largest values, largest first: a stable full sort, cut at k. Ties go to the lowest
 * index, as everywhere else in the sampler; the GPU pick reproduces exactly this order. (The reference
 * once left ties of the top k in the order a min-heap happened to leave them.)
 */
export function referenceTopK(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => values[b] - values[a])
    .slice(0, Math.min(k, values.length));
}
