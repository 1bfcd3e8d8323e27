/**
 * Messages between the benchmark panel and its worker, `{ kind, id, payload }` like the engine's.
 * The benchmark has its own worker so a long run never blocks the chat's engine, and vice versa.
 */
import type { Backend, DebugCrashRequest, ErrorReply, OrtBuild } from '../../core/protocol';
import type { BackendResult, BenchSettings, ModelSource, SkippedContender } from './types';
import type { ProbeResult } from './probe-result';
import type { BenchFailure } from './failure';

/** An onnxruntime-web build our engine's WebGPU can run on. */
export type WebGpuBuild = Exclude<OrtBuild, 'wasm'>;

export interface BenchRequestPayload {
  source: ModelSource;
  backends: Backend[];
  settings: BenchSettings;
  /** The page's address, which a relative model folder is resolved against. */
  baseUrl: string;
  wasmThreads?: number;
  /** Also measure transformers.js's `generate` on each backend. */
  transformersJs?: boolean;
  /** On WASM, also measure a 4-bit (`MatMulNBits`) graph as downloaded, interleaved with its rewrite. */
  compareWasmRewrite?: boolean;
  /** Test builds: perturb one WebGPU logit in the correctness probe, which must then flag it. */
  plantFault?: boolean;
  /** The onnxruntime-web build our engine's WebGPU runs on; absent: the app's choice (JSPI where the browser has it). */
  webGpuBuild?: WebGpuBuild;
  /** Our engine's WebGPU with the fixed-capacity KV cache (off by default, see decoder-session.ts). */
  staticKvCache?: boolean;
}

export interface BenchProgress {
  backend: Backend | null;
  phase: 'download' | 'build-model' | 'session' | 'warmup' | 'measure' | 'curve' | 'probe';
  /** Run index within the phase (0-based), and how many there are. */
  run: number;
  runs: number;
  /** Tokens generated in the current run. */
  tokens: number;
  /** What is happening, as a code and numbers: the page words it in its own language (the worker and the CLI have none). */
  step: BenchStep;
}

export type BenchStep =
  | { kind: 'prepare' }
  | { kind: 'download'; bytes: number }
  | { kind: 'start-runtime' }
  | { kind: 'build-session' }
  | { kind: 'load-transformersjs' }
  /** A warm-up or measured run (the phase says which) of `run` of `runs`. */
  | { kind: 'run'; engine: BackendResult['engine'] };

export type BenchRequest =
  | { kind: 'bench'; id: number; payload: BenchRequestPayload }
  | { kind: 'cancel'; id: number; payload: { target: number } }
  | DebugCrashRequest;

/** What a benchmark run resolves with. */
export interface BenchOutcome {
  model: ModelDescription;
  results: BackendResult[];
  /** Comparisons that could not run; the results of the others stand. */
  skipped: SkippedContender[];
  cancelled: boolean;
  /** WebGPU against WASM, when both ran; null otherwise. */
  probe: ProbeResult | null;
  /** Backends that failed (the others' results stand), by category. */
  failures: BenchFailure[];
}

export interface BenchReplies {
  bench: BenchOutcome;
}

export type BenchEvent =
  | { kind: 'progress'; id: number; payload: BenchProgress }
  | { kind: 'backend-done'; id: number; payload: BackendResult }
  | { kind: 'done'; id: number; payload: BenchOutcome }
  | ErrorReply;

export interface ModelDescription {
  /** `stories260k`, `tl-gpt`, `synthetic:gpt2-small:fp16`. */
  name: string;
  source: ModelSource;
  parameters: number | null;
  /** Bytes of weights a decode step reads (the memory-bandwidth bound's numerator, KV cache apart). */
  weightBytesPerToken: number;
  /** Bytes of K and V one cached token adds, read again by every later step. */
  kvBytesPerToken: number;
  layers: number;
  vocab: number;
  contextLength: number;
  /** `fp32`, `q4`…: the synthetic model's dtype, or the one an exported file's name gives; null when unknown. */
  dtype: string | null;
  /** Bytes of the graph and its external data as loaded (before any load-time rewrite). */
  weightBytes: number;
}
