/**
 * The analysis engine: the panel's decoder (one session of its graph, attention exposed, that runs
 * both the KV-cache steps and the whole-sentence passes) and its two encoders, and what the panel
 * asks of them. No messaging here; `analysis-worker.ts` adapts it to messages.
 */
import type { DecoderSession } from '../decoder-session';
import type { DecoderCache } from '../kv-cache';
import { readDecoderConfig } from '../../core/model-config';
import { TextTokenizer } from '../tokenizer';
import { topKIndices } from '../../core/top-k';
import { classifyRuntimeError, EngineError, ModelFormatError, NoModelLoadedError } from '../../core/errors';
import { DEFAULT_ONNX_FILE, fetchModel, graphFor, openOnBackends, planLoad } from '../model-load';
import { modelNameFromUrl, resolveFolderUrl } from '../../core/model-url';
import type { ModelSource } from '../../core/model-files';
import type { Backend } from '../../core/protocol';
import { AttentionRunner, type AttentionSource } from './attention-runner';
import { openLessonDecoder } from './lesson-decoder';
import { exposeAttention } from '../graph/expose-attention';
import { countOnnxWeights } from '../graph/weight-count';
import { readArchSummary } from './model-summary';
import { softmaxWithTemperature } from '../../core/distribution';
import { specialFlags } from './special-tokens';
import type {
  AnalysisLoadRequest, AnalysisModelInfo, DecoderAttentionResult, DecoderStepResult, EncoderResult, HeadInside, ModelSlot, PrefixChange, TokenizedText,
} from '../../core/analysis-protocol';

interface Loaded {
  info: AnalysisModelInfo;
  tokenizer: TextTokenizer;
  /** Whole-sequence passes with attention outputs (the encoder itself, or the decoder without a cache). */
  runner: AttentionRunner;
  /** Only for the decoder: its KV-cache steps, on the runner's session, and their cache. */
  decoder?: DecoderSession;
  cache?: DecoderCache;
  /** Releases the session(s), once. */
  release: () => Promise<void>;
}

const WORD_MARK = '\u2581';

export class AnalysisEngine {
  private readonly models = new Map<ModelSlot, Loaded>();

  constructor(private readonly source: ModelSource) {}

  async load(request: AnalysisLoadRequest): Promise<AnalysisModelInfo> {
    const folderUrl = resolveFolderUrl(request.modelUrl, request.baseUrl);
    const plan = await planLoad(request.backend);
    // A folder off this origin (a Hub model) is kept in Cache Storage by the source: a lesson prepared online runs offline.
    const { files, tokenizer } = await fetchModel(this.source, folderUrl, () => {}, { onnxFile: request.onnxFile });
    const attentionFile = files.onnxFile ?? request.onnxFile ?? DEFAULT_ONNX_FILE;
    const config = readDecoderConfig(files.config, files.generationConfig, files.tokenizerConfig);
    const { opened, backend, fallbackReason } = await openOnBackends(plan, files, attentionFile, request.wasmThreads, async (ort, backend) => {
      // The backend's graph as every panel gets it (4-bit unpacked on WASM), unfused; the maps come from
      // the standard export itself: its Softmax outputs are made graph outputs here.
      const graph = graphFor('lesson', backend, files, config.contextLength);
      const exposure = exposeAttention(graph.onnx);
      if (exposure.kind === 'not-found') throw new ModelFormatError(attentionFile, 'no attention block (MatMul → Softmax → MatMul) was found in its graph');
      const onnx = exposure.kind === 'exposed' ? exposure.model : graph.onnx;
      const source: AttentionSource = exposure.kind === 'exposed' ? { kind: 'blocks', blocks: exposure.blocks } : exposure.kind === 'already' ? { kind: 'named' } : { kind: 'none' };
      const session = request.slot === 'decoder'
        ? await openLessonDecoder(ort, onnx, graph.externalData, backend, attentionFile, source, config)
        : await AttentionRunner.create(ort, onnx, graph.externalData, backend, attentionFile, source).then((runner) => ({ runner, decoder: undefined, release: () => runner.release() }));
      // An fp16 graph (fp16, q4f16), decoder or encoder, on a GPU without shader-f16 would compute
      // garbage: Auto goes to WASM. (The lesson's decoder and its runner share one session.)
      return { ...session, exposure, usesFloat16: session.runner.usesFloat16 };
    });
    const maskText = typeof files.tokenizerConfig.mask_token === 'string' ? files.tokenizerConfig.mask_token : null;
    const info: AnalysisModelInfo = {
      slot: request.slot,
      name: modelNameFromUrl(folderUrl),
      backend,
      fallbackReason,
      summary: readArchSummary(files.config),
      parameters: countOnnxWeights(files.onnx).parameters,
      modelBytes: files.totalBytes,
      attentionUnavailable: opened.exposure.kind === 'fused' ? { fusedOp: opened.exposure.op } : null,
      headInside: opened.exposure.kind === 'exposed',
      maskTokenId: maskText ? (tokenizer.tokenId(maskText) ?? null) : null,
      vocabulary: Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.tokenToString(id).replaceAll(WORD_MARK, ' ')),
    };
    await this.unload(request.slot);
    this.models.set(request.slot, { info, tokenizer, runner: opened.runner, decoder: opened.decoder, release: opened.release });
    return info;
  }

  private get(slot: ModelSlot): Loaded {
    const model = this.models.get(slot);
    if (!model) throw new NoModelLoadedError();
    return model;
  }

  private wrap(slot: ModelSlot, error: unknown): never {
    const backend: Backend = this.models.get(slot)?.info.backend ?? 'wasm';
    throw error instanceof EngineError ? error : classifyRuntimeError(backend, error, `The ${slot} model`);
  }

  displayToken(slot: ModelSlot, id: number): string {
    return this.get(slot).tokenizer.tokenToString(id).replaceAll(WORD_MARK, ' ');
  }

  tokenize(slot: ModelSlot, text: string): TokenizedText {
    const model = this.get(slot);
    const ids = model.tokenizer.encode(text, true);
    return { ids, tokens: ids.map((id) => this.displayToken(slot, id)), special: specialFlags(ids, model.tokenizer.encode(text, false)) };
  }

  async decoderAttention(ids: number[]): Promise<DecoderAttentionResult> {
    try {
      return { attention: await this.get('decoder').runner.attention(ids) };
    } catch (error) {
      this.wrap('decoder', error);
    }
  }

  async encoderRun(slot: ModelSlot, ids: number[], maskPositions: number[], k: number): Promise<EncoderResult> {
    try {
      const pass = await this.get(slot).runner.run(ids);
      const predictions = maskPositions.map((position) => {
        const probs = softmaxWithTemperature(pass.logits.subarray(position * pass.vocab, (position + 1) * pass.vocab), 1);
        const top = topKIndices(probs, k).map((id) => ({ id, token: this.displayToken(slot, id), prob: probs[id] }));
        return { position, top };
      });
      return { attention: pass.attention, predictions };
    } catch (error) {
      this.wrap(slot, error);
    }
  }

  async decoderStep(ids: number[], reset: boolean): Promise<DecoderStepResult> {
    const model = this.get('decoder');
    const decoder = model.decoder!;
    if (reset || !model.cache) {
      model.cache?.dispose();
      model.cache = decoder.newCache();
    }
    const started = performance.now();
    try {
      const logits = await decoder.forward(ids, model.cache);
      return { logits, cacheTokens: model.cache.length, cacheBytes: model.cache.byteSize, stepMs: performance.now() - started };
    } catch (error) {
      model.cache?.dispose();
      model.cache = undefined;
      this.wrap('decoder', error);
    }
  }

  /** Runs `ids` without and with its last token and compares the earlier positions' logits. */
  async prefixChange(slot: ModelSlot, ids: number[]): Promise<PrefixChange> {
    try {
      const runner = this.get(slot).runner;
      const [shorter, longer] = [await runner.logits(ids.slice(0, -1)), await runner.logits(ids)];
      let maxAbsChange = 0;
      for (let i = 0; i < shorter.logits.length; i++) maxAbsChange = Math.max(maxAbsChange, Math.abs(shorter.logits[i] - longer.logits[i]));
      return { maxAbsChange };
    } catch (error) {
      this.wrap(slot, error);
    }
  }

  async headInside(slot: ModelSlot, ids: number[], layer: number, head: number, token: number): Promise<HeadInside> {
    try {
      return await this.get(slot).runner.headInside(ids, layer, head, token);
    } catch (error) {
      this.wrap(slot, error);
    }
  }

  async unload(slot: ModelSlot): Promise<void> {
    const model = this.models.get(slot);
    this.models.delete(slot);
    model?.cache?.dispose();
    await model?.release();
  }
}
