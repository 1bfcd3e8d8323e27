/**
 * Picks the k largest logits of the last position on the GPU (the kernel: gpu-pick-kernel.ts) and reads
 * back only those: 8 bytes for greedy instead of the whole vocabulary (1 MB a token at 262,144), with
 * every buffer, pipeline and bind group made once per session and reused every step.
 *
 * Why it rides on onnxruntime's own download: onnxruntime-web's JSEP backend submits its command
 * buffer every 16 dispatches, so when `session.run` returns the last few kernels (the logits among
 * them) are still encoded but not submitted, and only a download submits them (no public call does).
 * A kernel submitted by us before that would read stale logits. So the pick goes through the logits
 * tensor's `getData()`, whose first, synchronous part is (onnxruntime-web 1.30,
 * lib/wasm/jsep/webgpu/gpu-data-manager.ts, `downloadGpuData`): create a MAP_READ staging buffer,
 * copy the logits into it on the backend's pending encoder, submit that encoder, then map the staging
 * buffer. For that one call, while "armed", our hooks hand over our own small staging buffer instead
 * of a new one, and turn the logits copy into our compute pass plus a copy of its small result, on the
 * same encoder, so the one submit runs onnxruntime's last kernels, then ours, in order. When onnxruntime
 * "destroys" the staging buffer after reading it, it is only unmapped, for the next step.
 * If a future onnxruntime downloads differently, the hooks do not fire, the step gets the full logits
 * as before, and the picker switches itself off.
 */
import type * as Ort from 'onnxruntime-web';
import { kernelSize, logitsBinding, resultBytes, topKShader } from './gpu-pick-kernel';
import type { TopLogits } from './sampling';

// GPUBufferUsage / GPUMapMode values, spelled out so the module loads where WebGPU is absent (tests, Node).
const MAP_READ = 0x0001;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const UNIFORM = 0x0040;
const STORAGE = 0x0080;
const COMPUTE = 0x4;

/** One kernel size's pipeline and buffers, made on first use. */
interface Variant {
  pipeline: GPUComputePipeline;
  /** The kernel's output: ids then values. */
  result: GPUBuffer;
  /** Mapped for reading each step; onnxruntime's download maps it for us. */
  staging: GPUBuffer;
  /** Bind groups per logits buffer (onnxruntime's pool hands out a few) and bound range. */
  bindGroups: WeakMap<GPUBuffer, Map<string, GPUBindGroup>>;
}

/** The one pick under way in this realm (a synchronous window: nothing else runs meanwhile). */
interface Armed {
  device: GPUDevice;
  logits: GPUBuffer;
  staging: GPUBuffer;
  encode(encoder: GPUCommandEncoder): void;
  stagingServed: boolean;
  encoded: boolean;
}

let armed: Armed | null = null;
const hookedDevices = new WeakSet<GPUDevice>();
let encoderHooked = false;

/** Serves our staging buffer to the armed download; every other buffer is created as usual. */
function hookDevice(device: GPUDevice): void {
  if (hookedDevices.has(device)) return;
  hookedDevices.add(device);
  Object.defineProperty(device, 'createBuffer', {
    configurable: true,
    writable: true,
    value(this: GPUDevice, descriptor: GPUBufferDescriptor): GPUBuffer {
      const pick = armed;
      if (pick && pick.device === this && !pick.stagingServed && descriptor.usage === (MAP_READ | COPY_DST)) {
        pick.stagingServed = true;
        return pick.staging;
      }
      // Looked up each call, so counters installed later on the prototype still see it.
      return (Object.getPrototypeOf(this) as GPUDevice).createBuffer.call(this, descriptor);
    },
  });
}

/** Turns the armed download's logits copy into our pass and our result's copy. */
function hookEncoder(): void {
  if (encoderHooked || typeof GPUCommandEncoder === 'undefined') return;
  encoderHooked = true;
  const proto = GPUCommandEncoder.prototype as unknown as Record<string, unknown>;
  const original = proto.copyBufferToBuffer as (...args: unknown[]) => void;
  Object.defineProperty(proto, 'copyBufferToBuffer', {
    configurable: true,
    writable: true,
    value(this: GPUCommandEncoder, ...args: unknown[]): void {
      const pick = armed;
      if (pick && pick.stagingServed && !pick.encoded && args[0] === pick.logits && args[2] === pick.staging) {
        pick.encoded = true;
        pick.encode(this);
        return;
      }
      original.apply(this, args);
    },
  });
}

export class GpuTopPicker {
  private readonly variants = new Map<string, Promise<Variant | null>>();
  private readonly params: GPUBuffer;
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelineLayout: GPUPipelineLayout;
  private lastParams = '';
  /** Why the picker switched itself off, or null while it works. */
  private off: string | null = null;
  /** Steps whose logits were picked here. */
  picks = 0;

  private constructor(private readonly device: GPUDevice) {
    this.params = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 1, visibility: COMPUTE, buffer: { type: 'storage' } },
        { binding: 2, visibility: COMPUTE, buffer: { type: 'uniform' } },
      ],
    });
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] });
    hookDevice(device);
    hookEncoder();
    void device.lost.then(() => this.dispose('the GPU device was lost'));
  }

  /** A picker on onnxruntime's device, or null where there is none (not the WebGPU runtime, or not started). */
  static async create(ort: typeof Ort): Promise<GpuTopPicker | null> {
    // Only the JSEP build downloads as described above. Its backend defines env.webgpu.device read-only
    // (backend-webgpu.ts, initialize); the native WebGPU EP (the benchmark's --webgpu-ep) assigns it.
    const defined = ort.env.webgpu ? Object.getOwnPropertyDescriptor(ort.env.webgpu, 'device') : undefined;
    if (!defined || defined.writable !== false) return null;
    // Typed as a promise, but ORT 1.30 (JSEP) hands back the device itself once the EP is running.
    const device = (await Promise.resolve(ort.env.webgpu.device).catch(() => undefined)) as GPUDevice | undefined;
    if (!device || typeof device.createComputePipelineAsync !== 'function') return null;
    return new GpuTopPicker(device);
  }

  /** Why the GPU pick is not in use, or null while it is. */
  get disabledReason(): string | null {
    return this.off;
  }

  /**
   * The `k` largest of the `vocab` logits from element `start` of a tensor onnxruntime left on the GPU,
   * or null where this picker cannot serve it: k too large, logits neither float32 nor float16, or
   * the picker switched off. After null the tensor is as it was, or already downloaded in full (the
   * hooks did not fire), so `getData()` gives the whole logits either way.
   */
  async pick(tensor: Ort.Tensor, start: number, vocab: number, k: number): Promise<TopLogits | null> {
    const size = kernelSize(k);
    if (this.off !== null || size === null || tensor.location !== 'gpu-buffer') return null;
    if (tensor.type !== 'float32' && tensor.type !== 'float16') return null;
    const half = tensor.type === 'float16';
    const variant = await this.variant(size, half);
    if (!variant || this.off !== null) return null;
    const logits = tensor.gpuBuffer as GPUBuffer;
    const binding = logitsBinding(start, vocab, half ? 2 : 4, logits.size);
    const key = `${binding.first},${vocab}`;
    if (key !== this.lastParams) {
      this.device.queue.writeBuffer(this.params, 0, new Uint32Array([binding.first, vocab, 0, 0]));
      this.lastParams = key;
    }
    const bindGroup = this.bindGroup(variant, logits, binding.offset, binding.size);
    const bytes = resultBytes(size);
    const pick: Armed = {
      device: this.device,
      logits,
      staging: variant.staging,
      stagingServed: false,
      encoded: false,
      encode: (encoder) => {
        const pass = encoder.beginComputePass();
        pass.setPipeline(variant.pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(1);
        pass.end();
        encoder.copyBufferToBuffer(variant.result, 0, variant.staging, 0, bytes);
      },
    };
    let download: Promise<unknown>;
    armed = pick;
    try {
      download = tensor.getData();
    } finally {
      armed = null;
    }
    if (!pick.stagingServed && !pick.encoded) {
      // onnxruntime downloaded the whole tensor its own way: nothing of ours ran. Use that, and stop trying.
      this.off = 'onnxruntime-web downloaded the logits in a way the GPU pick does not know';
      await download;
      return null;
    }
    if (!pick.stagingServed || !pick.encoded) {
      this.off = 'onnxruntime-web took only part of the GPU pick';
      await download.catch(() => undefined);
      throw new Error(`GPU pick: ${this.off}; the step's logits are lost`);
    }
    const data = (await download) as ArrayBufferView;
    this.picks++;
    return {
      ids: new Uint32Array(data.buffer, data.byteOffset, k),
      values: new Float32Array(data.buffer, data.byteOffset + size * 4, k),
      count: k,
      vocab,
    };
  }

  private variant(size: number, half: boolean): Promise<Variant | null> {
    const key = `${size}${half ? 'h' : 'f'}`;
    let made = this.variants.get(key);
    if (!made) {
      made = this.makeVariant(size, half).catch((error: unknown) => {
        // A kernel this adapter cannot compile: read the whole vocabulary back, as before.
        this.off = `the pick kernel did not compile: ${(error as Error).message}`;
        return null;
      });
      this.variants.set(key, made);
    }
    return made;
  }

  private async makeVariant(size: number, half: boolean): Promise<Variant> {
    const module = this.device.createShaderModule({ code: topKShader(size, half) });
    const pipeline = await this.device.createComputePipelineAsync({ layout: this.pipelineLayout, compute: { module, entryPoint: 'main' } });
    const bytes = resultBytes(size);
    return {
      pipeline,
      result: this.device.createBuffer({ size: bytes, usage: STORAGE | COPY_SRC }),
      staging: this.stagingBuffer(bytes),
      bindGroups: new WeakMap(),
    };
  }

  /** A MAP_READ buffer that onnxruntime's download may "destroy" after reading: that only unmaps it. */
  private stagingBuffer(size: number): GPUBuffer {
    const staging = this.device.createBuffer({ size, usage: MAP_READ | COPY_DST });
    Object.defineProperty(staging, 'destroy', { configurable: true, writable: true, value: () => staging.unmap() });
    return staging;
  }

  private bindGroup(variant: Variant, logits: GPUBuffer, offset: number, size: number): GPUBindGroup {
    let groups = variant.bindGroups.get(logits);
    if (!groups) variant.bindGroups.set(logits, (groups = new Map()));
    const key = `${offset}:${size}`;
    let group = groups.get(key);
    if (!group) {
      // Prefills of many lengths bind many ranges; decode binds one. Keep the map small.
      if (groups.size >= 8) groups.clear();
      group = this.device.createBindGroup({
        layout: this.layout,
        entries: [
          { binding: 0, resource: { buffer: logits, offset, size } },
          { binding: 1, resource: { buffer: variant.result } },
          { binding: 2, resource: { buffer: this.params } },
        ],
      });
      groups.set(key, group);
    }
    return group;
  }

  /** Frees the picker's buffers (session released, or device lost); later picks return null. */
  dispose(reason = 'the session was released'): void {
    if (this.off === null || !this.off.startsWith('disposed')) this.off = `disposed: ${reason}`;
    const variants = [...this.variants.values()];
    this.variants.clear();
    this.params.destroy();
    for (const made of variants) {
      void made.then((variant) => {
        if (!variant) return;
        variant.result.destroy();
        GPUBuffer.prototype.destroy.call(variant.staging);
      });
    }
  }
}
