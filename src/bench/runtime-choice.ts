/**
 * Which onnxruntime-web build runs our engine in the benchmark: the app's (JSEP for WebGPU, plain SIMD
 * for WASM), or, in the benchmark build only, the native WebGPU execution provider, to measure it
 * against JSEP on the same models (issue 13, item 4). The app itself always runs JSEP.
 */
import { ortFor, type Ort } from '../engine/ort-setup';
import { WebGpuEpUnavailableError } from '../core/errors';
import type { Backend } from '../core/protocol';

/** `onnxruntime-web 1.30.0 (JSEP)`: the version and the build, for the report. */
export function describeRuntime(ort: Ort, build: string): string {
  return `onnxruntime-web ${ort.env.versions.web ?? '?'} (${build})`;
}

export async function benchRuntimeFor(backend: Backend, wasmThreads: number | undefined, webGpuEp: boolean): Promise<{ ort: Ort; runtime: string }> {
  if (backend === 'webgpu' && webGpuEp) {
    // Dead code outside `vite build --mode bench`: the app's dist ships neither build nor its WASM.
    if (import.meta.env.MODE !== 'bench') throw new WebGpuEpUnavailableError();
    const { webGpuEpOrt } = await import('./webgpu-runtimes');
    const ort = webGpuEpOrt(wasmThreads);
    return { ort, runtime: describeRuntime(ort, 'native WebGPU EP') };
  }
  const ort = ortFor(backend, wasmThreads);
  return { ort, runtime: describeRuntime(ort, backend === 'webgpu' ? 'JSEP' : 'WASM SIMD') };
}
