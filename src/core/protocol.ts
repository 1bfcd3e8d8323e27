/**
 * The typed message protocol between the page and the engine worker.
 * Every message is `{ kind, id, payload }`: `id` ties replies to the request that caused them.
 */

export type Backend = 'webgpu' | 'wasm';

/**
 * The onnxruntime-web build a backend runs on: WebGPU's native execution provider suspends WASM through
 * JSPI where the browser has it, through asyncify where it does not; WASM runs the plain SIMD build.
 */
export type OrtBuild = 'jspi' | 'asyncify' | 'wasm';
export type BackendPreference = Backend | 'auto';

export interface GenerationSettings {
  /** Upper bound on generated tokens; the context limit may stop earlier. */
  maxNewTokens: number;
  /** 0 means greedy (argmax). */
  temperature: number;
  /** 0 disables top-k. */
  topK: number;
  /** 1 disables nucleus sampling. */
  topP: number;
  /** 1 disables the penalty (CTRL-style: divide positive logits, multiply negative ones). */
  repetitionPenalty: number;
  /** Same seed, same settings, same prompt: same tokens. `null` picks one and reports it. */
  seed: number | null;
  /** Generation stops before any of these strings; they are not shown. */
  stopStrings: string[];
  /**
   * Prompt-lookup speculative decoding: the same reply (token for token, every setting), in fewer
   * model calls where it repeats its context. Absent means off (the chat's default turns it on).
   */
  promptLookup?: boolean;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LoadRequest {
  /** Folder in the Hugging Face / transformers.js ONNX layout, absolute or relative to the page. */
  modelUrl: string;
  /** The page's address, which a relative `modelUrl` is resolved against. */
  baseUrl: string;
  backend: BackendPreference;
  /** WASM threads; undefined lets onnxruntime-web decide. Needs cross-origin isolation above 1. */
  wasmThreads?: number;
  /** Weights file inside the folder (a dtype, e.g. onnx/model_q4.onnx); default onnx/model.onnx. */
  onnxFile?: string;
}

export interface LoadProgress {
  file: string;
  loadedBytes: number;
  /** null when the server sent no Content-Length. */
  totalBytes: number | null;
  /** Bytes of every file fetched so far, this one included. */
  overallLoadedBytes: number;
  /**
   * What the load is doing: downloading the model's files (`file` is one of them), downloading the
   * runtime's WASM (`file` names it; the `overall…` bytes are the runtime's), or building the session.
   */
  phase: 'download' | 'runtime' | 'session';
  /** Bytes of all the phase's files once known; null or absent when a size is unknown. */
  overallTotalBytes?: number | null;
  /**
   * Bytes of the whole load over the network, runtime and model together: what moved so far, and in all
   * once every size is known (files the browser keeps, and a runtime already running, count for nothing).
   */
  transfer?: { loadedBytes: number; totalBytes: number | null };
  /** This file came from the browser's cache, not the network. */
  fromCache?: boolean;
}

/** What happened to the browser's offline copy of the model during a load. */
export interface StorageReport {
  /** No byte came from the network. */
  fromCache: boolean;
  /** Files whose cached copy was damaged, downloaded again. */
  refetched: { file: string; reason: CorruptCopy }[];
  /** Why the files could not be saved for offline use (e.g. quota), or null. */
  error: EngineErrorInfo | null;
}

/** How a cached file turned out damaged. */
export type CorruptCopy =
  | { kind: 'unreadable'; cause: string }
  | { kind: 'size'; actual: number; expected: number }
  | { kind: 'sha256' };

export interface ModelInfo {
  name: string;
  url: string;
  backend: Backend;
  /** Why the preferred backend was not used; null when it was. */
  fallbackReason: WebGpuUnavailable | null;
  wasmThreads: number;
  modelBytes: number;
  contextLength: number;
  vocabSize: number;
  numLayers: number;
  hasChatTemplate: boolean;
  sessionBuildMs: number;
  /** What the load changed in the graph so this backend runs it fast (WASM and 4-bit weights); absent when nothing. */
  graphRewrite?: GraphRewriteNote;
  /** What the load-time fusions did; absent where nothing was fused. */
  graphFusion?: GraphFusionNote;
  /** Absent when the browser has no Cache Storage. */
  storage?: StorageReport;
  /** The onnxruntime-web build the session runs on (absent from older workers). */
  ortBuild?: OrtBuild;
  /** WebGPU: how the KV cache is held between steps, and why where it is not the fixed-capacity one. */
  kvCache?: KvCacheNote;
}

/**
 * `static`: one GPU buffer per layer's keys and values at `capacity` tokens, written in place by
 * GroupQueryAttention (nothing copied or allocated per token). `growing`: each step's present cache
 * is a new tensor one position longer, for `reason`.
 */
/**
 * Which of the engine's WebGPU levers a session uses: the KV cache (fixed or growing), the GPU pick
 * (only the largest logits read back), and decode graph capture (not used: onnxruntime-web 1.31.1
 * cannot capture a step whose inputs change shape, see docs/benchmarks.md).
 */
export interface WebGpuEngineNote {
  kvCache: KvCacheNote;
  gpuPick: boolean;
  graphCapture: boolean;
}

export type KvCacheNote =
  | { kind: 'static'; capacity: number }
  | { kind: 'growing'; reason: 'no-group-query-attention' | 'adapter-limit' | 'off' };

/**
 * Exporters' chains of small ops (RMSNorm, rotary + attention, SiLU) fused at load time into the
 * contrib ops the runtime implements: fewer GPU dispatches per token on WebGPU, fewer kernel launches on WASM.
 */
export interface GraphFusionNote {
  fusion: 'contrib-ops';
  /** Attention blocks now one GroupQueryAttention (with two RotaryEmbedding) each. */
  attentions: number;
  rmsNorms: number;
  /** RMSNorms that also took the residual Add before them (SkipSimplifiedLayerNormalization). */
  skipRmsNorms: number;
  /** LayerNormalizations (GPT-2 style) that took the residual Add, and a projection's bias, before them. */
  skipLayerNorms: number;
  silus: number;
  nodesBefore: number;
  nodesAfter: number;
  ms: number;
}

/**
 * The WASM build of onnxruntime-web has no fast kernel for 4-bit `MatMulNBits`, so such nodes are rewritten
 * at load time into plain float32 `MatMul` (or per-channel int8 `MatMulInteger` where float32 would not fit).
 */
export interface GraphRewriteNote {
  rewrite: 'matmulnbits-to-matmul';
  /** MatMulNBits nodes rewritten, and how many went to each form. */
  nodes: number;
  toFloat32: number;
  toInt8: number;
  /** MatMulNBits nodes left as they are because not even int8 weights fitted the memory budget. */
  kept: number;
  /** Bytes of the rewritten nodes' weights before (packed n-bit, scales, zero points) and after. */
  weightBytesBefore: number;
  weightBytesAfter: number;
  /** Time the rewrite took. */
  ms: number;
}

export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens already in the KV cache kept from the previous turn, so not prefilled again. */
  reusedPromptTokens: number;
  generatedTokens: number;
  /** From the request arriving in the worker to the first new token. */
  timeToFirstTokenMs: number;
  prefillTokensPerSecond: number;
  /** Tokens after the first, over the time since the first. */
  decodeTokensPerSecond: number;
  /** Model calls of the reply (prefill included) and draft tokens accepted, where prompt lookup was on. */
  promptLookup?: { calls: number; accepted: number };
}

export type StopReason = 'eos' | 'stop-string' | 'max-tokens' | 'context' | 'aborted';

export interface TokenPayload {
  /** Text that is safe to show: never half a UTF-8 character, never the start of a stop string. */
  text: string;
  tokenId: number;
  stats: GenerationStats;
}

export interface GenerationResult {
  text: string;
  tokenIds: number[];
  promptIds: number[];
  reason: StopReason;
  seed: number;
  stats: GenerationStats;
  /** Steps whose logits were picked on the GPU, only the k largest read back (WebGPU; 0 where the whole vocabulary was read). */
  gpuPickedSteps?: number;
}

/** What an error says besides its English message, for the page to word it in the user's language. */
export type ErrorParams = Readonly<Record<string, string | number | null>>;

export interface EngineErrorInfo {
  /** Name of the error class in `errors.ts`. */
  name: string;
  /** English text, for logs and for a name the page does not know. */
  message: string;
  params?: ErrorParams;
}

/** Every message between the page and one of its workers: `id` ties replies to the request that caused them. */
export interface WorkerMessage {
  kind: string;
  id: number;
  payload: unknown;
}

/** The reply that fails a request, in every worker's protocol: the error's name, English text and params. */
export interface ErrorReply {
  kind: 'error';
  id: number;
  payload: EngineErrorInfo;
}

/** Test hook every worker obeys, sent only when the page has ?debug=1: the worker dies of an uncaught error. */
export interface DebugCrashRequest {
  kind: 'debug-crash';
  id: number;
  payload: Record<string, never>;
}

/** Why WebGPU is not used: a code the page words, with the browser's own text where there is one. */
export interface WebGpuUnavailable {
  code: 'no-webgpu-api' | 'no-adapter' | 'adapter-request-failed' | 'session-build-failed' | 'no-shader-f16' | 'wrong-8bit-kernels' | 'software-adapter';
  detail: string | null;
}

/**
 * What the runtime of a backend preference still has to download before a model can run on it: the
 * build the first backend of the plan uses and its bytes (0 where it is running or kept by the
 * browser already, null where this build of the app does not know them).
 */
export interface RuntimeDownload {
  build: OrtBuild;
  bytes: number | null;
}

export type EngineRequest =
  | { kind: 'load'; id: number; payload: LoadRequest }
  /** Answered at once, even during a load: a confirmation card asks it before anything is downloaded. */
  | { kind: 'runtime-download'; id: number; payload: { backend: BackendPreference } }
  | { kind: 'generate'; id: number; payload: { messages: ChatMessage[]; settings: GenerationSettings } }
  | { kind: 'abort'; id: number; payload: { target: number } }
  /** Test hook, sent only when the page has ?debug=1: destroys ORT's GPU device (a real device loss). */
  | { kind: 'debug-lose-device'; id: number; payload: Record<string, never> }
  | DebugCrashRequest
  /**
   * Test hook, sent only when the page has ?debug=1: the next decoder step throws `message` (e.g. an
   * onnxruntime allocation failure), so a GPU out-of-memory can be tested where none can be provoked.
   */
  | { kind: 'debug-fail-next-step'; id: number; payload: { message: string } }
  /** Test hook, sent only when the page has ?debug=1: the next reply holds still after `afterTokens` tokens until it is aborted. */
  | { kind: 'debug-hold-reply'; id: number; payload: { afterTokens: number } };

export type EngineEvent =
  | { kind: 'progress'; id: number; payload: LoadProgress }
  | { kind: 'loaded'; id: number; payload: ModelInfo }
  | { kind: 'token'; id: number; payload: TokenPayload }
  | { kind: 'done'; id: number; payload: GenerationResult }
  | { kind: 'runtime-download'; id: number; payload: RuntimeDownload }
  | ErrorReply;

/** What the engine's requests resolve with. */
export interface EngineReplies {
  load: ModelInfo;
  generate: GenerationResult;
  'runtime-download': RuntimeDownload;
}
