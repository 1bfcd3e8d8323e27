/**
 * The two export families visitors download, rebuilt at toy size with the project's ONNX writer:
 *
 * - Optimum style (what transformers.js repos hold as model.onnx / model_fp16.onnx /
 *   model_quantized.onnx / model_q4.onnx): standard operators for RMSNorm, rotary embeddings and
 *   attention, projections as MatMul, DynamicQuantizeLinear + MatMulInteger (q8) or MatMulNBits (q4).
 * - onnxruntime-genai builder style: SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization,
 *   RotaryEmbedding, GroupQueryAttention whose seqlens_k and total_sequence_length are computed inside
 *   the graph from attention_mask, MatMulNBits for every projection and the head, fp16 everywhere.
 *
 * Both take input_ids, attention_mask, position_ids and past_key_values.N.key/value and give logits
 * and present.N.key/value, as the real exports do.
 */
import { OnnxGraph, toFloat16Bits } from '../../../src/bench/worker/synthetic/onnx-builder';
import { toFloat32, type DecoderSpec, type DecoderWeights, type GridMatrix } from './weights';

export type OptimumDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

const MS = 'com.microsoft';
const Q4_BLOCK = 32;

/** MatMulNBits' layout: per output column, blocks of 32 inputs, two 4-bit codes a byte (low nibble first). */
export function packQ4(m: GridMatrix): { packed: Uint8Array; blocks: number } {
  if (m.k % Q4_BLOCK) throw new Error(`K = ${m.k} is not a multiple of the 4-bit block (${Q4_BLOCK})`);
  const blocks = m.k / Q4_BLOCK;
  const packed = new Uint8Array(m.n * blocks * (Q4_BLOCK / 2));
  for (let col = 0; col < m.n; col++) {
    for (let k = 0; k < m.k; k++) {
      const code = m.codes[k * m.n + col] + 8;
      const byte = col * blocks * (Q4_BLOCK / 2) + (k >> 1);
      packed[byte] |= k & 1 ? code << 4 : code;
    }
  }
  return { packed, blocks };
}

const f16Bytes = (values: ArrayLike<number>) => new Uint8Array(Uint16Array.from(values, toFloat16Bits).buffer);
const f32Bytes = (values: ArrayLike<number>) => new Uint8Array(Float32Array.from(values).buffer);

class Builder {
  readonly g = new OnnxGraph();
  constructor(readonly float: 'float' | 'float16') {}

  /** A float tensor from fp32 values, stored in the graph's float type. */
  tensor(name: string, dims: number[], values: ArrayLike<number>): string {
    return this.g.rawWeight(name, this.float, dims, this.float === 'float16' ? f16Bytes(values) : f32Bytes(values));
  }

  int64(values: number[], dims = [values.length]): string {
    return this.g.constant('int64', dims, values);
  }

  scalar(value: number): string {
    return this.g.constant(this.float, [], [value]);
  }

  /** x · W with the weights stored as the dtype's exports store them. */
  linear(x: string, name: string, m: GridMatrix, kind: 'float' | 'q8' | 'q4', accuracyLevel?: number): string {
    const g = this.g;
    if (kind === 'float') return g.op('MatMul', [x, this.tensor(`${name}.weight`, [m.k, m.n], toFloat32(m))]);
    if (kind === 'q8') {
      // What onnxruntime's quantize_dynamic writes: activations to uint8 at run time, int8 weights, one scale each.
      const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], {}, 3);
      const w = g.rawWeight(`${name}.weight_quantized`, 'int8', [m.k, m.n], new Uint8Array(m.codes.buffer));
      const product = g.op('MatMulInteger', [xq, w, xZero, g.constant('int8', [], [0])]);
      const scale = g.op('Mul', [xScale, g.constant('float', [], [m.scale])]);
      return g.op('Mul', [g.op('Cast', [product], { to: 1 }), scale]);
    }
    const { packed, blocks } = packQ4(m);
    const inputs = [
      x,
      g.rawWeight(`${name}.weight_Q4`, 'uint8', [m.n, blocks, Q4_BLOCK / 2], packed),
      this.tensor(`${name}.weight_scales`, [m.n * blocks], new Array<number>(m.n * blocks).fill(m.scale)),
    ];
    const attrs: Record<string, number> = { K: m.k, N: m.n, bits: 4, block_size: Q4_BLOCK };
    if (accuracyLevel !== undefined) attrs.accuracy_level = accuracyLevel;
    return g.node('MatMulNBits', inputs, attrs, 1, MS)[0];
  }

  declareIo(spec: DecoderSpec): void {
    const g = this.g;
    g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
    g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
    g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
    for (let l = 0; l < spec.layers; l++) {
      for (const kind of ['key', 'value']) {
        g.input(`past_key_values.${l}.${kind}`, this.float, ['batch_size', spec.kvHeads, 'past_sequence_length', spec.headDim]);
      }
    }
  }

  declareOutputs(spec: DecoderSpec): void {
    this.g.output('logits', this.float, ['batch_size', 'sequence_length', spec.vocab]);
    for (let l = 0; l < spec.layers; l++) {
      for (const kind of ['key', 'value']) {
        this.g.output(`present.${l}.${kind}`, this.float, ['batch_size', spec.kvHeads, 'total_sequence_length', spec.headDim]);
      }
    }
  }
}

export interface BuiltGraph {
  model: Uint8Array;
  externalData: Uint8Array;
}

/**
 * Spellings the fusions must leave alone, in the layers listed: an ALiBi-style bias added to the
 * causal mask; `Where(visible, scores, −10)`, a finite "hidden" score; an RMSNorm with an extra op
 * (its mean square scaled before ε is added).
 */
export interface NearMiss {
  kind: 'alibi' | 'finite-where' | 'norm-extra-op';
  layers: number[];
}

/** An Optimum / transformers.js export of a Llama- or Qwen2-style decoder. */
export function buildOptimumDecoder(spec: DecoderSpec, w: DecoderWeights, dtype: OptimumDtype, options: { dataFile?: string; nearMiss?: NearMiss } = {}): BuiltGraph {
  const { hidden: e, heads: h, kvHeads: kv, headDim: d } = spec;
  if (kv !== 1 && kv !== h) throw new Error('the Optimum-style fixture repeats K/V by broadcasting: kvHeads must be 1 or heads');
  const b = new Builder(dtype === 'fp16' ? 'float16' : 'float');
  const g = b.g;
  const kind = dtype === 'q8' ? 'q8' : dtype === 'q4' ? 'q4' : 'float';
  b.declareIo(spec);

  const nearMiss = (kind: NearMiss['kind'], layer: number) => options.nearMiss?.kind === kind && options.nearMiss.layers.includes(layer);
  const rms = (x: string, weight: Float32Array, name: string, extraOp = false) => {
    const mean = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const meanSquare = extraOp ? g.op('Mul', [mean, b.scalar(1.5)]) : mean;
    const norm = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [meanSquare, b.scalar(spec.rmsEps)])])]);
    return g.op('Mul', [norm, b.tensor(`${name}.weight`, [e], weight)]);
  };
  const withBias = (x: string, bias: Float32Array | null, name: string) => (bias ? g.op('Add', [x, b.tensor(`${name}.bias`, [bias.length], bias)]) : x);
  const heads = (x: string, n: number) => g.op('Transpose', [g.op('Reshape', [x, b.int64([0, 0, n, d])])], { perm: [0, 2, 1, 3] });

  // Rotary embedding as transformers writes it: x·cos + rotate_half(x)·sin, caches gathered by position.
  const half = d / 2;
  const full = (table: Float32Array) => {
    const out = new Float32Array(spec.maxPositions * d);
    for (let p = 0; p < spec.maxPositions; p++) {
      out.set(table.subarray(p * half, (p + 1) * half), p * d);
      out.set(table.subarray(p * half, (p + 1) * half), p * d + half);
    }
    return out;
  };
  const cos = g.op('Unsqueeze', [g.op('Gather', [b.tensor('rotary.cos', [spec.maxPositions, d], full(w.cos)), 'position_ids'], { axis: 0 }), b.int64([1])]);
  const sin = g.op('Unsqueeze', [g.op('Gather', [b.tensor('rotary.sin', [spec.maxPositions, d], full(w.sin)), 'position_ids'], { axis: 0 }), b.int64([1])]);
  const rotate = (x: string) => {
    const first = g.op('Slice', [x, b.int64([0]), b.int64([half]), b.int64([3])]);
    const second = g.op('Slice', [x, b.int64([half]), b.int64([d]), b.int64([3])]);
    const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: 3 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };

  // Causal + padding mask: key j is hidden from the query at position p when j > p or attention_mask[j] = 0.
  const total = g.op('Gather', [g.op('Shape', ['attention_mask']), g.constant('int64', [], [1])], { axis: 0 });
  const keyPositions = g.op('Range', [g.constant('int64', [], [0]), total, g.constant('int64', [], [1])]);
  const future = g.op('Greater', [keyPositions, g.op('Unsqueeze', ['position_ids', b.int64([2])])]);
  const padding = g.op('Unsqueeze', [g.op('Equal', ['attention_mask', g.constant('int64', [], [0])]), b.int64([1])]);
  const hidden = g.op('Or', [future, padding]);
  const mask = g.op('Unsqueeze', [g.op('Where', [hidden, b.scalar(dtype === 'fp16' ? -30000 : -1e9), b.scalar(0)]), b.int64([1])]);
  // Near misses only: ALiBi's slope · (j − p) added to the causal mask (slope ½), or the visible keys for a Where.
  const alibiMask = () => {
    const distance = g.op('Cast', [g.op('Sub', [keyPositions, g.op('Unsqueeze', ['position_ids', b.int64([2])])])], { to: dtype === 'fp16' ? 10 : 1 });
    return g.op('Add', [mask, g.op('Unsqueeze', [g.op('Mul', [distance, b.scalar(0.5)]), b.int64([1])])]);
  };
  const attend = (scaled: string, layer: number) =>
    nearMiss('finite-where', layer) ? g.op('Where', [g.op('Unsqueeze', [g.op('Not', [hidden]), b.int64([1])]), scaled, b.scalar(-10)])
      : g.op('Add', [scaled, nearMiss('alibi', layer) ? alibiMask() : mask]);

  let x = g.op('Gather', [b.tensor('embed_tokens.weight', [spec.vocab, e], w.embedding), 'input_ids'], { axis: 0 });
  w.layers.forEach((layer, l) => {
    const p = `layers.${l}`;
    const hIn = rms(x, layer.inputNorm, `${p}.input_layernorm`, nearMiss('norm-extra-op', l));
    const q = rotate(heads(withBias(b.linear(hIn, `${p}.q_proj`, layer.q, kind), layer.qBias, `${p}.q_proj`), h));
    const k = rotate(heads(withBias(b.linear(hIn, `${p}.k_proj`, layer.k, kind), layer.kBias, `${p}.k_proj`), kv));
    const v = heads(withBias(b.linear(hIn, `${p}.v_proj`, layer.v, kind), layer.vBias, `${p}.v_proj`), kv);
    const keys = g.op('Concat', [`past_key_values.${l}.key`, k], { axis: 2 }, `present.${l}.key`);
    const values = g.op('Concat', [`past_key_values.${l}.value`, v], { axis: 2 }, `present.${l}.value`);
    const scores = attend(g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]), b.scalar(1 / Math.sqrt(d))]), l);
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), values]);
    const merged = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }), b.int64([0, 0, h * d])]);
    x = g.op('Add', [x, b.linear(merged, `${p}.o_proj`, layer.o, kind)]);
    const h2 = rms(x, layer.postNorm, `${p}.post_attention_layernorm`);
    const gate = b.linear(h2, `${p}.mlp.gate_proj`, layer.gate, kind);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), b.linear(h2, `${p}.mlp.up_proj`, layer.up, kind)]);
    x = g.op('Add', [x, b.linear(act, `${p}.mlp.down_proj`, layer.down, kind)]);
  });
  g.op('Identity', [b.linear(rms(x, w.finalNorm, 'norm'), 'lm_head', w.lmHead, kind)], {}, 'logits');
  b.declareOutputs(spec);
  return g.build(17, options.dataFile ? { dataFile: options.dataFile } : { embedWeights: true });
}

/** An onnxruntime-genai builder export (int4, fp16 activations and caches), as builder.py lays it out. */
/** `float`: the activations' type; fp16 by default, fp32 as builder.py writes int4 models for CPU (`-e cpu`). */
export function buildGenaiDecoder(spec: DecoderSpec, w: DecoderWeights, options: { accuracyLevel?: number; float?: 'float' | 'float16' } = {}): BuiltGraph {
  const { hidden: e, heads: h, kvHeads: kv, headDim: d } = spec;
  const b = new Builder(options.float ?? 'float16');
  const g = b.g;
  b.declareIo(spec);
  const level = options.accuracyLevel;
  const norm = (name: string, weight: Float32Array) => b.tensor(`${name}.weight`, [e], weight);
  const normAttrs = { axis: -1, epsilon: { float: spec.rmsEps }, stash_type: 1 };
  const withBias = (x: string, bias: Float32Array | null, name: string) => (bias ? g.op('Add', [x, b.tensor(`${name}.bias`, [bias.length], bias)]) : x);

  // /model/attn_mask_reformat: seqlens_k = sum(attention_mask) − 1 and total_sequence_length, both int32.
  const seqlensK = g.op('Cast', [g.op('Sub', [g.op('ReduceSum', ['attention_mask', b.int64([1])]), b.int64([1])])], { to: 6 });
  const totalLength = g.op('Cast', [g.op('Gather', [g.op('Shape', ['attention_mask']), g.constant('int64', [], [1])], { axis: 0 })], { to: 6 });
  const cosCache = b.tensor('cos_cache', [spec.maxPositions, d / 2], w.cos);
  const sinCache = b.tensor('sin_cache', [spec.maxPositions, d / 2], w.sin);
  const rotary = (x: string) => g.node('RotaryEmbedding', [x, 'position_ids', cosCache, sinCache], { interleaved: 0 }, 1, MS)[0];

  const embeddings = g.op('Gather', [b.tensor('embed_tokens.weight', [spec.vocab, e], w.embedding), 'input_ids'], { axis: 0 });
  let residual = embeddings;
  let pending: string | null = null; // the last block's output, added to the residual by the next norm
  const skipNorm = (weightName: string, weight: Float32Array): string => {
    if (pending === null) return g.op('SimplifiedLayerNormalization', [residual, norm(weightName, weight)], normAttrs);
    const sum = `${weightName}/output_3`;
    const [out] = g.node('SkipSimplifiedLayerNormalization', [pending, residual, norm(weightName, weight)], { epsilon: { float: spec.rmsEps } }, [`${weightName}/output_0`, '', '', sum], MS);
    residual = sum;
    return out;
  };
  w.layers.forEach((layer, l) => {
    const p = `/model/layers.${l}`;
    const hIn = skipNorm(`${p}/input_layernorm`, layer.inputNorm);
    const q = rotary(withBias(b.linear(hIn, `${p}/attn/q_proj`, layer.q, 'q4', level), layer.qBias, `${p}/attn/q_proj`));
    const k = rotary(withBias(b.linear(hIn, `${p}/attn/k_proj`, layer.k, 'q4', level), layer.kBias, `${p}/attn/k_proj`));
    const v = withBias(b.linear(hIn, `${p}/attn/v_proj`, layer.v, 'q4', level), layer.vBias, `${p}/attn/v_proj`);
    const [attended] = g.node(
      'GroupQueryAttention',
      [q, k, v, `past_key_values.${l}.key`, `past_key_values.${l}.value`, seqlensK, totalLength],
      { num_heads: h, kv_num_heads: kv, scale: { float: 1 / Math.sqrt(d) }, local_window_size: -1, do_rotary: 0, rotary_interleaved: 0 },
      [`${p}/attn/GroupQueryAttention/output_0`, `present.${l}.key`, `present.${l}.value`],
      MS,
    );
    pending = b.linear(attended, `${p}/attn/o_proj`, layer.o, 'q4', level);
    const h2 = skipNorm(`${p}/post_attention_layernorm`, layer.postNorm);
    const gate = b.linear(h2, `${p}/mlp/gate_proj`, layer.gate, 'q4', level);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), b.linear(h2, `${p}/mlp/up_proj`, layer.up, 'q4', level)]);
    pending = b.linear(act, `${p}/mlp/down_proj`, layer.down, 'q4', level);
  });
  const final = skipNorm('/model/norm', w.finalNorm);
  g.op('Identity', [b.linear(final, '/lm_head', w.lmHead, 'q4', level)], {}, 'logits');
  b.declareOutputs(spec);
  return g.build(17, { embedWeights: true });
}
