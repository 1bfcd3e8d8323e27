/**
 * The WASM rewrite of 4-bit `MatMulNBits` graphs: its weight decoding undoes the encoding exactly, and a
 * rewritten synthetic q4 / q4f16 decoder chooses the same greedy tokens as the original graph run by
 * onnxruntime's own MatMulNBits kernel (onnxruntime-node, CPU).
 */
import { describe, expect, it } from 'vitest';
import { buildGptDecoder } from '../../src/bench/worker/synthetic/gpt-graph';
import { livelyWeights } from '../support/lively-weights';
import type { SyntheticShape } from '../../src/bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from '../../src/bench/worker/synthetic/onnx-builder';
import { createRng } from '../../src/core/rng';
import { dequantizeRow, dequantizeTransposed, quantizeNBits, requantizeInt8Transposed, type NBitsLayout } from '../../src/engine/graph/matmul-nbits';
import { rewriteMatMulNBits, type ExternalFile } from '../../src/engine/graph/rewrite-matmul-nbits';
import { GraphFormatError } from '../../src/engine/graph/onnx-graph';
import { readDecoderConfig } from '../../src/core/model-config';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { nativeGreedy, nativeSession, webWasmSession } from '../support/native-greedy';
import { hasMatMulNBits, quantizeMatMulsToQ4 } from '../support/quantize-q4';

const SHAPE: SyntheticShape = { id: 'test', label: 'test', layers: 2, hidden: 64, heads: 4, ffn: 256, vocab: 512, contextLength: 320, mlp: 'swiglu' };


function seeded(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng() - 0.5) * 0.2);
}

const PROMPT = [5, 17, 42, 99];

type Config = ReturnType<typeof buildGptDecoder>['config'];

const greedy = (onnx: Uint8Array, externalData: ExternalFile[], config: Config, tokens: number) => nativeGreedy(onnx, externalData, config, PROMPT, tokens);

/**
 * The top-1 choice at every position of the reference's own continuation (teacher forcing): one early
 * difference does not count against every later position, as it does in free-running greedy decoding.
 */
async function forcedChoices(
  onnx: Uint8Array, externalData: ExternalFile[], config: Config, reference: number[], open: typeof nativeSession = nativeSession,
): Promise<number[]> {
  const decoder = await open(onnx, externalData, config);
  const cache = decoder.newCache();
  try {
    const choices: number[] = [];
    let input = PROMPT;
    for (const next of reference) {
      const logits = await decoder.forward(input, cache);
      choices.push(logits.indexOf(Math.max(...logits)));
      input = [next];
    }
    return choices;
  } finally {
    cache.dispose();
    await decoder.release();
  }
}

function agreement(a: number[], b: number[]): number {
  return a.filter((id, i) => id === b[i]).length / a.length;
}

describe('MatMulNBits weights', () => {
  const layout: NBitsLayout = { K: 80, N: 24, bits: 4, blockSize: 32 }; // K not a multiple of the block: a partial last block
  const weights = seeded(layout.N * layout.K, 3);

  for (const symmetric of [true, false]) {
    // Symmetric blocks map the largest magnitude to −8: a value as large on the other side clamps at +7, one step off.
    it(`decodes what it encodes within ${symmetric ? 'one step' : 'half a step'} (${symmetric ? 'symmetric' : 'with zero points'})`, () => {
      const q = quantizeNBits(layout, weights, symmetric);
      const nb = Math.ceil(layout.K / layout.blockSize);
      const row = new Float32Array(layout.K);
      for (let n = 0; n < layout.N; n++) {
        dequantizeRow(layout, { packed: q.packed, scales: q.scales, zeroPoints: q.zeroPoints ? { packed: q.zeroPoints } : null, gIdx: null }, n, row);
        for (let k = 0; k < layout.K; k++) {
          const step = Math.abs(q.scales[n * nb + Math.floor(k / layout.blockSize)]);
          expect(Math.abs(row[k] - weights[n * layout.K + k])).toBeLessThanOrEqual((symmetric ? step : step / 2) + 1e-7);
        }
      }
    });
  }

  it('transposes for MatMul, and requantizes per output channel for MatMulInteger', () => {
    const q = quantizeNBits(layout, weights, true);
    const w = { packed: q.packed, scales: q.scales, zeroPoints: null, gIdx: null };
    const transposed = new Float32Array(layout.K * layout.N);
    dequantizeTransposed(layout, w, transposed);
    const row = new Float32Array(layout.K);
    dequantizeRow(layout, w, 7, row);
    for (let k = 0; k < layout.K; k++) expect(transposed[k * layout.N + 7]).toBe(row[k]);
    const int8 = new Int8Array(layout.K * layout.N);
    const scales = new Float32Array(layout.N);
    requantizeInt8Transposed(layout, w, int8, scales);
    const max = Math.max(...row.map(Math.abs));
    expect(scales[7]).toBeCloseTo(max / 127, 7);
    for (let k = 0; k < layout.K; k++) expect(Math.abs(int8[k * layout.N + 7] * scales[7] - row[k])).toBeLessThanOrEqual(scales[7] / 2 + 1e-7);
  });

  it('reads g_idx: each input takes the scale of the block it names', () => {
    const q = quantizeNBits(layout, weights, true);
    const nb = Math.ceil(layout.K / layout.blockSize);
    const gIdx = Int32Array.from({ length: layout.K }, () => 0); // every input uses block 0's scale
    const plain = new Float32Array(layout.K);
    const grouped = new Float32Array(layout.K);
    dequantizeRow(layout, { packed: q.packed, scales: q.scales, zeroPoints: null, gIdx: null }, 2, plain);
    dequantizeRow(layout, { packed: q.packed, scales: q.scales, zeroPoints: null, gIdx }, 2, grouped);
    const k = 40; // in block 1
    expect(grouped[k]).toBeCloseTo((plain[k] / q.scales[2 * nb + 1]) * q.scales[2 * nb], 6);
  });
});

describe('rewriteMatMulNBits', () => {
  it('leaves a graph without MatMulNBits alone', () => {
    const built = buildGptDecoder(SHAPE, 'fp32');
    expect(hasMatMulNBits(built.model)).toBe(false);
    expect(rewriteMatMulNBits(built.model, [{ path: EXTERNAL_DATA_FILE, data: built.externalData }])).toBeNull();
  });

  it('names the missing external file when a weight lives in one that was not loaded', () => {
    const built = buildGptDecoder(SHAPE, 'q4');
    // The graph pass does not know the file's name: the load flow reports it as a ModelFormatError naming it.
    expect(() => rewriteMatMulNBits(built.model, [])).toThrow(GraphFormatError);
    expect(() => rewriteMatMulNBits(built.model, [])).toThrow(/model\.onnx_data/);
  });

  for (const dtype of ['q4', 'q4f16'] as const) {
    it(`${dtype} → float32 MatMul: greedy tokens agree with the original graph on ≥ 99% of 256${dtype === 'q4f16' ? ' (forced)' : ''}`, async () => {
      const built = buildGptDecoder(SHAPE, dtype, livelyWeights());
      const external = [{ path: EXTERNAL_DATA_FILE, data: built.externalData }];
      expect(hasMatMulNBits(built.model)).toBe(true);
      const rewritten = rewriteMatMulNBits(built.model, external)!;
      expect(rewritten.note).toMatchObject({ rewrite: 'matmulnbits-to-matmul', nodes: PROJECTIONS, toFloat32: PROJECTIONS, toInt8: 0 });
      expect(hasMatMulNBits(rewritten.onnx)).toBe(false);
      // float32 against 4-bit blocks of 32 with one float32 (q4) or float16 (q4f16) scale each; nothing else is added.
      expect(rewritten.note.weightBytesAfter / rewritten.note.weightBytesBefore).toBeCloseTo(4 / (0.5 + (dtype === 'q4' ? 4 : 2) / 32), 1);
      const bytes = rewritten.externalData.reduce((a, f) => a + f.data.length, 0);
      expect(bytes).toBeLessThanOrEqual(built.externalData.length + rewritten.note.weightBytesAfter);
      const [original, after] = await Promise.all([greedy(built.model, external, built.config, 256), dtype === 'q4' ? greedy(rewritten.onnx, rewritten.externalData, built.config, 256) : []]);
      expect(original).toHaveLength(256);
      // A degenerate loop (one token over and over) would agree trivially.
      expect(new Set(original).size).toBeGreaterThan(50);
      if (dtype === 'q4') expect(agreement(after, original)).toBeGreaterThanOrEqual(0.99);
      else {
        // float16 logits tie often (11 bits of mantissa): one flipped tie sends free-running greedy down
        // another path, so q4f16 is compared position by position on the original's own continuation.
        const choices = await forcedChoices(rewritten.onnx, rewritten.externalData, built.config, original);
        expect(agreement(choices, original)).toBeGreaterThanOrEqual(0.99);
      }
    }, 60_000);
  }

  /** The projections' K × N, in graph order (q, k, v, o, gate, up, down per layer; the head). */
  const layers = Array.from({ length: SHAPE.layers }, () => {
    const { hidden: e, ffn } = SHAPE;
    return [[e, e], [e, e], [e, e], [e, e], [e, ffn], [e, ffn], [ffn, e]];
  }).flat().concat([[SHAPE.hidden, SHAPE.vocab]]);
  const int8Bytes = ([K, N]: number[]) => K * N + 4 * N;
  const upgradeBytes = ([K, N]: number[]) => 4 * K * N - int8Bytes([K, N]);
  /** Bytes of the weights that are not projections (embeddings, norms, biases), and of the packed projections. */
  function split(built: ReturnType<typeof buildGptDecoder>, external: ExternalFile[]) {
    const packed = rewriteMatMulNBits(built.model, external, { weightBudgetBytes: Infinity })!.note.weightBytesBefore;
    return { other: built.externalData.length - packed, packed };
  }

  it('q4 → int8 MatMulInteger where float32 would not fit: top-1 agrees on ≥ 90% of 256 forced positions', async () => {
    const built = buildGptDecoder(SHAPE, 'q4', livelyWeights());
    const external = [{ path: EXTERNAL_DATA_FILE, data: built.externalData }];
    const { other } = split(built, external);
    // Room for every node in int8, not one in float32 (the smallest upgrade is 12 kB).
    const rewritten = rewriteMatMulNBits(built.model, external, { weightBudgetBytes: other + layers.reduce((a, l) => a + int8Bytes(l), 0) + 1000 })!;
    expect(rewritten.note).toMatchObject({ toFloat32: 0, toInt8: PROJECTIONS, kept: 0 });
    // A quarter of float32's bytes, plus one scale per output channel.
    expect(rewritten.note.weightBytesAfter).toBeLessThan(rewritten.note.weightBytesBefore * 2.1);
    const original = await greedy(built.model, external, built.config, 256);
    // The int8 graph runs where the app runs it, on onnxruntime-web's WASM build: native onnxruntime's
    // MatMulInteger on an AVX2 CPU without VNNI saturates its u8 × s8 products (0.16 agreement here).
    const choices = await forcedChoices(rewritten.onnx, rewritten.externalData, built.config, original, webWasmSession);
    // Two roundings (4-bit, then int8 weights and int8 activations) on a model with large activations.
    expect(agreement(choices, original)).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('spends the budget on int8 for every node first, then on float32 in graph order', () => {
    const built = buildGptDecoder(SHAPE, 'q4', livelyWeights());
    const external = [{ path: EXTERNAL_DATA_FILE, data: built.externalData }];
    const { other } = split(built, external);
    const allInt8 = other + layers.reduce((a, l) => a + int8Bytes(l), 0);
    const firstLayer = layers.slice(0, 7).reduce((a, l) => a + upgradeBytes(l), 0);
    const note = rewriteMatMulNBits(built.model, external, { weightBudgetBytes: allInt8 + firstLayer + 1000 })!.note;
    expect(note).toMatchObject({ toFloat32: 7, toInt8: PROJECTIONS - 7, kept: 0 });
  });

  it('keeps the nodes not even int8 fits, and still gives a graph that runs', async () => {
    const built = buildGptDecoder(SHAPE, 'q4', livelyWeights());
    const external = [{ path: EXTERNAL_DATA_FILE, data: built.externalData }];
    const { other, packed } = split(built, external);
    expect(rewriteMatMulNBits(built.model, external, { weightBudgetBytes: 0 })).toBeNull();
    // Room for the first node in int8 only (its 4-bit bytes are given back when it is rewritten; the next needs 1.8 kB more).
    const firstPacked = (SHAPE.hidden * SHAPE.hidden) / 2 + (SHAPE.hidden * SHAPE.hidden / 32) * 4;
    const rewritten = rewriteMatMulNBits(built.model, external, { weightBudgetBytes: other + packed + int8Bytes(layers[0]) - firstPacked + 1000 })!;
    expect(rewritten.note).toMatchObject({ nodes: 1, toInt8: 1, kept: PROJECTIONS - 1 });
    expect(hasMatMulNBits(rewritten.onnx)).toBe(true);
    expect(await greedy(rewritten.onnx, rewritten.externalData, built.config, 8)).toHaveLength(8);
  }, 60_000);
});

const PROJECTIONS = SHAPE.layers * 7 + 1; // q, k, v, o, gate, up, down per layer; the output head

describe('the fixture in 4 bits (stories260k, q4 as transformers.js exports it)', () => {
  const dir = FIXTURE_MODEL_DIR;
  const json = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
  const expected = json('expected.json') as unknown as { greedy: { prompt_ids: number[]; new_ids: number[] }[] };

  it('the rewritten graph reproduces the q4 graph’s greedy ids exactly, for every reference prompt', async () => {
    const q4 = quantizeMatMulsToQ4(new Uint8Array(readFileSync(path.join(dir, 'onnx/model.onnx'))));
    expect(q4.nodes).toBeGreaterThan(30);
    const config = readDecoderConfig(json('config.json'), json('generation_config.json'), json('tokenizer_config.json'));
    const rewritten = rewriteMatMulNBits(q4.model, [])!;
    expect(rewritten.note.nodes).toBe(q4.nodes);
    const run = (onnx: Uint8Array, externalData: ExternalFile[], prompt: number[]) => nativeGreedy(onnx, externalData, config, prompt, 60);
    let differentFromFloat = 0;
    for (const reference of expected.greedy) {
      const original = await run(q4.model, [], reference.prompt_ids);
      expect(await run(rewritten.onnx, rewritten.externalData, reference.prompt_ids)).toEqual(original);
      differentFromFloat += Number(original.join() !== reference.new_ids.join());
    }
    // The q4 graph is a different model from the float32 one: a test that could not tell them apart would prove nothing.
    expect(differentFromFloat).toBeGreaterThan(0);
  }, 60_000);
});
