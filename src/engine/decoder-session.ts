/**
 * One decoder graph and how to feed it. Exports differ (position_ids or not, logits_to_keep,
 * fp16 caches, int32 ids), so the feeds are built from what the graph declares, never assumed.
 */
import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../core/protocol';
import type { DecoderConfig } from '../core/model-config';
import { KvCache, type PastSlot } from './kv-cache';
import { ModelFormatError } from '../core/errors';

type Ort = typeof Ort;
type TensorType = Ort.Tensor.Type;

const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIX = 'present.';

export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export class DecoderSession {
  private readonly inputTypes = new Map<string, TensorType>();
  private readonly pastSlots: PastSlot[];
  private readonly logitsName: string;
  private readonly fetches: string[];
  /** Device-to-host reads so far (logits read back from a GPU buffer); the benchmark reports it per token. */
  deviceReads = 0;

  private constructor(
    private readonly ort: Ort,
    private readonly session: Ort.InferenceSession,
    readonly backend: Backend,
    private readonly config: DecoderConfig,
  ) {
    for (const meta of session.inputMetadata) {
      if (meta.isTensor) this.inputTypes.set(meta.name, meta.type);
    }
    this.pastSlots = session.inputNames
      .filter((name) => name.startsWith(PAST_PREFIX))
      .map((input) => ({ input, output: PRESENT_PREFIX + input.slice(PAST_PREFIX.length) }));
    for (const slot of this.pastSlots) {
      if (!session.outputNames.includes(slot.output)) {
        throw new ModelFormatError('onnx/model.onnx', `it has the input ${slot.input} but no output ${slot.output} to feed it`);
      }
    }
    const logits = session.outputNames.find((name) => name === 'logits') ?? session.outputNames.find((n) => !n.startsWith(PRESENT_PREFIX));
    if (!logits) throw new ModelFormatError('onnx/model.onnx', 'it has no logits output');
    this.logitsName = logits;
    // Only what the loop uses is fetched: exports with extra outputs (attentions) cost nothing.
    this.fetches = [logits, ...this.pastSlots.map((s) => s.output)];
    const known = new Set(['input_ids', 'attention_mask', 'position_ids', 'num_logits_to_keep', 'logits_to_keep', 'use_cache_branch', 'token_type_ids']);
    const unknown = session.inputNames.filter((name) => !known.has(name) && !name.startsWith(PAST_PREFIX));
    if (unknown.length) throw new ModelFormatError('onnx/model.onnx', `it needs inputs this engine cannot fill: ${unknown.join(', ')}`);
    if (!session.inputNames.includes('input_ids')) throw new ModelFormatError('onnx/model.onnx', 'it has no input_ids input; is it a text decoder?');
  }

  static async create(
    ort: Ort,
    model: Uint8Array,
    externalData: { path: string; data: Uint8Array }[],
    backend: Backend,
    config: DecoderConfig,
    /** `executionProvider` overrides the backend's: the benchmark runs this class on onnxruntime-node ('cpu'). */
    options: { executionProvider?: string } = {},
  ): Promise<DecoderSession> {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [options.executionProvider ?? backend],
      graphOptimizationLevel: 'all',
      externalData: externalData.length ? externalData : undefined,
      // Keep every output on the GPU: the KV cache goes straight back in, and only logits are read.
      preferredOutputLocation: backend === 'webgpu' ? 'gpu-buffer' : undefined,
    });
    try {
      return new DecoderSession(ort, session, backend, config);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  newCache(): KvCache {
    return new KvCache(this.pastSlots, (input) => {
      const meta = this.session.inputMetadata.find((m) => m.name === input);
      const shape = meta?.isTensor ? meta.shape : [];
      const heads = typeof shape[1] === 'number' ? shape[1] : this.config.numKvHeads;
      const headDim = typeof shape[3] === 'number' ? shape[3] : this.config.headDim;
      const type = this.inputTypes.get(input) === 'float16' ? 'float16' : 'float32';
      return new this.ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, heads, 0, headDim]);
    });
  }

  private intTensor(name: string, values: number[], dims: number[]): Ort.Tensor {
    if (this.inputTypes.get(name) === 'int32') return new this.ort.Tensor('int32', Int32Array.from(values), dims);
    return new this.ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
  }

  /** Runs `ids` after what the cache holds; returns the logits of the last position. */
  async forward(ids: number[], cache: KvCache): Promise<Float32Array> {
    const past = cache.length;
    const total = past + ids.length;
    const feeds: Record<string, Ort.Tensor> = { ...cache.feeds() };
    for (const name of this.session.inputNames) {
      if (name.startsWith(PAST_PREFIX)) continue;
      switch (name) {
        case 'input_ids':
          feeds[name] = this.intTensor(name, ids, [1, ids.length]);
          break;
        case 'attention_mask':
          feeds[name] = this.intTensor(name, new Array<number>(total).fill(1), [1, total]);
          break;
        case 'position_ids':
          feeds[name] = this.intTensor(name, ids.map((_, i) => past + i), [1, ids.length]);
          break;
        case 'token_type_ids':
          feeds[name] = this.intTensor(name, new Array<number>(ids.length).fill(0), [1, ids.length]);
          break;
        case 'num_logits_to_keep':
        case 'logits_to_keep': {
          const meta = this.session.inputMetadata.find((m) => m.name === name);
          const scalar = meta?.isTensor && meta.shape.length === 0;
          feeds[name] = this.intTensor(name, [1], scalar ? [] : [1]);
          break;
        }
        case 'use_cache_branch':
          feeds[name] = new this.ort.Tensor('bool', [past > 0], [1]);
          break;
      }
    }
    const outputs = await this.session.run(feeds, this.fetches);
    const logitsTensor = outputs[this.logitsName];
    try {
      // A tensor left on the GPU costs one device-to-host read here; the benchmark reports the count.
      if (logitsTensor.location !== 'cpu') this.deviceReads++;
      const data = await logitsTensor.getData();
      const vocab = logitsTensor.dims[logitsTensor.dims.length - 1];
      const offset = data.length - vocab; // last position, whatever logits_to_keep did
      const last = new Float32Array(vocab);
      if (data instanceof Float32Array) {
        last.set(data.subarray(offset, offset + vocab));
      } else if (data instanceof Uint16Array) {
        // fp16 logits arrive as raw bits where the browser has no Float16Array.
        for (let i = 0; i < vocab; i++) last[i] = float16ToFloat32(data[offset + i]);
      } else {
        const values = data as unknown as ArrayLike<number>;
        for (let i = 0; i < vocab; i++) last[i] = Number(values[offset + i]);
      }
      return last;
    } finally {
      logitsTensor.dispose();
      cache.advance(outputs, ids.length);
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
