/**
 * The one model-load flow of the chat (Engine.load), the lesson (AnalysisEngine.load) and the
 * benchmark worker, so a model behaves the same in every panel:
 *   1. files: the folder through the worker's ModelSource (a broken JSON file or tokenizer is
 *      forgotten, so the next load downloads it again), with the graph file the request names;
 *   2. backends: WebGPU probed before anything is downloaded, then tried in the plan's order;
 *   3. the graph each backend runs (`graphFor`): 4-bit `MatMulNBits` unpacked on WASM for every panel;
 *      the contrib-op fusions for the decoding panels, never for the lesson, whose maps need the
 *      spelled-out Softmax;
 *   4. checks that refuse a backend before it gives wrong numbers (8-bit kernels, fp16 without
 *      shader-f16), and the fallback to the next backend with its reason.
 */
import { buildFor, ortFor, type Ort } from './ort-setup';
import { fetchRuntime } from './runtime-download';
import { checkFloat16Support, checkWebGpuKernels, planBackends, probeWebGpu, sessionBuildFailure, type WebGpuProbe } from './backend';
import { TextTokenizer } from './tokenizer';
import { DecoderSession } from './decoder-session';
import { graphForBackend, type BackendGraph } from './graph/for-backend';
import { GraphFormatError } from './graph/onnx-graph';
import { classifyRuntimeError, DownloadCancelledError, EngineError, ModelFormatError } from '../core/errors';
import type { DecoderConfig } from '../core/model-config';
import type { ModelFiles, ModelSource, ProgressCallback } from '../core/model-files';
import type { Backend, BackendPreference, OrtBuild, WebGpuUnavailable } from '../core/protocol';

/** The runtime's download, before a backend's first session: its progress, and the load's cancel. */
export interface RuntimeFetch {
  onProgress?: (build: OrtBuild, loadedBytes: number, totalBytes: number | null) => void;
  /** The runtime is here and the session is being built (kernels compiled). */
  onBuilding?: () => void;
  signal?: AbortSignal;
}

/** What a panel does with the graph: decode (chat, benchmark: fused) or show its attention (lesson: not fused). */
export type GraphPurpose = 'decode' | 'lesson';

export const DEFAULT_ONNX_FILE = 'onnx/model.onnx';

/** The graph a backend runs for a purpose: the same rewrites in every panel. */
export function graphFor(purpose: GraphPurpose, backend: Backend, model: Pick<ModelFiles, 'onnx' | 'externalData'>, contextLength: number): BackendGraph {
  return graphForBackend(backend, model, { contextLength, fuse: purpose === 'decode' });
}

/** A decoder session on a backend's graph (the chat's and the benchmark's). */
export async function openDecoder(
  ort: Ort, backend: Backend, model: Pick<ModelFiles, 'onnx' | 'externalData'>, config: DecoderConfig, onnxFile = DEFAULT_ONNX_FILE,
  /** The benchmark's `--static-kv`: WebGPU's fixed-capacity KV cache, off by default (decoder-session.ts). */
  options: { staticKvCache?: boolean } = {},
): Promise<{ decoder: DecoderSession; graph: BackendGraph }> {
  const graph = graphFor('decode', backend, model, config.contextLength);
  return { decoder: await DecoderSession.create(ort, graph.onnx, graph.externalData, backend, config, { onnxFile, ...options }), graph };
}

export interface FetchedModel {
  files: ModelFiles;
  tokenizer: TextTokenizer;
}

/** Step 1: the folder's files and its tokenizer. */
export async function fetchModel(
  source: ModelSource, folderUrl: string, onProgress: ProgressCallback, options: { onnxFile?: string; signal?: AbortSignal } = {},
): Promise<FetchedModel> {
  const forget = () => source.forget(folderUrl).catch(() => undefined);
  let files: ModelFiles;
  try {
    files = await source.fetch(folderUrl, onProgress, options);
  } catch (error) {
    if (options.signal?.aborted) throw new DownloadCancelledError();
    // A broken JSON file must not stay cached: the next load downloads it again.
    if (error instanceof ModelFormatError) await forget();
    throw error;
  }
  try {
    return { files, tokenizer: new TextTokenizer(files.tokenizerJson, files.tokenizerConfig) };
  } catch (error) {
    await forget();
    throw new ModelFormatError('tokenizer.json', (error as Error).message);
  }
}

/** What a backend's session opener gives back: something to release, and whether it computes in fp16. */
export interface Opened {
  usesFloat16: boolean;
  release(): Promise<void>;
}

export interface OnBackend<T> {
  opened: T;
  backend: Backend;
  ort: Ort;
  /** Why the preferred backend was not used, when it was not. */
  fallbackReason: WebGpuUnavailable | null;
  /** Milliseconds from the backend's first try to its session being ready. */
  sessionBuildMs: number;
}

/** Step 2: the backends to try, decided before anything is downloaded (a forced WebGPU that cannot run fails fast). */
export async function planLoad(preference: BackendPreference): Promise<{ probe: WebGpuProbe; order: Backend[]; skipReason: WebGpuUnavailable | null }> {
  const probe = await probeWebGpu();
  return { probe, ...planBackends(preference, probe) };
}

/**
 * Steps 3–4: opens the model on the first backend of the plan that can run it. `open` builds the
 * session(s) from the backend's graph; a failure on a backend before the last falls back to the next
 * with its reason, a failure on the last is thrown in the user's terms (and a model no backend can
 * read is forgotten through `onUnreadable`).
 */
export async function openOnBackends<T extends Opened>(
  plan: { probe: WebGpuProbe; order: Backend[]; skipReason: WebGpuUnavailable | null },
  files: ModelFiles,
  onnxFile: string,
  wasmThreads: number | undefined,
  open: (ort: Ort, backend: Backend) => Promise<T>,
  onUnreadable: () => Promise<void> = async () => undefined,
  runtime: RuntimeFetch = {},
): Promise<OnBackend<T>> {
  let fallbackReason = plan.skipReason;
  for (const backend of plan.order) {
    try {
      checkWebGpuKernels(backend, files.onnx);
      const ort = ortFor(backend, wasmThreads);
      const build = buildFor(backend);
      await fetchRuntime(build, ort, (loaded, total) => runtime.onProgress?.(build, loaded, total), runtime.signal);
      // The session's build is timed from here: the runtime's download is not compiling kernels.
      const started = performance.now();
      runtime.onBuilding?.();
      const opened = await open(ort, backend);
      try {
        checkFloat16Support(backend, opened.usesFloat16, plan.probe);
      } catch (error) {
        await opened.release();
        throw error;
      }
      return { opened, backend, ort, fallbackReason, sessionBuildMs: performance.now() - started };
    } catch (error) {
      if (runtime.signal?.aborted) throw new DownloadCancelledError();
      const wrapped = error instanceof EngineError ? error
        : error instanceof GraphFormatError ? new ModelFormatError(onnxFile, error.message) : classifyRuntimeError(backend, error, onnxFile);
      const isLast = backend === plan.order[plan.order.length - 1];
      if (isLast && wrapped instanceof ModelFormatError) await onUnreadable();
      if (isLast) throw wrapped;
      fallbackReason = sessionBuildFailure(error);
    }
  }
  throw new ModelFormatError(onnxFile, 'no backend could run it');
}
