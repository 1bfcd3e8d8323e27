/**
 * onnxruntime-web loads its WASM runtime at run time. Point it at the files this build ships, so the
 * app works offline and ORT's own thread workers load the right script (left to Vite, sessions hang
 * with more than one thread).
 */
import * as ort from 'onnxruntime-web';
import wasmModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import wasmBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

let configured = false;

/** Threads can only be chosen before the runtime starts; later calls keep the first choice. */
export function setupOrt(wasmThreads: number | undefined): typeof ort {
  if (!configured) {
    ort.env.wasm.wasmPaths = { mjs: wasmModuleUrl, wasm: wasmBinaryUrl };
    ort.env.wasm.proxy = false; // we are already in a worker
    if (wasmThreads !== undefined) ort.env.wasm.numThreads = wasmThreads;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort;
}

/** Threads WASM actually uses: more than one needs cross-origin isolation. */
export function effectiveWasmThreads(): number {
  const requested = ort.env.wasm.numThreads;
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested && requested > 0) return requested;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.min(4, Math.ceil(cores / 2));
}
