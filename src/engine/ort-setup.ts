/**
 * onnxruntime-web loads its WASM runtime at run time. Point it at the files this build ships, so the
 * app works offline and ORT's own thread workers load the right script (left to Vite, sessions hang
 * with more than one thread).
 *
 * Three builds of onnxruntime-web 1.31, one in use per backend, each fetched only when a session on
 * its backend is first built (the JS entries are small; the WASM binaries are 15–29 MB):
 * - WebGPU runs on the native WebGPU execution provider (JSEP, deprecated upstream since 1.29, is
 *   not shipped). Its WASM has to suspend while the GPU works, which it does either with JSPI
 *   (`WebAssembly.Suspending`, Chromium 137+; an 18 MB binary) or, where the browser lacks JSPI, with
 *   asyncify's stack unwinding (a 29 MB binary that runs the same kernels).
 * - WASM runs on the plain SIMD build: no GPU glue, so its CPU kernels run faster than in either
 *   WebGPU build (scripts/profile-decode.mjs).
 */
import * as ortJspi from 'onnxruntime-web/jspi';
import * as ortAsyncify from 'onnxruntime-web/webgpu';
import * as ortCpu from 'onnxruntime-web/wasm';
import jspiModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import jspiBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
import asyncifyModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import asyncifyBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import cpuModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import cpuBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { Backend, OrtBuild } from '../core/protocol';

export type Ort = typeof ortCpu;

interface Runtime {
  ort: Ort;
  paths: { mjs: string; wasm: string };
  configured: boolean;
}

const runtimes: Record<OrtBuild, Runtime> = {
  jspi: { ort: ortJspi as Ort, paths: { mjs: jspiModuleUrl, wasm: jspiBinaryUrl }, configured: false },
  asyncify: { ort: ortAsyncify as Ort, paths: { mjs: asyncifyModuleUrl, wasm: asyncifyBinaryUrl }, configured: false },
  wasm: { ort: ortCpu, paths: { mjs: cpuModuleUrl, wasm: cpuBinaryUrl }, configured: false },
};

/** Where a build's files are served (the app's own copies, hashed by Vite). */
export function runtimePaths(build: OrtBuild): { mjs: string; wasm: string } {
  return runtimes[build].paths;
}

/** Whether this realm can suspend WASM on a promise (JSPI), which the `jspi` build needs. */
export function hasJspi(wasm: object | undefined = (globalThis as { WebAssembly?: object }).WebAssembly): boolean {
  return wasm !== undefined && 'Suspending' in wasm;
}

/** The build that runs a backend here: WebGPU on JSPI where the browser has it, asyncify otherwise. */
export function buildFor(backend: Backend, jspi = hasJspi()): OrtBuild {
  if (backend === 'wasm') return 'wasm';
  return jspi ? 'jspi' : 'asyncify';
}

/** A build by name (the benchmark measures both WebGPU builds); threads as `ortFor`. */
export function ortBuild(build: OrtBuild, wasmThreads: number | undefined): Ort {
  const runtime = runtimes[build];
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

/** The runtime for a backend. Threads can only be chosen before it starts; later calls keep the first choice. */
export function ortFor(backend: Backend, wasmThreads: number | undefined): Ort {
  return ortBuild(buildFor(backend), wasmThreads);
}

/** Threads the given runtime's WASM actually uses: more than one needs cross-origin isolation. */
export function effectiveWasmThreads(ort: Ort): number {
  const requested = ort.env.wasm.numThreads;
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested && requested > 0) return requested;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.min(4, Math.ceil(cores / 2));
}
