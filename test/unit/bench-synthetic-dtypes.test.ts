/**
 * Synthetic models in every dtype the Hub's exports have: each is built from the ops those exports use
 * (q8: DynamicQuantizeLinear + MatMulInteger; q4 / q4f16: MatMulNBits) and computes the same model as
 * fp32 up to its rounding, and the CLI's spec names them.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildGptDecoder, randomWeights, type WeightSource } from '../../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_DTYPES, SYNTHETIC_SHAPES, bytesPerDecodeToken, formatSyntheticSpec, parseSyntheticSpec, type SyntheticShape, type WeightType } from '../../src/bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE, toFloat16Bits } from '../../src/bench/worker/synthetic/onnx-builder';
import { readNode } from '../../src/engine/graph/onnx-proto';
import { fromFloat16Bits } from '../../src/engine/graph/float16';
import { readGraph } from '../../src/engine/graph/onnx-graph';

const SHAPE: SyntheticShape = { id: 'test', label: 'test', layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 256, contextLength: 64, mlp: 'swiglu' };

/** Weights large enough that the logits differ clearly between tokens (GPT-2's init makes them almost flat). */
function weights(): WeightSource {
  const random = randomWeights(11);
  return (name, dims, role) => (out) => {
    random(name, dims, 'matrix')(out);
    const gain = role === 'norm-scale' ? 1 : 6;
    const shift = role === 'norm-scale' ? 1 : 0;
    if (out instanceof Float32Array) for (let i = 0; i < out.length; i++) out[i] = out[i] * gain + shift;
    else for (let i = 0; i < out.length; i++) out[i] = toFloat16Bits(fromFloat16Bits(out[i]) * gain + shift);
  };
}

async function prefillLogits(dtype: WeightType): Promise<Float32Array> {
  const built = buildGptDecoder(SHAPE, dtype, weights());
  const session = await ort.InferenceSession.create(built.model, { externalData: [{ path: EXTERNAL_DATA_FILE, data: built.externalData }] });
  try {
    const ids = [3, 14, 15, 92, 65, 35];
    const half = dtype === 'fp16' || dtype === 'q4f16';
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, ids.length]),
    };
    for (let l = 0; l < SHAPE.layers; l++) {
      for (const kv of ['key', 'value']) {
        feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor(half ? 'float16' : 'float32', half ? new Uint16Array(0) : new Float32Array(0), [1, SHAPE.heads, 0, SHAPE.hidden / SHAPE.heads]);
      }
    }
    const logits = (await session.run(feeds)).logits;
    return logits.type === 'float16' ? Float32Array.from(logits.data as Uint16Array, fromFloat16Bits) : (logits.data as Float32Array);
  } finally {
    await session.release();
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe('synthetic dtypes', () => {
  it('uses the ops of the Hub exports for each dtype', () => {
    const ops = (dtype: WeightType) => new Set(readGraph(buildGptDecoder(SHAPE, dtype).model).nodes.map((n) => n.value.op));
    expect(ops('fp32').has('MatMulNBits')).toBe(false);
    expect([...ops('q8')]).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'MatMulInteger']));
    for (const dtype of ['q4', 'q4f16'] as const) {
      const nbits = readGraph(buildGptDecoder(SHAPE, dtype).model).nodes.map((n) => n.value).filter((n) => n.op === 'MatMulNBits');
      // Seven projections per layer and the output head, 4 bits in blocks of 32, as model_q4.onnx has them.
      expect(nbits).toHaveLength(SHAPE.layers * 7 + 1);
      expect(nbits[0]).toMatchObject({ domain: 'com.microsoft', intAttrs: { bits: 4, block_size: 32, K: SHAPE.hidden, N: SHAPE.hidden } });
    }
    expect(readNode).toBeTypeOf('function');
  });

  it('computes the fp32 model in every dtype, up to its rounding (prefill logits, cosine similarity)', async () => {
    const reference = await prefillLogits('fp32');
    for (const dtype of SYNTHETIC_DTYPES.filter((d) => d !== 'fp32')) {
      const logits = await prefillLogits(dtype);
      expect(logits.length, dtype).toBe(reference.length);
      expect(cosine(logits, reference), dtype).toBeGreaterThan(dtype.startsWith('q4') ? 0.95 : 0.99);
    }
  }, 60_000);

  it('parses and writes every dtype, and counts fewer bytes per token for smaller ones', () => {
    for (const dtype of SYNTHETIC_DTYPES) {
      const spec = parseSyntheticSpec(`synthetic:gpt-25m:${dtype}`)!;
      expect(spec.weightType).toBe(dtype);
      expect(parseSyntheticSpec(formatSyntheticSpec(spec))).toEqual(spec);
    }
    expect(parseSyntheticSpec('synthetic:gpt-25m:q3')).toBeNull();
    const shape = SYNTHETIC_SHAPES.find((s) => s.id === 'llama-0.5b')!;
    const bytes = SYNTHETIC_DTYPES.map((d) => bytesPerDecodeToken(shape, d, 0));
    const [fp32, fp16, q8, q4, q4f16] = bytes;
    expect(fp32 > fp16 && fp16 > q8 && q8 > q4 && q4 > q4f16).toBe(true);
  });
});
