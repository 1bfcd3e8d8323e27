/**
 * Shapes of synthetic decoders: real model sizes with random weights, so a user can measure a
 * GPT-2 or a 1B model's speed without downloading one.
 */

/**
 * silu: up, SiLU, down (two matrices with biases: GPT-2's layout, with SiLU standing in for GPT-2's
 * GELU, which opset 17 has no operator for); swiglu: SiLU(gate) · up, then down (three matrices, Llama).
 */
export type MlpKind = 'silu' | 'swiglu';
/** The dtypes of the Hub's transformers.js exports, as the benchmark builds them (gpt-graph.ts). */
export const SYNTHETIC_DTYPES = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const;
export type WeightType = (typeof SYNTHETIC_DTYPES)[number];

/** Half-precision activations: WebGPU needs shader-f16 for them. */
export const isHalfPrecision = (dtype: WeightType) => dtype === 'fp16' || dtype === 'q4f16';

export interface SyntheticShape {
  id: string;
  /** In English, for the CLI and the docs; the benchmark panel words the shapes in its own language. */
  label: string;
  layers: number;
  hidden: number;
  heads: number;
  /** Inner size of the MLP. */
  ffn: number;
  vocab: number;
  contextLength: number;
  mlp: MlpKind;
}

/**
 * Llama-like presets keep the layer count, widths and vocabulary of the model they are named after,
 * but use full multi-head attention (no grouped KV heads) and learned positions instead of RoPE:
 * the weights a decode step reads are the same within a few percent, which is what bounds speed.
 */
export const SYNTHETIC_SHAPES: readonly SyntheticShape[] = [
  { id: 'tiny', label: 'Tiny (0.1M, for tests)', layers: 2, hidden: 64, heads: 4, ffn: 256, vocab: 512, contextLength: 256, mlp: 'silu' },
  { id: 'gpt-25m', label: 'GPT 25M', layers: 6, hidden: 512, heads: 8, ffn: 2048, vocab: 8192, contextLength: 2048, mlp: 'silu' },
  { id: 'gpt-100m', label: 'GPT 100M', layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 16384, contextLength: 2048, mlp: 'silu' },
  { id: 'gpt2-small', label: 'GPT-2 small (124M)', layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 50257, contextLength: 1024, mlp: 'silu' },
  { id: 'gpt2-medium', label: 'GPT-2 medium (355M)', layers: 24, hidden: 1024, heads: 16, ffn: 4096, vocab: 50257, contextLength: 1024, mlp: 'silu' },
  { id: 'llama-0.5b', label: 'Llama-like 0.5B (Qwen2.5-0.5B widths)', layers: 24, hidden: 896, heads: 14, ffn: 4864, vocab: 151936, contextLength: 4096, mlp: 'swiglu' },
  { id: 'llama-1b', label: 'Llama-like 1B (Llama-3.2-1B widths)', layers: 16, hidden: 2048, heads: 32, ffn: 8192, vocab: 128256, contextLength: 4096, mlp: 'swiglu' },
];

/** `synthetic:<shape>` or `synthetic:<shape>:<dtype>`, as the CLI and the URL write it. */
export interface SyntheticSpec {
  shape: SyntheticShape;
  weightType: WeightType;
}

export function parseSyntheticSpec(text: string): SyntheticSpec | null {
  const match = new RegExp(`^synthetic:([\\w.-]+?)(?::(${SYNTHETIC_DTYPES.join('|')}))?$`).exec(text.trim());
  if (!match) return null;
  const shape = SYNTHETIC_SHAPES.find((s) => s.id === match[1]);
  return shape ? { shape, weightType: (match[2] as WeightType | undefined) ?? 'fp32' } : null;
}

export function formatSyntheticSpec(spec: SyntheticSpec): string {
  return `synthetic:${spec.shape.id}${spec.weightType === 'fp32' ? '' : `:${spec.weightType}`}`;
}

/** Parameters per layer and in total (embedding tied with the output head). */
export function parameterCount(shape: SyntheticShape): { perLayer: number; embedding: number; total: number } {
  const { hidden: e, ffn, vocab, layers, contextLength } = shape;
  const attention = 4 * e * e + 4 * e;
  const mlp = shape.mlp === 'silu' ? 2 * e * ffn + ffn + e : 3 * e * ffn;
  const norms = 4 * e;
  const perLayer = attention + mlp + norms;
  const embedding = vocab * e + contextLength * e;
  return { perLayer, embedding, total: perLayer * layers + embedding + 2 * e };
}

/**
 * Bytes one decode step must read from memory: every layer's weights, the tied output head
 * (the whole vocab × hidden matrix), and the KV cache of `contextTokens` positions. The position
 * table and the embedding lookup read one row each and are left out.
 */
export function bytesPerDecodeToken(shape: SyntheticShape, weightType: WeightType, contextTokens: number): number {
  const width = isHalfPrecision(weightType) ? 2 : 4;
  const { perLayer } = parameterCount(shape);
  const { hidden: e, ffn } = shape;
  // Matrices are stored in the dtype's width; norms and biases stay in the activations' type.
  const matrices = 4 * e * e + (shape.mlp === 'silu' ? 2 : 3) * e * ffn;
  const matrixWidth = MATRIX_BYTES_PER_WEIGHT[weightType];
  const weights = (perLayer - matrices) * shape.layers * width + (matrices * shape.layers + shape.vocab * e) * matrixWidth;
  const kv = 2 * shape.layers * contextTokens * shape.hidden * width;
  return weights + kv;
}

/** Bytes a matrix weight takes in each dtype: 4-bit blocks of 32 carry one scale each (float32 or float16). */
const MATRIX_BYTES_PER_WEIGHT: Record<WeightType, number> = { fp32: 4, fp16: 2, q8: 1, q4: 0.5 + 4 / 32, q4f16: 0.5 + 2 / 32 };
