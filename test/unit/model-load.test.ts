/**
 * One model-load flow (src/engine/model-load.ts): the chat (Engine.load), the lesson
 * (AnalysisEngine.load) and the benchmark worker's session (openDecoder) hand the runtime the same
 * rewritten graph for a 4-bit model on WASM — every MatMulNBits unpacked, the same weights — which
 * the lesson, before, ran as downloaded. The runtime is onnxruntime-node (CPU) behind the app's
 * `ortFor`, recording each graph it is given.
 */
import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import type * as OrtWeb from 'onnxruntime-web';
import { readGraph } from '../../src/engine/graph/onnx-graph';
import type { ModelFiles, ModelSource } from '../../src/core/model-files';
import { buildOptimumDecoder } from '../support/export-fixtures/graphs';
import { randomDecoderWeights, type DecoderSpec } from '../support/export-fixtures/weights';
import { rejection } from '../support/rejection';
import { ModelFormatError } from '../../src/core/errors';
import { buildGptDecoder } from '../../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES } from '../../src/bench/shared/synthetic-shapes';

interface Handed {
  onnx: Uint8Array;
  externalData: { path: string; data: Uint8Array }[];
}
const handed: Handed[] = [];

vi.mock('../../src/engine/ort-setup', () => {
  const create = (model: Uint8Array, options: OrtWeb.InferenceSession.SessionOptions = {}) => {
    const externalData = (options.externalData ?? []) as Handed['externalData'];
    handed.push({ onnx: model, externalData });
    return ortNode.InferenceSession.create(model, { executionProviders: ['cpu'], externalData });
  };
  const ort = { ...ortNode, InferenceSession: { create }, env: { wasm: { numThreads: 1 }, webgpu: {} } };
  // No runtime to download here: its fetch fails on this address and the session is built on onnxruntime-node.
  return { ortFor: () => ort, effectiveWasmThreads: () => 1, buildFor: () => 'wasm', runtimePaths: () => ({ mjs: 'ort.mjs', wasm: 'ort.wasm' }) };
});

const { Engine } = await import('../../src/engine/engine');
const { AnalysisEngine } = await import('../../src/engine/analysis/analysis-engine');
const { openDecoder } = await import('../../src/engine/model-load');
const { ortFor } = await import('../../src/engine/ort-setup');
const { readDecoderConfig } = await import('../../src/core/model-config');

const spec: DecoderSpec = { vocab: 300, hidden: 32, heads: 2, kvHeads: 2, headDim: 16, ffn: 64, layers: 2, maxPositions: 64, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false };
const q4 = buildOptimumDecoder(spec, randomDecoderWeights(spec, 7, Array.from({ length: 40 }, (_, i) => 20 + i * 7)), 'q4').model;
const files: ModelFiles = {
  folderUrl: 'http://127.0.0.1:9/q4-model/',
  config: { model_type: 'llama', num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 2, head_dim: 16, hidden_size: 32, vocab_size: 300, max_position_embeddings: 64 },
  generationConfig: {},
  tokenizerJson: JSON.parse(readFileSync('models/tl-gpt/tokenizer.json', 'utf8')) as object,
  tokenizerConfig: JSON.parse(readFileSync('models/tl-gpt/tokenizer_config.json', 'utf8')) as Record<string, unknown>,
  onnx: q4,
  externalData: [],
  totalBytes: q4.length,
};
const source: ModelSource = { fetch: async () => files, forget: async () => undefined };
const request = { modelUrl: files.folderUrl, baseUrl: 'http://127.0.0.1:9/', backend: 'wasm' as const, onnxFile: 'onnx/model_q4.onnx' };

const opsOf = (onnx: Uint8Array) => readGraph(onnx).nodes.map((n) => n.value.op);
const weightsOf = (h: Handed) => h.externalData.map((f) => Buffer.from(f.data).toString('base64'));

describe('one load flow for the chat, the lesson and the benchmark', () => {
  it('hands the runtime the same 4-bit-unpacked graph on WASM from each', async () => {
    expect(opsOf(q4).filter((op) => op === 'MatMulNBits')).toHaveLength(7 * 2 + 1);
    const chat = await new Engine(source).load(request, () => undefined);
    const lesson = await new AnalysisEngine(source).load({ ...request, slot: 'decoder' });
    const config = readDecoderConfig(files.config, {}, {});
    const bench = await openDecoder(ortFor('wasm', undefined), 'wasm', files, config, request.onnxFile);
    await bench.decoder.release();
    expect(handed).toHaveLength(3);
    const [fromChat, fromLesson, fromBench] = handed;
    for (const graph of handed) expect(opsOf(graph.onnx)).not.toContain('MatMulNBits');
    // The same unpacked weights, byte for byte, in each.
    expect(weightsOf(fromChat).length).toBeGreaterThan(0);
    expect(weightsOf(fromLesson)).toEqual(weightsOf(fromChat));
    expect(weightsOf(fromBench)).toEqual(weightsOf(fromChat));
    // The chat and the benchmark run the very same graph (fused); the lesson's is that rewrite unfused, its attention shown.
    expect(Buffer.from(fromBench.onnx).equals(Buffer.from(fromChat.onnx))).toBe(true);
    expect({ ...chat.graphRewrite, ms: 0 }).toEqual({ ...bench.graph.graphRewrite, ms: 0 });
    expect(chat.graphRewrite).toMatchObject({ nodes: 15, kept: 0 });
    expect(opsOf(fromLesson.onnx).filter((op) => op === 'Softmax')).toHaveLength(spec.layers);
    expect(lesson).toMatchObject({ backend: 'wasm', headInside: true, attentionUnavailable: null });
  });

  it('names the file it loaded when that graph cannot be read (here: its external weights are missing)', async () => {
    const withoutData: ModelSource = { fetch: async () => ({ ...files, onnx: buildGptDecoder(SYNTHETIC_SHAPES[0], 'q4').model, onnxFile: 'onnx/model_q4.onnx' }), forget: async () => undefined };
    for (const load of [() => new Engine(withoutData).load(request, () => undefined), () => new AnalysisEngine(withoutData).load({ ...request, slot: 'decoder' })]) {
      const error = await rejection(load());
      expect(error).toBeInstanceOf(ModelFormatError);
      expect(error.message).toContain('onnx/model_q4.onnx');
      expect(error.message).toContain('model.onnx_data');
    }
  });
});
