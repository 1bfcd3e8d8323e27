import { describe, expect, it } from 'vitest';
import type { Tensor } from 'onnxruntime-web';
import { KvCache } from '../../src/engine/kv-cache';

/** Stands in for a GPU tensor: records whether it was released. */
function fakeTensor(name: string, dims: number[], released: string[], type = 'float32'): Tensor {
  return { dims, type, dispose: () => released.push(name) } as unknown as Tensor;
}

const slots = [
  { input: 'past_key_values.0.key', output: 'present.0.key' },
  { input: 'past_key_values.0.value', output: 'present.0.value' },
];

describe('KvCache', () => {
  it('feeds each step the previous step\'s present tensors and releases every replaced one', () => {
    const released: string[] = [];
    const cache = new KvCache(slots, (input) => fakeTensor(`empty:${input}`, [1, 2, 0, 4], released));
    const feeds: Record<string, Tensor> = {};
    cache.writeFeeds(feeds);
    expect(Object.keys(feeds)).toEqual(slots.map((s) => s.input));
    for (let step = 1; step <= 100; step++) {
      const outputs = Object.fromEntries(slots.map((s) => [s.output, fakeTensor(`${s.output}@${step}`, [1, 2, step, 4], released)]));
      cache.advance(outputs, 1);
      cache.writeFeeds(feeds);
      expect(feeds['past_key_values.0.key']).toBe(outputs['present.0.key']);
    }
    expect(cache.length).toBe(100);
    // Every tensor but the last step's pair has been released already.
    expect(released).toHaveLength(2 * 100);
    expect(released).not.toContain('present.0.key@100');
    cache.dispose();
    expect(released).toHaveLength(2 * 101);
    expect(new Set(released).size).toBe(released.length);
    expect(cache.length).toBe(0);
  });

  it('reports its size in bytes from the tensors it holds (fp32 and fp16)', () => {
    const released: string[] = [];
    const cache = new KvCache(slots, (input) => fakeTensor(input, [1, 2, 0, 4], released));
    expect(cache.byteSize).toBe(0);
    cache.advance({ 'present.0.key': fakeTensor('k', [1, 2, 10, 4], released), 'present.0.value': fakeTensor('v', [1, 2, 10, 4], released, 'float16') }, 10);
    expect(cache.byteSize).toBe(2 * 10 * 4 * 4 + 2 * 10 * 4 * 2);
  });
});
