/**
 * The numbers the panel derives from model outputs, kept pure so unit tests can pin them down:
 * a temperature softmax for the next-token bars, and the top-k of a probability row.
 */
import { topKIndices } from './top-k';

/** softmax(logits / T). T = 0 is greedy: all the probability on the argmax. */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature: number): Float64Array {
  const n = logits.length;
  const probs = new Float64Array(n);
  let max = -Infinity;
  let best = 0;
  for (let i = 0; i < n; i++) {
    if (logits[i] > max) {
      max = logits[i];
      best = i;
    }
  }
  if (temperature <= 0) {
    probs[best] = 1;
    return probs;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    probs[i] = Math.exp((logits[i] - max) / temperature);
    sum += probs[i];
  }
  for (let i = 0; i < n; i++) probs[i] /= sum;
  return probs;
}

export interface Ranked {
  id: number;
  prob: number;
}

export function topK(probs: ArrayLike<number>, k: number): Ranked[] {
  return topKIndices(probs, k).map((id) => ({ id, prob: probs[id] }));
}

/** Draws an index from a probability vector with a uniform number in [0, 1). */
export function sampleIndex(probs: ArrayLike<number>, uniform: number): number {
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i];
    if (uniform < acc) return i;
  }
  return probs.length - 1;
}
