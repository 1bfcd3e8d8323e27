/**
 * The WebGPU load-time fusions (src/engine/graph/fuse-decoder.ts): on the real stories260k fixture and
 * the embedded tl-gpt, the fused graph gives the same logits and the same greedy tokens as the graph as
 * exported, run side by side on native onnxruntime-node (CPU, which implements the same contrib ops):
 * a prompt, decode steps on the cache, then a prompt after the cache (the chat's second turn).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuseDecoderGraph } from '../../src/engine/graph/fuse-decoder';
import { readGraph } from '../../src/engine/graph/onnx-graph';
import { exposeAttention } from '../../src/engine/graph/expose-attention';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';
import { nativeGreedy } from '../support/native-greedy';
import { readDecoderConfig } from '../../src/core/model-config';
import { randomDecoderWeights, type DecoderSpec } from '../support/export-fixtures/weights';
import { buildGenaiDecoder, buildOptimumDecoder } from '../support/export-fixtures/graphs';
import { buildGptDecoder } from '../../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES } from '../../src/bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from '../../src/bench/worker/synthetic/onnx-builder';
import { livelyWeights } from '../support/lively-weights';
import { stepper } from '../support/graph-stepper';

interface Model {
  name: string;
  onnx: Uint8Array;
  config: Record<string, number>;
}

function load(dir: string, name: string): Model {
  return { name, onnx: new Uint8Array(readFileSync(path.join(dir, 'onnx/model.onnx'))), config: JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) };
}

const MODELS = [load(FIXTURE_MODEL_DIR, 'stories260k'), load(path.join(REPO_ROOT, 'models/tl-gpt'), 'tl-gpt')];

const opCounts = (onnx: Uint8Array) => {
  const counts: Record<string, number> = {};
  for (const n of readGraph(onnx).nodes) counts[n.value.op] = (counts[n.value.op] ?? 0) + 1;
  return counts;
};

const argmaxOfLast = (logits: Float32Array, vocab: number) => {
  let best = logits.length - vocab;
  for (let i = best; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best - (logits.length - vocab);
};

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe.each(MODELS)('fusing $name for WebGPU', (model) => {
  const fused = fuseDecoderGraph(model.onnx, [], { maxPositions: model.config.max_position_embeddings })!;
  const layers = model.config.num_hidden_layers;

  it('turns every layer into RotaryEmbedding + GroupQueryAttention, (Skip)SimplifiedLayerNormalization and QuickGelu', () => {
    expect(fused).not.toBeNull();
    expect(fused.note).toMatchObject({ attentions: layers, rmsNorms: 1, skipRmsNorms: 2 * layers, silus: layers });
    const ops = opCounts(fused.onnx);
    expect(ops).toMatchObject({ GroupQueryAttention: layers, RotaryEmbedding: 2 * layers, SimplifiedLayerNormalization: 1, SkipSimplifiedLayerNormalization: 2 * layers, QuickGelu: layers });
    // Nothing of the spelled-out chains is left: no softmax, no power, no sigmoid, no mask.
    for (const op of ['Softmax', 'Pow', 'Sqrt', 'Sigmoid', 'Where', 'Neg', 'Cos', 'Sin']) expect(ops[op], op).toBeUndefined();
    expect(fused.note.nodesAfter).toBeLessThan(fused.note.nodesBefore / 5);
  });

  it('gives the exported graph’s logits through a prompt, decode steps and a second prompt after the cache', async () => {
    const vocab = model.config.vocab_size;
    const [original, rewritten] = await Promise.all([stepper(model.onnx, model.config), stepper(fused.onnx, model.config)]);
    const prompt = [1, 20, 31, 45, 52, 66, 70];
    let a = await original(prompt);
    let b = await rewritten(prompt);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-3);
    for (let step = 0; step < 12; step++) {
      const next = argmaxOfLast(a, vocab);
      expect(argmaxOfLast(b, vocab), `step ${step}`).toBe(next);
      [a, b] = [await original([next]), await rewritten([next])];
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-3);
    }
    // A second turn: several new tokens after a filled cache, where the causal mask starts mid-way.
    [a, b] = [await original([5, 6, 7, 8]), await rewritten([5, 6, 7, 8])];
    expect(a.length).toBe(4 * vocab);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-3);
  });

  it('chooses the same 40 greedy tokens through the app’s own loop', async () => {
    const config = readDecoderConfig(model.config, {}, {});
    const prompt = [1, 403, 261, 398];
    const [expected, actual] = await Promise.all([nativeGreedy(model.onnx, [], config, prompt, 40), nativeGreedy(fused.onnx, [], config, prompt, 40)]);
    expect(actual).toEqual(expected);
  });
});

describe('another spelling: the Optimum-style export fixture', () => {
  // x·x and a Div for the norm, cos/sin gathered from tables by position, an additive mask, MHA and MQA.
  for (const kvHeads of [1, 2]) {
    const spec: DecoderSpec = { vocab: 300, hidden: 32, heads: 2, kvHeads, headDim: 16, ffn: 64, layers: 2, maxPositions: 64, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: true };
    const weights = randomDecoderWeights(spec, 3, Array.from({ length: 40 }, (_, i) => 20 + i * 7));
    const config = { numLayers: 2, numKvHeads: kvHeads, headDim: 16, vocabSize: 300, contextLength: 64, eosIds: [] };

    for (const dtype of ['fp32', 'q8', 'q4'] as const) {
      it(`${dtype}, ${kvHeads} KV head${kvHeads > 1 ? 's' : ''}: fused in full, with the same greedy tokens`, async () => {
        const graph = buildOptimumDecoder(spec, weights, dtype);
        const fused = fuseDecoderGraph(graph.model, [], { maxPositions: 64 })!;
        expect(fused.note).toMatchObject({ attentions: 2, rmsNorms: 1, skipRmsNorms: 4, silus: 2 });
        const prompt = [3, 17, 250, 99, 4];
        expect(await nativeGreedy(fused.onnx, [], config, prompt, 30)).toEqual(await nativeGreedy(graph.model, [], config, prompt, 30));
      });
    }

    it(`fp16, ${kvHeads} KV heads: left as exported (the half-precision Casts are not modelled)`, () => {
      expect(fuseDecoderGraph(buildOptimumDecoder(spec, weights, 'fp16').model, [], { maxPositions: 64 })).toBeNull();
    });
  }

  it('an onnxruntime-genai export, already fused, is left as it is', () => {
    const spec: DecoderSpec = { vocab: 300, hidden: 32, heads: 2, kvHeads: 1, headDim: 16, ffn: 64, layers: 2, maxPositions: 64, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false };
    const weights = randomDecoderWeights(spec, 3, Array.from({ length: 40 }, (_, i) => 20 + i * 7));
    expect(fuseDecoderGraph(buildGenaiDecoder(spec, weights).model, [], { maxPositions: 64 })).toBeNull();
  });
});

describe('a GPT-2-style decoder: the benchmark’s synthetic shapes', () => {
  // LayerNormalization, learned positions (no rotary), biases on every projection, an additive mask.
  const shape = { ...SYNTHETIC_SHAPES.find((s) => s.id === 'tiny')!, vocab: 300 };
  for (const dtype of ['fp32', 'q8', 'q4'] as const) {
    it(`${dtype}: attention to GroupQueryAttention, every LayerNorm with its residual (and bias) to SkipLayerNormalization, same greedy tokens`, async () => {
      const built = buildGptDecoder(shape, dtype, livelyWeights());
      const externalData = [{ path: EXTERNAL_DATA_FILE, data: built.externalData }];
      const fused = fuseDecoderGraph(built.model, externalData, { maxPositions: shape.contextLength })!;
      // Each layer's two norms, and the final one: the first takes the embeddings' sum as its residual.
      expect(fused.note).toMatchObject({ attentions: shape.layers, skipLayerNorms: 2 * shape.layers + 1, rmsNorms: 0, silus: shape.layers });
      expect(opCounts(fused.onnx).RotaryEmbedding).toBeUndefined();
      // Without rotary positions, float q, k and v are one product on packed weights, split inside the attention.
      const attention = readGraph(fused.onnx).nodes.filter((n) => n.value.op === 'GroupQueryAttention');
      expect(attention.map((n) => n.value.inputs[1] === '' && n.value.inputs[2] === '')).toEqual(Array(shape.layers).fill(dtype === 'fp32'));
      const prompt = [5, 17, 42, 99, 7];
      const expected = await nativeGreedy(built.model, externalData, built.config, prompt, 30);
      expect(new Set(expected).size, 'a reference that wanders over the vocabulary').toBeGreaterThanOrEqual(5);
      expect(await nativeGreedy(fused.onnx, externalData, built.config, prompt, 30)).toEqual(expected);
    });
  }
});

describe('what is not fused', () => {
  const tlGpt = MODELS[1];

  it('keeps attention spelled out where its probabilities are graph outputs (the lesson’s maps), fusing the rest', async () => {
    const exposed = exposeAttention(tlGpt.onnx);
    if (exposed.kind !== 'exposed') throw new Error(`tl-gpt's attention was not exposed: ${exposed.kind}`);
    const fused = fuseDecoderGraph(exposed.model, [], { maxPositions: 512 })!;
    expect(fused.note.attentions).toBe(0);
    expect(fused.note.skipRmsNorms).toBe(8);
    expect(opCounts(fused.onnx).Softmax).toBe(4);
    const config = readDecoderConfig(tlGpt.config, {}, {});
    expect(await nativeGreedy(fused.onnx, [], config, [1, 2, 3], 20)).toEqual(await nativeGreedy(tlGpt.onnx, [], config, [1, 2, 3], 20));
  });

  it('leaves a graph it has already fused as it is', () => {
    const once = fuseDecoderGraph(tlGpt.onnx, [], { maxPositions: 512 })!;
    expect(fuseDecoderGraph(once.onnx, [], { maxPositions: 512 })).toBeNull();
  });
});
