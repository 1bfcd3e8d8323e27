/** What the browser says about the hardware: adapter facts, browser, threads. Every field may be unknown. */

export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  shaderF16: boolean;
  limits: Record<string, number>;
  /** Every feature the adapter offers (v2), sorted. */
  features?: string[];
}

export interface BenchEnvironment {
  userAgent: string;
  hardwareConcurrency: number | null;
  crossOriginIsolated: boolean;
  /** WASM threads onnxruntime-web uses (1 without cross-origin isolation). */
  wasmThreads: number;
  /** Chrome's rough device memory in GB, where exposed. */
  deviceMemoryGB: number | null;
  adapter: AdapterFacts | null;
  /** Why there is no adapter: NO_WEBGPU_API, NO_WEBGPU_ADAPTER, or the browser's own error message. */
  adapterError: string | null;
}

/** The two reasons this module gives itself, in English for the exported report; the page words them in its language. */
export const NO_WEBGPU_API = 'no WebGPU API in this browser';
export const NO_WEBGPU_ADAPTER = 'no WebGPU adapter';

const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX'] as const;

export async function readAdapterFacts(gpu: GPU | undefined = (globalThis.navigator as Navigator | undefined)?.gpu): Promise<{ adapter: AdapterFacts | null; error: string | null }> {
  if (!gpu) return { adapter: null, error: NO_WEBGPU_API };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { adapter: null, error: NO_WEBGPU_ADAPTER };
    const info = adapter.info;
    const limits: Record<string, number> = {};
    for (const key of LIMITS) limits[key] = adapter.limits[key];
    return {
      adapter: {
        vendor: info?.vendor ?? '',
        architecture: info?.architecture ?? '',
        device: info?.device ?? '',
        description: info?.description ?? '',
        shaderF16: adapter.features.has('shader-f16'),
        limits,
        features: [...adapter.features].map(String).sort(),
      },
      error: null,
    };
  } catch (error) {
    return { adapter: null, error: (error as Error).message };
  }
}

export async function readEnvironment(wasmThreads: number | undefined): Promise<BenchEnvironment> {
  const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
  const { adapter, error } = await readAdapterFacts();
  const cores = nav?.hardwareConcurrency ?? null;
  const isolated = Boolean(globalThis.crossOriginIsolated);
  return {
    userAgent: nav?.userAgent ?? '',
    hardwareConcurrency: cores,
    crossOriginIsolated: isolated,
    // Mirrors onnxruntime-web's default: min(4, ceil(cores / 2)), 1 without isolation.
    wasmThreads: !isolated ? 1 : (wasmThreads ?? Math.min(4, Math.ceil((cores ?? 1) / 2))),
    deviceMemoryGB: nav?.deviceMemory ?? null,
    adapter,
    adapterError: error,
  };
}
