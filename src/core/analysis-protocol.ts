/**
 * The typed messages between the architecture panel and its analysis worker, in the same
 * `{ kind, id, payload }` style as the chat engine's protocol. The analysis worker is separate from
 * the chat engine so the panel can hold a decoder and two encoders without touching the chat model.
 */
import type { Backend, BackendPreference, DebugCrashRequest, ErrorReply, WebGpuUnavailable } from './protocol';

/** The three models the panel compares. */
export type ModelSlot = 'decoder' | 'bert' | 'ernie';

export interface AnalysisLoadRequest {
  slot: ModelSlot;
  /** Folder in the Hugging Face ONNX layout, absolute or relative to `baseUrl`. */
  modelUrl: string;
  /** Graph inside the folder (a Hub model's chosen dtype); default onnx/model.onnx. */
  onnxFile?: string;
  baseUrl: string;
  backend: BackendPreference;
  wasmThreads?: number;
}

/** What the config and the weights say about a model: the numbers drawn in the panel's columns. */
export interface ArchSummary {
  modelType: string;
  architecture: 'decoder' | 'encoder';
  layers: number;
  heads: number;
  kvHeads: number;
  hidden: number;
  intermediate: number;
  vocab: number;
  contextLength: number;
  norm: 'RMSNorm' | 'LayerNorm';
  positions: 'rotary' | 'learned';
  activation: string;
  tiedEmbeddings: boolean;
  /** How an encoder was pre-trained to mask (config `masking`), null for a decoder. */
  masking: string | null;
}

export interface AnalysisModelInfo {
  slot: ModelSlot;
  name: string;
  backend: Backend;
  fallbackReason: WebGpuUnavailable | null;
  summary: ArchSummary;
  /** Counted from the floating-point initializers of the ONNX file that runs. */
  parameters: number;
  modelBytes: number;
  maskTokenId: number | null;
  /** Set where the graph fuses attention into one op: the panel then says maps are not available. */
  attentionUnavailable: AttentionUnavailable | null;
  /** Whether the head view can read Q, K and V (the attention blocks were found in the graph). */
  headInside: boolean;
  /** Display string of every token id (the "▁" word marker shown as a space), for labels. */
  vocabulary: string[];
}

export interface TokenizedText {
  ids: number[];
  /** One display string per id (the "▁" word marker shown as a space). */
  tokens: string[];
  /** Tokens the tokenizer added around the text ([CLS], [SEP], <bos>): never masked. */
  special: boolean[];
}

/** Attention probabilities of one forward pass: `layers[l][h]` is a row-major `seq × seq` matrix. */
export interface AttentionMaps {
  seq: number;
  heads: number;
  layers: Float32Array[][];
}

export interface MaskPrediction {
  position: number;
  top: { id: number; token: string; prob: number }[];
}

/**
 * One head, one token, from the running model: the graph's own Q row, K and V rows, scores (the
 * Softmax input: scaled and masked), probabilities and weighted sums, and what the worker recomputed
 * from them (the raw dot products q·k and Σ p·v) so the panel can show they agree.
 */
export interface HeadInside {
  head: number;
  token: number;
  seq: number;
  headDim: number;
  query: number[];
  /** `seq × headDim`: one key / value row per position. */
  keys: number[][];
  values: number[][];
  /** q·k for every position, from the graph's Q and Kᵀ (exports that pre-scale Q and K include the scale). */
  dots: number[];
  scores: number[];
  probs: number[];
  context: number[];
  weightedSum: number[];
}

/** Why a model shows no attention maps: its graph computes attention in one fused op. */
export interface AttentionUnavailable {
  fusedOp: string;
}

export interface EncoderResult {
  /** Null where the graph fuses attention (see `AnalysisModelInfo.attentionUnavailable`). */
  attention: AttentionMaps | null;
  predictions: MaskPrediction[];
}

export interface DecoderAttentionResult {
  attention: AttentionMaps | null;
}

export interface DecoderStepResult {
  /** Raw next-token logits of the last position; the panel applies the temperature. */
  logits: Float32Array;
  /** Tokens held in the KV cache after this step. */
  cacheTokens: number;
  /** Bytes of the KV cache tensors after this step, as the engine holds them. */
  cacheBytes: number;
  stepMs: number;
}

/** Sampling settings as the chat's sampler takes them (same names as the chat's `GenerationSettings`). */
export interface PreviewSettings {
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
}

/** The playground's question: these logits, through the chat's sampler with these settings. */
export interface SamplingPreviewPayload {
  logits: Float32Array;
  settings: PreviewSettings;
  /** The sentence so far, for the repetition penalty. */
  context: number[];
  draws: number;
  seed: number;
  shown: number;
}

/** The answer: the most likely tokens, what the settings keep of them, and where real draws landed. */
export interface SamplingPreviewResult {
  /** The `shown` most likely tokens after the penalty and temperature, largest first. */
  ids: number[];
  /** Their probability before top-k / top-p (penalty and temperature applied; temperature 0 shown at 1). */
  probs: number[];
  /** Their probability as the sampler draws them (renormalised over the kept tokens); 0 where removed. */
  keptProbs: number[];
  /** How many tokens of the vocabulary the settings keep. */
  keptCount: number;
  /** Probability mass of the kept tokens before renormalising: what top-k and top-p keep of the distribution. */
  keptMass: number;
  /** How many of the draws landed on each of `ids`, and on any other token. */
  drawCounts: number[];
  drawsElsewhere: number;
  draws: number;
}

/** How much appending one token changes the outputs at the positions before it. */
export interface PrefixChange {
  /** Largest absolute change of any earlier position's logits. */
  maxAbsChange: number;
}

export type AnalysisRequest =
  | { kind: 'load'; id: number; payload: AnalysisLoadRequest }
  | { kind: 'tokenize'; id: number; payload: { slot: ModelSlot; text: string } }
  | { kind: 'decoder-attention'; id: number; payload: { ids: number[] } }
  | { kind: 'encoder-run'; id: number; payload: { slot: ModelSlot; ids: number[]; maskPositions: number[]; topK: number } }
  /** `reset` starts a new KV cache; `ids` are appended to it. */
  | { kind: 'decoder-step'; id: number; payload: { ids: number[]; reset: boolean } }
  | { kind: 'prefix-change'; id: number; payload: { slot: ModelSlot; ids: number[] } }
  | { kind: 'head-inside'; id: number; payload: { slot: ModelSlot; ids: number[]; layer: number; head: number; token: number } }
  | { kind: 'sampling-preview'; id: number; payload: SamplingPreviewPayload }
  | DebugCrashRequest;

export interface AnalysisReplies {
  load: AnalysisModelInfo;
  tokenize: TokenizedText;
  'decoder-attention': DecoderAttentionResult;
  'encoder-run': EncoderResult;
  'decoder-step': DecoderStepResult;
  'prefix-change': PrefixChange;
  'head-inside': HeadInside;
  'sampling-preview': SamplingPreviewResult;
}

export type AnalysisEvent =
  | { kind: 'result'; id: number; payload: AnalysisReplies[keyof AnalysisReplies] }
  | ErrorReply;
