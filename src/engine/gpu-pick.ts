/**
 * Picks the k largest logits of the last position on the GPU (the kernel: gpu-pick-kernel.ts) and reads
 * back only those: 8 bytes for greedy instead of the whole vocabulary (1 MB a token at 262,144), with
 * every buffer, pipeline and bind group made once per session and reused every step.
 *
 * Public API only: the session leaves its logits on the GPU (`preferredOutputLocation: 'gpu-buffer'`),
 * the tensor gives its buffer (`Tensor.gpuBuffer`), onnxruntime's device is `env.webgpu.device`, and our
 * kernel is encoded and submitted on that device's queue after `session.run` has returned.
 *
 * Ordering, checked on onnxruntime-web 1.31.1 (native WebGPU EP): the EP submits every kernel of a run
 * before `run` resolves (`WebGpuExecutionProvider::OnRunEnd` flushes its pending command encoder), so a
 * command buffer we submit afterwards on the same queue runs after the logits are written. JSEP (1.30)
 * did not: it left up to 16 dispatches encoded but unsubmitted. If a later runtime stops flushing at the
 * end of a run, the pick reads the previous step's logits and the greedy tests on WebGPU fail
 * (test/e2e/gpu-pick.spec.ts "greedy on the fixture: WebGPU gives the WASM tokens…", and
 * fixture-greedy.spec.ts, every step of which is picked here).
 */
import type * as Ort from 'onnxruntime-web';
import { kernelSize, logitsBinding, resultBytes, topKShader } from './gpu-pick-kernel';
import type { TopLogits } from './sampling';
import { COMPUTE, COPY_DST, COPY_SRC, LogitsBindGroups, MAP_MODE_READ, MAP_READ, STORAGE, UNIFORM } from './gpu-buffers';


/** One kernel size's pipeline and buffers, made on first use. */
interface Variant {
  pipeline: GPUComputePipeline;
  /** The kernel's output: ids then values. */
  result: GPUBuffer;
  /** Mapped for reading each step, then unmapped for the next. */
  staging: GPUBuffer;
  bytes: number;
  bindGroups: LogitsBindGroups;
}

/** onnxruntime's WebGPU device, once its first WebGPU session exists; undefined elsewhere (WASM, Node). */
export async function runtimeDevice(ort: typeof Ort): Promise<GPUDevice | undefined> {
  if (!ort.env.webgpu) return undefined;
  const device = (await Promise.resolve(ort.env.webgpu.device).catch(() => undefined)) as GPUDevice | undefined;
  return device && typeof device.createComputePipelineAsync === 'function' ? device : undefined;
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

  private constructor(readonly device: GPUDevice) {
    this.params = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 1, visibility: COMPUTE, buffer: { type: 'storage' } },
        { binding: 2, visibility: COMPUTE, buffer: { type: 'uniform' } },
      ],
    });
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] });
    void device.lost.then(() => this.dispose('the GPU device was lost'));
  }

  /** A picker on onnxruntime's device, or null where there is none (not a WebGPU runtime, or not started). */
  static async create(ort: typeof Ort): Promise<GpuTopPicker | null> {
    const device = await runtimeDevice(ort);
    return device ? new GpuTopPicker(device) : null;
  }

  /** Why the GPU pick is not in use, or null while it is. */
  get disabledReason(): string | null {
    return this.off;
  }

  /**
   * The `k` largest of the `vocab` logits from element `start` of a tensor onnxruntime left on the GPU,
   * or null where this picker cannot serve it (k too large, logits neither float32 nor float16, not on
   * the GPU, or the picker switched off): the tensor is untouched then, and `getData()` reads it all.
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
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(variant.pipeline);
    pass.setBindGroup(0, variant.bindGroups.get(logits, binding.offset, binding.size));
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(variant.result, 0, variant.staging, 0, variant.bytes);
    this.device.queue.submit([encoder.finish()]);
    await variant.staging.mapAsync(MAP_MODE_READ, 0, variant.bytes);
    // Copied out before unmapping: the mapped range is detached by unmap().
    const words = new Uint32Array(variant.staging.getMappedRange(0, variant.bytes).slice(0));
    variant.staging.unmap();
    this.picks++;
    return {
      ids: words.subarray(0, k),
      values: new Float32Array(words.buffer, size * 4, k),
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
    const result = this.device.createBuffer({ size: bytes, usage: STORAGE | COPY_SRC });
    const bindGroups = new LogitsBindGroups((logits) =>
      this.device.createBindGroup({
        layout: this.layout,
        entries: [
          { binding: 0, resource: logits },
          { binding: 1, resource: { buffer: result } },
          { binding: 2, resource: { buffer: this.params } },
        ],
      }),
    );
    return { pipeline, bytes, result, staging: this.device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST }), bindGroups };
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
        variant.staging.destroy();
      });
    }
  }
}
