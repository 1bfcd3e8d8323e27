/**
 * Which onnxruntime-web build runs our engine in the benchmark: the app's choice (WebGPU on the native
 * WebGPU EP's JSPI build where the browser has JSPI, else its asyncify build; WASM on the plain SIMD
 * build), or one WebGPU build by name, to measure JSPI against asyncify on the same models.
 */
import { buildFor, hasJspi, ortBuild, type Ort } from '../../engine/ort-setup';
import { JspiUnavailableError } from '../../core/errors';
import type { Backend, OrtBuild } from '../../core/protocol';
import type { WebGpuBuild } from '../shared/protocol';

const BUILD_NAMES: Record<OrtBuild, string> = {
  jspi: 'native WebGPU EP, JSPI',
  asyncify: 'native WebGPU EP, asyncify',
  wasm: 'WASM SIMD',
};

/** `onnxruntime-web 1.31.1 (native WebGPU EP, JSPI)`: the version and the build, for the report. */
export function describeRuntime(ort: Ort, build: string): string {
  return `onnxruntime-web ${ort.env.versions.web ?? '?'} (${build})`;
}

export async function benchRuntimeFor(backend: Backend, wasmThreads: number | undefined, webGpuBuild?: WebGpuBuild): Promise<{ ort: Ort; runtime: string }> {
  const build = backend === 'webgpu' && webGpuBuild ? webGpuBuild : buildFor(backend);
  if (build === 'jspi' && !hasJspi()) throw new JspiUnavailableError();
  const ort = ortBuild(build, wasmThreads);
  return { ort, runtime: describeRuntime(ort, BUILD_NAMES[build]) };
}
