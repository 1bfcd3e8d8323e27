/** What a benchmark is asked to do and what it measured, shared by the panel, the worker and the CLI. */
import type { Backend, GraphFusionNote, GraphRewriteNote, WebGpuEngineNote } from '../core/protocol';
import type { Spread } from './stats';
import type { GpuWorkPerToken } from './gpu-counters';

export type ModelSource =
  | { kind: 'folder'; url: string }
  /** `synthetic:<shape>[:fp16]`, see synthetic/shapes.ts. */
  | { kind: 'synthetic'; spec: string };

/** A comparison that could not run (transformers.js cannot load every model our engine can), and why. */
export interface SkippedContender {
  engine: BackendResult['engine'];
  backend: BackendResult['backend'];
  reason: string;
}

export interface BenchSettings {
  promptTokens: number;
  newTokens: number;
  warmupRuns: number;
  measuredRuns: number;
  /**
   * Context, in tokens, at which decode is measured a second time (0: not measured): a long prompt then
   * the same new tokens, to see whether decode stays flat as the context grows.
   */
  longContextTokens?: number;
  /**
   * History, in tokens, before the 5th turn of a measured chat (0: not measured): five turns, each a user
   * message and a short greedy reply, the KV cache kept between them as the Chat keeps it; the time to
   * first token of turn 5 over turn 1's says whether a long conversation still answers at once.
   */
  turnHistoryTokens?: number;
}

export const DEFAULT_BENCH_SETTINGS: BenchSettings = { promptTokens: 16, newTokens: 32, warmupRuns: 1, measuredRuns: 3 };

/** One measured generation. Times in milliseconds from the start of the run. */
export interface RunSample {
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  /** Time between consecutive generated tokens: the decode latency distribution. */
  tokenLatenciesMs: number[];
  tokenIds: number[];
}

export interface BackendResult {
  /** 'cpu' is onnxruntime-node's native CPU provider (CLI only). */
  backend: Backend | 'cpu';
  /** 'ours': the app's loop in the browser; 'native': the same loop on onnxruntime-node. */
  engine: 'ours' | 'native' | 'transformersjs';
  /** Building this model's session, the runtime already started. */
  sessionBuildMs: number;
  /** The onnxruntime-web version and build this engine ran on, e.g. `onnxruntime-web 1.30.0 (JSEP)`; absent where not known. */
  runtime?: string;
  /** The runtime's one-time start on this backend (WASM compile, GPU device), where measured apart. */
  runtimeStartMs?: number;
  timeToFirstTokenMs: Spread;
  prefillTokensPerSecond: Spread;
  decodeTokensPerSecond: Spread;
  /** Every measured run's per-token latencies, concatenated. */
  tokenLatencyMs: Spread;
  /** Device-to-host reads per generated token (the logits; 0 where nothing lives on a GPU); null where not counted. */
  gpuReadsPerToken: number | null;
  /**
   * WebGPU work per steady-state decode token (dispatches, submits, buffers created, reads…), counted
   * by wrapping the WebGPU API in the benchmark's worker; absent off WebGPU and outside the page.
   */
  gpu?: GpuWorkPerToken;
  /** The same counts for the prompt pass that makes the first token (one per run). */
  gpuPrefill?: GpuWorkPerToken;
  /** Achieved bandwidth: bytes a decode step reads × median decode tokens/s. */
  achievedGBps: number;
  /** Decode tokens/s with `longContext` tokens already in the cache; absent when not measured. */
  longContext?: { tokens: number; decodeTokensPerSecond: Spread };
  /** Time to first token of each of five chat turns (cache kept), with `historyTokens` before turn 5; absent when not measured. */
  turns?: { historyTokens: number; timeToFirstTokenMs: Spread[] };
  /** The first measured run's greedy tokens, for the consistency check. */
  greedyTokenIds: number[];
  runs: RunSample[];
  /** JS heap of the worker where the browser tells it (Chrome), else null. */
  memoryBytes: number | null;
  /**
   * What the load changed in the graph for this backend (4-bit weights unpacked for WASM); null when the
   * graph ran as downloaded. With `compareWasmRewrite`, the same model has one record of each.
   */
  graphRewrite?: GraphRewriteNote | null;
  /** The load-time fusions into contrib ops; null when the graph ran unfused. */
  graphFusion?: GraphFusionNote | null;
  /** Our engine on WebGPU: which of its levers these runs used; absent elsewhere. */
  webgpuEngine?: WebGpuEngineNote;
  /** Peak resident memory of the browser's renderer over this model's run (CLI on Linux); null where not measured. */
  peakMemoryBytes?: number | null;
}
