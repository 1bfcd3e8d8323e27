/**
 * The WASM pass that makes a step output only its new keys and values (src/engine/graph/emit-new-kv.ts)
 * and the engine's append cache that keeps them (src/engine/append-kv-cache.ts): the same greedy tokens
 * as the graph as exported, through the app's own loop on native onnxruntime-node (CPU, the same
 * contrib-op kernels as the WASM build), on the fixture, tl-gpt, the synthetic shapes and a genai-style
 * export; the chat's kept cache on a second turn; a graph it does not recognise left as exported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitNewKv } from '../../src/engine/graph/emit-new-kv';
import { fuseDecoderGraph } from '../../src/engine/graph/fuse-decoder';
import { graphForBackend } from '../../src/engine/graph/for-backend';
import { readGraph } from '../../src/engine/graph/onnx-graph';
import { readDecoderConfig, type DecoderConfig } from '../../src/core/model-config';
import { runGenerationLoop, type LoopOptions } from '../../src/engine/generate';
import { AppendKvCache } from '../../src/engine/append-kv-cache';
import { createRng } from '../../src/core/rng';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';
import { nativeGreedy, nativeSession } from '../support/native-greedy';
import { buildGptDecoder } from '../../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES } from '../../src/bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from '../../src/bench/worker/synthetic/onnx-builder';
import { livelyWeights } from '../support/lively-weights';
import { randomDecoderWeights, type DecoderSpec } from '../support/export-fixtures/weights';
import { buildGenaiDecoder, buildOptimumDecoder } from '../support/export-fixtures/graphs';
import { exposeAttention } from '../../src/engine/graph/expose-attention';

function load(dir: string, name: string) {
  const raw = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, number>;
  return { name, onnx: new Uint8Array(readFileSync(path.join(dir, 'onnx/model.onnx'))), config: readDecoderConfig(raw, {}, {}) };
}

/** Sessions on a shared, loaded machine: generous, so a slow CPU is not mistaken for a failure. */
const SESSION_TIMEOUT_MS = 60_000;

const MODELS = [load(FIXTURE_MODEL_DIR, 'stories260k'), load(path.join(REPO_ROOT, 'models/tl-gpt'), 'tl-gpt')];

const greedy = (config: DecoderConfig, tokens: number): LoopOptions => ({
  sampling: { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 },
  maxNewTokens: tokens,
  contextLength: config.contextLength,
  eosIds: [],
  rng: createRng(0),
  isAborted: () => false,
  yieldToEvents: async () => {},
  onToken: () => false,
  keepCache: true,
});

/** Two turns through the loop, the second on the first's kept cache; returns both replies and the kept lengths. */
async function twoTurns(onnx: Uint8Array, config: DecoderConfig, first: number[], then: number[]) {
  const decoder = await nativeSession(onnx, [], config);
  try {
    const one = await runGenerationLoop(decoder, first, greedy(config, 24));
    const prompt = [...first, ...one.tokenIds, ...then];
    const two = await runGenerationLoop(decoder, prompt, greedy(config, 24), one.context);
    const bytes = two.context!.cache.byteSize;
    two.context!.cache.dispose();
    return { replies: [one.tokenIds, two.tokenIds], reused: two.reusedTokens, bytes, kvPath: decoder.kvPath };
  } finally {
    await decoder.release();
  }
}

describe.each(MODELS)('$name on the fused graph', (model) => {
  const fused = fuseDecoderGraph(model.onnx, [], { maxPositions: model.config.contextLength })!;
  const appended = emitNewKv(fused.onnx)!;

  it('outputs each layer’s new keys and values instead of present.*', () => {
    expect(appended.layers).toBe(model.config.numLayers);
    const { outputs } = readGraph(appended.onnx);
    expect(outputs.filter((o) => o.startsWith('present.'))).toEqual([]);
    expect(outputs.filter((o) => o.startsWith('new_kv.')).length).toBe(2 * model.config.numLayers);
    // The attention's own key and value tensors, renamed: no node is added.
    expect(readGraph(appended.onnx).nodes.length).toBe(readGraph(fused.onnx).nodes.length);
  });

  it('chooses the same greedy tokens as the exported graph, through a second turn on the kept cache', async () => {
    const first = [1, 403, 261, 398, 17];
    const then = [12, 99, 5];
    const [expected, actual] = await Promise.all([twoTurns(model.onnx, model.config, first, then), twoTurns(appended.onnx, model.config, first, then)]);
    expect(expected.kvPath).toBe('present');
    expect(actual.kvPath).toBe('append');
    expect(actual.replies).toEqual(expected.replies);
    expect(actual.reused).toBe(expected.reused);
    // The lesson's KV-cache view reads the same bytes either way.
    expect(actual.bytes).toBe(expected.bytes);
  }, SESSION_TIMEOUT_MS);

  it('is what graphForBackend gives WASM, and not WebGPU', () => {
    const wasm = graphForBackend('wasm', { onnx: model.onnx, externalData: [] }, { contextLength: model.config.contextLength });
    const webgpu = graphForBackend('webgpu', { onnx: model.onnx, externalData: [] }, { contextLength: model.config.contextLength });
    expect(readGraph(wasm.onnx).outputs.some((o) => o.startsWith('new_kv.'))).toBe(true);
    expect(readGraph(webgpu.onnx).outputs.some((o) => o.startsWith('new_kv.'))).toBe(false);
  });
});

describe('the benchmark’s synthetic shapes (packed q/k/v inside the attention)', () => {
  const shape = { ...SYNTHETIC_SHAPES.find((s) => s.id === 'tiny')!, vocab: 300 };
  for (const dtype of ['fp32', 'q8'] as const) {
    it(`${dtype}: the same 40 greedy tokens, growing the cache past its first capacity`, async () => {
      const built = buildGptDecoder(shape, dtype, livelyWeights());
      const externalData = [{ path: EXTERNAL_DATA_FILE, data: built.externalData }];
      const fused = fuseDecoderGraph(built.model, externalData, { maxPositions: shape.contextLength })!;
      const appended = emitNewKv(fused.onnx)!;
      expect(appended).not.toBeNull();
      if (dtype === 'fp32') expect(readGraph(appended.onnx).outputs.filter((o) => o.startsWith('new_kv.'))).toEqual(['new_kv.0.qkv', 'new_kv.1.qkv']);
      // A prompt of 70 tokens (80 rows of room), then 40 steps: the buffers grow twice while decoding.
      const prompt = Array.from({ length: 70 }, (_, i) => (i * 37 + 5) % 300);
      const expected = await nativeGreedy(built.model, externalData, built.config, prompt, 40);
      expect(new Set(expected).size, 'a reference that wanders over the vocabulary').toBeGreaterThanOrEqual(5);
      expect(await nativeGreedy(appended.onnx, externalData, built.config, prompt, 40)).toEqual(expected);
    }, SESSION_TIMEOUT_MS);
  }
});

describe('an onnxruntime-genai-style export (its own GroupQueryAttention, fp16 caches)', () => {
  it('keeps its cache in the engine, with native onnxruntime’s greedy tokens', async () => {
    const spec: DecoderSpec = { vocab: 300, hidden: 32, heads: 2, kvHeads: 1, headDim: 16, ffn: 64, layers: 2, maxPositions: 64, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false };
    const weights = randomDecoderWeights(spec, 3, Array.from({ length: 40 }, (_, i) => 20 + i * 7));
    const graph = buildGenaiDecoder(spec, weights).model;
    const appended = emitNewKv(graph)!;
    expect(appended.layers).toBe(2);
    const config = { numLayers: 2, numKvHeads: 1, headDim: 16, vocabSize: 300, contextLength: 64, eosIds: [] };
    const prompt = [3, 17, 250, 99, 4];
    expect(await nativeGreedy(appended.onnx, [], config, prompt, 30)).toEqual(await nativeGreedy(graph, [], config, prompt, 30));
  }, SESSION_TIMEOUT_MS);
});

describe('what it leaves as exported', () => {
  it('a graph whose attention is spelled out (no GroupQueryAttention): the lesson’s graph, an unfused fp16 export', () => {
    const spec: DecoderSpec = { vocab: 300, hidden: 32, heads: 2, kvHeads: 2, headDim: 16, ffn: 64, layers: 2, maxPositions: 64, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: true };
    const weights = randomDecoderWeights(spec, 3, Array.from({ length: 40 }, (_, i) => 20 + i * 7));
    expect(emitNewKv(buildOptimumDecoder(spec, weights, 'fp16').model)).toBeNull();
    const exposed = exposeAttention(MODELS[1].onnx);
    if (exposed.kind !== 'exposed') throw new Error(exposed.kind);
    expect(emitNewKv(exposed.model)).toBeNull();
  });

  it('a graph it has already rewritten', () => {
    const once = emitNewKv(fuseDecoderGraph(MODELS[1].onnx, [], { maxPositions: 512 })!.onnx)!;
    expect(emitNewKv(once.onnx)).toBeNull();
  });
});

describe('AppendKvCache', () => {
  const fakeTensor = (type: string, data: Float32Array | Uint16Array, dims: number[]) => ({ type, data, dims, dispose: () => {} }) as never;
  const slots = [{ input: 'past_key_values.0.key', output: 'new_kv.0.key' }, { input: 'past_key_values.0.value', output: 'new_kv.0.value' }];

  it('appends each head’s rows into its own buffer, passes the whole buffer as the past, and rolls back with truncate', () => {
    const cache = new AppendKvCache(slots, { type: 'float32', heads: 2, headDim: 2, tensor: fakeTensor });
    // Unpacked [1, 1, heads·headDim]: key rows (1,2 | 3,4), value rows (5,6 | 7,8).
    const step = (k: number[], v: number[]) => ({ 'new_kv.0.key': fakeTensor('float32', Float32Array.from(k), [1, 1, 4]), 'new_kv.0.value': fakeTensor('float32', Float32Array.from(v), [1, 1, 4]) });
    cache.advance(step([1, 2, 3, 4], [5, 6, 7, 8]), 1);
    cache.advance(step([9, 10, 11, 12], [13, 14, 15, 16]), 1);
    const feeds: Record<string, { data: Float32Array; dims: number[] }> = {};
    cache.writeFeeds(feeds as never);
    const capacity = cache.capacityRows;
    expect(feeds['past_key_values.0.key'].dims).toEqual([1, 2, capacity, 2]);
    const key = feeds['past_key_values.0.key'].data;
    expect([...key.subarray(0, 4)]).toEqual([1, 2, 9, 10]); // head 0, positions 0 and 1
    expect([...key.subarray(capacity * 2, capacity * 2 + 4)]).toEqual([3, 4, 11, 12]); // head 1
    expect(cache.byteSize).toBe(2 * 2 * 2 * 2 * 4);
    cache.truncate(1);
    expect(cache.length).toBe(1);
    cache.advance(step([20, 21, 22, 23], [0, 0, 0, 0]), 1);
    expect([...key.subarray(0, 4)]).toEqual([1, 2, 20, 21]);
    expect(() => cache.truncate(3)).toThrow(RangeError);
  });

  it('reads keys and values from the tail of a packed q/k/v output', () => {
    let disposed = 0;
    const packedSlots = slots.map((s) => ({ ...s, output: 'new_kv.0.qkv' }));
    const cache = new AppendKvCache(packedSlots, { type: 'float32', heads: 1, headDim: 2, tensor: fakeTensor });
    // [q (4 wide: 2 query heads) | k | v] for one position, one output for both slots, released once.
    const packed = { type: 'float32', data: Float32Array.from([0, 0, 0, 0, 7, 8, 9, 10]), dims: [1, 1, 8], dispose: () => disposed++ };
    cache.advance({ 'new_kv.0.qkv': packed as never }, 1);
    expect(disposed).toBe(1);
    const feeds: Record<string, { data: Float32Array }> = {};
    cache.writeFeeds(feeds as never);
    expect([...feeds['past_key_values.0.key'].data.subarray(0, 2)]).toEqual([7, 8]);
    expect([...feeds['past_key_values.0.value'].data.subarray(0, 2)]).toEqual([9, 10]);
  });
});
