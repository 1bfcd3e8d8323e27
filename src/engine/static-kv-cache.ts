/**
 * A fixed-capacity KV cache on WebGPU: one GPU buffer per layer's keys and one per its values, each
 * `[1, kv_heads, capacity, head_dim]`, fed as `past_key_values.*` and bound as the pre-allocated
 * `present.*` output of the same step. GroupQueryAttention on onnxruntime-web's native WebGPU EP
 * sees the past and present share one buffer (same data pointer) and writes only the new positions
 * into it, in place (onnxruntime contrib_ops/webgpu/bert/group_query_attention.cc,
 * `past_present_share_buffer_`); the positions it reads are those `seqlens_k` (Σ attention_mask − 1)
 * counts, never the capacity. So a decode step copies nothing and allocates nothing, at any context.
 *
 * Only graphs whose every past input and present output is GroupQueryAttention's own get it (what the
 * load-time fusions produce, and genai-style exports): anything else between them would read the
 * whole capacity as if it were the past. The buffers are made once per session and handed from one
 * cache to the next (a chat's turns, the benchmark's runs); a cache holds them until disposed.
 */
import type * as Ort from 'onnxruntime-web';
import type { GraphIndex } from './graph/onnx-graph';
import { KvCache, type PastSlot } from './kv-cache';

type Ort = typeof Ort;

// GPUBufferUsage values, spelled out so the module loads where WebGPU is absent (tests, Node).
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const STORAGE = 0x0080;

/** The most tokens a static cache holds (longer contexts are capped: 4,096 covers every chat this app runs in a browser). */
export const STATIC_KV_MAX_CAPACITY = 4096;

/**
 * Whether every past input is read by exactly one node, a GroupQueryAttention, as its past key or value
 * (input 3 or 4), and the matching present output is that same node's present key or value (output 1
 * or 2), and nothing else reads or returns either: then the two can share one buffer.
 */
export function pastFeedsOnlyGroupQueryAttention(graph: GraphIndex, slots: readonly PastSlot[]): boolean {
  if (!slots.length) return false;
  const readers = new Map<string, number>();
  /** past input → the present output the same GroupQueryAttention writes for it. */
  const pairs = new Map<string, string>();
  for (const { value: node } of graph.nodes) {
    for (const name of [...node.inputs, ...node.subgraphInputs]) if (name) readers.set(name, (readers.get(name) ?? 0) + 1);
    if (node.op !== 'GroupQueryAttention') continue;
    if (node.inputs[3] && node.outputs[1]) pairs.set(node.inputs[3], node.outputs[1]);
    if (node.inputs[4] && node.outputs[2]) pairs.set(node.inputs[4], node.outputs[2]);
  }
  return slots.every((slot) => pairs.get(slot.input) === slot.output && readers.get(slot.input) === 1 && !readers.has(slot.output)
    && !graph.outputs.includes(slot.input));
}

/** What each past input looks like: its element type and heads × head_dim. */
export interface SlotShape {
  slot: PastSlot;
  type: 'float32' | 'float16';
  heads: number;
  headDim: number;
}

/** One buffer per slot, at the capacity. */
type BufferSet = GPUBuffer[];

/** The session's buffers for static caches: made once, reused by each cache in turn, freed with the session. */
export class StaticKvPool {
  private readonly free: BufferSet[] = [];
  private readonly all: BufferSet[] = [];

  constructor(
    private readonly ort: Ort,
    private readonly device: GPUDevice,
    private readonly shapes: readonly SlotShape[],
    readonly capacity: number,
  ) {}

  /** Bytes of one slot's buffer. */
  static slotBytes(shape: SlotShape, capacity: number): number {
    return shape.heads * capacity * shape.headDim * (shape.type === 'float16' ? 2 : 4);
  }

  newCache(): StaticKvCache {
    let set = this.free.pop();
    if (!set) {
      set = this.shapes.map((shape) => this.device.createBuffer({ size: StaticKvPool.slotBytes(shape, this.capacity), usage: STORAGE | COPY_SRC | COPY_DST }));
      this.all.push(set);
    }
    const tensors = new Map<string, Ort.Tensor>();
    this.shapes.forEach((shape, i) => {
      tensors.set(shape.slot.input, this.ort.Tensor.fromGpuBuffer(set[i], { dataType: shape.type, dims: [1, shape.heads, this.capacity, shape.headDim] }));
    });
    return new StaticKvCache(this.shapes.map((s) => s.slot), tensors, this.capacity, () => this.free.push(set));
  }

  /** Frees every buffer (session released): caches still out must not be used again. */
  destroy(): void {
    for (const set of this.all) for (const buffer of set) buffer.destroy();
    this.all.length = 0;
    this.free.length = 0;
  }
}

export class StaticKvCache extends KvCache {
  /** The step's fetches: each present output bound to the buffer its past is fed from. */
  readonly presentOutputs: Record<string, Ort.Tensor> = {};
  private released = false;

  constructor(
    slots: readonly PastSlot[],
    tensors: ReadonlyMap<string, Ort.Tensor>,
    /** Tokens the buffers hold at most. */
    readonly capacity: number,
    private readonly release: () => void,
  ) {
    // Never cut by copying: `truncate` below only moves the count.
    super(slots, (input) => tensors.get(input)!, () => {
      throw new Error('a fixed-capacity KV cache is cut in place, never copied');
    });
    for (const slot of slots) this.presentOutputs[slot.output] = tensors.get(slot.input)!;
  }

  /** The step wrote its new positions in place: only the count moves. Nothing to release. */
  override advance(_outputs: Record<string, Ort.Tensor>, newTokens: number): void {
    if (this.length + newTokens > this.capacity) throw new Error(`the KV cache holds ${this.capacity} tokens; ${this.length + newTokens} were fed`);
    this.length += newTokens;
  }

  /** Rolls back to `length` tokens: the next step writes its positions over the dropped ones, in place. */
  override async truncate(length: number): Promise<void> {
    if (!Number.isInteger(length) || length < 0 || length > this.length) throw new RangeError(`cannot truncate a cache of ${this.length} tokens to ${length}`);
    this.length = length;
  }

  /** Gives the buffers back to the session's pool (exactly once) for the next cache. */
  override dispose(): void {
    this.length = 0;
    if (this.released) return;
    this.released = true;
    this.release();
  }
}
