/**
 * One decoder graph and how to feed it. Exports differ (position_ids or not, logits_to_keep,
 * fp16 caches, int32 ids), so the feeds are planned once from what the graph declares, never assumed;
 * each step then only fills reused buffers.
 */
import { SESSION_LOG_SEVERITY } from './session-log';
import type * as Ort from 'onnxruntime-web';
import type { Backend, KvCacheNote, WebGpuEngineNote } from '../core/protocol';
import type { DecoderConfig } from '../core/model-config';
import { KvCache, type DecoderCache, type PastSlot } from './kv-cache';
import { AppendKvCache } from './append-kv-cache';
import { NEW_KV_PREFIX, newKvOutputFor } from './graph/emit-new-kv';
import { GpuTopPicker, runtimeDevice } from './gpu-pick';
import { STATIC_KV_MAX_CAPACITY, StaticKvCache, StaticKvPool, pastFeedsOnlyGroupQueryAttention, type SlotShape } from './static-kv-cache';
import { readGraph, type GraphIndex } from './graph/onnx-graph';
import { FEED_KINDS, IntBuffer, type PlannedFeed } from './decoder-feeds';
import { kernelSize } from './gpu-pick-kernel';
import { GpuStepInputs, gpuFedInputs } from './gpu-step-inputs';
import type { DrawRequest, DrawnToken, StepLogits } from './sampling';
import { GpuSampler } from './gpu-sampler';
import { ModelFormatError } from '../core/errors';
import { lastRows } from './logits-rows';

type Ort = typeof Ort;
type TensorType = Ort.Tensor.Type;

const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIX = 'present.';

/**
 * The fixed-capacity KV cache is off unless asked for (the benchmark's `--static-kv`): on onnxruntime-web
 * 1.31.1 it decoded the fixture at 0.55× transformers.js's speed where the growing cache ran at 1.06×
 * (SwiftShader, docs/benchmarks.md): its attention's cost follows the capacity, not the tokens held, and
 * without graph capture (not possible on 1.31.1) nothing pays that back. Re-measured once the small
 * inputs moved to GPU buffers: separate runs under load, inconclusive (docs/benchmarks.md), so still off.
 */
export const STATIC_KV_BY_DEFAULT = false;
/** The most new tokens one step gives GroupQueryAttention on WebGPU (see `DecoderSession.run`). */
export const GQA_WEBGPU_PREFILL_CHUNK = 8;

/**
 * The native WebGPU EP creates a new upload buffer for every CPU input of every run unless told to
 * keep them (its default cache mode is 'disabled'): 'bucket' reuses them, as it does storage buffers.
 */
const WEBGPU_EP_OPTIONS = { name: 'webgpu', defaultBufferCacheMode: 'bucket', uniformBufferCacheMode: 'bucket' } as const;

/** How a decoder's session is built (`DecoderSession.create`, and the lesson's one shared session). */
export function decoderSessionOptions(
  backend: Backend, externalData: { path: string; data: Uint8Array }[], executionProvider?: string,
): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [executionProvider ?? (backend === 'webgpu' ? WEBGPU_EP_OPTIONS : backend)],
    graphOptimizationLevel: 'all',
    logSeverityLevel: SESSION_LOG_SEVERITY,
    externalData: externalData.length ? externalData : undefined,
    // Keep every output on the GPU: the KV cache goes straight back in, and only logits are read.
    preferredOutputLocation: backend === 'webgpu' ? 'gpu-buffer' : undefined,
  };
}

export class DecoderSession {
  private readonly inputTypes = new Map<string, TensorType>();
  private readonly pastSlots: PastSlot[];
  /**
   * How the past reaches the next step: 'append' where the graph outputs only its new keys and values
   * (`new_kv.*`, graph/emit-new-kv.ts) and the engine keeps the cache; 'present' where the runtime's
   * `present.*` outputs are fed back as they are. The benchmark records it.
   */
  readonly kvPath: 'append' | 'present';
  private readonly logitsName: string;
  private readonly fetches: string[];
  /** The non-cache inputs in graph order, with a buffer each. */
  private readonly plan: PlannedFeed[];
  /** One feeds object for every step: the same keys are overwritten, never spread into a new object. */
  private readonly feeds: Record<string, Ort.Tensor> = {};
  /** Constant inputs, made once: logits_to_keep = 1, and use_cache_branch for an empty and a filled cache. */
  private readonly constants = new Map<string, Ort.Tensor>();
  private readonly cacheBranch: { empty: Ort.Tensor; filled: Ort.Tensor } | null = null;
  /** Device-to-host reads so far (logits read back from a GPU buffer); the benchmark reports it per token. */
  deviceReads = 0;
  /** Picks the largest logits on the GPU and reads back only those (WebGPU; null on WASM). */
  private picker: GpuTopPicker | null = null;
  /** Draws the token on the GPU for every other sampling setting, reading back its id alone (WebGPU; null on WASM). */
  private sampler: GpuSampler | null = null;
  /** WebGPU: the buffers of the fixed-capacity KV cache, where the graph and the adapter allow one. */
  private staticKv: StaticKvPool | null = null;
  /** How the KV cache is held (WebGPU); absent on WASM and where the session was built elsewhere. */
  kvCacheNote: KvCacheNote | undefined;
  /** WebGPU graphs with GroupQueryAttention take at most this many new tokens a step (see `run`); null: any number. */
  private prefillChunk: number | null = null;
  /** WebGPU: input_ids, position_ids and seqlens_k as GPU tensors written in place, so a step creates no upload buffer. */
  private gpuInputs: GpuStepInputs | null = null;
  /** Each static cache's fetches: logits as the session prefers, present.* bound to the cache's buffers. */
  private readonly staticFetches = new WeakMap<StaticKvCache, Record<string, Ort.Tensor | null>>();

  private constructor(
    private readonly ort: Ort,
    private readonly session: Ort.InferenceSession,
    readonly backend: Backend,
    private readonly config: DecoderConfig,
    /** The graph's file in the model folder, named in every error about it. */
    readonly onnxFile: string,
  ) {
    for (const meta of session.inputMetadata) {
      if (meta.isTensor) this.inputTypes.set(meta.name, meta.type);
    }
    const pastInputs = session.inputNames.filter((name) => name.startsWith(PAST_PREFIX));
    const appendOutputs = pastInputs.map((input) => newKvOutputFor(input, session.outputNames));
    this.kvPath = pastInputs.length > 0 && appendOutputs.every((name) => name !== null) ? 'append' : 'present';
    this.pastSlots = pastInputs.map((input, i) => ({ input, output: this.kvPath === 'append' ? appendOutputs[i]! : PRESENT_PREFIX + input.slice(PAST_PREFIX.length) }));
    for (const slot of this.pastSlots) {
      if (!session.outputNames.includes(slot.output)) {
        throw new ModelFormatError(onnxFile, `it has the input ${slot.input} but no output ${slot.output} to feed it`);
      }
    }
    const logits = session.outputNames.find((name) => name === 'logits') ?? session.outputNames.find((n) => !n.startsWith(PRESENT_PREFIX) && !n.startsWith(NEW_KV_PREFIX));
    if (!logits) throw new ModelFormatError(onnxFile, 'it has no logits output');
    this.logitsName = logits;
    // Only what the loop uses is fetched: exports with extra outputs (attentions) cost nothing.
    this.fetches = [logits, ...new Set(this.pastSlots.map((s) => s.output))];
    const unknown = session.inputNames.filter((name) => !(name in FEED_KINDS) && !name.startsWith(PAST_PREFIX));
    if (unknown.length) throw new ModelFormatError(onnxFile, `it needs inputs this engine cannot fill: ${unknown.join(', ')}`);
    if (!session.inputNames.includes('input_ids')) throw new ModelFormatError(onnxFile, 'it has no input_ids input; is it a text decoder?');

    this.plan = [];
    for (const name of session.inputNames) {
      const kind = FEED_KINDS[name];
      if (!kind) continue;
      const type = this.inputTypes.get(name) === 'int32' ? 'int32' : 'int64';
      if (kind === 'logits_to_keep') {
        const meta = session.inputMetadata.find((m) => m.name === name);
        const scalar = meta?.isTensor && meta.shape.length === 0;
        this.constants.set(name, new ort.Tensor(type, new IntBuffer(type, 1).view(1), scalar ? [] : [1]));
      } else if (kind === 'use_cache_branch') {
        this.cacheBranch = { empty: new ort.Tensor('bool', [false], [1]), filled: new ort.Tensor('bool', [true], [1]) };
      } else {
        this.plan.push({ name, kind, type, buffer: new IntBuffer(type, kind === 'attention_mask' ? 1 : kind === 'token_type_ids' ? 0 : null) });
      }
    }
    for (const [name, tensor] of this.constants) this.feeds[name] = tensor;
  }

  static async create(
    ort: Ort,
    model: Uint8Array,
    externalData: { path: string; data: Uint8Array }[],
    backend: Backend,
    config: DecoderConfig,
    /**
     * `executionProvider` overrides the backend's: the benchmark runs this class on onnxruntime-node ('cpu').
     * `onnxFile`: the graph's path in the model folder (default onnx/model.onnx), for error messages.
     */
    options: { executionProvider?: string; onnxFile?: string; staticKvCache?: boolean } = {},
  ): Promise<DecoderSession> {
    const session = await ort.InferenceSession.create(model, decoderSessionOptions(backend, externalData, options.executionProvider));
    try {
      const decoder = new DecoderSession(ort, session, backend, config, options.onnxFile ?? 'onnx/model.onnx');
      if (backend === 'webgpu' && !options.executionProvider) {
        const device = await runtimeDevice(ort);
        const graph = readGraph(model);
        if (graph.nodes.some((n) => n.value.op === 'GroupQueryAttention')) decoder.prefillChunk = GQA_WEBGPU_PREFILL_CHUNK;
        decoder.picker = await GpuTopPicker.create(ort);
        if (device) {
          decoder.gpuInputs = new GpuStepInputs(ort, device, new Set(gpuFedInputs(graph, session.inputNames)));
          decoder.sampler = new GpuSampler(device);
        }
        decoder.kvCacheNote = device ? decoder.planStaticCache(graph, device, options.staticKvCache ?? STATIC_KV_BY_DEFAULT) : undefined;
      }
      return decoder;
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * Wraps a session built elsewhere, with `create`'s options: the lesson's decoder runs its cached
   * steps and its whole-sentence attention pass on one session. The caller releases the session.
   */
  static over(ort: Ort, session: Ort.InferenceSession, backend: Backend, config: DecoderConfig, onnxFile = 'onnx/model.onnx'): DecoderSession {
    return new DecoderSession(ort, session, backend, config, onnxFile);
  }

  /**
   * Sets up the fixed-capacity cache where it can be used: the graph's past and present meet only in
   * GroupQueryAttention, and one layer's buffer at the capacity fits the adapter's limits.
   */
  private planStaticCache(graph: GraphIndex, device: GPUDevice, wanted: boolean): KvCacheNote {
    if (!wanted) return { kind: 'growing', reason: 'off' };
    if (!pastFeedsOnlyGroupQueryAttention(graph, this.pastSlots)) return { kind: 'growing', reason: 'no-group-query-attention' };
    const capacity = Math.min(this.config.contextLength, STATIC_KV_MAX_CAPACITY);
    const shapes: SlotShape[] = this.pastSlots.map((slot) => ({ slot, ...this.pastLayout(slot.input) }));
    const largest = Math.max(...shapes.map((shape) => StaticKvPool.slotBytes(shape, capacity)));
    if (largest > device.limits.maxStorageBufferBindingSize || largest > device.limits.maxBufferSize) return { kind: 'growing', reason: 'adapter-limit' };
    this.staticKv = new StaticKvPool(this.ort, device, shapes, capacity);
    return { kind: 'static', capacity };
  }

  /** Which WebGPU levers this session uses (the benchmark records it); undefined off WebGPU. */
  get webgpuEngine(): WebGpuEngineNote | undefined {
    if (!this.kvCacheNote) return undefined;
    return { kvCache: this.kvCacheNote, gpuPick: this.picker !== null && this.picker.disabledReason === null, graphCapture: false };
  }

  /** Tokens a conversation can hold: the model's context, or the static cache's capacity where that is smaller. */
  get contextLength(): number {
    return this.staticKv ? Math.min(this.staticKv.capacity, this.config.contextLength) : this.config.contextLength;
  }

  /** Heads, head size and element type of a past input, from the graph where it says, else from the config. */
  private pastLayout(input: string): { heads: number; headDim: number; type: 'float32' | 'float16' } {
    const meta = this.session.inputMetadata.find((m) => m.name === input);
    const shape = meta?.isTensor ? meta.shape : [];
    return {
      heads: typeof shape[1] === 'number' ? shape[1] : this.config.numKvHeads,
      headDim: typeof shape[3] === 'number' ? shape[3] : this.config.headDim,
      type: this.inputTypes.get(input) === 'float16' ? 'float16' : 'float32',
    };
  }

  /** The graph takes or gives fp16 tensors (fp16 / q4f16 exports): WebGPU needs shader-f16 for it. */
  get usesFloat16(): boolean {
    return sessionUsesFloat16(this.session);
  }

  newCache(): DecoderCache {
    if (this.staticKv) {
      const cache = this.staticKv.newCache();
      this.staticFetches.set(cache, { [this.logitsName]: null, ...cache.presentOutputs });
      return cache;
    }
    const layout = (input: string) => this.pastLayout(input);
    if (this.kvPath === 'append' && this.pastSlots.length) {
      return new AppendKvCache(this.pastSlots, { ...layout(this.pastSlots[0].input), tensor: (type, data, dims) => new this.ort.Tensor(type, data, dims) });
    }
    return new KvCache(this.pastSlots, (input) => {
      const { heads, headDim, type } = layout(input);
      return new this.ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, heads, 0, headDim]);
    }, (type, data, dims) => new this.ort.Tensor(type, data as Float32Array, dims));
  }

  /** Steps whose logits were picked, or whose token was drawn, on the GPU; the chat and the tests report it. */
  get gpuPicks(): number {
    return (this.picker?.picks ?? 0) + (this.sampler?.draws ?? 0);
  }

  /**
   * Runs `ids` after what the cache holds; returns the logits of the last position. The array is the
   * step's own (a view of what the runtime returned, not a copy): the sampler may change it in place.
   *
   * `draw` (the generation loop's request): on WebGPU, for every setting but plain greedy, the token
   * is drawn on the GPU (gpu-sampler.ts) and only its id comes back. `top`: the caller needs only that
   * many of the largest logits (`Sampler.topNeeded`); on WebGPU, with top ≤ MAX_GPU_TOP_K and fewer
   * than the vocabulary, float32 or float16 logits, they are picked on the GPU and only they come back
   * (greedy: 8 bytes). Everything else reads the whole vocabulary: WASM, and callers that ask for it.
   */
  async forward(ids: readonly number[], cache: DecoderCache): Promise<Float32Array>;
  async forward(ids: readonly number[], cache: DecoderCache, top: number | null | undefined): Promise<StepLogits>;
  async forward(ids: readonly number[], cache: DecoderCache, top: number | null | undefined, draw: DrawRequest | undefined): Promise<StepLogits | DrawnToken>;
  async forward(ids: readonly number[], cache: DecoderCache, top?: number | null, draw?: DrawRequest): Promise<StepLogits | DrawnToken> {
    const { outputs, fed } = await this.run(ids, cache, 1);
    const logitsTensor = outputs[this.logitsName];
    try {
      // A tensor left on the GPU costs one device-to-host read (picked or whole); the benchmark reports the count.
      if (logitsTensor.location !== 'cpu') this.deviceReads++;
      const vocab = logitsTensor.dims[logitsTensor.dims.length - 1];
      const elements = logitsTensor.dims.reduce((a, b) => a * b, 1);
      // Greedy without a penalty is the pick's (one pass); every other setting is drawn on the GPU.
      if (this.sampler && draw && (draw.settings.temperature > 0 || draw.settings.repetitionPenalty !== 1)) {
        const id = await this.sampler.draw(logitsTensor, elements - vocab, vocab, draw);
        if (id !== null) return { drawn: id };
      }
      if (this.picker && top && kernelSize(top) !== null && top < vocab) {
        const picked = await this.picker.pick(logitsTensor, elements - vocab, vocab, top);
        if (picked) return picked;
      }
      return (await lastRows(logitsTensor, 1))[0];
    } finally {
      logitsTensor.dispose();
      cache.advance(outputs, fed);
    }
  }

  /**
   * Runs `ids` after what the cache holds, as `forward` does, and returns the whole-vocabulary logits of
   * the last `rows` positions, in order: speculative decoding verifies its draft tokens in one call.
   */
  async forwardRows(ids: readonly number[], cache: DecoderCache, rows: number): Promise<Float32Array[]> {
    if (rows > this.maxRowsPerCall) throw new RangeError(`one call returns the logits of at most ${this.maxRowsPerCall} positions here; ${rows} were asked for`);
    const { outputs, fed } = await this.run(ids, cache, rows);
    const logitsTensor = outputs[this.logitsName];
    try {
      if (logitsTensor.location !== 'cpu') this.deviceReads++;
      return await lastRows(logitsTensor, rows);
    } finally {
      logitsTensor.dispose();
      cache.advance(outputs, fed);
    }
  }

  /**
   * Runs `ids` after the cache, asking for the logits of the last `keep` positions; the outputs are the
   * last step's. onnxruntime-web 1.31.1's WebGPU GroupQueryAttention gets a step of many new tokens
   * wrong (a prompt of 40 on the fixture: other logits than WASM's from the first token on), while steps
   * of up to GQA_WEBGPU_PREFILL_CHUNK tokens match WASM: longer runs go in such steps, the earlier ones'
   * outputs dropped and the cache moved past them; `fed` is the last step's token count (callers keep
   * `keep` within it: see `maxRowsPerCall`).
   */
  private async run(ids: readonly number[], cache: DecoderCache, keep: number): Promise<{ outputs: Ort.InferenceSession.OnnxValueMapType; fed: number }> {
    const chunk = this.prefillChunk;
    if (chunk !== null && ids.length > chunk) {
      // The last step holds the `keep` positions asked for; the ones before it go in steps of `chunk`.
      const head = ids.length - Math.max(keep, ((ids.length - 1) % chunk) + 1);
      for (let i = 0; i < head; i += chunk) {
        const step = ids.slice(i, Math.min(i + chunk, head));
        const outputs = await this.runOnce(step, cache, 1);
        outputs[this.logitsName].dispose();
        cache.advance(outputs, step.length);
      }
      ids = ids.slice(head);
    }
    return { outputs: await this.runOnce(ids, cache, keep), fed: ids.length };
  }

  /** Most positions whose logits one call can return (prompt lookup sizes its drafts by it). */
  get maxRowsPerCall(): number {
    return this.prefillChunk ?? Number.POSITIVE_INFINITY;
  }

  /** Fills the feeds for `ids` after the cache (asking for the logits of `keep` positions) and runs the graph once. */
  private async runOnce(ids: readonly number[], cache: DecoderCache, keep: number): Promise<Ort.InferenceSession.OnnxValueMapType> {
    const past = cache.length;
    const total = past + ids.length;
    const feeds = this.feeds;
    cache.reserve?.(ids.length);
    cache.writeFeeds(feeds);
    const gpu = this.gpuInputs;
    for (const { name, kind, type, buffer } of this.plan) {
      switch (kind) {
        case 'input_ids':
        case 'position_ids':
        case 'seqlens_k': {
          const values = kind === 'input_ids' ? buffer.write(ids.length, (i) => ids[i])
            : kind === 'position_ids' ? buffer.write(ids.length, (i) => past + i) : buffer.write(1, () => total - 1);
          const dims = kind === 'seqlens_k' ? [1] : [1, ids.length];
          feeds[name] = gpu?.serves(name, ids.length) ? gpu.tensor(name, type, values, dims) : new this.ort.Tensor(type, values, dims);
          break;
        }
        case 'attention_mask':
          feeds[name] = new this.ort.Tensor(type, buffer.view(total), [1, total]);
          break;
        case 'token_type_ids':
          feeds[name] = new this.ort.Tensor(type, buffer.view(ids.length), [1, ids.length]);
          break;
      }
    }
    if (this.cacheBranch) feeds.use_cache_branch = past > 0 ? this.cacheBranch.filled : this.cacheBranch.empty;
    for (const [name, tensor] of this.constants) {
      // logits_to_keep is the one constant: 1 for a step, more to verify draft tokens.
      feeds[name] = keep === 1 ? tensor : new this.ort.Tensor(tensor.type, tensor.type === 'int32' ? Int32Array.of(keep) : BigInt64Array.of(BigInt(keep)), tensor.dims);
    }
    const fetches = cache instanceof StaticKvCache ? this.staticFetches.get(cache) : undefined;
    return this.session.run(feeds, fetches ?? this.fetches);
  }

  async release(): Promise<void> {
    this.picker?.dispose();
    this.sampler?.dispose();
    this.staticKv?.destroy();
    this.gpuInputs?.destroy();
    await this.session.release();
  }
}

/** Whether a session takes or gives fp16 tensors (fp16 / q4f16 exports): WebGPU needs shader-f16 for those. */
export function sessionUsesFloat16(session: Ort.InferenceSession): boolean {
  return [...session.inputMetadata, ...session.outputMetadata].some((m) => m.isTensor && m.type === 'float16');
}
