/**
 * The graph pass that makes a standard export show its attention (src/engine/graph/expose-attention.ts): tl-gpt's KV-cache graph,
 * rewritten and fed an empty cache, gives the attention probabilities PyTorch computed at export
 * (test/fixtures/tl-gpt-attention.json, written by models/train/export_gpt.py); one head's numbers agree
 * with each other; a fused-attention graph is told apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type * as OrtWeb from 'onnxruntime-web';
import { exposeAttention } from '../../src/engine/graph/expose-attention';
import { AttentionRunner } from '../../src/engine/analysis/attention-runner';
import { countOnnxWeights } from '../../src/engine/graph/weight-count';
import { ProtoWriter } from '../../src/engine/graph/protobuf';
import { buildOptimumDecoder } from '../support/export-fixtures/graphs';
import { randomDecoderWeights, type DecoderSpec } from '../support/export-fixtures/weights';

const ortNode = ort as unknown as typeof OrtWeb;
const modelOnnx = new Uint8Array(readFileSync('models/tl-gpt/onnx/model.onnx'));
/** PyTorch's maps and logits for these ids, recorded when the model was exported. */
const reference = JSON.parse(readFileSync('test/fixtures/tl-gpt-attention.json', 'utf8')) as {
  input_ids: number[]; layers: number[][][]; argmax: number[]; logits_first16: number[][];
};
const IDS = reference.input_ids;

/** A one-node graph: `op` (in the com.microsoft domain) between an input and an output. */
function oneOpModel(op: string, output = 'y'): Uint8Array {
  const valueInfo = (name: string) => (w: ProtoWriter) => w.string(1, name).message(2, (t) => t.message(1, (tt) => tt.int(1, 1)));
  return new ProtoWriter()
    .int(1, 8)
    .message(8, (w) => w.string(1, 'com.microsoft').int(2, 1))
    .message(7, (g) => g
      .message(1, (n) => n.string(1, 'x').string(2, output).string(4, op).string(7, 'com.microsoft'))
      .string(2, 'g')
      .message(11, valueInfo('x'))
      .message(12, valueInfo(output)))
    .finish();
}

describe('exposeAttention', () => {
  it("makes tl-gpt's standard export give the attention maps PyTorch computed at export", async () => {
    const exposure = exposeAttention(modelOnnx);
    expect(exposure.kind).toBe('exposed');
    if (exposure.kind !== 'exposed') return;
    expect(exposure.blocks).toHaveLength(4);
    // The weights are spliced through untouched.
    expect(countOnnxWeights(exposure.model)).toEqual(countOnnxWeights(modelOnnx));
    const rewritten = await AttentionRunner.create(ortNode, exposure.model, [], 'wasm', 'onnx/model.onnx', { kind: 'blocks', blocks: exposure.blocks }, { executionProvider: 'cpu' });
    const got = await rewritten.run(IDS);
    const want = reference.layers;
    expect(got.attention!.heads).toBe(want[0].length);
    expect(got.attention!.layers).toHaveLength(want.length);
    let maxDiff = 0;
    want.forEach((heads, l) => heads.forEach((map, h) => map.forEach((p, i) => { maxDiff = Math.max(maxDiff, Math.abs(p - got.attention!.layers[l][h][i])); })));
    expect(maxDiff).toBeLessThan(1e-5);
    // The maps are not uniform: a later token does not attend equally to all before it.
    const lastRow = want[0][0].slice((IDS.length - 1) * IDS.length);
    expect(Math.max(...lastRow) - Math.min(...lastRow)).toBeGreaterThan(0.01);
    // The logits are PyTorch's: the same likeliest token at every position, the first ones to 1e-3.
    const vocab = got.vocab;
    const argmax = IDS.map((_, t) => {
      const row = got.logits.subarray(t * vocab, (t + 1) * vocab);
      return row.indexOf(Math.max(...row));
    });
    expect(argmax).toEqual(reference.argmax);
    let logitDiff = 0;
    reference.logits_first16.forEach((row, t) => row.forEach((v, i) => { logitDiff = Math.max(logitDiff, Math.abs(v - got.logits[t * vocab + i])); }));
    expect(logitDiff).toBeLessThan(1e-3);
    await rewritten.release();
  });

  it("reads one head's Q, K, V, scores, softmax and weighted sum that agree with each other", async () => {
    const exposure = exposeAttention(modelOnnx);
    if (exposure.kind !== 'exposed') throw new Error('not exposed');
    const runner = await AttentionRunner.create(ortNode, exposure.model, [], 'wasm', 'onnx/model.onnx', { kind: 'blocks', blocks: exposure.blocks }, { executionProvider: 'cpu' });
    const token = 4;
    const inside = await runner.headInside(IDS, 1, 3, token);
    expect(inside.seq).toBe(IDS.length);
    expect(inside.query).toHaveLength(inside.headDim);
    expect(inside.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Causal mask: nothing after the token.
    expect(inside.probs.slice(token + 1).every((p) => p === 0)).toBe(true);
    // The graph's scores are the recomputed dot products scaled by 1/√d where not masked.
    for (let j = 0; j <= token; j++) expect(inside.scores[j]).toBeCloseTo(inside.dots[j] / Math.sqrt(inside.headDim), 3);
    inside.context.forEach((c, i) => expect(inside.weightedSum[i]).toBeCloseTo(c, 4));
    await runner.release();
  });

  it("reads an encoder's head without a mask: every token sees every token", async () => {
    const bert = new Uint8Array(readFileSync('models/tl-bert/onnx/model.onnx'));
    const exposure = exposeAttention(bert);
    if (exposure.kind !== 'exposed') throw new Error('not exposed');
    const runner = await AttentionRunner.create(ortNode, exposure.model, [], 'wasm', 'onnx/model.onnx', { kind: 'blocks', blocks: exposure.blocks }, { executionProvider: 'cpu' });
    const inside = await runner.headInside([2, 40, 77, 91, 120, 3], 0, 1, 2);
    expect(inside.probs.every((p) => p > 0)).toBe(true);
    expect(inside.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    inside.scores.forEach((score, j) => expect(score).toBeCloseTo(inside.dots[j] / Math.sqrt(inside.headDim), 3));
    inside.context.forEach((c, i) => expect(inside.weightedSum[i]).toBeCloseTo(c, 4));
    await runner.release();
  });

  it('says which graphs compute in fp16, encoder or decoder, so WebGPU without shader-f16 refuses them', async () => {
    const bert = exposeAttention(new Uint8Array(readFileSync('models/tl-bert/onnx/model.onnx')));
    const spec: DecoderSpec = { vocab: 64, hidden: 32, heads: 2, kvHeads: 1, headDim: 16, ffn: 64, layers: 1, maxPositions: 32, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false };
    const half = exposeAttention(buildOptimumDecoder(spec, randomDecoderWeights(spec, 1, [5, 6, 7]), 'fp16').model);
    if (bert.kind !== 'exposed' || half.kind !== 'exposed') throw new Error('not exposed');
    const open = (model: Uint8Array, blocks: typeof bert.blocks) => AttentionRunner.create(ortNode, model, [], 'wasm', 'onnx/model.onnx', { kind: 'blocks', blocks }, { executionProvider: 'cpu' });
    const [float32, float16] = await Promise.all([open(bert.model, bert.blocks), open(half.model, half.blocks)]);
    expect([float32.usesFloat16, float16.usesFloat16]).toEqual([false, true]);
    await Promise.all([float32.release(), float16.release()]);
  });

  it("tells a graph with fused attention apart, and keeps an export's own attentions.{layer} outputs where no block is found", () => {
    expect(exposeAttention(oneOpModel('MultiHeadAttention'))).toEqual({ kind: 'fused', op: 'MultiHeadAttention' });
    expect(exposeAttention(oneOpModel('GroupQueryAttention'))).toEqual({ kind: 'fused', op: 'GroupQueryAttention' });
    expect(exposeAttention(oneOpModel('Relu')).kind).toBe('not-found');
    expect(exposeAttention(oneOpModel('Relu', 'attentions.0')).kind).toBe('already');
  });
});
