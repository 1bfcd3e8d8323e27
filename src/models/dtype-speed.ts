/**
 * How fast each weights dtype decodes relative to fp32 of the same model, per backend, and the default
 * dtype that follows from it. The one place these numbers live: the dtype picker shows them as hints
 * and picks the fastest dtype that fits in memory.
 *
 * Where the numbers come from:
 * - wasm fp32 / q8 / q4: issue 12's measurement, onnxruntime-web 1.30 plain WASM build in Node,
 *   1 thread, a stack of 8 projections at Qwen2.5-0.5B widths (896 → 4864 → 896, ×4), one token,
 *   median ms, interleaved: fp32 MatMul 10.9, DynamicQuantizeLinear + MatMulInteger 15.3 (0.71×),
 *   MatMulNBits 4-bit 147 (0.07×). The q4 figure is from before the load-time MatMulNBits rewrite.
 * - wasm fp16: `npm run bench` in headless Chromium on this project's 2-core machine (see below).
 * - null: not measured yet. LEAD: fill these in (wasm q4/q4f16 after the MatMulNBits rewrite from the
 *   q4 helper's bench ratios; every webgpu figure on a real GPU — SwiftShader says nothing about GPU speed).
 */
import { DTYPES, type Dtype } from './hub';

export type SpeedBackend = 'wasm' | 'webgpu';

/** Decode tokens/s of a dtype ÷ fp32's, same model, same backend; null where not measured. */
export const DTYPE_SPEED: Record<SpeedBackend, Record<Dtype, number | null>> = {
  wasm: { fp32: 1, fp16: null, q8: 0.71, int8: null, uint8: null, q4: 0.07, bnb4: null, q4f16: null },
  webgpu: { fp32: 1, fp16: null, q8: null, int8: null, uint8: null, q4: null, bnb4: null, q4f16: null },
};

/**
 * Where no ratio is measured, smaller downloads first; fp16 arithmetic only where the GPU has
 * `shader-f16` (WASM emulates fp16, and a GPU without it cannot run fp16 shaders at all).
 */
function unmeasuredOrder(backend: SpeedBackend, shaderF16: boolean): Dtype[] {
  if (backend === 'webgpu' && shaderF16) return ['q4f16', 'q4', 'fp16', 'q8', 'int8', 'uint8', 'bnb4', 'fp32'];
  return ['q4', 'q8', 'int8', 'uint8', 'bnb4', 'fp32', 'q4f16', 'fp16'];
}

export interface DtypeCandidate {
  dtype: Dtype;
  /** From the memory estimate: 'refuse' never becomes the default; 'warn' only when nothing fits well. */
  fit: 'ok' | 'warn' | 'refuse';
}

/** The fastest measured dtype among those that fit; unmeasured ones only when no measured one fits. */
export function defaultDtype(candidates: readonly DtypeCandidate[], backend: SpeedBackend, shaderF16: boolean): Dtype | null {
  const order = unmeasuredOrder(backend, shaderF16);
  const speeds = DTYPE_SPEED[backend];
  // fp32's 1 is the baseline, not a measurement: it counts only next to a measured dtype.
  const anyMeasured = DTYPES.some((d) => d !== 'fp32' && speeds[d] !== null);
  const rank = (d: Dtype) => {
    const ratio = anyMeasured ? speeds[d] : null;
    return ratio !== null ? 1000 + ratio : -order.indexOf(d);
  };
  for (const level of ['ok', 'warn'] as const) {
    const usable = candidates.filter((c) => c.fit === level).map((c) => c.dtype);
    if (usable.length) return usable.reduce((best, d) => (rank(d) > rank(best) ? d : best));
  }
  return null;
}
