/**
 * The lesson's state, apart from how the panel shows it: the three models (loaded again into a new
 * worker after a crash), the sentence, both models' tokens and attention, the decoder's KV-cache
 * steps and its latest next-token logits. Every change comes from a promise of the analysis client,
 * a user's action or a child component's event, and asks the panel to render again; nothing polls.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AnalysisModelInfo, AttentionMaps, ModelSlot, TokenizedText } from '../../core/analysis-protocol';
import type { BackendPreference } from '../../core/protocol';
import { describeError } from '../../i18n/engine-text';
import { currentLocale } from '../../i18n/locale';
import { analysisClient, chooseSlotModel, loadSlot, onAnalysisCrash, slotModel } from './analysis-session';
import { benchRate } from './bench-rate';
import type { RunningModel } from './compute-calculator';
import { demoSentence, isSample, sampleSentences, trainingTokens } from './embedded-facts';
import type { LessonModelDetail } from './lesson-models';
import type { CacheSample, NextLogits } from './next-token';
import { listenWhileConnected } from '../listen-while-connected';
import type { EmbeddedPoint } from './scale-view';

export type EncoderSlot = 'bert' | 'ernie';
type Loaded = Record<ModelSlot, AnalysisModelInfo | null>;

/** The panel: it renders the state and says which backend and threads the models load on. */
export interface LessonHost extends ReactiveControllerHost {
  backend: BackendPreference;
  wasmThreads: number | undefined;
}

export class LessonState implements ReactiveController {
  models: Loaded = { decoder: null, bert: null, ernie: null };
  /** Kept as errors, worded at render time: a language switch re-words them. */
  loadErrors: { slot: ModelSlot; error: unknown }[] = [];
  /** The sentence typed so far, and the one both models were run on. */
  draft = demoSentence(currentLocale()).text;
  sentence = this.draft;
  encoderSlot: EncoderSlot = 'bert';
  decoderText: TokenizedText | null = null;
  encoderText: TokenizedText | null = null;
  decoderAttention: AttentionMaps | null = null;
  encoderAttention: AttentionMaps | null = null;
  cacheHistory: CacheSample[] = [];
  nextLogits: NextLogits | null = null;
  prefixChange: { decoder: number | null; encoder: number | null } = { decoder: null, encoder: null };
  runError: string | null = null;
  private analysisRun = 0;
  /** The three models are being loaded (a crash meanwhile is reported by the load, not answered by another). */
  private loading = false;
  private stopCrashWatch: (() => void) | null = null;

  constructor(private readonly host: LessonHost) {
    host.addController(this);
    listenWhileConnected(host, window, 'lit-localize-status', this.onLocale);
  }

  hostConnected(): void {
    // A crashed worker is replaced on the next request; load the models into it again, as the chat does.
    // Not when it died loading them: that would crash again, and the load's errors say why.
    this.stopCrashWatch = onAnalysisCrash(() => {
      if (this.loading) return;
      this.models = { decoder: null, bert: null, ernie: null };
      void this.loadModels();
    });
    void this.loadModels();
  }

  hostDisconnected(): void {
    this.stopCrashWatch?.();
  }

  get encoder(): AnalysisModelInfo | null {
    return this.models[this.encoderSlot];
  }

  /** The default sentence's demo token and phrase, when that sentence is the one shown. */
  get demo() {
    const d = demoSentence(currentLocale());
    return d.text === this.sentence ? d : null;
  }

  /** The loaded models, for the scale chart. */
  embeddedPoints(): EmbeddedPoint[] {
    const { decoder, bert, ernie } = this.models;
    return [decoder, bert, ernie]
      .filter((m): m is AnalysisModelInfo => !!m)
      .map((m) => ({ name: m.name, params: m.parameters, family: m.summary.architecture, layers: m.summary.layers }));
  }

  /** The decoder for the calculator, with the benchmark's speed when it measured this model, else the steps' own. */
  runningModel(): RunningModel | null {
    const decoder = this.models.decoder;
    if (!decoder) return null;
    const model = { name: decoder.name, params: decoder.parameters, trainingTokens: trainingTokens(decoder) };
    const bench = benchRate(decoder.name);
    if (bench) return { ...model, tokensPerSecond: bench.tokensPerSecond, rateSource: { kind: 'benchmark', backend: bench.backend } };
    const rate = this.measuredRate();
    return { ...model, tokensPerSecond: rate, rateSource: rate ? { kind: 'steps' } : null };
  }

  private measuredRate(): number | null {
    const steps = this.cacheHistory.filter((h) => h.fed === 1);
    if (!steps.length) return null;
    const ms = steps.reduce((a, h) => a + h.stepMs, 0) / steps.length;
    return ms > 0 ? 1000 / ms : null;
  }

  setDraft(text: string): void {
    this.draft = text;
    this.host.requestUpdate();
  }

  /** Runs both models on `text`, or on the language's default sentence when it is blank. */
  runSentence(text: string): void {
    this.sentence = text.trim() || demoSentence(currentLocale()).text;
    void this.analyse();
  }

  showEncoder(slot: EncoderSlot): void {
    this.encoderSlot = slot;
    void this.analyse();
  }

  addCacheStep(sample: CacheSample, reset: boolean): void {
    this.cacheHistory = reset ? [sample] : [...this.cacheHistory, sample];
    this.host.requestUpdate();
  }

  setNextLogits(next: NextLogits): void {
    this.nextLogits = next;
    this.host.requestUpdate();
  }

  private async loadModels(): Promise<void> {
    this.loading = true;
    this.loadErrors = [];
    const slots: ModelSlot[] = ['decoder', 'bert', 'ernie'];
    await Promise.all(slots.map((slot) => this.loadInto(slot)));
    this.loading = false;
    await this.analyse();
  }

  /** Loads `slot`'s chosen model; true when it runs, false when the load failed (its error is kept). */
  private async loadInto(slot: ModelSlot): Promise<boolean> {
    try {
      // Awaited before the spread: another slot's load may finish in between.
      const info = await loadSlot(slot, this.host.backend, this.host.wasmThreads);
      this.models = { ...this.models, [slot]: info };
      return true;
    } catch (error) {
      this.loadErrors = [...this.loadErrors, { slot, error }];
      return false;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** A Hub or folder model (or the embedded one again) for the decoder or the encoder slot. */
  readonly onLessonModel = async (event: CustomEvent<LessonModelDetail>) => {
    const { slot, folderUrl, onnxFile } = event.detail;
    const previous = { model: slotModel(slot), info: this.models[slot] };
    chooseSlotModel(slot, folderUrl ? { folderUrl, onnxFile } : null);
    if (slot !== 'decoder') this.encoderSlot = slot;
    this.models = { ...this.models, [slot]: null };
    this.loadErrors = this.loadErrors.filter((e) => e.slot !== slot);
    if (!(await this.loadInto(slot))) {
      // The worker still runs the slot's previous model: the lesson goes on with it.
      chooseSlotModel(slot, previous.model);
      if (previous.info) this.models = { ...this.models, [slot]: previous.info };
    }
    await this.analyse();
  };

  /** Tokenizes the sentence for both models and runs everything that depends on it. */
  private async analyse(): Promise<void> {
    const run = ++this.analysisRun;
    const client = analysisClient();
    const encoder = this.encoder;
    this.runError = null;
    this.host.requestUpdate();
    try {
      if (this.models.decoder) {
        const text = await client.tokenize('decoder', this.sentence);
        if (run !== this.analysisRun) return;
        this.decoderText = text;
        this.cacheHistory = [];
        this.decoderAttention = (await client.decoderAttention(text.ids)).attention;
        this.host.requestUpdate();
      }
      if (encoder) {
        const text = await client.tokenize(encoder.slot, this.sentence);
        if (run !== this.analysisRun) return;
        this.encoderText = text;
        this.encoderAttention = (await client.encoderRun(encoder.slot, text.ids, [], 1)).attention;
        this.host.requestUpdate();
      }
      // The encoder is compared without its closing [SEP], so both append the same kind of token.
      const decoderIds = this.decoderText?.ids ?? [];
      const encoderIds = (this.encoderText?.ids ?? []).filter((_, i, all) => !(this.encoderText!.special[i] && i === all.length - 1));
      const decoderChange = this.models.decoder && decoderIds.length > 2 ? (await client.prefixChange('decoder', decoderIds)).maxAbsChange : null;
      const encoderChange = encoder && encoderIds.length > 2 ? (await client.prefixChange(encoder.slot, encoderIds)).maxAbsChange : null;
      if (run === this.analysisRun) this.prefixChange = { decoder: decoderChange, encoder: encoderChange };
    } catch (error) {
      if (run === this.analysisRun) this.runError = describeError(error);
    }
    this.host.requestUpdate();
  }

  /** A sample sentence follows the language; one the lecturer typed stays. */
  private readonly onLocale = (event: Event) => {
    if ((event as CustomEvent<{ status: string }>).detail.status !== 'ready') return;
    const own = demoSentence(currentLocale()).text;
    if (!isSample(this.sentence) || sampleSentences(currentLocale()).includes(this.sentence)) return;
    this.draft = own;
    this.runSentence(own);
  };
}
