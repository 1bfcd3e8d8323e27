/**
 * Which backend runs the model, and why. WebGPU is preferred when the API exists and yields an
 * adapter; otherwise WASM, with the reason kept so the user can see it.
 */
import type { Backend, BackendPreference } from './protocol';
import { WebGpuUnavailableError } from './errors';

export interface WebGpuProbe {
  /** null when an adapter was found; otherwise why WebGPU cannot run. */
  unavailableReason: string | null;
}

export async function probeWebGpu(gpu: GPU | undefined = (globalThis.navigator as Navigator | undefined)?.gpu): Promise<WebGpuProbe> {
  if (!gpu) return { unavailableReason: 'this browser has no WebGPU API (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { unavailableReason: 'the browser has WebGPU but found no usable GPU adapter' };
    return { unavailableReason: null };
  } catch (error) {
    return { unavailableReason: `requesting a GPU adapter failed: ${(error as Error).message}` };
  }
}

export interface BackendPlan {
  /** Backends to try, in order; the next one is used only if building a session on the previous fails. */
  order: Backend[];
  /** Why WebGPU was skipped, when the user did not ask for WASM. */
  skipReason: string | null;
}

export function planBackends(preference: BackendPreference, probe: WebGpuProbe): BackendPlan {
  if (preference === 'wasm') return { order: ['wasm'], skipReason: null };
  if (preference === 'webgpu') {
    if (probe.unavailableReason) throw new WebGpuUnavailableError(probe.unavailableReason);
    return { order: ['webgpu'], skipReason: null };
  }
  if (probe.unavailableReason) return { order: ['wasm'], skipReason: probe.unavailableReason };
  return { order: ['webgpu', 'wasm'], skipReason: null };
}
