/** What the browser says about the hardware: adapter facts, browser, threads. Every field may be unknown. */

export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  shaderF16: boolean;
  limits: Record<string, number>;
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
  /** Why there is no adapter. */
  adapterError: string | null;
}

const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX'] as const;

export async function readAdapterFacts(gpu: GPU | undefined = (globalThis.navigator as Navigator | undefined)?.gpu): Promise<{ adapter: AdapterFacts | null; error: string | null }> {
  if (!gpu) return { adapter: null, error: 'no WebGPU API in this browser' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { adapter: null, error: 'no WebGPU adapter' };
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
