/** Selecting the k largest values of a vocabulary-sized array, shared by the sampler and the architecture panel. */

/**
 * Writes the indices of the k largest values (0 < k < values.length) into `heap[0..k)`, largest first,
 * without sorting the whole vocabulary and without allocating: the sampler passes the same buffer every step.
 * Ties keep the order a min-heap of indices leaves them in, then a stable sort by value.
 */
export function topKInto(values: ArrayLike<number>, k: number, heap: Int32Array): void {
  const n = values.length;
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (size < k) {
      // Sift the new index up the min-heap.
      let c = size++;
      heap[c] = i;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!(values[heap[c]] < values[heap[p]])) break;
        const t = heap[c];
        heap[c] = heap[p];
        heap[p] = t;
        c = p;
      }
    } else if (values[i] > values[heap[0]]) {
      // Replace the smallest kept value and sift it down.
      heap[0] = i;
      for (let j = 0; ; ) {
        const l = 2 * j + 1;
        const r = l + 1;
        let smallest = j;
        if (l < size && values[heap[l]] < values[heap[smallest]]) smallest = l;
        if (r < size && values[heap[r]] < values[heap[smallest]]) smallest = r;
        if (smallest === j) break;
        const t = heap[j];
        heap[j] = heap[smallest];
        heap[smallest] = t;
        j = smallest;
      }
    }
  }
  heap.subarray(0, k).sort((a, b) => values[b] - values[a]);
}

/** Indices of the k largest values, largest first, without sorting the whole vocabulary. */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  if (k >= n) return Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const heap = new Int32Array(k);
  topKInto(values, k, heap);
  return Array.from(heap);
}
