/**
 * A GPT-style decoder as an ONNX graph with the inputs and outputs of a transformers.js export
 * (input_ids, attention_mask, position_ids, past_key_values.* → logits, present.*), so the app's own
 * DecoderSession runs it unchanged. Pre-LayerNorm blocks, learned positions, embedding tied with
 * the output head. Standard opset-17 operators, and for the quantized dtypes the ops the Hub's exports
 * hold: q8 as Optimum's dynamic quantization (`DynamicQuantizeLinear` + `MatMulInteger`, uint8 weights,
 * one scale per tensor, `model_quantized.onnx`), q4 / q4f16 as `model_q4.onnx` / `model_q4f16.onnx`
 * (com.microsoft `MatMulNBits`, 4 bits, blocks of 32, symmetric, float32 or float16 activations).
 * The quantized graphs also quantize the output head (a copy of the tied embedding), as those exports do.
 */
import { OnnxGraph, toFloat16Bits, type WeightArray, type WeightFill } from './onnx-builder';
import { quantizeNBits } from '../../../engine/graph/matmul-nbits';
import { fromFloat16Bits } from '../../../engine/graph/float16';
import type { SyntheticShape, WeightType } from '../../shared/synthetic-shapes';

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
  const t = weightType === 'fp16' || weightType === 'q4f16' ? 'float16' : 'float';
  const g = new OnnxGraph();
  const w = (name: string, dims: number[], role: Parameters<WeightSource>[2]) => g.weight(name, t, dims, weights(name, dims, role));
  const project = projector(g, weightType, t, weights);
  const int64 = (values: number[], dims = [values.length]) => g.constant('int64', dims, values);
  const scalar = (value: number) => g.constant(t === 'float16' ? 'float16' : 'float', [], [value]);

  const inputIds = g.input('input_ids', 'int64', [1, 'sequence_length']);
  const attentionMask = g.input('attention_mask', 'int64', [1, 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', [1, 'sequence_length']);

  const { embedding: wte, head } = tiedEmbedding(g, weightType, t, weights, vocab, e);
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
    const product = project(input, `${name}.weight`, inDim, outDim);
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
  const logits2d = head(final);
  g.op('Reshape', [logits2d, int64([1, -1, vocab])], {}, 'logits');
  g.output('logits', t, [1, 'sequence_length', vocab]);

  const { model, externalData } = g.build(17);
  return {
    model,
    externalData,
    config: { numLayers: layers, numKvHeads: h, headDim: d, vocabSize: vocab, contextLength: shape.contextLength, eosIds: [] },
  };
}

type ActivationType = 'float' | 'float16';

/** Activations × a weight matrix [inDim, outDim] in the dtype's ops; returns the product's name. */
function projector(g: OnnxGraph, dtype: WeightType, t: ActivationType, weights: WeightSource) {
  return (input: string, name: string, inDim: number, outDim: number): string => {
    if (dtype === 'fp32' || dtype === 'fp16') return g.op('MatMul', [input, g.weight(name, t, [inDim, outDim], weights(name, [inDim, outDim], 'matrix'))]);
    const fill = weights(name, [inDim, outDim], 'matrix');
    // The same values as the fp32 graph's [K = inDim, N = outDim] matrix: one dtype's model is another's, rounded.
    const draw = () => {
      const values = new Float32Array(inDim * outDim);
      fill(values);
      return values;
    };
    if (dtype === 'q8') return matMulInteger(g, input, name, inDim, outDim, draw);
    // MatMulNBits stores W as [N, K]: the transpose.
    return matMulNBits(g, input, name, inDim, outDim, t, () => transpose(draw(), inDim, outDim));
  };
}

/** `MatMulNBits` of weights W [N = outDim, K = inDim] from `draw()`, drawn when the graph is built. */
function matMulNBits(g: OnnxGraph, input: string, name: string, K: number, N: number, t: ActivationType, draw: () => Float32Array): string {
  const layout = { K, N, bits: 4, blockSize: 32 };
  const blocks = Math.ceil(K / 32);
  const [packed, scales] = g.weights(
    [{ name: `${name}.q4`, type: 'uint8', dims: [N, blocks, 16] }, { name: `${name}.scales`, type: t, dims: [N * blocks] }],
    ([packedOut, scalesOut]) => {
      const q = quantizeNBits(layout, draw(), true);
      packedOut.set(q.packed);
      if (scalesOut instanceof Uint16Array) for (let i = 0; i < q.scales.length; i++) scalesOut[i] = toFloat16Bits(q.scales[i]);
      else scalesOut.set(q.scales);
    },
  );
  return g.node('MatMulNBits', [input, packed, scales], { K, N, bits: 4, block_size: 32 }, 1, 'com.microsoft')[0];
}

/** [rows, cols] row-major → [cols, rows]. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/** Optimum's dynamic int8: uint8 weights [K, N] with one scale and zero point, activations quantized per call. */
function matMulInteger(g: OnnxGraph, input: string, name: string, K: number, N: number, draw: () => Float32Array): string {
  const [weight, scale, zero] = g.weights(
    [{ name: `${name}.quantized`, type: 'uint8', dims: [K, N] }, { name: `${name}.scale`, type: 'float', dims: [] }, { name: `${name}.zero_point`, type: 'uint8', dims: [] }],
    ([weightOut, scaleOut, zeroOut]) => quantizeUint8(draw(), weightOut as Uint8Array, scaleOut as Float32Array, zeroOut as Uint8Array),
  );
  const [q, aScale, aZero] = g.node('DynamicQuantizeLinear', [input], {}, 3);
  const product = g.op('Cast', [g.op('MatMulInteger', [q, weight, aZero, zero])], { to: 1 });
  return g.op('Mul', [product, g.op('Mul', [aScale, scale])]);
}

function quantizeUint8(values: ArrayLike<number>, out: Uint8Array, scale: Float32Array, zero: Uint8Array): void {
  let min = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  scale[0] = (max - min) / 255 || 1;
  zero[0] = Math.round(-min / scale[0]);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(values[i] / scale[0]) + zero[0]));
}

/**
 * The embedding table [vocab, hidden] and the output head that shares it. Float graphs read the table
 * itself with Gemm transB (no transposed copy); quantized ones, like the Hub's exports, get a quantized
 * copy of it as their head.
 */
function tiedEmbedding(g: OnnxGraph, dtype: WeightType, t: ActivationType, weights: WeightSource, vocab: number, e: number) {
  if (dtype === 'fp32' || dtype === 'fp16') {
    const embedding = g.weight('wte', t, [vocab, e], weights('wte', [vocab, e], 'embedding'));
    return { embedding, head: (x: string) => g.op('Gemm', [x, embedding], { transB: 1 }) };
  }
  // The table is filled first; the head is built from its values when the graph is built, after it.
  let table: WeightArray | null = null;
  const embedding = g.weights([{ name: 'wte', type: t, dims: [vocab, e] }], ([out]) => {
    weights('wte', [vocab, e], 'embedding')(out as Float32Array | Uint16Array);
    table = out;
  })[0];
  const tableValues = () => {
    const values = table instanceof Uint16Array ? Float32Array.from(table, fromFloat16Bits) : (table as Float32Array);
    table = null;
    return values;
  };
  if (dtype === 'q8') {
    // MatMulInteger takes [K = hidden, N = vocab]: the table transposed.
    return {
      embedding,
      head: (x: string) =>
        matMulInteger(g, x, 'lm_head', e, vocab, () => transpose(tableValues(), vocab, e)),
    };
  }
  return { embedding, head: (x: string) => matMulNBits(g, x, 'lm_head', e, vocab, t, tableValues) };
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
