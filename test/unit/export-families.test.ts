/**
 * Both real export families through the app's own DecoderSession on onnxruntime-node's CPU: the
 * feeds it builds from what each graph declares (position_ids, fp16 caches, GroupQueryAttention fed
 * from attention_mask, MatMulNBits, MatMulInteger) give the same greedy tokens as a plain native loop.
 * A small vocabulary keeps it fast; the browser test (export-families.spec.ts) runs the real ones.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type * as OrtWeb from 'onnxruntime-web';
import { DecoderSession } from '../../src/engine/decoder-session';
import { randomDecoderWeights, toFloat32, type DecoderSpec } from '../support/export-fixtures/weights';
import { buildGenaiDecoder, buildOptimumDecoder, packQ4, type BuiltGraph } from '../support/export-fixtures/graphs';
import { nativeGreedy } from '../support/export-fixtures/reference';

const spec: DecoderSpec = { vocab: 600, hidden: 32, heads: 2, kvHeads: 1, headDim: 16, ffn: 64, layers: 2, maxPositions: 128, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: true };
const candidates = Array.from({ length: 40 }, (_, i) => 50 + i * 13);
const weights = randomDecoderWeights(spec, 7, candidates);
const prompt = [3, 17, 250, 99, 4, 512, 8];
const config = { numLayers: spec.layers, numKvHeads: spec.kvHeads, headDim: spec.headDim, vocabSize: spec.vocab, contextLength: spec.maxPositions, eosIds: [] };

async function engineGreedy(graph: BuiltGraph, dataFile: string | null, steps: number): Promise<number[]> {
  const externalData = dataFile ? [{ path: dataFile, data: graph.externalData }] : [];
  const session = await DecoderSession.create(ort as unknown as typeof OrtWeb, graph.model, externalData, 'wasm', config, { executionProvider: 'cpu' });
  const cache = session.newCache();
  const ids: number[] = [];
  let input = prompt;
  for (let i = 0; i < steps; i++) {
    const logits = await session.forward(input, cache);
    const best = logits.indexOf(Math.max(...logits));
    ids.push(best);
    input = [best];
  }
  cache.dispose();
  await session.release();
  return ids;
}

describe('export-family fixtures', () => {
  it('pack 4-bit weights as MatMulNBits reads them: column-major blocks of 32, low nibble first', () => {
    const m = weights.layers[0].q;
    const { packed, blocks } = packQ4(m);
    const dense = toFloat32(m);
    const bytesPerColumn = blocks * 16;
    for (const [row, col] of [[0, 0], [1, 0], [31, 5], [2, m.n - 1]]) {
      const byte = packed[col * bytesPerColumn + (row >> 1)];
      const code = row & 1 ? byte >> 4 : byte & 15;
      expect((code - 8) * m.scale).toBe(dense[row * m.n + col]);
    }
  });

  for (const dtype of ['fp32', 'fp16', 'q8', 'q4'] as const) {
    it(`Optimum-style ${dtype}: the engine's feeds give native onnxruntime's greedy tokens`, async () => {
      const dataFile = dtype === 'fp32' ? 'model.onnx_data' : null;
      const graph = buildOptimumDecoder(spec, weights, dtype, dataFile ? { dataFile } : {});
      const reference = await nativeGreedy(graph.model, dataFile ? [{ path: dataFile, data: graph.externalData }] : [], prompt, 6);
      expect(await engineGreedy(graph, dataFile, 6)).toEqual(reference.ids);
    });
  }

  it('genai-style (GroupQueryAttention, RotaryEmbedding, SkipSimplifiedLayerNorm, MatMulNBits, fp16 caches): same tokens as native', async () => {
    const graph = buildGenaiDecoder(spec, weights, { accuracyLevel: 4 });
    const reference = await nativeGreedy(graph.model, [], prompt, 6);
    expect(new Set(reference.ids).size).toBeGreaterThan(1);
    expect(await engineGreedy(graph, null, 6)).toEqual(reference.ids);
  });
});
