/**
 * The WGSL kernel that picks the k largest logits of one position on the GPU, and the arithmetic around
 * it (how many to pick, which bytes of the logits buffer to bind). No WebGPU call here, so it is tested
 * without a GPU.
 *
 * One workgroup of 256 lanes: each lane keeps the k best of a strided slice of the vocabulary in
 * registers, then k rounds of a tree reduction merge the lanes' lists. The order is the CPU's exactly
 * (`topKInto`, `argmax`): larger value first, ties to the lowest id. Values are compared as integers
 * made from their bits, never as floats, so no GPU rounding or flushing of tiny values can reorder them;
 * -0 ranks as +0 and NaN as -Infinity (the CPU's `>` never prefers a NaN). fp16 logits are widened
 * to float32 bit by bit, exactly as `fromFloat16Bits` (graph/float16.ts) does on the CPU.
 */

/** The most candidates the kernel picks; top-k above this reads the whole vocabulary back. */
export const MAX_GPU_TOP_K = 64;

/** Lanes of the one workgroup. */
const LANES = 256;

/** storage buffer bindings start at multiples of this (WebGPU's minStorageBufferOffsetAlignment default, also its maximum). */
export const STORAGE_OFFSET_ALIGNMENT = 256;

/**
 * The kernel size that serves `k`: 1 for greedy, else the next power of two from 8 up, so that a
 * handful of pipelines covers every setting. Null above `MAX_GPU_TOP_K`.
 */
export function kernelSize(k: number): number | null {
  if (!Number.isInteger(k) || k < 1 || k > MAX_GPU_TOP_K) return null;
  if (k === 1) return 1;
  let size = 8;
  while (size < k) size *= 2;
  return size;
}

/** Bytes the kernel writes and the step reads back: k ids (u32), then k values (f32 bits). */
export function resultBytes(size: number): number {
  return size * 8;
}

export interface LogitsBinding {
  /** Byte offset of the binding in the logits buffer (aligned). */
  offset: number;
  /** Bytes bound (a multiple of 4, within the buffer). */
  size: number;
  /** Index of the position's first logit from the start of the binding, in elements. */
  first: number;
}

/**
 * The part of the logits buffer holding the `vocab` logits from element `start`: a long prompt's
 * logits can exceed the largest storage binding, so only the last position's are bound.
 */
export function logitsBinding(start: number, vocab: number, bytesPerElement: 2 | 4, bufferSize: number): LogitsBinding {
  const startByte = start * bytesPerElement;
  const offset = Math.floor(startByte / STORAGE_OFFSET_ALIGNMENT) * STORAGE_OFFSET_ALIGNMENT;
  const end = Math.ceil((startByte + vocab * bytesPerElement) / 4) * 4;
  return { offset, size: Math.min(end, bufferSize) - offset, first: (startByte - offset) / bytesPerElement };
}

/**
 * WGSL reading logit `i` of a `logits: array<u32>` binding as float32 bits (fp16 widened exactly as
 * `fromFloat16Bits` does), and the order keys both GPU kernels compare: larger float, larger key.
 * Shared with the sampling kernel (gpu-sample-kernel.ts).
 */
export function logitKeyFunctions(half: boolean): string {
  return /* wgsl */ `
fn halfToFloatBits(h: u32) -> u32 {
  let sign = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0x1fu) { return sign | 0x7f800000u | (m << 13u); }
  if (e != 0u) { return sign | ((e + 112u) << 23u) | (m << 13u); }
  if (m == 0u) { return sign; }
  // Subnormal: shift the leading 1 up to bit 10, lowering the exponent to match.
  let p = countLeadingZeros(m) - 21u;
  return sign | ((113u - p) << 23u) | (((m << p) & 0x3ffu) << 13u);
}

fn floatBits(i: u32) -> u32 {
  ${half
    ? 'let w = logits[i >> 1u];\n  return halfToFloatBits(select(w & 0xffffu, w >> 16u, (i & 1u) == 1u));'
    : 'return logits[i];'}
}

// Larger float, larger key. NaN ranks as -Infinity, -0 as +0.
fn orderKey(raw: u32) -> u32 {
  var b = raw;
  if ((b & 0x7fffffffu) > 0x7f800000u) { b = 0xff800000u; }
  if (b == 0x80000000u) { b = 0u; }
  if ((b & 0x80000000u) != 0u) { return ~b; }
  return b | 0x80000000u;
}

fn keyBits(key: u32) -> u32 {
  if ((key & 0x80000000u) != 0u) { return key & 0x7fffffffu; }
  return ~key;
}
`;
}

/** The kernel picking `size` candidates from float32 or float16 logits. Params: first element, vocab. */
export function topKShader(size: number, half: boolean): string {
  return /* wgsl */ `
const K: u32 = ${size}u;
const LANES: u32 = ${LANES}u;

struct Params { first: u32, vocab: u32 }

@group(0) @binding(0) var<storage, read> logits: array<u32>;
@group(0) @binding(1) var<storage, read_write> picked: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> bestKey: array<u32, LANES>;
var<workgroup> bestId: array<u32, LANES>;
var<workgroup> bestLane: array<u32, LANES>;

${logitKeyFunctions(half)}
@compute @workgroup_size(${LANES})
fn main(@builtin(local_invocation_index) lane: u32) {
  // This lane's k best, best first. Its ids rise, so an equal key never moves ahead of one kept earlier.
  var keys: array<u32, K>;
  var ids: array<u32, K>;
  var kept = 0u;
  for (var i = lane; i < params.vocab; i += LANES) {
    let key = orderKey(floatBits(params.first + i));
    if (kept == K && key <= keys[K - 1u]) { continue; }
    var j = min(kept, K - 1u);
    if (kept < K) { kept += 1u; }
    loop {
      if (j == 0u || keys[j - 1u] >= key) { break; }
      keys[j] = keys[j - 1u];
      ids[j] = ids[j - 1u];
      j -= 1u;
    }
    keys[j] = key;
    ids[j] = i;
  }
  // K rounds: the best head of all lanes' lists goes out, and its lane moves on to its next.
  var head = 0u;
  for (var r = 0u; r < K; r += 1u) {
    if (head < kept) {
      bestKey[lane] = keys[head];
      bestId[lane] = ids[head];
    } else {
      bestKey[lane] = 0u; // below every real key (NaN and -Infinity rank 0x007fffff)
      bestId[lane] = 0xffffffffu;
    }
    bestLane[lane] = lane;
    workgroupBarrier();
    for (var s = LANES / 2u; s > 0u; s >>= 1u) {
      if (lane < s) {
        let o = lane + s;
        if (bestKey[o] > bestKey[lane] || (bestKey[o] == bestKey[lane] && bestId[o] < bestId[lane])) {
          bestKey[lane] = bestKey[o];
          bestId[lane] = bestId[o];
          bestLane[lane] = bestLane[o];
        }
      }
      workgroupBarrier();
    }
    if (lane == 0u) {
      picked[r] = bestId[0];
      picked[K + r] = keyBits(bestKey[0]);
    }
    if (bestLane[0] == lane) { head += 1u; }
    workgroupBarrier();
  }
}
`;
}
