/**
 * onnxruntime's `MatMulNBits` weight format (com.microsoft contrib op), both ways: decoding it is what
 * the WASM rewrite does at load time; encoding it is how the benchmark's synthetic q4 models are made
 * with the same bytes a `model_q4.onnx` holds.
 *
 * The op computes Y = A · Wᵀ for W of shape [N, K] (N output channels, K inputs), stored per output
 * channel in blocks of `blockSize` inputs along K: B is uint8 [N, blocksPerColumn, blobSize], each
 * value `bits` wide, least significant bits first; `scales` [N · blocksPerColumn]; optional
 * `zero_points`, either packed like B ([N · ⌈blocksPerColumn · bits / 8⌉], each column byte-aligned)
 * or of the scales' type; absent means 2^(bits−1). An optional `g_idx` [K] gives each input its block
 * (act-order exports). w = (q − zero point) · scale.
 */

export interface NBitsLayout {
  K: number;
  N: number;
  bits: number;
  blockSize: number;
}

export const blocksPerColumn = (p: NBitsLayout) => Math.ceil(p.K / p.blockSize);
export const blobBytes = (p: NBitsLayout) => Math.ceil((p.blockSize * p.bits) / 8);
export const zeroPointBytesPerColumn = (p: NBitsLayout) => Math.ceil((blocksPerColumn(p) * p.bits) / 8);

/** The op's weight inputs, decoded to plain arrays (scales and float zero points as numbers). */
export interface NBitsWeights {
  packed: Uint8Array;
  scales: ArrayLike<number>;
  /** Packed n-bit values (Uint8Array) or one number per block (the scales' type); null: 2^(bits−1). */
  zeroPoints: { packed: Uint8Array } | { values: ArrayLike<number> } | null;
  gIdx: ArrayLike<number> | null;
}

/** Reads `bits` bits starting at bit `bitOffset` of `bytes` (least significant first). */
function readBits(bytes: Uint8Array, byteBase: number, bitOffset: number, bits: number): number {
  const byte = byteBase + (bitOffset >> 3);
  const shift = bitOffset & 7;
  // At most 8 bits wide and never straddling more than two bytes.
  const word = bytes[byte] | ((shift + bits > 8 ? bytes[byte + 1] : 0) << 8);
  return (word >> shift) & ((1 << bits) - 1);
}

/** Output channel `n`'s K weights, dequantized, into `out`. */
export function dequantizeRow(p: NBitsLayout, w: NBitsWeights, n: number, out: Float32Array): void {
  const nb = blocksPerColumn(p);
  const blob = blobBytes(p);
  const zpBytes = zeroPointBytesPerColumn(p);
  const defaultZero = 1 << (p.bits - 1);
  const zeroOf = (block: number): number => {
    const zp = w.zeroPoints;
    if (!zp) return defaultZero;
    if ('values' in zp) return zp.values[n * nb + block];
    return readBits(zp.packed, n * zpBytes, block * p.bits, p.bits);
  };
  if (!w.gIdx && p.bits === 4 && !w.zeroPoints) {
    // The common case (symmetric 4-bit, q4 / q4f16 exports), unrolled: two values per byte.
    for (let b = 0; b < nb; b++) {
      const scale = w.scales[n * nb + b];
      const base = (n * nb + b) * blob;
      const k0 = b * p.blockSize;
      const end = Math.min(p.blockSize, p.K - k0);
      for (let i = 0; i < end; i += 2) {
        const byte = w.packed[base + (i >> 1)];
        out[k0 + i] = ((byte & 15) - 8) * scale;
        if (i + 1 < end) out[k0 + i + 1] = ((byte >> 4) - 8) * scale;
      }
    }
    return;
  }
  for (let k = 0; k < p.K; k++) {
    const b = Math.floor(k / p.blockSize);
    const group = w.gIdx ? w.gIdx[k] : b;
    const q = readBits(w.packed, (n * nb + b) * blob, (k % p.blockSize) * p.bits, p.bits);
    out[k] = (q - zeroOf(group)) * w.scales[n * nb + group];
  }
}

/** Output channels decoded at a time before being written transposed: whole cache lines per input. */
const TILE = 32;

/**
 * Decodes tiles of TILE output channels ([TILE, K], row-major, in `tile`) and hands each to `write`,
 * which stores it transposed. One flat buffer keeps the hot loops monomorphic.
 */
function forEachTile(p: NBitsLayout, w: NBitsWeights, write: (tile: Float32Array, n0: number, count: number) => void): void {
  const tile = new Float32Array(TILE * p.K);
  const row = new Float32Array(p.K);
  for (let n0 = 0; n0 < p.N; n0 += TILE) {
    const count = Math.min(TILE, p.N - n0);
    for (let r = 0; r < count; r++) {
      dequantizeRow(p, w, n0 + r, row);
      tile.set(row, r * p.K);
    }
    write(tile, n0, count);
  }
}

/** Wᵀ as float32 [K, N] (plain `MatMul`'s B), into `out`. */
export function dequantizeTransposed(p: NBitsLayout, w: NBitsWeights, out: Float32Array): void {
  const { K, N } = p;
  forEachTile(p, w, (tile, n0, count) => {
    for (let k = 0; k < K; k++) {
      const base = k * N + n0;
      for (let r = 0, src = k; r < count; r++, src += K) out[base + r] = tile[src];
    }
  });
}

/**
 * Wᵀ as symmetric int8 [K, N] with one scale per output channel (`MatMulInteger`'s B, zero point 0),
 * into `out` and `scales`. Each channel's largest weight maps to ±127.
 */
export function requantizeInt8Transposed(p: NBitsLayout, w: NBitsWeights, out: Int8Array, scales: Float32Array): void {
  const { K, N } = p;
  // Quantized row by row (sequential), then transposed int8 to int8: storing a computed number into an
  // Int8Array on the strided path was the slow part.
  const quantized = new Int8Array(TILE * K);
  forEachTile(p, w, (tile, n0, count) => {
    for (let r = 0; r < count; r++) {
      let max = 0;
      for (let k = r * K, end = k + K; k < end; k++) {
        const v = tile[k] < 0 ? -tile[k] : tile[k];
        if (v > max) max = v;
      }
      scales[n0 + r] = max / 127;
      const inverse = max > 0 ? 127 / max : 0;
      // |0 of a positive number floors it: round half up, through a small integer.
      for (let k = r * K, end = k + K; k < end; k++) quantized[k] = ((tile[k] * inverse + 128.5) | 0) - 128;
    }
    for (let k = 0; k < K; k++) {
      const base = k * N + n0;
      for (let r = 0, src = k; r < count; r++, src += K) out[base + r] = quantized[src];
    }
  });
}

/**
 * Encodes W [N, K] (row-major, one output channel per row) as MatMulNBits does: symmetric (no zero
 * points, as transformers.js's q4 exports) or asymmetric with packed zero points.
 */
export function quantizeNBits(p: NBitsLayout, weights: Float32Array, symmetric: boolean): { packed: Uint8Array; scales: Float32Array; zeroPoints: Uint8Array | null } {
  const nb = blocksPerColumn(p);
  const blob = blobBytes(p);
  const zpBytes = zeroPointBytesPerColumn(p);
  const levels = (1 << p.bits) - 1;
  const packed = new Uint8Array(p.N * nb * blob);
  const scales = new Float32Array(p.N * nb);
  const zeroPoints = symmetric ? null : new Uint8Array(p.N * zpBytes);
  const writeBits = (bytes: Uint8Array, byteBase: number, bitOffset: number, value: number) => {
    const byte = byteBase + (bitOffset >> 3);
    const shift = bitOffset & 7;
    bytes[byte] |= (value << shift) & 0xff;
    if (shift + p.bits > 8) bytes[byte + 1] |= value >> (8 - shift);
  };
  for (let n = 0; n < p.N; n++) {
    for (let b = 0; b < nb; b++) {
      const k0 = b * p.blockSize;
      const k1 = Math.min(p.K, k0 + p.blockSize);
      let min = 0;
      let max = 0;
      for (let k = k0; k < k1; k++) {
        const v = weights[n * p.K + k];
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      let scale: number;
      let zero: number;
      if (symmetric) {
        zero = 1 << (p.bits - 1);
        // The largest magnitude maps to the most negative level, which has one more step than the positive side.
        const extreme = Math.abs(min) > Math.abs(max) ? min : max;
        scale = extreme / -zero;
      } else {
        scale = (max - min) / levels;
        zero = scale ? Math.min(levels, Math.max(0, Math.round(-min / scale))) : 0;
        writeBits(zeroPoints!, n * zpBytes, b * p.bits, zero);
      }
      scales[n * nb + b] = scale;
      const inverse = scale ? 1 / scale : 0;
      for (let k = k0; k < k1; k++) {
        const q = Math.min(levels, Math.max(0, Math.round(weights[n * p.K + k] * inverse) + zero));
        writeBits(packed, (n * nb + b) * blob, (k - k0) * p.bits, q);
      }
    }
  }
  return { packed, scales, zeroPoints };
}
