/**
 * The embedded encoders ship their large weights in fp16, each read through a Cast to float32
 * (models/train/compact_weights.py); the load flow widens them back to float32 initializers
 * (src/engine/graph/widen-weights.ts). The widened graph has no Cast of a weight left, no fp16
 * initializer, the same parameters, and gives the logits the shipped file gives as it is.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { widenWeights } from '../../src/engine/graph/widen-weights';
import { readGraph } from '../../src/engine/graph/onnx-graph';
import { DataType } from '../../src/engine/graph/onnx-proto';
import { countOnnxWeights } from '../../src/engine/graph/weight-count';
import { graphForBackend } from '../../src/engine/graph/for-backend';

const IDS = [3, 40, 5, 91, 120, 777, 4];

async function logits(model: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const i64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const r = await session.run({ input_ids: i64(IDS), attention_mask: i64(IDS.map(() => 1)), token_type_ids: i64(IDS.map(() => 0)) });
  await session.release();
  return r.logits.data as Float32Array;
}

describe.each(['tl-bert', 'tl-ernie'])('%s stored with fp16 weights', (name) => {
  const stored = new Uint8Array(readFileSync(`models/${name}/onnx/model.onnx`));

  it('is under 6 MB: its matrices are stored in half precision', () => {
    const index = readGraph(stored);
    expect(index.initializers.filter((i) => i.value.dataType === DataType.float16).length).toBeGreaterThan(10);
    expect(stored.byteLength).toBeLessThan(6_000_000);
  });

  it('is widened at load to float32 weights, with the same parameters and the same logits', async () => {
    const widened = widenWeights(stored, []);
    expect(widened).not.toBeNull();
    const index = readGraph(widened!.onnx);
    expect(index.initializers.some((i) => i.value.dataType === DataType.float16)).toBe(false);
    const halfNames = new Set(readGraph(stored).initializers.filter((i) => i.value.dataType === DataType.float16).map((i) => i.value.name));
    expect(index.nodes.some((n) => n.value.op === 'Cast' && halfNames.has(n.value.inputs[0]))).toBe(false);
    expect(widened!.widened).toBe(halfNames.size);
    expect(countOnnxWeights(widened!.onnx).parameters).toBe(countOnnxWeights(stored).parameters);
    const [asStored, asWidened] = [await logits(stored), await logits(widened!.onnx)];
    let maxDiff = 0;
    asStored.forEach((v, i) => { maxDiff = Math.max(maxDiff, Math.abs(v - asWidened[i])); });
    expect(maxDiff).toBeLessThan(1e-4);
    // Both backends' graphs are the widened one (the lesson's graph is not fused).
    const lessonGraph = graphForBackend('webgpu', { onnx: stored, externalData: [] }, { contextLength: 128, fuse: false }).onnx;
    expect(Buffer.from(lessonGraph).equals(Buffer.from(widened!.onnx))).toBe(true);
  }, 60_000);
});

it('leaves a graph without fp16 weights as it is', () => {
  expect(widenWeights(new Uint8Array(readFileSync('models/tl-gpt/onnx/model.onnx')), [])).toBeNull();
});
