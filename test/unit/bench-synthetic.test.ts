/**
 * The synthetic decoder computes what a GPT block computes: its logits (prefill and cached decode,
 * through the app's own DecoderSession on onnxruntime-node's CPU) match a plain reference forward pass.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type * as OrtWeb from 'onnxruntime-web';
import { buildGptDecoder, randomWeights, type WeightSource } from '../../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES, parseSyntheticSpec, bytesPerDecodeToken, parameterCount, type SyntheticShape } from '../../src/bench/shared/synthetic-shapes';
import { DecoderSession } from '../../src/engine/decoder-session';
import { toFloat16Bits } from '../../src/bench/worker/synthetic/onnx-builder';

const SHAPE: SyntheticShape = { id: 'test', label: 'test', layers: 2, hidden: 16, heads: 2, ffn: 32, vocab: 40, contextLength: 32, mlp: 'silu' };

/** Known weights: the same seeded values as random ones, but kept so the reference can use them. */
function recordingWeights(): { source: WeightSource; values: Map<string, Float32Array> } {
  const values = new Map<string, Float32Array>();
  const random = randomWeights(7);
  const source: WeightSource = (name, dims, role) => (out) => {
    // Non-trivial norms and biases so a wrong wiring of either shows up.
    random(name, dims, 'matrix')(out);
    if (role === 'norm-scale') for (let i = 0; i < out.length; i++) out[i] += 1;
    values.set(name, Float32Array.from(out));
  };
  return { source, values };
}

function reference(shape: SyntheticShape, W: Map<string, Float32Array>, ids: number[]): Float32Array[] {
  const { hidden: e, heads: h, ffn, vocab } = shape;
  const d = e / h;
  const get = (n: string) => W.get(n)!;
  const matvec = (x: Float32Array, m: Float32Array, inDim: number, outDim: number, b?: Float32Array) => {
    const y = new Float32Array(outDim);
    for (let o = 0; o < outDim; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inDim; i++) s += x[i] * m[i * outDim + o];
      y[o] = s;
    }
    return y;
  };
  const norm = (x: Float32Array, name: string) => {
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    const g = get(`${name}.weight`), b = get(`${name}.bias`);
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * g[i] + b[i]);
  };
  const silu = (x: Float32Array) => x.map((v) => v / (1 + Math.exp(-v)));
  let xs = ids.map((id, pos) => {
    const x = new Float32Array(e);
    for (let i = 0; i < e; i++) x[i] = get('wte')[id * e + i] + get('wpe')[pos * e + i];
    return x;
  });
  for (let l = 0; l < shape.layers; l++) {
    const p = `layers.${l}`;
    const hs = xs.map((x) => norm(x, `${p}.ln_1`));
    const lin = (x: Float32Array, n: string, i: number, o: number) => matvec(x, get(`${n}.weight`), i, o, get(`${n}.bias`));
    const q = hs.map((x) => lin(x, `${p}.attn.q`, e, e));
    const k = hs.map((x) => lin(x, `${p}.attn.k`, e, e));
    const v = hs.map((x) => lin(x, `${p}.attn.v`, e, e));
    xs = xs.map((x, t) => {
      const merged = new Float32Array(e);
      for (let head = 0; head < h; head++) {
        const scores = Array.from({ length: t + 1 }, (_, j) => {
          let s = 0;
          for (let c = 0; c < d; c++) s += q[t][head * d + c] * k[j][head * d + c];
          return s / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        for (let c = 0; c < d; c++) merged[head * d + c] = exps.reduce((a, w, j) => a + (w / sum) * v[j][head * d + c], 0);
      }
      const attn = lin(merged, `${p}.attn.o`, e, e);
      const x1 = x.map((val, i) => val + attn[i]);
      const h2 = norm(x1, `${p}.ln_2`);
      const inner = shape.mlp === 'silu'
        ? silu(lin(h2, `${p}.mlp.up`, e, ffn))
        : ((gate, up) => gate.map((g, i) => g * up[i]))(silu(lin(h2, `${p}.mlp.gate`, e, ffn)), lin(h2, `${p}.mlp.up`, e, ffn));
      const mlp = lin(inner, `${p}.mlp.down`, ffn, e);
      return x1.map((val, i) => val + mlp[i]);
    });
  }
  return xs.map((x) => {
    const f = norm(x, 'ln_f');
    const logits = new Float32Array(vocab);
    for (let tok = 0; tok < vocab; tok++) for (let i = 0; i < e; i++) logits[tok] += f[i] * get('wte')[tok * e + i];
    return logits;
  });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('synthetic decoder', () => {
  it.each(['silu', 'swiglu'] as const)('with a %s MLP, gives the reference logits for a prompt and for cached decode steps', async (mlp) => {
    const shape: SyntheticShape = { ...SHAPE, mlp };
    const { source, values } = recordingWeights();
    const built = buildGptDecoder(shape, 'fp32', source);
    // The swiglu MLP has a gate matrix and no biases; the silu one has biases and no gate.
    expect(values.has('layers.0.mlp.gate.weight')).toBe(mlp === 'swiglu');
    expect(values.has('layers.0.mlp.up.bias')).toBe(mlp === 'silu');
    // onnxruntime-node's API is the same as onnxruntime-web's; only the execution provider differs.
    const decoder = await DecoderSession.create(ort as unknown as typeof OrtWeb, built.model, [{ path: 'model.onnx_data', data: built.externalData }], 'wasm', built.config, { executionProvider: 'cpu' });
    const ids = [3, 17, 5, 39, 0, 22];
    const expected = reference(shape, values, ids);
    const cache = decoder.newCache();
    const prefill = await decoder.forward(ids.slice(0, 4), cache);
    expect(maxDiff(prefill, expected[3])).toBeLessThan(1e-4);
    for (let t = 4; t < ids.length; t++) {
      const step = await decoder.forward([ids[t]], cache);
      expect(maxDiff(step, expected[t])).toBeLessThan(1e-4);
    }
    // The logits are not flat: a wiring that ignored the prompt would give the same row at every step.
    expect(maxDiff(expected[3], expected[5])).toBeGreaterThan(1e-2);
    cache.dispose();
    await decoder.release();
  });

  it('names shapes the way the CLI writes them and counts the bytes a decode step reads', () => {
    expect(parseSyntheticSpec('synthetic:gpt2-small')?.shape.layers).toBe(12);
    expect(parseSyntheticSpec('synthetic:gpt2-small:fp16')?.weightType).toBe('fp16');
    expect(parseSyntheticSpec('synthetic:nope')).toBeNull();
    const gpt2 = SYNTHETIC_SHAPES.find((s) => s.id === 'gpt2-small')!;
    // GPT-2 small has 124M parameters.
    expect(parameterCount(gpt2).total / 1e6).toBeCloseTo(124.4, 0);
    expect(bytesPerDecodeToken(gpt2, 'fp16', 0) * 2).toBe(bytesPerDecodeToken(gpt2, 'fp32', 0));
  });

  it('rounds float16 like IEEE 754', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
  });
});
