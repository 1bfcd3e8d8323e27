/**
 * transformers.js 4.3 imports its own onnxruntime-web (1.31, nested in its node_modules) through the
 * `onnxruntime-web/webgpu` entry (the native WebGPU EP on the asyncify build), for every device, and
 * fetches its WASM from a CDN: in the benchmark build (`vite build --mode bench`, the only one that
 * imports this module) it is served from dist-bench instead.
 */
// Its package exports keep the nested copy out of reach by name; the path is where npm installs it.
import theirModule from '../../../node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs?url';
import theirBinary from '../../../node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm?url';

/** Where transformers.js's own runtime finds its WASM (instead of cdn.jsdelivr.net). */
export const TRANSFORMERS_JS_WASM_PATHS = { mjs: theirModule, wasm: theirBinary };
