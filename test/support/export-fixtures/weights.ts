/**
 * Random weights for the export-family fixtures, drawn on a 4-bit grid: every matrix entry is
 * (q − 8) · scale with a power-of-two scale, so fp32, fp16, int8 and 4-bit files of the same model
 * hold exactly the same weights and differ only in the arithmetic their operators do. The output
 * head is nonzero only for a few dozen ordinary word tokens, so greedy decoding picks among them
 * with margins the reference can check (see reference.ts).
 */
export interface DecoderSpec {
  vocab: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffn: number;
  layers: number;
  /** Rows of the cos/sin caches: the longest prompt + reply the fixture supports. */
  maxPositions: number;
  ropeTheta: number;
  rmsEps: number;
  /** Qwen2 has q/k/v biases; Llama has none. */
  qkvBias: boolean;
}

/** A matrix as MatMul reads it, [K rows (inputs), N columns (outputs)], row-major. */
export interface GridMatrix {
  k: number;
  n: number;
  /** q − 8 per entry, in [−8, 7]. */
  codes: Int8Array;
  /** Power of two, so every entry is exact in fp16 and int8. */
  scale: number;
}

export interface DecoderWeights {
  embedding: Float32Array; // [vocab, hidden]
  layers: {
    q: GridMatrix; k: GridMatrix; v: GridMatrix; o: GridMatrix;
    qBias: Float32Array | null; kBias: Float32Array | null; vBias: Float32Array | null;
    gate: GridMatrix; up: GridMatrix; down: GridMatrix;
    inputNorm: Float32Array; postNorm: Float32Array;
  }[];
  finalNorm: Float32Array;
  lmHead: GridMatrix; // [hidden, vocab]
  /** Rotary caches, [maxPositions, headDim / 2]. */
  cos: Float32Array;
  sin: Float32Array;
}

/** xorshift32: seeded, fast, the same in every Node version. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

export function gridValue(m: GridMatrix, row: number, col: number): number {
  return m.codes[row * m.n + col] * m.scale;
}

export function toFloat32(m: GridMatrix): Float32Array {
  return Float32Array.from(m.codes, (c) => c * m.scale);
}

function gridMatrix(random: () => number, k: number, n: number, scale: number, columns?: readonly number[]): GridMatrix {
  const codes = new Int8Array(k * n);
  const cols = columns ?? Array.from({ length: n }, (_, i) => i);
  for (let row = 0; row < k; row++) for (const col of cols) codes[row * n + col] = Math.floor(random() * 16) - 8;
  return { k, n, codes, scale };
}

const pow2 = (x: number) => 2 ** Math.round(Math.log2(x));

export function randomDecoderWeights(spec: DecoderSpec, seed: number, candidates: readonly number[]): DecoderWeights {
  const random = rng(seed);
  const { hidden: e, heads: h, kvHeads: kv, headDim: d, ffn, vocab } = spec;
  // Entries of std ≈ 4.6 · scale; 1/(4.6·√K) keeps activations near unit size through each product.
  const matrix = (k: number, n: number) => gridMatrix(random, k, n, pow2(1 / (4.6 * Math.sqrt(k))));
  const small = (n: number) => Float32Array.from({ length: n }, () => (Math.floor(random() * 16) - 8) / 64);
  const embedding = new Float32Array(vocab * e);
  for (let i = 0; i < embedding.length; i++) embedding[i] = (Math.floor(random() * 16) - 8) / 8;
  const layers = Array.from({ length: spec.layers }, () => ({
    q: matrix(e, h * d), k: matrix(e, kv * d), v: matrix(e, kv * d), o: matrix(h * d, e),
    qBias: spec.qkvBias ? small(h * d) : null, kBias: spec.qkvBias ? small(kv * d) : null, vBias: spec.qkvBias ? small(kv * d) : null,
    gate: matrix(e, ffn), up: matrix(e, ffn), down: matrix(ffn, e),
    inputNorm: new Float32Array(e).fill(1), postNorm: new Float32Array(e).fill(1),
  }));
  // Candidate logits of std ≈ 8 after the final norm (unit-size entries), so top-1 margins are large
  // next to float rounding (fp32 ~1e-5, fp16 and int8-rounded activations ~1e-2 of a logit).
  const lmHead = gridMatrix(random, e, vocab, pow2(8 / (4.6 * Math.sqrt(e))), candidates);
  const half = d / 2;
  const cos = new Float32Array(spec.maxPositions * half);
  const sin = new Float32Array(spec.maxPositions * half);
  for (let p = 0; p < spec.maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p / spec.ropeTheta ** ((2 * i) / d);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { embedding, layers, finalNorm: new Float32Array(e).fill(1), lmHead, cos, sin };
}
