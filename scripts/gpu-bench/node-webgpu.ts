/**
 * WebGPU in Node, as a browser worker has it: Dawn's Node binding (`dawn.node` from the npm package
 * `webgpu`) put behind `navigator.gpu`, its classes on the global object. onnxruntime-web's WebGPU EP and
 * transformers.js then find a GPU exactly as they would in a browser. Nothing here is in the app.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { NO_WEBGPU_ADAPTER, readAdapterFacts, type AdapterFacts } from '../../src/bench/page/environment';

/** No adapter, or no Dawn: the harness ends with this message and a non-zero exit, never a crash. */
export class NoWebGpuAdapterError extends Error {
  override name = 'NoWebGpuAdapterError';
}

interface DawnBinding {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** What to check when Dawn finds no adapter: the Vulkan loader and the NVIDIA driver's ICD manifest. */
function vulkanHint(): string {
  const files = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  return [
    `VK_DRIVER_FILES=${files ?? '(unset)'}`,
    `LD_LIBRARY_PATH=${process.env.LD_LIBRARY_PATH ?? '(unset)'}`,
    'Dawn needs libvulkan.so.1 (run.sh puts the bundled loader on LD_LIBRARY_PATH) and a Vulkan driver for the GPU (NVIDIA: nvidia_icd.json from the driver, e.g. /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json)',
  ].join('; ');
}

/**
 * Browsers accept views of a SharedArrayBuffer in `GPUQueue.writeBuffer`; dawn.node (webgpu 0.6.2) does
 * not (a plain script segfaults, onnxruntime-web gets "Invalid argument"), and onnxruntime-web's WASM
 * memory is always shared, so every upload it makes is one. Such a view is copied to a plain buffer
 * first: an extra copy of what is uploaded (token ids, positions, small uniforms; the KV cache never
 * leaves the GPU), in the harness only.
 */
function acceptSharedUploads(queue: { prototype: GPUQueue }): void {
  const writeBuffer = queue.prototype.writeBuffer;
  queue.prototype.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, bufferOffset: number, data: BufferSource | SharedArrayBuffer, dataOffset = 0, size?: number) {
    const shared = ArrayBuffer.isView(data) ? data.buffer instanceof SharedArrayBuffer : data instanceof SharedArrayBuffer;
    if (!shared) return writeBuffer.call(this, buffer, bufferOffset, data as BufferSource, dataOffset, size);
    // Offset and size count elements of a typed array, bytes of a buffer.
    const unit = ArrayBuffer.isView(data) ? ((data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1) : 1;
    const start = (ArrayBuffer.isView(data) ? data.byteOffset : 0) + dataOffset * unit;
    const length = size !== undefined ? size * unit : (ArrayBuffer.isView(data) ? data.byteLength : data.byteLength) - dataOffset * unit;
    const source = ArrayBuffer.isView(data) ? data.buffer : data;
    const copy = new Uint8Array(length);
    copy.set(new Uint8Array(source, start, length));
    return writeBuffer.call(this, buffer, bufferOffset, copy, 0, length);
  };
}

/**
 * Loads `dawn.node`, installs `navigator.gpu` and the GPU* classes, and returns the adapter's facts.
 * Must run before any engine module touches WebGPU, and before the GPU counters wrap its prototypes.
 */
export async function installNodeWebGpu(dawnPath: string, flags: string[] = []): Promise<AdapterFacts> {
  if (!existsSync(dawnPath)) throw new NoWebGpuAdapterError(`no WebGPU adapter: Dawn's binding is missing (${dawnPath})`);
  let dawn: DawnBinding;
  try {
    dawn = createRequire(import.meta.url)(dawnPath) as DawnBinding;
  } catch (error) {
    throw new NoWebGpuAdapterError(`no WebGPU adapter: Dawn's binding did not load (${(error as Error).message})`);
  }
  Object.assign(globalThis, dawn.globals);
  acceptSharedUploads(dawn.globals.GPUQueue as { prototype: GPUQueue });
  const gpu = dawn.create(flags);
  // Node ≥ 21 has a navigator without gpu; Node 20 has none.
  if (typeof globalThis.navigator === 'undefined') Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  const { adapter, error } = await readAdapterFacts(gpu);
  if (!adapter) throw new NoWebGpuAdapterError(`no WebGPU adapter: ${!error || error === NO_WEBGPU_ADAPTER ? 'Dawn found no GPU it can run' : error} (${vulkanHint()})`);
  return adapter;
}
