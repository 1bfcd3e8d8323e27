/**
 * The onnxruntime-web build's WASM binary, fetched by us with byte progress and handed to the runtime
 * through its public `env.wasm.wasmBinary`, so a first visit sees the runtime download (15–29 MB) as a
 * phase of its own instead of a silent wait inside "building the session". Its sizes come from the
 * build (vite.config.ts reads them from onnxruntime-web's files), so the total a load announces counts
 * the runtime before a byte of it has moved.
 */
import type { OrtBuild } from '../core/protocol';
import { runtimePaths, type Ort } from './ort-setup';
import { fetchOnce } from '../core/fetch-once';
import { RUNTIME_CACHE } from '../core/app-caches';

/** Bytes of each build's `.mjs` and `.wasm`, set by vite.config.ts; absent outside a Vite build (unit tests, Node). */
declare const __ORT_FILE_BYTES__: Record<OrtBuild, { mjs: number; wasm: number }> | undefined;

const fileBytes = typeof __ORT_FILE_BYTES__ === 'undefined' ? null : __ORT_FILE_BYTES__;

/** Builds whose binary this realm already handed to the runtime (or whose runtime already started). */
const fetched = new Set<OrtBuild>();

export type RuntimeProgress = (loadedBytes: number, totalBytes: number | null) => void;

/** Bytes a build's files weigh (its `.mjs` and `.wasm`), or null when this build of the app does not know. */
export function runtimeBytes(build: OrtBuild): number | null {
  const sizes = fileBytes?.[build];
  return sizes ? sizes.mjs + sizes.wasm : null;
}

/** The binary's name as the user reads it in the progress (onnxruntime-web's own file name). */
export function runtimeFileName(build: OrtBuild): string {
  return `ort-wasm-simd-threaded${build === 'wasm' ? '' : `.${build}`}.wasm`;
}

/** Bytes of a build's `.mjs` alone, which the runtime imports itself once it has the binary. */
export function runtimeModuleBytes(build: OrtBuild): number {
  return fileBytes?.[build].mjs ?? 0;
}

/**
 * Bytes a session on `build` still has to fetch here: 0 once this realm has the runtime or the browser
 * keeps a copy (the service worker's cache: nothing moves over the network), else the build's size.
 */
export async function runtimeBytesToFetch(build: OrtBuild): Promise<number | null> {
  if (fetched.has(build)) return 0;
  if (await isCached(runtimePaths(build).wasm)) return 0;
  return runtimeBytes(build);
}

async function isCached(url: string): Promise<boolean> {
  try {
    return (await globalThis.caches?.match(new URL(url, globalThis.location?.href).href)) !== undefined;
  } catch {
    return false; // storage refused: count it as a download, which it then is
  }
}

/**
 * Fetches the build's WASM binary with progress and gives it to `ort` before its first session; once
 * per realm and build. A failed fetch is left to the runtime, which fetches the file itself and reports
 * its own error when the session is built.
 */
export async function fetchRuntime(build: OrtBuild, ort: Ort, onProgress: RuntimeProgress, signal?: AbortSignal): Promise<void> {
  if (fetched.has(build)) return;
  const url = runtimePaths(build).wasm;
  let response: Response;
  try {
    // Once per page: another worker (the chat's or the lesson's) may be fetching the same build.
    response = (await fetchOnce(url, RUNTIME_CACHE, { signal })).response;
  } catch (error) {
    if (signal?.aborted) throw error;
    return;
  }
  if (!response.ok || !response.body) return;
  const length = Number(response.headers.get('content-length'));
  const total = length > 0 && !response.headers.get('content-encoding') ? length : (fileBytes?.[build].wasm ?? null);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress(0, total);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress(loaded, total);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    return; // a dropped connection: the runtime tries the file again itself
  }
  const binary = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    binary.set(chunk, offset);
    offset += chunk.length;
  }
  ort.env.wasm.wasmBinary = binary;
  await shareRuntimeModule(build, ort, signal);
  fetched.add(build);
}

/**
 * Points the runtime at a copy of its `.mjs` read once per page (see `fetchOnce`) instead of letting it
 * import the file from the network in every worker. Through `env.wasm.wasmPaths`, its public setting;
 * a same-origin `blob:` address is what the runtime itself makes of a module it has to fetch. Where
 * that copy cannot be had, the runtime imports the file itself, as before.
 */
async function shareRuntimeModule(build: OrtBuild, ort: Ort, signal?: AbortSignal): Promise<void> {
  const paths = runtimePaths(build);
  try {
    const { response } = await fetchOnce(paths.mjs, RUNTIME_CACHE, { signal });
    if (!response.ok) return;
    const source = await response.blob();
    const moduleUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    ort.env.wasm.wasmPaths = { mjs: moduleUrl, wasm: paths.wasm };
  } catch (error) {
    if (signal?.aborted) throw error;
  }
}
