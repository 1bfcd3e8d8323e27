/** Selecting the k largest values of a vocabulary-sized array, shared by the sampler and the architecture panel. */

/** Indices of the k largest values, largest first, without sorting the whole vocabulary. */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  if (k >= n) return Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const heap: number[] = []; // min-heap of indices by value
  const less = (a: number, b: number) => values[heap[a]] < values[heap[b]];
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b], heap[a]]);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && less(l, smallest)) smallest = l;
      if (r < heap.length && less(r, smallest)) smallest = r;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!less(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (values[i] > values[heap[0]]) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => values[b] - values[a]);
}
