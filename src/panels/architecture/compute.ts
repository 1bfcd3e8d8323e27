/**
 * The compute calculator's formulas, from the GPT-3 paper appendix: training ≈ 6·N·D FLOPs
 * (2 for the forward pass, ×3 with the backward pass), inference ≈ 2·N FLOPs per token.
 */

/** 1 PF-day = 1e15 FLOP/s for 86,400 s. */
export const PF_DAY_FLOPS = 1e15 * 86_400;

export const BYTES_PER_PARAM = { fp32: 4, fp16: 2, int4: 0.5 } as const;
export type Precision = keyof typeof BYTES_PER_PARAM;

export interface ComputeInput {
  /** Parameters N. */
  params: number;
  /** Training tokens D. */
  tokens: number;
  /** Sustained TFLOP/s of one GPU. */
  gpuTflops: number;
  /** Tokens per second measured for inference, when known. */
  measuredTokensPerSecond?: number | null;
}

export interface ComputeResult {
  trainFlops: number;
  pfDays: number;
  gpuDays: number;
  inferenceFlopsPerToken: number;
  weightBytes: Record<Precision, number>;
  /** FLOP/s the measured inference speed implies (2·N·tokens/s); null without a measurement. */
  measuredFlopsPerSecond: number | null;
}

export function computeBudget(input: ComputeInput): ComputeResult {
  const trainFlops = 6 * input.params * input.tokens;
  const inferenceFlopsPerToken = 2 * input.params;
  return {
    trainFlops,
    pfDays: trainFlops / PF_DAY_FLOPS,
    gpuDays: input.gpuTflops > 0 ? trainFlops / (input.gpuTflops * 1e12) / 86_400 : Infinity,
    inferenceFlopsPerToken,
    weightBytes: {
      fp32: input.params * BYTES_PER_PARAM.fp32,
      fp16: input.params * BYTES_PER_PARAM.fp16,
      int4: input.params * BYTES_PER_PARAM.int4,
    },
    measuredFlopsPerSecond: input.measuredTokensPerSecond ? inferenceFlopsPerToken * input.measuredTokensPerSecond : null,
  };
}

/** "3.14e23" style, as the facts file writes FLOPs. */
export function formatScientific(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '∞';
  if (value === 0) return '0';
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  return `${mantissa}e${Number(exponent)}`;
}

/** 1.5e9 → "1.5B", 117e6 → "117M", 1.31e6 → "1.31M". */
export function formatCount(value: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [scale, unit] of units) {
    if (value >= scale) return `${Number((value / scale).toPrecision(3))}${unit}`;
  }
  return String(Math.round(value));
}

/** Decimal units, as the facts file counts weight memory (175B × 4 B = 700 GB). */
export function formatDecimalBytes(bytes: number): string {
  const units: [number, string][] = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [scale, unit] of units) {
    if (bytes >= scale) return `${Number((bytes / scale).toPrecision(4)).toLocaleString('en-US')} ${unit}`;
  }
  return `${Math.round(bytes)} B`;
}
