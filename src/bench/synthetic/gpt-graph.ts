/**
 * A GPT-style decoder as an ONNX graph with the inputs and outputs of a transformers.js export
 * (input_ids, attention_mask, position_ids, past_key_values.* → logits, present.*), so the app's own
 * DecoderSession runs it unchanged. Pre-LayerNorm blocks, learned positions, embedding tied with
 * the output head. Standard opset-17 operators only, so both WebGPU and WASM can run it.
 */
import { OnnxGraph, toFloat16Bits, type WeightFill } from './onnx-builder';
import type { SyntheticShape, WeightType } from './shapes';

/** Gives every weight its values; `role` says what kind of tensor it is. */
export type WeightSource = (name: string, dims: number[], role: 'matrix' | 'bias' | 'norm-scale' | 'norm-bias' | 'embedding') => WeightFill;

export interface BuiltDecoder {
  model: Uint8Array;
  externalData: Uint8Array;
  /** What the model's config.json would say, for DecoderSession. */
  config: { numLayers: number; numKvHeads: number; headDim: number; vocabSize: number; contextLength: number; eosIds: number[] };
}

export function buildGptDecoder(shape: SyntheticShape, weightType: WeightType, weights: WeightSource = randomWeights(1)): BuiltDecoder {
  const { layers, hidden: e, heads: h, ffn, vocab } = shape;
  const d = e / h;
  if (!Number.isInteger(d)) throw new Error(`hidden size ${e} is not a multiple of ${h} heads`);
  const t = weightType === 'fp16' ? 'float16' : 'float';
  const g = new OnnxGraph();
  const w = (name: string, dims: number[], role: Parameters<WeightSource>[2]) => g.weight(name, t, dims, weights(name, dims, role));
  const int64 = (values: number[], dims = [values.length]) => g.constant('int64', dims, values);
  const scalar = (value: number) => g.constant(t === 'float16' ? 'float16' : 'float', [], [value]);

  const inputIds = g.input('input_ids', 'int64', [1, 'sequence_length']);
  const attentionMask = g.input('attention_mask', 'int64', [1, 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', [1, 'sequence_length']);

  const wte = w('wte', [vocab, e], 'embedding');
  const wpe = w('wpe', [shape.contextLength, e], 'embedding');
  let x = g.op('Add', [g.op('Gather', [wte, inputIds], { axis: 0 }), g.op('Gather', [wpe, positionIds], { axis: 0 })]);

  // Causal mask from positions: key j is hidden from query i when j > position(i). Batch 1, no padding.
  const total = g.op('Gather', [g.op('Shape', [attentionMask]), g.constant('int64', [], [1])], { axis: 0 });
  const keyPositions = g.op('Range', [g.constant('int64', [], [0]), total, g.constant('int64', [], [1])]);
  const queryPositions = g.op('Unsqueeze', [positionIds, int64([2])]);
  const future = g.op('Greater', [keyPositions, queryPositions]);
  // fp16 cannot hold -1e9; -30000 still underflows exp() to exactly 0.
  const mask = g.op('Unsqueeze', [g.op('Where', [future, scalar(t === 'float16' ? -30000 : -1e9), scalar(0)]), int64([1])]);
  const headShape = int64([0, 0, h, d]);
  const mergedShape = int64([0, 0, e]);
  const scale = scalar(1 / Math.sqrt(d));

  const layerNorm = (input: string, name: string) =>
    g.op('LayerNormalization', [input, w(`${name}.weight`, [e], 'norm-scale'), w(`${name}.bias`, [e], 'norm-bias')], { axis: -1, epsilon: { float: 1e-5 } });
  const linear = (input: string, name: string, inDim: number, outDim: number, bias: boolean) => {
    const product = g.op('MatMul', [input, w(`${name}.weight`, [inDim, outDim], 'matrix')]);
    return bias ? g.op('Add', [product, w(`${name}.bias`, [outDim], 'bias')]) : product;
  };
  const silu = (input: string) => g.op('Mul', [input, g.op('Sigmoid', [input])]);
  const splitHeads = (input: string) => g.op('Transpose', [g.op('Reshape', [input, headShape])], { perm: [0, 2, 1, 3] });

  for (let l = 0; l < layers; l++) {
    const p = `layers.${l}`;
    const pastKey = g.input(`past_key_values.${l}.key`, t, [1, h, 'past_sequence_length', d]);
    const pastValue = g.input(`past_key_values.${l}.value`, t, [1, h, 'past_sequence_length', d]);
    const hIn = layerNorm(x, `${p}.ln_1`);
    const q = splitHeads(linear(hIn, `${p}.attn.q`, e, e, true));
    const k = g.op('Concat', [pastKey, splitHeads(linear(hIn, `${p}.attn.k`, e, e, true))], { axis: 2 }, `present.${l}.key`);
    const v = g.op('Concat', [pastValue, splitHeads(linear(hIn, `${p}.attn.v`, e, e, true))], { axis: 2 }, `present.${l}.value`);
    g.output(`present.${l}.key`, t, [1, h, 'total_sequence_length', d]);
    g.output(`present.${l}.value`, t, [1, h, 'total_sequence_length', d]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), scale]), mask]);
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }), mergedShape]);
    x = g.op('Add', [x, linear(merged, `${p}.attn.o`, e, e, true)]);
    const h2 = layerNorm(x, `${p}.ln_2`);
    let mlp: string;
    if (shape.mlp === 'silu') {
      mlp = linear(silu(linear(h2, `${p}.mlp.up`, e, ffn, true)), `${p}.mlp.down`, ffn, e, true);
    } else {
      const gated = g.op('Mul', [silu(linear(h2, `${p}.mlp.gate`, e, ffn, false)), linear(h2, `${p}.mlp.up`, e, ffn, false)]);
      mlp = linear(gated, `${p}.mlp.down`, ffn, e, false);
    }
    x = g.op('Add', [x, mlp]);
  }
  const final = g.op('Reshape', [layerNorm(x, 'ln_f'), int64([-1, e])]);
  // Gemm with transB reads the tied embedding as the output head without a transposed copy.
  const logits2d = g.op('Gemm', [final, wte], { transB: 1 });
  g.op('Reshape', [logits2d, int64([1, -1, vocab])], {}, 'logits');
  g.output('logits', t, [1, 'sequence_length', vocab]);

  const { model, externalData } = g.build(17);
  return {
    model,
    externalData,
    config: { numLayers: layers, numKvHeads: h, headDim: d, vocabSize: vocab, contextLength: shape.contextLength, eosIds: [] },
  };
}

/**
 * Seeded random weights at GPT-2's initial scale (std ≈ 0.02), norms at identity. Values come from a
 * precomputed table indexed by a fast xorshift, so filling a billion weights takes seconds, not minutes.
 */
export function randomWeights(seed: number): WeightSource {
  const TABLE = 4096;
  const f32 = new Float32Array(TABLE);
  for (let i = 0; i < TABLE; i++) f32[i] = ((i + 0.5) / TABLE - 0.5) * 0.07;
  const f16 = Uint16Array.from(f32, toFloat16Bits);
  let state = seed >>> 0 || 1;
  return (_name, _dims, role) => (out) => {
    if (role === 'norm-scale' || role === 'norm-bias' || role === 'bias') {
      const value = role === 'norm-scale' ? 1 : 0;
      out.fill(out instanceof Uint16Array ? toFloat16Bits(value) : value);
      return;
    }
    const table = out instanceof Uint16Array ? f16 : f32;
    let s = state;
    for (let i = 0; i < out.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = table[(s >>> 20) & (TABLE - 1)];
    }
    state = s;
  };
}
