/**
 * The onnxruntime-web builds with the native WebGPU execution provider (the `onnxruntime-web/webgpu`
 * entry, which runs on the asyncify WASM build), as opposed to the JSEP build the app runs. Only the
 * benchmark build (`vite build --mode bench`) imports this module, so the app's dist ships none of it.
 *
 * - transformers.js 4.3 imports its own onnxruntime-web (1.31, nested in its node_modules) through that
 *   entry, for every device, and fetches the WASM from a CDN: here it is served from dist-bench instead.
 * - The app's own onnxruntime-web (1.30) has the same entry: our engine on it is measured against JSEP.
 */
import * as ortWebGpuEp from 'onnxruntime-web/webgpu';
import ourEpModule from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ourEpBinary from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
// Its package exports keep the nested copy out of reach by name; the path is where npm installs it.
import theirModule from '../../node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs?url';
import theirBinary from '../../node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { Ort } from '../engine/ort-setup';

/** Where transformers.js's own runtime finds its WASM (instead of cdn.jsdelivr.net). */
export const TRANSFORMERS_JS_WASM_PATHS = { mjs: theirModule, wasm: theirBinary };

let configured = false;

/** The app's onnxruntime-web with the native WebGPU EP, for our engine's `webgpu` backend. */
export function webGpuEpOrt(wasmThreads: number | undefined): Ort {
  const ort = ortWebGpuEp as unknown as Ort;
  if (!configured) {
    ort.env.wasm.wasmPaths = { mjs: ourEpModule, wasm: ourEpBinary };
    ort.env.wasm.proxy = false;
    if (wasmThreads !== undefined) ort.env.wasm.numThreads = wasmThreads;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort;
}
