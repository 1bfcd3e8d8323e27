/** Selecting the k largest values of a vocabulary-sized array, shared by the sampler and the architecture panel. */

/**
 * Writes the indices of the k largest values (0 < k < values.length) into `heap[0..k)`, largest first,
 * without sorting the whole vocabulary and without allocating: the sampler passes the same buffer every step.
 *
 * Ties go to the lowest index, for membership and for order alike, as a stable full sort would give them:
 * this is the one order the GPU pick (src/engine/gpu-pick.ts) reproduces, so both give the same candidates.
 */
export function topKInto(values: ArrayLike<number>, k: number, heap: Int32Array): void {
  const n = values.length;
  /** a ranks below b: a smaller value, or the same value and a higher index. The heap's root is the lowest. */
  const below = (a: number, b: number) => values[a] < values[b] || (values[a] === values[b] && a > b);
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (size < k) {
      // Sift the new index up the min-heap.
      let c = size++;
      heap[c] = i;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!below(heap[c], heap[p])) break;
        const t = heap[c];
        heap[c] = heap[p];
        heap[p] = t;
        c = p;
      }
    } else if (values[i] > values[heap[0]]) {
      // Replace the lowest kept value and sift it down (an equal value comes later, so it ranks lower: kept out).
      heap[0] = i;
      for (let j = 0; ; ) {
        const l = 2 * j + 1;
        const r = l + 1;
        let lowest = j;
        if (l < size && below(heap[l], heap[lowest])) lowest = l;
        if (r < size && below(heap[r], heap[lowest])) lowest = r;
        if (lowest === j) break;
        const t = heap[j];
        heap[j] = heap[lowest];
        heap[lowest] = t;
        j = lowest;
      }
    }
  }
  heap.subarray(0, k).sort((a, b) => values[b] - values[a] || a - b);
}

/** Indices of the k largest values, largest first (ties: lowest index first), without sorting the whole vocabulary. */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  if (k >= n) return Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const heap = new Int32Array(k);
  topKInto(values, k, heap);
  return Array.from(heap);
}
