/**
 * The engine: one loaded model (tokenizer + decoder session) and what can be asked of it.
 * Pure of any messaging, so the worker stays a thin adapter.
 */
import { buildFor, ortFor, effectiveWasmThreads, type Ort } from './ort-setup';
import { DecoderSession } from './decoder-session';
import { readDecoderConfig, type DecoderConfig } from '../core/model-config';
import { TextTokenizer } from './tokenizer';
import { TokenTextStream, StopStringFilter } from './text-stream';
import { runGenerationLoop, type CachedContext } from './generate';
import { tokenRates } from '../core/token-rate';
import { createRng, randomSeed } from '../core/rng';
import { classifyRuntimeError, EngineError, GpuDeviceLostError, NoModelLoadedError } from '../core/errors';
import { modelNameFromUrl, resolveFolderUrl } from '../core/model-url';
import type { ModelSource } from '../core/model-files';
import type { Backend, BackendPreference, ChatMessage, GenerationResult, GenerationSettings, GenerationStats, LoadProgress, LoadRequest, ModelInfo, RuntimeDownload, TokenPayload } from '../core/protocol';
import type { StepModel, StepTiming } from './generate';
import type { PromptLookupStats } from './prompt-lookup';
import type { DecoderCache } from './kv-cache';
import { DEFAULT_ONNX_FILE, fetchModel, openDecoder, openOnBackends, planLoad, type RuntimeFetch } from './model-load';
import { LoadTransfer } from './load-transfer';
import { runtimeBytesToFetch, runtimeFileName } from './runtime-download';

interface LoadedModel {
  info: ModelInfo;
  tokenizer: TextTokenizer;
  decoder: DecoderSession;
  config: DecoderConfig;
  /** The graph's file in the model folder, named in errors. */
  onnxFile: string;
  /**
   * The KV cache of the last reply and the tokens in it, kept for the next turn: a prompt that starts with
   * exactly these tokens prefills only the rest. Disposed when not reused, on any error and on unload.
   */
  kept: CachedContext<DecoderCache> | null;
}

export interface GenerateHooks {
  onToken: (payload: TokenPayload) => void;
  isAborted: () => boolean;
  yieldToEvents: () => Promise<void>;
}

function statsFrom(promptTokens: number, reusedPromptTokens: number, timing: StepTiming | null, promptLookup?: PromptLookupStats): GenerationStats {
  const lookup = promptLookup ? { promptLookup: { calls: promptLookup.calls, accepted: promptLookup.accepted } } : {};
  if (!timing) return { promptTokens, reusedPromptTokens, generatedTokens: 0, timeToFirstTokenMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 0, ...lookup };
  return {
    promptTokens,
    reusedPromptTokens,
    generatedTokens: timing.count,
    ...tokenRates(promptTokens - reusedPromptTokens, timing.startedAt, timing.firstTokenAt, timing.at, timing.count),
    ...lookup,
  };
}

/** What the runtime that runs `backend` still has to download here: the one sizing of it, for a load's total and for a card that asks first. */
async function runtimeToFetch(backend: Backend): Promise<RuntimeDownload> {
  const build = buildFor(backend);
  return { build, bytes: await runtimeBytesToFetch(build) };
}

/** The runtime a load with this preference would start on (the plan's first backend), and what it still has to download. */
export async function runtimeDownloadFor(preference: BackendPreference): Promise<RuntimeDownload> {
  return runtimeToFetch((await planLoad(preference)).order[0]);
}

/** A held reply's yield: it returns once the reply is aborted (checked every 10 ms, without spinning). */
async function holdReply(hooks: GenerateHooks, held: () => boolean): Promise<void> {
  await hooks.yieldToEvents();
  while (held() && !hooks.isAborted()) await new Promise((resolve) => setTimeout(resolve, 10));
}

export class Engine {
  private model: LoadedModel | null = null;
  /** Why ORT's GPU device was lost, once it has been; sessions on it cannot run any more. */
  private deviceLost: string | null = null;
  /** Test hook (?debug=1 pages only): the error text the next decoder step throws, once. */
  private debugStepFailure: string | null = null;
  /** Test hook (?debug=1 pages only): the next reply stops advancing after this many tokens until it is aborted. */
  private debugHoldAfter: number | null = null;

  /** `source` fetches model folders: the worker gives it the browser's cache; tests can give files from memory. */
  constructor(private readonly source: ModelSource) {}

  async load(request: LoadRequest, onProgress: (p: LoadProgress) => void, signal?: AbortSignal): Promise<ModelInfo> {
    const folderUrl = resolveFolderUrl(request.modelUrl, request.baseUrl);
    const plan = await planLoad(request.backend);
    // Sized before anything moves, so the total shown from the first byte counts the runtime too.
    const firstRuntime = await runtimeToFetch(plan.order[0]);
    const transfer = new LoadTransfer(firstRuntime.build, firstRuntime.bytes);
    const { files, tokenizer } = await fetchModel(
      this.source,
      folderUrl,
      (file, loadedBytes, totalBytes, overallLoadedBytes, overallTotalBytes, source, network) => {
        transfer.modelProgress(network);
        onProgress({ file, loadedBytes, totalBytes, overallLoadedBytes, phase: 'download', overallTotalBytes, fromCache: source === 'cache', transfer: transfer.get() });
      },
      { onnxFile: request.onnxFile, signal },
    );
    const onnxFile = files.onnxFile ?? request.onnxFile ?? DEFAULT_ONNX_FILE;
    const config = readDecoderConfig(files.config, files.generationConfig, files.tokenizerConfig);
    const building = () =>
      onProgress({ file: onnxFile, loadedBytes: files.totalBytes, totalBytes: files.totalBytes, overallLoadedBytes: files.totalBytes, phase: 'session', transfer: transfer.get() });
    const runtime: RuntimeFetch = {
      signal,
      onProgress: (build, loadedBytes, totalBytes) => {
        transfer.runtimeProgress(build, loadedBytes, totalBytes);
        onProgress({ file: runtimeFileName(build), loadedBytes, totalBytes, overallLoadedBytes: loadedBytes, overallTotalBytes: totalBytes, phase: 'runtime', transfer: transfer.get() });
      },
      onBuilding: building,
    };

    // The previous model keeps running until the new one is ready: a failed load loses nothing.
    const { opened, backend, ort, fallbackReason, sessionBuildMs } = await openOnBackends(
      plan, files, onnxFile, request.wasmThreads,
      async (ort, backend) => {
        const { decoder, graph } = await openDecoder(ort, backend, files, config, onnxFile);
        return { decoder, graph, usesFloat16: decoder.usesFloat16, release: () => decoder.release() };
      },
      // A model no backend can read is not worth keeping offline.
      () => this.source.forget(folderUrl).catch(() => undefined),
      runtime,
    );
    const info: ModelInfo = {
      name: modelNameFromUrl(folderUrl),
      url: folderUrl,
      backend,
      fallbackReason,
      wasmThreads: effectiveWasmThreads(ort),
      modelBytes: files.totalBytes,
      contextLength: opened.decoder.contextLength,
      vocabSize: config.vocabSize || tokenizer.vocabSize,
      numLayers: config.numLayers,
      hasChatTemplate: tokenizer.hasChatTemplate,
      sessionBuildMs,
      graphRewrite: opened.graph.graphRewrite,
      graphFusion: opened.graph.graphFusion,
      ortBuild: buildFor(backend),
      kvCache: opened.decoder.kvCacheNote,
      storage: files.cacheReport
        ? { fromCache: files.cacheReport.allFromCache, refetched: files.cacheReport.refetched, error: files.cacheReport.storageError }
        : undefined,
    };
    if (backend === 'webgpu') this.watchDevice(ort);
    await this.unload();
    this.model = { info, tokenizer, decoder: opened.decoder, config, onnxFile, kept: null };
    return info;
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
    // The loop takes the kept cache over: it reuses it if the prompt extends it, else disposes it.
    const previous = model.kept;
    model.kept = null;
    const picksBefore = model.decoder.gpuPicks;
    const holdAfter = this.debugHoldAfter;
    this.debugHoldAfter = null;
    let produced = 0;
    try {
      result = await runGenerationLoop(this.takeDebugStepFailure(model.decoder), promptIds, {
        sampling: settings,
        maxNewTokens: settings.maxNewTokens,
        contextLength: model.decoder.contextLength,
        eosIds: model.config.eosIds,
        rng: createRng(seed),
        isAborted: hooks.isAborted,
        yieldToEvents: holdAfter === null ? hooks.yieldToEvents : () => holdReply(hooks, () => produced >= holdAfter),
        keepCache: true,
        promptLookup: settings.promptLookup === true,
        onToken: (tokenId, timing) => {
          // Time to first token counts from the request, tokenization included.
          lastTiming = { ...timing, startedAt: receivedAt };
          produced++;
          const shown = stops.push(stream.push(tokenId));
          text += shown;
          hooks.onToken({ text: shown, tokenId, stats: statsFrom(promptIds.length, timing.reusedTokens, lastTiming) });
          return stops.hasStopped;
        },
      }, previous);
    } catch (error) {
      const wrapped = error instanceof EngineError ? error : classifyRuntimeError(model.info.backend, error, 'The model');
      // The device's `lost` promise may settle after the failed step (a mapAsync) reaches here.
      if (model.info.backend === 'webgpu' && (this.deviceLost !== null || wrapped instanceof GpuDeviceLostError)) {
        // Nothing can run on a lost device: drop the model so the page restarts the engine.
        await this.unload().catch(() => undefined);
        throw this.deviceLost !== null ? new GpuDeviceLostError(this.deviceLost) : wrapped;
      }
      throw wrapped;
    }
    // A model loaded meanwhile would have released this decoder: then the cache is of no use.
    if (this.model === model) model.kept = result.context;
    else result.context?.cache.dispose();
    if (!stops.hasStopped) text += stops.push(stream.flush()) + stops.flush();
    const timing = result.timing ? { ...result.timing, startedAt: receivedAt } : null;
    const gpuPickedSteps = model.decoder.gpuPicks - picksBefore;
    const lookup = settings.promptLookup === true ? result.promptLookup : undefined;
    return { text, tokenIds: result.tokenIds, promptIds, reason: result.reason, seed, stats: statsFrom(promptIds.length, result.reusedTokens, timing, lookup), gpuPickedSteps };
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

  /**
   * Test hook: the next reply holds still, in flight, once it has `afterTokens` tokens, until the page
   * aborts it. The probes of what an action taken mid-reply keeps need a reply that is still streaming
   * when the action lands, however fast the machine decodes.
   */
  debugHoldReply(afterTokens: number): void {
    this.debugHoldAfter = afterTokens;
  }

  /** Test hook: the next decoder step throws an Error with `message`; the real error handling follows. */
  debugFailNextStep(message: string): void {
    this.debugStepFailure = message;
  }

  private takeDebugStepFailure(decoder: DecoderSession): StepModel<DecoderCache> {
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
    model?.kept?.cache.dispose();
    await model?.decoder.release();
  }
}
