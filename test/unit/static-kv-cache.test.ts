/**
 * Which graphs get the fixed-capacity KV cache on WebGPU (src/engine/static-kv-cache.ts): only those
 * whose past inputs and present outputs are GroupQueryAttention's own, which the load-time fusions
 * make of the exported graphs; and how a static cache counts, hands its buffers on and refuses to
 * overflow. (GroupQueryAttention writing into the shared buffer runs in the WebGPU browser tests.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuseDecoderGraph } from '../../src/engine/graph/fuse-decoder';
import { readGraph, type GraphIndex } from '../../src/engine/graph/onnx-graph';
import { pastFeedsOnlyGroupQueryAttention, StaticKvCache } from '../../src/engine/static-kv-cache';
import type { PastSlot } from '../../src/engine/kv-cache';
import type { Tensor } from 'onnxruntime-web';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';

function slotsOf(graph: GraphIndex): PastSlot[] {
  return graph.inputs
    .filter((name) => name.startsWith('past_key_values.'))
    .map((input) => ({ input, output: `present.${input.slice('past_key_values.'.length)}` }));
}

const MODELS = [
  { name: 'stories260k', dir: FIXTURE_MODEL_DIR },
  { name: 'tl-gpt', dir: path.join(REPO_ROOT, 'models/tl-gpt') },
];

describe('the fixed-capacity cache goes to graphs whose past and present meet only in GroupQueryAttention', () => {
  for (const { name, dir } of MODELS) {
    it(name, () => {
      const onnx = new Uint8Array(readFileSync(path.join(dir, 'onnx/model.onnx')));
      const exported = readGraph(onnx);
      const slots = slotsOf(exported);
      expect(slots.length).toBeGreaterThan(0);
      // As exported: the past goes through Concat (a growing cache), so sharing a buffer would be wrong.
      expect(pastFeedsOnlyGroupQueryAttention(exported, slots)).toBe(false);
      const fused = fuseDecoderGraph(onnx, [], { maxPositions: 512 });
      expect(fused).not.toBeNull();
      expect(pastFeedsOnlyGroupQueryAttention(readGraph(fused!.onnx), slots)).toBe(true);
      // A slot whose present is not the same node's output (here: keys and values swapped) is refused.
      const swapped = slots.map((slot, i) => (i < 2 ? { input: slot.input, output: slots[1 - i].output } : slot));
      expect(pastFeedsOnlyGroupQueryAttention(readGraph(fused!.onnx), swapped)).toBe(false);
    });
  }

  it('a graph with no past at all gets none', () => {
    const onnx = new Uint8Array(readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx')));
    expect(pastFeedsOnlyGroupQueryAttention(readGraph(onnx), [])).toBe(false);
  });
});

describe('a static cache', () => {
  const slots: PastSlot[] = [{ input: 'past_key_values.0.key', output: 'present.0.key' }];
  const tensor = { dims: [1, 2, 8, 4], type: 'float32', dispose: () => { throw new Error('the buffers belong to the pool'); } } as unknown as Tensor;

  it('counts tokens written in place, never past its capacity, and gives its buffers back once', () => {
    let released = 0;
    const cache = new StaticKvCache(slots, new Map([[slots[0].input, tensor]]), 8, () => released++);
    const feeds: Record<string, Tensor> = {};
    cache.writeFeeds(feeds);
    expect(feeds['past_key_values.0.key']).toBe(tensor);
    expect(cache.presentOutputs['present.0.key']).toBe(tensor);
    cache.advance({}, 5);
    cache.advance({}, 3);
    expect(cache.length).toBe(8);
    expect(() => cache.advance({}, 1)).toThrow(/holds 8 tokens; 9 were fed/);
    // The whole capacity is held from the start: that is the point.
    expect(cache.byteSize).toBe(2 * 8 * 4 * 4);
    cache.dispose();
    cache.dispose();
    expect(released).toBe(1);
    expect(cache.length).toBe(0);
  });
});
