/**
 * Counts the WebGPU work an engine asks for: compute dispatches, queue submits, buffers created (and
 * their bytes), and GPU→CPU reads (and their bytes). On a real GPU a small model's decode is bound by
 * this work, which the CPU encodes per token, rather than by arithmetic; and it is counted exactly on
 * any adapter, SwiftShader included.
 *
 * It wraps the WebGPU prototypes of the realm it runs in, so every engine of that realm is counted
 * (ours and transformers.js, whichever onnxruntime-web build they run): the benchmark's worker
 * installs it once, and engines measured one after another are told apart by snapshots.
 */
import type { Contender } from './runner';
import type { BackendResult, BenchSettings, GpuWorkPerToken } from '../shared/types';

// The data shape lives with the other results (no import circle types ↔ gpu-counters); kept importable from here.
export type { GpuWorkPerToken };

/** Cumulative counts since `installGpuCounters`. */
export interface GpuCounts {
  dispatches: number;
  submits: number;
  buffersCreated: number;
  bytesAllocated: number;
  reads: number;
  bytesRead: number;
}


export interface GpuCounters {
  /** A copy of the counts so far. */
  snapshot(): GpuCounts;
  /**
   * Bytes of GPU buffers alive now, and the most alive at once since the last `resetPeak`: created minus
   * destroyed. A buffer dropped without `destroy()` stays counted until the end, so this is an upper bound.
   */
  memory(): { liveBytes: number; peakBytes: number };
  resetPeak(): void;
}

const ZERO: GpuCounts = { dispatches: 0, submits: 0, buffersCreated: 0, bytesAllocated: 0, reads: 0, bytesRead: 0 };

let installed: GpuCounters | null = null;

/** Replaces `proto[name]` with a function that calls `count` with the call's receiver and arguments, then the original. */
function wrap<S, A extends unknown[]>(proto: object, name: string, count: (self: S, args: A) => void): void {
  const original = (proto as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  Object.defineProperty(proto, name, {
    configurable: true,
    writable: true,
    value: function (this: S, ...args: A) {
      count(this, args);
      return (original as (...a: A) => unknown).apply(this, args);
    },
  });
}

/**
 * Installs the counters in this realm (once; later calls return the same counters), or null where
 * the realm has no WebGPU. Must run before an engine caches any of these methods; onnxruntime-web
 * (JSEP and the native WebGPU EP alike) calls them through the objects, so installing it before the
 * first session is enough.
 */
export function installGpuCounters(scope: typeof globalThis = globalThis): GpuCounters | null {
  if (installed) return installed;
  const g = scope as unknown as Record<string, { prototype: object } | undefined>;
  if (!g.GPUDevice || !g.GPUQueue || !g.GPUBuffer || !g.GPUComputePassEncoder) return null;
  const counts: GpuCounts = { ...ZERO };
  wrap(g.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', () => counts.dispatches++);
  wrap(g.GPUComputePassEncoder.prototype, 'dispatchWorkgroupsIndirect', () => counts.dispatches++);
  wrap(g.GPUQueue.prototype, 'submit', () => counts.submits++);
  wrap(g.GPUDevice.prototype, 'createBuffer', (_self: GPUDevice, [descriptor]: [GPUBufferDescriptor]) => {
    counts.buffersCreated++;
    counts.bytesAllocated += Number(descriptor?.size ?? 0);
  });
  const live = { bytes: 0, peak: 0 };
  const alive = new WeakSet<object>();
  // After the counting wrapper: the buffer it returns is the one to remember.
  const create = (g.GPUDevice.prototype as { createBuffer?: (d: GPUBufferDescriptor) => GPUBuffer }).createBuffer;
  if (create) {
    Object.defineProperty(g.GPUDevice.prototype, 'createBuffer', {
      configurable: true,
      writable: true,
      value: function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
        const buffer = create.call(this, descriptor);
        alive.add(buffer);
        live.bytes += Number(descriptor?.size ?? 0);
        live.peak = Math.max(live.peak, live.bytes);
        return buffer;
      },
    });
  }
  wrap(g.GPUBuffer.prototype, 'destroy', (self: GPUBuffer) => {
    if (!alive.delete(self)) return;
    live.bytes -= Number(self.size);
  });
  // Only maps for reading bring data back to the CPU; a map for writing is an upload.
  const READ = (scope as unknown as { GPUMapMode?: { READ: number } }).GPUMapMode?.READ ?? 1;
  wrap(g.GPUBuffer.prototype, 'mapAsync', (self: GPUBuffer, [mode, offset, size]: [number, number?, number?]) => {
    if (!(mode & READ)) return;
    counts.reads++;
    counts.bytesRead += size ?? Number(self.size) - (offset ?? 0);
  });
  installed = {
    snapshot: () => ({ ...counts }),
    memory: () => ({ liveBytes: live.bytes, peakBytes: live.peak }),
    resetPeak: () => void (live.peak = live.bytes),
  };
  return installed;
}

export function difference(after: GpuCounts, before: GpuCounts): GpuCounts {
  return {
    dispatches: after.dispatches - before.dispatches,
    submits: after.submits - before.submits,
    buffersCreated: after.buffersCreated - before.buffersCreated,
    bytesAllocated: after.bytesAllocated - before.bytesAllocated,
    reads: after.reads - before.reads,
    bytesRead: after.bytesRead - before.bytesRead,
  };
}

function sum(all: GpuCounts[]): GpuCounts {
  return all.reduce((a, b) => ({
    dispatches: a.dispatches + b.dispatches,
    submits: a.submits + b.submits,
    buffersCreated: a.buffersCreated + b.buffersCreated,
    bytesAllocated: a.bytesAllocated + b.bytesAllocated,
    reads: a.reads + b.reads,
    bytesRead: a.bytesRead + b.bytesRead,
  }), { ...ZERO });
}

export function perToken(counts: GpuCounts, tokens: number): GpuWorkPerToken {
  const per = (value: number) => (tokens > 0 ? value / tokens : 0);
  return {
    dispatchesPerToken: per(counts.dispatches),
    submitsPerToken: per(counts.submits),
    buffersCreatedPerToken: per(counts.buffersCreated),
    bytesAllocatedPerToken: per(counts.bytesAllocated),
    readsPerToken: per(counts.reads),
    bytesReadPerToken: per(counts.bytesRead),
  };
}

/** One generate call's work, split at its first token: before it the prompt pass, after it decode. */
export interface GenerationWork {
  prefill: GpuCounts;
  decode: GpuCounts;
  /** Tokens generated after the first (the decode steps). */
  decodeTokens: number;
}

/** Averages of several runs' work: per decode token, and per prefill (one prompt pass per run). */
export function averageWork(runs: GenerationWork[]): { decode: GpuWorkPerToken; prefill: GpuWorkPerToken } | null {
  if (!runs.length) return null;
  return {
    decode: perToken(sum(runs.map((r) => r.decode)), runs.reduce((a, r) => a + r.decodeTokens, 0)),
    prefill: perToken(sum(runs.map((r) => r.prefill)), runs.length),
  };
}

/** A contender whose every generate call is counted; `work` averages the measured runs. */
export interface CountedContender<C extends Contender> {
  contender: C;
  /** The measured runs' work: benchmarkSideBySide runs every contender's warm-ups first, then its measured runs. */
  work(settings: Pick<BenchSettings, 'warmupRuns' | 'measuredRuns'>): { gpu: GpuWorkPerToken; gpuPrefill: GpuWorkPerToken } | null;
}

export function countedContender<C extends Contender>(contender: C, counters: GpuCounters): CountedContender<C> {
  const calls: GenerationWork[] = [];
  const counted: C = {
    ...contender,
    async generate(promptIds, newTokens, onToken) {
      const start = counters.snapshot();
      let firstToken: GpuCounts | null = null;
      let tokens = 0;
      const sample = await contender.generate(promptIds, newTokens, (count) => {
        if (count === 1) firstToken = counters.snapshot();
        tokens = count;
        onToken(count);
      });
      const end = counters.snapshot();
      const split = firstToken ?? end;
      calls.push({ prefill: difference(split, start), decode: difference(end, split), decodeTokens: Math.max(0, tokens - 1) });
      return sample;
    },
  };
  return {
    contender: counted,
    work: ({ warmupRuns, measuredRuns }) => {
      const average = averageWork(calls.slice(warmupRuns, warmupRuns + measuredRuns));
      return average && { gpu: average.decode, gpuPrefill: average.prefill };
    },
  };
}

/**
 * The contenders measured on one backend, counted where that backend is WebGPU: `count` wraps a
 * contender before it is measured, `attach` adds its measured work to its result.
 */
export class GpuWorkLedger {
  private readonly counted = new Map<Contender['engine'], CountedContender<Contender>>();

  constructor(private readonly counters: GpuCounters | null, private readonly backend: Contender['backend']) {}

  count<C extends Contender>(contender: C): C {
    if (!this.counters || this.backend !== 'webgpu') return contender;
    const counted = countedContender(contender, this.counters);
    this.counted.set(contender.engine, counted);
    return counted.contender;
  }

  attach<R extends Pick<BackendResult, 'engine'>>(result: R, settings: Pick<BenchSettings, 'warmupRuns' | 'measuredRuns'>): R {
    const work = this.counted.get(result.engine)?.work(settings);
    return work ? { ...result, ...work } : result;
  }
}
