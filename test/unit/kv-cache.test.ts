import { describe, expect, it } from 'vitest';
import type { Tensor } from 'onnxruntime-web';
import { KvCache } from '../../src/engine/kv-cache';

/** Stands in for a GPU tensor: records whether it was released. */
function fakeTensor(name: string, dims: number[], released: string[], type = 'float32'): Tensor {
  return { dims, type, dispose: () => released.push(name) } as unknown as Tensor;
}

/** These tests never truncate: no CPU tensor is ever made. */
const noTensor = (): Tensor => {
  throw new Error('unexpected tensor');
};

const slots = [
  { input: 'past_key_values.0.key', output: 'present.0.key' },
  { input: 'past_key_values.0.value', output: 'present.0.value' },
];

describe('KvCache', () => {
  it('feeds each step the previous step\'s present tensors and releases every replaced one', () => {
    const released: string[] = [];
    const cache = new KvCache(slots, (input) => fakeTensor(`empty:${input}`, [1, 2, 0, 4], released), noTensor);
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
    const cache = new KvCache(slots, (input) => fakeTensor(input, [1, 2, 0, 4], released), noTensor);
    expect(cache.byteSize).toBe(0);
    cache.advance({ 'present.0.key': fakeTensor('k', [1, 2, 10, 4], released), 'present.0.value': fakeTensor('v', [1, 2, 10, 4], released, 'float16') }, 10);
    expect(cache.byteSize).toBe(2 * 10 * 4 * 4 + 2 * 10 * 4 * 2);
  });
});

describe('KvCache.truncate', () => {
  it('keeps the first positions of every head exactly, and releases the tensors it replaces', async () => {
    const { Tensor } = await import('onnxruntime-node');
    const released: string[] = [];
    const cache = new KvCache(slots, (input) => fakeTensor(input, [1, 2, 0, 3], released), (type, data, dims) => new Tensor(type, data as Float32Array, dims) as unknown as import('onnxruntime-web').Tensor);
    // [1, 2 heads, 4 positions, 3]: value = head * 100 + position * 10 + element.
    const values = Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.floor(i / 12) * 100 + (Math.floor(i / 3) % 4) * 10 + (i % 3));
    const present = (name: string) => Object.assign(new Tensor('float32', values.slice(), [1, 2, 4, 3]), { dispose: () => released.push(name) }) as unknown as Tensor;
    cache.advance({ 'present.0.key': present('k'), 'present.0.value': present('v') }, 4);
    await cache.truncate(6);
    expect(cache.length).toBe(4);
    await cache.truncate(2);
    expect(cache.length).toBe(2);
    expect(released).toEqual(expect.arrayContaining(['k', 'v']));
    const feeds: Record<string, Tensor> = {};
    cache.writeFeeds(feeds);
    for (const input of ['past_key_values.0.key', 'past_key_values.0.value']) {
      expect(feeds[input].dims).toEqual([1, 2, 2, 3]);
      expect(Array.from(feeds[input].data as Float32Array)).toEqual([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    }
  });
});
