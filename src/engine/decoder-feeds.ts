/**
 * The decoder's non-cache inputs: which graph input is filled how, and the integer buffers that
 * hold them (decoder-session.ts plans them once per session).
 */
/** Integer buffers that grow in large steps and are handed to tensors as views, so a step allocates none. */
export class IntBuffer {
  private data: Int32Array | BigInt64Array;

  constructor(
    private readonly type: 'int32' | 'int64',
    /** Written into every new slot: the attention mask is all ones and never changes. */
    private readonly fill: number | null = null,
  ) {
    this.data = this.allocate(0);
  }

  private allocate(size: number): Int32Array | BigInt64Array {
    const data = this.type === 'int32' ? new Int32Array(size) : new BigInt64Array(size);
    if (this.fill !== null) {
      if (data instanceof Int32Array) data.fill(this.fill);
      else data.fill(BigInt(this.fill));
    }
    return data;
  }

  /** A view of the first `size` slots, grown by doubling (at least 1,024) when it is too small. */
  view(size: number): Int32Array | BigInt64Array {
    if (this.data.length < size) this.data = this.allocate(Math.max(size, this.data.length * 2, 1024));
    return this.data.subarray(0, size);
  }

  /** Writes `values(i)` for i < size into a view and returns it. */
  write(size: number, values: (i: number) => number): Int32Array | BigInt64Array {
    const view = this.view(size);
    if (view instanceof Int32Array) for (let i = 0; i < size; i++) view[i] = values(i);
    else for (let i = 0; i < size; i++) view[i] = BigInt(values(i));
    return view;
  }
}

/** How one graph input is filled each step, decided once per session. */
export type FeedKind = 'input_ids' | 'attention_mask' | 'position_ids' | 'token_type_ids' | 'logits_to_keep' | 'use_cache_branch' | 'seqlens_k';

export const FEED_KINDS: Readonly<Record<string, FeedKind>> = {
  input_ids: 'input_ids',
  attention_mask: 'attention_mask',
  position_ids: 'position_ids',
  token_type_ids: 'token_type_ids',
  num_logits_to_keep: 'logits_to_keep',
  logits_to_keep: 'logits_to_keep',
  use_cache_branch: 'use_cache_branch',
  // Added on WebGPU by graph/seqlens-input.ts: the tokens held after the step, minus one.
  seqlens_k: 'seqlens_k',
};

export interface PlannedFeed {
  name: string;
  kind: FeedKind;
  type: 'int32' | 'int64';
  buffer: IntBuffer;
}
