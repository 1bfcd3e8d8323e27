/**
 * The WASM KV cache for graphs that output only their new keys and values (graph/emit-new-kv.ts):
 * the engine owns one buffer per past input, laid out as the attention reads its past,
 * [1, kv heads, capacity, head dim], appends each step's new rows into it, and passes the whole
 * buffer as the past. GroupQueryAttention reads a right-padded past (its valid rows come from
 * `seqlens_k`), so the rows past `length` are never read. A step allocates nothing here: the
 * buffers and the tensors over them are made again only when the capacity grows.
 *
 * The runtime still copies each input into its own memory before a run (onnxruntime-web's WASM
 * build has no other path for CPU data), so the capacity grows in steps of a sixteenth (at least 16
 * rows) rather than doubling: the past copied in is at most about 6 % larger than the cache, and a
 * growth (one copy of the held rows) comes every capacity/16 tokens.
 *
 * `truncate` rolls the cache back to an earlier length (speculative decoding's rejected draft).
 */
import type { Tensor } from 'onnxruntime-web';
import type { DecoderCache, PastSlot } from './kv-cache';

type Rows = Float32Array | Uint16Array;

export interface AppendLayout {
  type: 'float32' | 'float16';
  /** Key/value heads and head size of every past input. */
  heads: number;
  headDim: number;
  /** Builds a CPU tensor over `data` (the runtime's Tensor constructor). */
  tensor: (type: 'float32' | 'float16', data: Rows, dims: number[]) => Tensor;
}

/** Rows added when the buffers grow: a sixteenth of the capacity, at least this many. */
const MIN_GROWTH_ROWS = 16;

export class AppendKvCache implements DecoderCache {
  /** Tokens held in the cache. */
  length = 0;
  private capacity = 0;
  private buffers: Rows[];
  private tensors: Tensor[];
  /** For each slot: true for a key (`….key`), whose rows sit before the value's in a packed q/k/v output. */
  private readonly isKey: boolean[];
  /** The outputs read each step, each once (a packed `new_kv.N.qkv` feeds both of a layer's slots). */
  private readonly outputNames: string[];

  constructor(
    /** `output` is the graph's `new_kv.*` output that feeds the slot's `past_key_values.*` input. */
    private readonly slots: readonly PastSlot[],
    private readonly layout: AppendLayout,
  ) {
    this.isKey = slots.map((s) => s.input.endsWith('.key'));
    this.outputNames = [...new Set(slots.map((s) => s.output))];
    this.buffers = slots.map(() => this.allocate(0));
    this.tensors = this.buffers.map((data) => this.tensorOver(data, 0));
  }

  private allocate(capacity: number): Rows {
    const size = this.layout.heads * capacity * this.layout.headDim;
    return this.layout.type === 'float16' ? new Uint16Array(size) : new Float32Array(size);
  }

  private tensorOver(data: Rows, capacity: number): Tensor {
    return this.layout.tensor(this.layout.type, data, [1, this.layout.heads, capacity, this.layout.headDim]);
  }

  /** Rows the buffers hold room for. */
  get capacityRows(): number {
    return this.capacity;
  }

  /**
   * onnxruntime 1.31's GroupQueryAttention takes a past either exactly as long as the tokens held (a
   * growing cache) or long enough for the step too (a static one); a buffer in between is refused, so
   * a step of several tokens first grows it.
   */
  reserve(newTokens: number): void {
    const total = this.length + newTokens;
    if (this.capacity > this.length && this.capacity < total) this.grow(total);
  }

  writeFeeds(feeds: Record<string, Tensor>): void {
    for (let i = 0; i < this.slots.length; i++) feeds[this.slots[i].input] = this.tensors[i];
  }

  /** Appends the step's new rows (outputs `new_kv.*`, [1, new positions, width]) and releases those outputs. */
  advance(outputs: Record<string, Tensor>, newTokens: number): void {
    const total = this.length + newTokens;
    if (total > this.capacity) this.grow(total);
    const { heads, headDim } = this.layout;
    const kvWidth = heads * headDim;
    const stride = this.capacity * headDim;
    for (let i = 0; i < this.slots.length; i++) {
      const output = outputs[this.slots[i].output];
      const rows = bitsOf(output.data as Rows);
      const width = output.dims[2];
      if (output.dims.length !== 3 || output.dims[1] !== newTokens || (width !== kvWidth && width < 3 * kvWidth)) {
        throw new Error(`${this.slots[i].output} has shape [${output.dims.join(', ')}], not [1, ${newTokens}, ${kvWidth}] or a packed q/k/v`);
      }
      // Packed q/k/v: [q | k | v] per position; otherwise the key or value alone.
      const offset = width === kvWidth ? 0 : width - (this.isKey[i] ? 2 : 1) * kvWidth;
      const buffer = this.buffers[i];
      for (let s = 0; s < newTokens; s++) {
        const from = s * width + offset;
        const row = (this.length + s) * headDim;
        for (let h = 0; h < heads; h++) {
          const src = from + h * headDim;
          const dst = h * stride + row;
          for (let j = 0; j < headDim; j++) buffer[dst + j] = rows[src + j];
        }
      }
    }
    for (const name of this.outputNames) outputs[name].dispose();
    this.length = total;
  }

  /** New buffers of a larger capacity, the held rows copied into them (each head's rows move). */
  private grow(needed: number): void {
    const step = Math.max(MIN_GROWTH_ROWS, this.capacity >> 4);
    const capacity = Math.ceil(needed / step) * step;
    const { heads, headDim } = this.layout;
    const used = this.length * headDim;
    this.buffers = this.buffers.map((old) => {
      const next = this.allocate(capacity);
      for (let h = 0; h < heads; h++) next.set(old.subarray(h * this.capacity * headDim, h * this.capacity * headDim + used), h * capacity * headDim);
      return next;
    });
    this.capacity = capacity;
    this.tensors = this.buffers.map((data) => this.tensorOver(data, capacity));
  }

  /** Forgets every token from `length` on; the next step writes over them. */
  truncate(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.length) throw new RangeError(`cannot truncate a cache of ${this.length} tokens to ${length}`);
    this.length = length;
  }

  /** Bytes of the tokens the cache holds (what the architecture panel shows growing), not of its spare room. */
  get byteSize(): number {
    const perElement = this.layout.type === 'float16' ? 2 : 4;
    return this.slots.length * this.length * this.layout.heads * this.layout.headDim * perElement;
  }

  dispose(): void {
    this.buffers = this.slots.map(() => this.allocate(0));
    this.tensors = this.buffers.map((data) => this.tensorOver(data, 0));
    this.capacity = 0;
    this.length = 0;
  }
}

/** fp16 rows may arrive as a Float16Array (where the browser has one): copy their bits, not their values. */
function bitsOf(data: Rows): Rows {
  return data instanceof Float32Array || data instanceof Uint16Array ? data : new Uint16Array((data as ArrayBufferView).buffer, (data as ArrayBufferView).byteOffset, (data as Rows).length);
}
