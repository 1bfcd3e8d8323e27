/** What a benchmark is asked to do and what it measured, shared by the panel, the worker and the CLI. */
import type { Backend, GraphFusionNote, GraphRewriteNote, WebGpuEngineNote } from '../../core/protocol';
import type { Spread } from './stats';

/** WebGPU work counted by gpu-counters.ts per generated token (for prefill: per prompt pass, which makes the first token). */
export interface GpuWorkPerToken {
  dispatchesPerToken: number;
  submitsPerToken: number;
  buffersCreatedPerToken: number;
  bytesAllocatedPerToken: number;
  readsPerToken: number;
  bytesReadPerToken: number;
}

/** Prompt lookup against plain decoding on one prompt (prompt-lookup-bench.ts). */
export interface PromptLookupResult {
  prompt: 'copying' | 'non-copying';
  promptTokens: number;
  /** Whole-reply time, prompt lookup off and on. */
  plainMs: Spread;
  lookupMs: Spread;
  /** Median plain time ÷ median time with prompt lookup (above 1: faster). */
  speedup: number;
  /** Draft tokens accepted ÷ proposed, over the measured runs. */
  acceptance: number;
  tokensPerCall: number;
  /** Every run with prompt lookup gave the plain reply's tokens. */
  identicalTokens: boolean;
}

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
  /**
   * Also measure prompt-lookup speculative decoding, apart from plain decode (src/bench/worker/prompt-lookup-bench.ts):
   * on unless turned off (--no-prompt-lookup, bench_prompt_lookup=0).
   */
  promptLookup?: boolean;
  /**
   * Measure until the median is stable: after `measuredRuns` runs, keep going while the 95 % interval of
   * each contender's median decode speed is wider than ±`stableWithin` (a fraction), up to `maxRuns` runs.
   * Absent, or `maxRuns` ≤ `measuredRuns`: exactly `measuredRuns` runs.
   */
  maxRuns?: number;
  stableWithin?: number;
  /**
   * Decode tok/s measured again at each of these context lengths (prompt length + the new tokens), and
   * prefill tok/s at each prompt length: the speed-against-context curve. Absent or empty: not measured.
   */
  contextLadder?: number[];
  /**
   * True: exactly the ladder's rungs that fit the model (a ladder the user gave: `--curve-ladder`,
   * `bench_curve=16,64`). Absent: the model's own limit is measured too (the page's default ladder).
   */
  contextLadderExact?: boolean;
}

export const DEFAULT_BENCH_SETTINGS: BenchSettings = { promptTokens: 16, newTokens: 32, warmupRuns: 1, measuredRuns: 3, promptLookup: true };

/** The page's default: at least 5 runs, then until the median is within ±5 %, at most 30. */
export const STABLE_RUNS = { measuredRuns: 5, maxRuns: 30, stableWithin: 0.05 } as const;

/** Decode and prefill speed at one context length (one point of the curve). */
export interface ContextPoint {
  /** Tokens in the cache when decode starts (the prompt), and tokens decoded after it. */
  contextTokens: number;
  decodeTokensPerSecond: number;
  prefillTokensPerSecond: number;
}

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
  /** Prompt lookup off and on, on a copying and a non-copying prompt; absent where not measured. */
  promptLookup?: PromptLookupResult[];
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
  /**
   * How the KV cache went from step to step: 'append' (the step output only its new keys and values,
   * kept in the engine's buffers; WASM), 'present' (the runtime's present.* fed back); null where not known.
   */
  kvCache?: 'append' | 'present' | null;
  /** Our engine on WebGPU: which of its levers these runs used; absent elsewhere. */
  webgpuEngine?: WebGpuEngineNote;
  /** Peak resident memory of the browser's renderer over this model's run (CLI on Linux); null where not measured. */
  peakMemoryBytes?: number | null;
  /** Whether the measured runs stopped because the median was stable (false: the cap was reached); absent with a fixed count. */
  stable?: boolean;
  /** Peak bytes of GPU buffers alive at once during this backend's runs, counted from the buffers created and destroyed; absent off WebGPU. */
  peakGpuBytes?: number;
  /** Largest JS heap of the worker seen after any run (Chrome); absent where the browser does not say. */
  peakJsHeapBytes?: number;
  /** Speed against context length, one point per length of the ladder that fits the model. */
  contextCurve?: ContextPoint[];
}
