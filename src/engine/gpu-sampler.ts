/**
 * Draws the next token on the GPU for every sampling setting (the kernel: gpu-sample-kernel.ts) and
 * reads back its id alone: 4 bytes a token instead of the whole vocabulary (1 MB at 262,144), on
 * onnxruntime's device, through public API only, as gpu-pick.ts does (and relying on the same ordering
 * fact, written down there: a run's kernels are submitted before `run` resolves).
 *
 * The repetition penalty needs the tokens seen so far: they live on the GPU as a bitset, and each
 * step writes only the words of tokens seen since the last (`queue.writeBuffer`); a new generation (a
 * new list of seen tokens) clears it. Every buffer, the pipelines and the bind groups are made once
 * per vocabulary and reused.
 */
import { logitsBinding } from './gpu-pick-kernel';
import { SAMPLE_PARAMS_BYTES, sampleParams, sampleShader, seenWords } from './gpu-sample-kernel';
import type { DrawRequest } from './sampling';
import { COMPUTE, COPY_DST, COPY_SRC, LogitsBindGroups, MAP_MODE_READ, MAP_READ, STORAGE, UNIFORM } from './gpu-buffers';


/** Buffers sized to one vocabulary. */
interface Scratch {
  vocab: number;
  keys: GPUBuffer;
  mass: GPUBuffer;
  seen: GPUBuffer;
  /** The bitset as last written, and which list and how much of it it holds. */
  mirror: Uint32Array;
  seenList: readonly number[] | null;
  seenCount: number;
  groups: LogitsBindGroups;
}

export class GpuSampler {
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelineLayout: GPUPipelineLayout;
  private readonly pipelines = new Map<boolean, Promise<GPUComputePipeline | null>>();
  private readonly params: GPUBuffer;
  private readonly drawn: GPUBuffer;
  private readonly staging: GPUBuffer;
  private scratch: Scratch | null = null;
  private off: string | null = null;
  /** Steps whose token was drawn here. */
  draws = 0;

  constructor(private readonly device: GPUDevice) {
    const storage = (type: GPUBufferBindingType) => ({ visibility: COMPUTE, buffer: { type } });
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, ...storage('read-only-storage') },
        { binding: 1, ...storage('read-only-storage') },
        { binding: 2, ...storage('storage') },
        { binding: 3, ...storage('storage') },
        { binding: 4, ...storage('storage') },
        { binding: 5, ...storage('uniform') },
      ],
    });
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] });
    this.params = device.createBuffer({ size: SAMPLE_PARAMS_BYTES, usage: UNIFORM | COPY_DST });
    this.drawn = device.createBuffer({ size: 4, usage: STORAGE | COPY_SRC });
    this.staging = device.createBuffer({ size: 4, usage: MAP_READ | COPY_DST });
    void device.lost.then(() => this.dispose('the GPU device was lost'));
  }

  /** Why the GPU draw is not in use, or null while it is. */
  get disabledReason(): string | null {
    return this.off;
  }

  /**
   * The token drawn from the `vocab` logits from element `start` of a tensor left on the GPU, or null
   * where this sampler cannot serve it (logits neither float32 nor float16, not on the GPU, or the
   * sampler switched off): the tensor is untouched then, and the caller reads it all.
   */
  async draw(tensor: { location: string; type: string; gpuBuffer?: unknown }, start: number, vocab: number, request: DrawRequest): Promise<number | null> {
    if (this.off !== null || tensor.location !== 'gpu-buffer' || (tensor.type !== 'float32' && tensor.type !== 'float16')) return null;
    const half = tensor.type === 'float16';
    const pipeline = await this.pipeline(half);
    if (!pipeline || this.off !== null) return null;
    const scratch = this.scratchFor(vocab);
    const logits = tensor.gpuBuffer as GPUBuffer;
    const binding = logitsBinding(start, vocab, half ? 2 : 4, logits.size);
    const { temperature, topK, topP, repetitionPenalty } = request.settings;
    if (repetitionPenalty !== 1) this.writeSeen(scratch, request.seen);
    this.device.queue.writeBuffer(this.params, 0, sampleParams({ first: binding.first, vocab, topK, temperature, repetitionPenalty, topP, r: request.r }));
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, scratch.groups.get(logits, binding.offset, binding.size));
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(this.drawn, 0, this.staging, 0, 4);
    this.device.queue.submit([encoder.finish()]);
    await this.staging.mapAsync(MAP_MODE_READ, 0, 4);
    const id = new Uint32Array(this.staging.getMappedRange(0, 4))[0];
    this.staging.unmap();
    this.draws++;
    return id;
  }

  /** Brings the GPU's bitset up to `seen`: the new tokens' words only, or all of it for a new list. */
  private writeSeen(scratch: Scratch, seen: readonly number[]): void {
    const mirror = scratch.mirror;
    let from = 0;
    let lo = Infinity;
    let hi = -1;
    if (scratch.seenList === seen && scratch.seenCount <= seen.length) {
      from = scratch.seenCount;
    } else {
      mirror.fill(0);
      lo = 0;
      hi = mirror.length - 1;
    }
    for (let i = from; i < seen.length; i++) {
      const id = seen[i];
      if (!(id >= 0 && id < scratch.vocab)) continue;
      const word = id >>> 5;
      mirror[word] |= 1 << (id & 31);
      lo = Math.min(lo, word);
      hi = Math.max(hi, word);
    }
    scratch.seenList = seen;
    scratch.seenCount = seen.length;
    if (hi >= lo) this.device.queue.writeBuffer(scratch.seen, lo * 4, mirror.buffer, lo * 4, (hi - lo + 1) * 4);
  }

  private scratchFor(vocab: number): Scratch {
    if (this.scratch?.vocab === vocab) return this.scratch;
    this.destroyScratch();
    const words = seenWords(vocab);
    const keys = this.device.createBuffer({ size: Math.max(4, vocab * 4), usage: STORAGE });
    const mass = this.device.createBuffer({ size: Math.max(4, vocab * 4), usage: STORAGE });
    const seen = this.device.createBuffer({ size: words * 4, usage: STORAGE | COPY_DST });
    const groups = new LogitsBindGroups((logits) =>
      this.device.createBindGroup({
        layout: this.layout,
        entries: [
          { binding: 0, resource: logits },
          { binding: 1, resource: { buffer: seen } },
          { binding: 2, resource: { buffer: keys } },
          { binding: 3, resource: { buffer: mass } },
          { binding: 4, resource: { buffer: this.drawn } },
          { binding: 5, resource: { buffer: this.params } },
        ],
      }),
    );
    const scratch: Scratch = { vocab, keys, mass, seen, mirror: new Uint32Array(words), seenList: null, seenCount: 0, groups };
    this.scratch = scratch;
    return scratch;
  }

  private pipeline(half: boolean): Promise<GPUComputePipeline | null> {
    let made = this.pipelines.get(half);
    if (!made) {
      const module = this.device.createShaderModule({ code: sampleShader(half) });
      made = this.device.createComputePipelineAsync({ layout: this.pipelineLayout, compute: { module, entryPoint: 'main' } }).catch((error: unknown) => {
        // A kernel this adapter cannot compile: the whole vocabulary is read back, as before.
        this.off = `the sampling kernel did not compile: ${(error as Error).message}`;
        return null;
      });
      this.pipelines.set(half, made);
    }
    return made;
  }

  private destroyScratch(): void {
    if (!this.scratch) return;
    this.scratch.keys.destroy();
    this.scratch.mass.destroy();
    this.scratch.seen.destroy();
    this.scratch = null;
  }

  /** Frees the buffers (session released, or device lost); later draws return null. */
  dispose(reason = 'the session was released'): void {
    if (this.off === null || !this.off.startsWith('disposed')) this.off = `disposed: ${reason}`;
    this.destroyScratch();
    this.params.destroy();
    this.drawn.destroy();
    this.staging.destroy();
  }
}
