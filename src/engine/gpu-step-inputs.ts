/**
 * The small integer inputs of a WebGPU step (input_ids, position_ids, seqlens_k) as GPU tensors made
 * once per session and rewritten in place each step: without them onnxruntime-web 1.31.1's native
 * WebGPU EP creates an upload buffer for every CPU input of every run (3 buffers a decode token, its
 * cache modes notwithstanding, measured). One buffer per step length up to `MAX_GPU_STEP_TOKENS` and
 * input; a longer step (a prompt on a graph fed in one piece) keeps CPU tensors, which the EP uploads.
 *
 * Public API only: the buffers are made on the EP's device (`env.webgpu.device`), wrapped with
 * `Tensor.fromGpuBuffer` and written with `queue.writeBuffer`. A write is queued before the run's own
 * work (one queue, in order), and the previous run's work was submitted before its `run` resolved
 * (see gpu-pick.ts), so a write never races a step that still reads the buffer.
 *
 * An input goes to the GPU only where every node that reads it runs on the GPU (an embedding Gather
 * reads input_ids, RotaryEmbedding or a position Gather reads position_ids, GroupQueryAttention reads seqlens_k): a CPU
 * node reading a GPU tensor would cost a download, worse than the upload it saves.
 */
import type * as Ort from 'onnxruntime-web';
import type { GraphIndex } from './graph/onnx-graph';

type Ort = typeof Ort;

// GPUBufferUsage values, spelled out so the module loads where WebGPU is absent (tests, Node).
const COPY_DST = 0x0008;
const STORAGE = 0x0080;

/** The longest step fed from GPU tensors: a decode step, prompt lookup's verification and the 8-token prompt chunks. */
export const MAX_GPU_STEP_TOKENS = 16;

/** Which graph inputs may be fed from GPU tensors, by the ops that read them. */
const GPU_READERS: Readonly<Record<string, readonly string[]>> = {
  input_ids: ['Gather'],
  position_ids: ['RotaryEmbedding', 'Gather'],
  seqlens_k: ['GroupQueryAttention'],
};

/**
 * The inputs of `names` that only GPU kernels read: each has at least one reader and every reader is
 * one of its GPU_READERS (for GroupQueryAttention, as its seqlens_k, input 5).
 */
export function gpuFedInputs(graph: GraphIndex, names: readonly string[]): string[] {
  return names.filter((name) => {
    const ops = GPU_READERS[name];
    if (!ops) return false;
    let readers = 0;
    for (const { value: node } of graph.nodes) {
      const uses = node.inputs.filter((input) => input === name).length + node.subgraphInputs.filter((input) => input === name).length;
      if (!uses) continue;
      if (!ops.includes(node.op) || node.subgraphInputs.includes(name)) return false;
      if (node.op === 'GroupQueryAttention' && (uses !== 1 || node.inputs[5] !== name)) return false;
      readers += uses;
    }
    return readers > 0 && !graph.outputs.includes(name);
  });
}

interface Slot {
  buffer: GPUBuffer;
  tensor: Ort.Tensor;
}

/** Bytes of a buffer for `count` elements of `type`, rounded up to 16 (storage bindings are bound whole). */
function bufferBytes(type: 'int32' | 'int64', count: number): number {
  return Math.ceil((count * (type === 'int64' ? 8 : 4)) / 16) * 16;
}

export class GpuStepInputs {
  /** Per input and step length, made on first use. */
  private readonly slots = new Map<string, Slot>();
  private destroyed = false;

  constructor(
    private readonly ort: Ort,
    private readonly device: GPUDevice,
    /** The inputs this session feeds from GPU tensors (`gpuFedInputs`). */
    readonly names: ReadonlySet<string>,
  ) {}

  /** Whether `name` is fed from the GPU for a step of `tokens` tokens. */
  serves(name: string, tokens: number): boolean {
    return !this.destroyed && this.names.has(name) && tokens >= 1 && tokens <= MAX_GPU_STEP_TOKENS;
  }

  /**
   * The GPU tensor of `name` holding `values` (dims `dims`), written now on the device's queue. The
   * tensor is the same object every step of this length: the caller feeds it and never disposes it.
   */
  tensor(name: string, type: 'int32' | 'int64', values: Int32Array | BigInt64Array, dims: readonly number[]): Ort.Tensor {
    const key = `${name}:${dims.join('x')}`;
    let slot = this.slots.get(key);
    if (!slot) {
      const buffer = this.device.createBuffer({ size: bufferBytes(type, values.length), usage: STORAGE | COPY_DST });
      slot = { buffer, tensor: this.ort.Tensor.fromGpuBuffer(buffer, { dataType: type, dims }) };
      this.slots.set(key, slot);
    }
    this.device.queue.writeBuffer(slot.buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    return slot.tensor;
  }

  /** Frees every buffer (the session was released). */
  destroy(): void {
    this.destroyed = true;
    for (const { buffer } of this.slots.values()) buffer.destroy();
    this.slots.clear();
  }
}
