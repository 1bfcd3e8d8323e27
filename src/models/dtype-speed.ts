/**
 * How fast each weights dtype decodes relative to fp32 of the same model, per backend, and the default
 * dtype that follows from it. The one place these numbers live: the dtype picker shows them as hints
 * and picks the fastest dtype that fits in memory.
 *
 * Where the numbers come from (decode tokens/s ÷ fp32's):
 * - wasm: `npm run bench -- --model synthetic:gpt-25m:q4,synthetic:gpt-25m:fp32,synthetic:gpt-25m:q8
 *   --backend wasm --runs 5` (and q4f16, fp16 the same way), headless Chromium, 1 thread, this
 *   project's 2-core machine while it was otherwise idle; synthetic models built with the ops the
 *   Hub's exports use, the 4-bit ones after the load-time MatMulNBits rewrite the app runs
 *   (src/engine/graph/): q4 1.02, q4f16 0.93, fp16 0.87, q8 (DynamicQuantizeLinear + MatMulInteger)
 *   0.81. As downloaded, without the rewrite, q4 ran at 0.14 (and 0.06 at Qwen2.5-0.5B widths).
 *   Runs on the same machine under load gave q4 1.22–1.57 and q8 0.86–1.13: the order holds, the
 *   margins are small.
 * - null: not measured: int8 / uint8 / bnb4 exports on WASM, and every WebGPU figure, which needs a
 *   real GPU (SwiftShader says nothing about GPU speed).
 */
import { DTYPES, type Dtype } from './hub';

export type SpeedBackend = 'wasm' | 'webgpu';

/** Decode tokens/s of a dtype ÷ fp32's, same model, same backend; null where not measured. */
export const DTYPE_SPEED: Record<SpeedBackend, Record<Dtype, number | null>> = {
  wasm: { fp32: 1, fp16: 0.87, q8: 0.81, int8: null, uint8: null, q4: 1.02, bnb4: null, q4f16: 0.93 },
  webgpu: { fp32: 1, fp16: null, q8: null, int8: null, uint8: null, q4: null, bnb4: null, q4f16: null },
};

/**
 * Where no ratio is measured, smaller downloads first; fp16 arithmetic only where the GPU has
 * `shader-f16` (WASM emulates fp16, and a GPU without it cannot run fp16 shaders at all). On WebGPU
 * the 8-bit MatMulInteger exports come last: onnxruntime-web 1.30 decoded them wrongly there (every
 * step after the first repeated the first token; test/e2e/export-families.spec.ts, SwiftShader).
 */
function unmeasuredOrder(backend: SpeedBackend, shaderF16: boolean): Dtype[] {
  if (backend === 'webgpu' && shaderF16) return ['q4f16', 'q4', 'fp16', 'fp32', 'bnb4', 'q8', 'int8', 'uint8'];
  if (backend === 'webgpu') return ['q4', 'fp32', 'bnb4', 'q8', 'int8', 'uint8', 'q4f16', 'fp16'];
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
