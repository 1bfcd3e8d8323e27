/**
 * The WebGPU pass that makes GroupQueryAttention's seqlens_k an input the engine feeds
 * (src/engine/graph/seqlens-input.ts), and which inputs the engine may feed from GPU buffers
 * (src/engine/gpu-step-inputs.ts): the same greedy tokens as before the pass, through the app's own
 * loop on native onnxruntime-node; graphs it does not recognise left alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seqlensAsInput, SEQLENS_INPUT } from '../../src/engine/graph/seqlens-input';
import { fuseDecoderGraph } from '../../src/engine/graph/fuse-decoder';
import { graphForBackend } from '../../src/engine/graph/for-backend';
import { readGraph } from '../../src/engine/graph/onnx-graph';
import { gpuFedInputs } from '../../src/engine/gpu-step-inputs';
import { readDecoderConfig } from '../../src/core/model-config';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { nativeGreedy } from '../support/native-greedy';
import { randomDecoderWeights, type DecoderSpec } from '../support/export-fixtures/weights';
import { buildGenaiDecoder } from '../support/export-fixtures/graphs';

const raw = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'config.json'), 'utf8')) as Record<string, number>;
const config = readDecoderConfig(raw, {}, {});
const exported = new Uint8Array(readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx')));
const fused = fuseDecoderGraph(exported, [], { maxPositions: config.contextLength })!.onnx;
const SESSION_TIMEOUT_MS = 60_000;

describe('seqlens_k as an input (WebGPU)', () => {
  it('replaces the mask sum of the fused fixture by an input, and only GPU kernels read the small inputs', () => {
    const rewritten = seqlensAsInput(fused)!;
    expect(rewritten).not.toBeNull();
    const graph = readGraph(rewritten);
    expect(graph.inputs).toContain(SEQLENS_INPUT);
    expect(graph.nodes.some((n) => n.value.op === 'ReduceSum')).toBe(false);
    expect(graph.nodes.filter((n) => n.value.op === 'GroupQueryAttention').every((n) => n.value.inputs[5] === SEQLENS_INPUT)).toBe(true);
    // The mask stays: total_sequence_length is read from its shape, on the CPU.
    expect(graph.inputs).toContain('attention_mask');
    expect(gpuFedInputs(graph, graph.inputs).sort()).toEqual(['input_ids', 'position_ids', SEQLENS_INPUT]);
    // Before the pass seqlens_k is no input, and the mask (read by CPU nodes) is never fed from the GPU.
    expect(gpuFedInputs(readGraph(fused), readGraph(fused).inputs).sort()).toEqual(['input_ids', 'position_ids']);
    // Only WebGPU gets it.
    expect(readGraph(graphForBackend('webgpu', { onnx: exported, externalData: [] }, { contextLength: config.contextLength }).onnx).inputs).toContain(SEQLENS_INPUT);
    expect(readGraph(graphForBackend('wasm', { onnx: exported, externalData: [] }, { contextLength: config.contextLength }).onnx).inputs).not.toContain(SEQLENS_INPUT);
  });

  it('gives the greedy tokens of the graph before the pass (the engine feeds the mask length minus one)', async () => {
    const prompt = [1, 403, 407, 261, 378, 10];
    const before = await nativeGreedy(fused, [], config, prompt, 30);
    expect(await nativeGreedy(seqlensAsInput(fused)!, [], config, prompt, 30)).toEqual(before);
  }, SESSION_TIMEOUT_MS);

  it('rewrites a genai-style export the same way, with its greedy tokens', async () => {
    const spec: DecoderSpec = { vocab: 300, hidden: 32, heads: 2, kvHeads: 1, headDim: 16, ffn: 64, layers: 2, maxPositions: 64, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false };
    const graph = buildGenaiDecoder(spec, randomDecoderWeights(spec, 3, Array.from({ length: 40 }, (_, i) => 20 + i * 7))).model;
    const rewritten = seqlensAsInput(graph)!;
    expect(rewritten).not.toBeNull();
    const genaiConfig = { numLayers: 2, numKvHeads: 1, headDim: 16, vocabSize: 300, contextLength: 64, eosIds: [] };
    const prompt = [3, 17, 250, 99, 4];
    expect(await nativeGreedy(rewritten, [], genaiConfig, prompt, 20)).toEqual(await nativeGreedy(graph, [], genaiConfig, prompt, 20));
  }, SESSION_TIMEOUT_MS);

  it('leaves alone a graph without GroupQueryAttention, and one it has already rewritten', () => {
    expect(seqlensAsInput(exported)).toBeNull();
    expect(seqlensAsInput(seqlensAsInput(fused)!)).toBeNull();
  });
});
