/**
 * The KV cache between decoding steps: each step's `present.*` outputs become the next step's
 * `past_key_values.*` inputs. On WebGPU they stay on the GPU; a tensor is released as soon as the
 * step that consumed it has run, so a long chat holds exactly one cache. Whoever holds a cache (the
 * generation loop, or the engine between chat turns) disposes it exactly once.
 */
import type { Tensor } from 'onnxruntime-web';

export interface PastSlot {
  /** Graph input, e.g. `past_key_values.0.key`. */
  input: string;
  /** Graph output that feeds it next step, e.g. `present.0.key`. */
  output: string;
}

/**
 * What the decoder needs of a cache, however it holds the past: this class (the runtime's `present.*`
 * tensors), or the WASM append cache (append-kv-cache.ts) for graphs that output only new rows.
 */
export interface DecoderCache {
  /** Tokens held in the cache. */
  length: number;
  /** Makes room for a step of `newTokens` before its feeds are written (the append cache's buffers). */
  reserve?(newTokens: number): void;
  /** Puts the past into the step's feeds. */
  writeFeeds(feeds: Record<string, Tensor>): void;
  /** Takes what the step output for `newTokens` new positions. */
  advance(outputs: Record<string, Tensor>, newTokens: number): void;
  /** Bytes of the tokens held (the architecture panel's KV-cache view). */
  readonly byteSize: number;
  /** Drops every position from `length` on (prompt lookup's rejected draft tokens). */
  truncate(length: number): void | Promise<void>;
  dispose(): void;
}

export class KvCache implements DecoderCache {
  private tensors = new Map<string, Tensor>();
  /** Tokens held in the cache. */
  length = 0;

  constructor(
    private readonly slots: readonly PastSlot[],
    emptyTensor: (input: string) => Tensor,
    /** Makes a CPU tensor (`truncate` builds the kept part of each tensor with it). */
    private readonly tensorOf: (type: Tensor.Type, data: Tensor.DataType, dims: readonly number[]) => Tensor,
  ) {
    for (const slot of slots) this.tensors.set(slot.input, emptyTensor(slot.input));
  }

  /** Puts the cache's tensors into the step's feeds (the session reuses one feeds object every step). */
  writeFeeds(feeds: Record<string, Tensor>): void {
    for (const [input, tensor] of this.tensors) feeds[input] = tensor;
  }

  /** Takes the step's present tensors; releases the ones they replace. */
  advance(outputs: Record<string, Tensor>, newTokens: number): void {
    for (const slot of this.slots) {
      const next = outputs[slot.output];
      this.tensors.get(slot.input)?.dispose();
      this.tensors.set(slot.input, next);
    }
    this.length += newTokens;
  }

  /**
   * Drops every position from `length` on: the draft tokens speculative decoding rejected. Exact: the
   * kept positions are copied unchanged, per head, out of the [batch, heads, positions, headDim] tensors.
   * A tensor on the GPU is read back first and the slice goes in as a CPU tensor, which the next step
   * uploads: simple and exact, at the cost of one read of the cache per rejected draft on WebGPU.
   */
  async truncate(length: number): Promise<void> {
    if (length >= this.length) return;
    for (const [input, tensor] of this.tensors) {
      const [batch, heads, positions, headDim] = tensor.dims;
      const data = (tensor.location === 'cpu' ? tensor.data : await tensor.getData()) as Float32Array | Uint16Array;
      const rows = batch * heads;
      const kept = new (data.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(rows * length * headDim);
      for (let row = 0; row < rows; row++) {
        const from = row * positions * headDim;
        kept.set(data.subarray(from, from + length * headDim), row * length * headDim);
      }
      tensor.dispose();
      this.tensors.set(input, this.tensorOf(tensor.type, kept, [batch, heads, length, headDim]));
    }
    this.length = length;
  }

  /** Bytes the cache holds now (what the architecture panel shows growing). */
  get byteSize(): number {
    let bytes = 0;
    for (const tensor of this.tensors.values()) {
      const perElement = tensor.type === 'float16' ? 2 : 4;
      bytes += tensor.dims.reduce((a, b) => a * b, 1) * perElement;
    }
    return bytes;
  }

  dispose(): void {
    for (const tensor of this.tensors.values()) tensor.dispose();
    this.tensors.clear();
    this.length = 0;
  }
}
