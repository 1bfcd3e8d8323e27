/**
 * What the GPU pick (gpu-pick.ts) and the GPU sampler (gpu-sampler.ts) share: WebGPU's flag values and
 * the cache of bind groups over the runtime's logits buffers.
 */

// GPUBufferUsage / GPUMapMode / GPUShaderStage values, spelled out so these modules load where WebGPU
// is absent (tests, Node).
export const MAP_READ = 0x0001;
export const COPY_SRC = 0x0004;
export const COPY_DST = 0x0008;
export const UNIFORM = 0x0040;
export const STORAGE = 0x0080;
export const COMPUTE = 0x4;
export const MAP_MODE_READ = 0x0001;

/**
 * Bind groups per logits buffer and bound range, made on first use. onnxruntime's buffer pool hands
 * out a few logits buffers in turn; decode binds one range of each, prefills of many lengths bind many,
 * so each buffer keeps at most 8 and forgets them all when full.
 */
export class LogitsBindGroups {
  private readonly byBuffer = new WeakMap<GPUBuffer, Map<string, GPUBindGroup>>();

  /** `make` builds a bind group whose logits entry is the given range. */
  constructor(private readonly make: (logits: GPUBufferBinding) => GPUBindGroup) {}

  get(logits: GPUBuffer, offset: number, size: number): GPUBindGroup {
    let groups = this.byBuffer.get(logits);
    if (!groups) this.byBuffer.set(logits, (groups = new Map()));
    const key = `${offset}:${size}`;
    let group = groups.get(key);
    if (!group) {
      if (groups.size >= 8) groups.clear();
      group = this.make({ buffer: logits, offset, size });
      groups.set(key, group);
    }
    return group;
  }
}
