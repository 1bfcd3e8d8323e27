/**
 * onnxruntime-web loads its WASM runtime at run time. Point it at the files this build ships, so the
 * app works offline and ORT's own thread workers load the right script (left to Vite, sessions hang
 * with more than one thread).
 *
 * Two builds of the runtime, one per backend: the JSEP build carries the WebGPU execution provider,
 * and its glue slows its CPU kernels down; the plain SIMD build runs the same graph on the CPU about
 * 1.7× faster (scripts/profile-decode.mjs, bare decode loop on the fixture, quiet machine: 959 vs
 * 555 tok/s, identical tokens). Each is fetched only when a session on its backend is first built.
 */
import * as ortGpu from 'onnxruntime-web';
import * as ortCpu from 'onnxruntime-web/wasm';
import gpuModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import gpuBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import cpuModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import cpuBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { Backend } from '../core/protocol';

export type Ort = typeof ortGpu;

const runtimes: Record<Backend, { ort: Ort; paths: { mjs: string; wasm: string }; configured: boolean }> = {
  webgpu: { ort: ortGpu, paths: { mjs: gpuModuleUrl, wasm: gpuBinaryUrl }, configured: false },
  wasm: { ort: ortCpu as Ort, paths: { mjs: cpuModuleUrl, wasm: cpuBinaryUrl }, configured: false },
};

/** The runtime for a backend. Threads can only be chosen before it starts; later calls keep the first choice. */
export function ortFor(backend: Backend, wasmThreads: number | undefined): Ort {
  const runtime = runtimes[backend];
  if (!runtime.configured) {
    const { env } = runtime.ort;
    env.wasm.wasmPaths = runtime.paths;
    env.wasm.proxy = false; // we are already in a worker
    if (wasmThreads !== undefined) env.wasm.numThreads = wasmThreads;
    env.logLevel = 'error';
    runtime.configured = true;
  }
  return runtime.ort;
}

/** Threads the given runtime's WASM actually uses: more than one needs cross-origin isolation. */
export function effectiveWasmThreads(ort: Ort): number {
  const requested = ort.env.wasm.numThreads;
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested && requested > 0) return requested;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.min(4, Math.ceil(cores / 2));
}
