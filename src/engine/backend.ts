/**
 * Which backend runs the model, and why. WebGPU is preferred when the API exists and yields an
 * adapter; otherwise WASM, with the reason kept (as a code the page can put in the user's language).
 */
import { readGraph } from './graph/onnx-graph';
import type { Backend, BackendPreference, WebGpuUnavailable } from '../core/protocol';
import { WebGpuUnavailableError } from '../core/errors';

export interface WebGpuProbe {
  /** null when an adapter was found; otherwise why WebGPU cannot run. */
  unavailable: WebGpuUnavailable | null;
  /** The adapter runs fp16 shaders; without it onnxruntime's fp16 kernels give garbage (seen on SwiftShader: all-zero logits). */
  shaderF16?: boolean;
  /**
   * The adapter's name where it is a CPU emulation of a GPU (SwiftShader, llvmpipe, WARP): it runs
   * WebGPU correctly but decodes far slower than WASM (measured: SwiftShader 4.3 vs WASM 376 tok/s on
   * one machine), so Auto does not choose it. null for a real GPU.
   */
  softwareAdapter?: string | null;
}

/** Names of software renderers, in an adapter's vendor, architecture, device or description. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** The adapter's name when it is a software one (flagged by the browser, or named as one), else null. */
export function softwareAdapterName(info: Partial<Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>> & { isFallbackAdapter?: boolean } | undefined): string | null {
  if (!info) return null;
  const name = [info.description, info.vendor, info.architecture, info.device].filter(Boolean).join(' ').trim();
  if (info.isFallbackAdapter || SOFTWARE_RENDERER.test(name)) return name || 'fallback adapter';
  return null;
}

export async function probeWebGpu(gpu: GPU | undefined = (globalThis.navigator as Navigator | undefined)?.gpu): Promise<WebGpuProbe> {
  if (!gpu) return { unavailable: { code: 'no-webgpu-api', detail: null } };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { unavailable: { code: 'no-adapter', detail: null } };
    return { unavailable: null, shaderF16: adapter.features.has('shader-f16'), softwareAdapter: softwareAdapterName(adapter.info) };
  } catch (error) {
    return { unavailable: { code: 'adapter-request-failed', detail: (error as Error).message } };
  }
}

/** Why the WebGPU session could not be built, when WASM took over. */
export function sessionBuildFailure(error: unknown): WebGpuUnavailable {
  if (error instanceof WebGpuUnavailableError) return { code: error.params.code as WebGpuUnavailable['code'], detail: null };
  return { code: 'session-build-failed', detail: (error as Error)?.message ?? String(error) };
}

/** An fp16 graph on a GPU without shader-f16: refused, so Auto falls back to WASM and a forced WebGPU says why. */
export function checkFloat16Support(backend: string, usesFloat16: boolean, probe: WebGpuProbe): void {
  if (backend === 'webgpu' && usesFloat16 && probe.shaderF16 === false) throw new WebGpuUnavailableError({ code: 'no-shader-f16', detail: null });
}

/**
 * Graphs whose operators onnxruntime-web 1.30's WebGPU backend runs but gets wrong, refused there so
 * Auto runs them on WASM (which gets them right) and a forced WebGPU says why: 8-bit exports
 * (`model_quantized.onnx`, DynamicQuantizeLinear + MatMulInteger) decode the first token right, then
 * repeat it at every step; a bare InferenceSession loop does the same, the WASM EP matches native
 * onnxruntime (test/e2e/export-families.spec.ts, on SwiftShader).
 */
export function checkWebGpuKernels(backend: string, onnx: Uint8Array): void {
  if (backend !== 'webgpu') return;
  if (readGraph(onnx).nodes.some((n) => n.value.op === 'MatMulInteger')) {
    throw new WebGpuUnavailableError({ code: 'wrong-8bit-kernels', detail: null });
  }
}

export interface BackendPlan {
  /** Backends to try, in order; the next one is used only if building a session on the previous fails. */
  order: Backend[];
  /** Why WebGPU was skipped, when the user did not ask for WASM. */
  skipReason: WebGpuUnavailable | null;
}

export function planBackends(preference: BackendPreference, probe: WebGpuProbe): BackendPlan {
  if (preference === 'wasm') return { order: ['wasm'], skipReason: null };
  if (preference === 'webgpu') {
    if (probe.unavailable) throw new WebGpuUnavailableError(probe.unavailable);
    return { order: ['webgpu'], skipReason: null };
  }
  if (probe.unavailable) return { order: ['wasm'], skipReason: probe.unavailable };
  // A software adapter would run, but slower than WASM: Auto takes WASM and says why; forcing WebGPU still uses it.
  if (probe.softwareAdapter) return { order: ['wasm'], skipReason: { code: 'software-adapter', detail: probe.softwareAdapter } };
  return { order: ['webgpu', 'wasm'], skipReason: null };
}
