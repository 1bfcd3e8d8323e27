/**
 * The engine: one loaded model (tokenizer + decoder session) and what can be asked of it.
 * Pure of any messaging, so the worker stays a thin adapter.
 */
import { ortFor, effectiveWasmThreads, type Ort } from './ort-setup';
import { planBackends, probeWebGpu, sessionBuildFailure } from './backend';
import { DecoderSession } from './decoder-session';
import { readDecoderConfig, type DecoderConfig } from '../core/model-config';
import { TextTokenizer } from './tokenizer';
import { TokenTextStream, StopStringFilter } from './text-stream';
import { runGenerationLoop } from './generate';
import { createRng, randomSeed } from '../core/rng';
import { classifyRuntimeError, DownloadCancelledError, EngineError, GpuDeviceLostError, ModelFormatError, NoModelLoadedError } from '../core/errors';
import { modelNameFromUrl, resolveFolderUrl } from '../core/model-url';
import type { ModelFiles, ModelSource } from '../core/model-files';
import type { ChatMessage, GenerationResult, GenerationSettings, GenerationStats, LoadProgress, LoadRequest, ModelInfo, TokenPayload } from '../core/protocol';
import type { StepModel, StepTiming } from './generate';
import type { KvCache } from './kv-cache';

interface LoadedModel {
  info: ModelInfo;
  tokenizer: TextTokenizer;
  decoder: DecoderSession;
  config: DecoderConfig;
}

export interface GenerateHooks {
  onToken: (payload: TokenPayload) => void;
  isAborted: () => boolean;
  yieldToEvents: () => Promise<void>;
}

function statsFrom(promptTokens: number, timing: StepTiming | null): GenerationStats {
  if (!timing) return { promptTokens, generatedTokens: 0, timeToFirstTokenMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 0 };
  const ttft = timing.firstTokenAt - timing.startedAt;
  const decodeMs = timing.at - timing.firstTokenAt;
  return {
    promptTokens,
    generatedTokens: timing.count,
    timeToFirstTokenMs: ttft,
    prefillTokensPerSecond: ttft > 0 ? (promptTokens * 1000) / ttft : 0,
    decodeTokensPerSecond: timing.count > 1 && decodeMs > 0 ? ((timing.count - 1) * 1000) / decodeMs : 0,
  };
}

export class Engine {
  private model: LoadedModel | null = null;
  /** Why ORT's GPU device was lost, once it has been; sessions on it cannot run any more. */
  private deviceLost: string | null = null;
  /** Test hook (?debug=1 pages only): the error text the next decoder step throws, once. */
  private debugStepFailure: string | null = null;

  /** `source` fetches model folders: the worker gives it the browser's cache; tests can give files from memory. */
  constructor(private readonly source: ModelSource) {}

  async load(request: LoadRequest, onProgress: (p: LoadProgress) => void, signal?: AbortSignal): Promise<ModelInfo> {
    const folderUrl = resolveFolderUrl(request.modelUrl, request.baseUrl);
    // Decide the backend before downloading: a forced WebGPU that cannot run fails fast.
    const plan = planBackends(request.backend, await probeWebGpu());
    let files: ModelFiles;
    try {
      files = await this.source.fetch(
        folderUrl,
        (file, loadedBytes, totalBytes, overallLoadedBytes, overallTotalBytes, source) =>
          onProgress({ file, loadedBytes, totalBytes, overallLoadedBytes, phase: 'download', overallTotalBytes, fromCache: source === 'cache' }),
        { onnxFile: request.onnxFile, signal },
      );
    } catch (error) {
      if (signal?.aborted) throw new DownloadCancelledError();
      throw error;
    }
    const onnxFile = request.onnxFile ?? 'onnx/model.onnx';
    let tokenizer: TextTokenizer;
    try {
      tokenizer = new TextTokenizer(files.tokenizerJson, files.tokenizerConfig);
    } catch (error) {
      throw new ModelFormatError('tokenizer.json', (error as Error).message);
    }
    const config = readDecoderConfig(files.config, files.generationConfig, files.tokenizerConfig);
    onProgress({ file: onnxFile, loadedBytes: files.totalBytes, totalBytes: files.totalBytes, overallLoadedBytes: files.totalBytes, phase: 'session' });

    // The previous model keeps running until the new one is ready: a failed load loses nothing.
    let fallbackReason = plan.skipReason;
    for (const backend of plan.order) {
      const started = performance.now();
      try {
        const ort = ortFor(backend, request.wasmThreads);
        const decoder = await DecoderSession.create(ort, files.onnx, files.externalData, backend, config);
        const info: ModelInfo = {
          name: modelNameFromUrl(folderUrl),
          url: folderUrl,
          backend,
          fallbackReason,
          wasmThreads: effectiveWasmThreads(ort),
          modelBytes: files.modelBytes,
          contextLength: config.contextLength,
          vocabSize: config.vocabSize || tokenizer.vocabSize,
          numLayers: config.numLayers,
          hasChatTemplate: tokenizer.hasChatTemplate,
          sessionBuildMs: performance.now() - started,
          storage: files.cacheReport
            ? { fromCache: files.cacheReport.allFromCache, refetched: files.cacheReport.refetched, error: files.cacheReport.storageError }
            : undefined,
        };
        if (backend === 'webgpu') this.watchDevice(ort);
        await this.unload();
        this.model = { info, tokenizer, decoder, config };
        return info;
      } catch (error) {
        const wrapped = error instanceof EngineError ? error : classifyRuntimeError(backend, error, 'onnx/model.onnx');
        const isLast = backend === plan.order[plan.order.length - 1];
        // A model no backend can read is not worth keeping offline.
        if (isLast && wrapped instanceof ModelFormatError) await this.source.forget(folderUrl).catch(() => undefined);
        if (isLast) throw wrapped;
        fallbackReason = sessionBuildFailure(error);
      }
    }
    throw new ModelFormatError('onnx/model.onnx', 'no backend could run it');
  }

  async generate(messages: ChatMessage[], settings: GenerationSettings, hooks: GenerateHooks): Promise<GenerationResult> {
    const model = this.model;
    if (!model) throw new NoModelLoadedError();
    const receivedAt = performance.now();
    const promptIds = model.tokenizer.encodeConversation(messages);
    const seed = settings.seed ?? randomSeed();
    const stream = new TokenTextStream((ids) => model.tokenizer.decode(ids), promptIds);
    const stops = new StopStringFilter(settings.stopStrings);
    let text = '';
    let lastTiming: StepTiming | null = null;
    let result;
    try {
      result = await runGenerationLoop(this.takeDebugStepFailure(model.decoder), promptIds, {
        sampling: settings,
        maxNewTokens: settings.maxNewTokens,
        contextLength: model.config.contextLength,
        eosIds: model.config.eosIds,
        rng: createRng(seed),
        isAborted: hooks.isAborted,
        yieldToEvents: hooks.yieldToEvents,
        onToken: (tokenId, timing) => {
          // Time to first token counts from the request, tokenization included.
          lastTiming = { ...timing, startedAt: receivedAt };
          const shown = stops.push(stream.push(tokenId));
          text += shown;
          hooks.onToken({ text: shown, tokenId, stats: statsFrom(promptIds.length, lastTiming) });
          return stops.hasStopped;
        },
      });
    } catch (error) {
      const detail = (error as Error)?.message ?? String(error);
      if (model.info.backend === 'webgpu' && (this.deviceLost !== null || /device (is |was )?(lost|destroyed)|GPUDevice/i.test(detail))) {
        // Nothing can run on a lost device: drop the model so the page restarts the engine.
        await this.unload().catch(() => undefined);
        throw new GpuDeviceLostError(this.deviceLost ?? detail);
      }
      throw error instanceof EngineError ? error : classifyRuntimeError(model.info.backend, error, 'The model');
    }
    if (!stops.hasStopped) text += stops.push(stream.flush()) + stops.flush();
    const timing = result.timing ? { ...result.timing, startedAt: receivedAt } : null;
    return { text, tokenIds: result.tokenIds, promptIds, reason: result.reason, seed, stats: statsFrom(promptIds.length, timing) };
  }

  /** Notes a GPU device loss the moment the browser reports it, whatever call was running. */
  private watchDevice(ort: Ort): void {
    // Typed as a promise, but ORT 1.30 hands back the device itself once the EP is running.
    void Promise.resolve()
      .then(() => ort.env.webgpu.device)
      .then((device) =>
        device?.lost.then((info) => {
          this.deviceLost = info.message || `reason: ${info.reason ?? 'unknown'}`;
        }),
      )
      .catch(() => undefined);
  }

  /** Test hook: the next decoder step throws an Error with `message`; the real error handling follows. */
  debugFailNextStep(message: string): void {
    this.debugStepFailure = message;
  }

  private takeDebugStepFailure(decoder: DecoderSession): StepModel<KvCache> {
    const failure = this.debugStepFailure;
    if (failure === null) return decoder;
    this.debugStepFailure = null;
    return {
      newCache: () => decoder.newCache(),
      forward: () => Promise.reject(new Error(failure)),
    };
  }

  /** Test hook: destroys ORT's GPU device, which is a real device loss. */
  async debugLoseDevice(): Promise<void> {
    if (this.model?.info.backend !== 'webgpu') return;
    const device = await Promise.resolve(ortFor('webgpu', undefined).env.webgpu.device);
    device?.destroy();
  }

  async unload(): Promise<void> {
    const model = this.model;
    this.model = null;
    await model?.decoder.release();
  }
}
