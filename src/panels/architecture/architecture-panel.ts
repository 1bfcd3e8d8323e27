/**
 * The architecture panel: a GPT-style decoder and a BERT/ERNIE-style encoder running side by side
 * on the lecturer's sentence, in the order of a lecture: the two architectures, their tasks, their
 * masks, live attention, the KV cache, ERNIE vs BERT masking, and scale. Presentation mode shows
 * one slide at a time (a section, or one part of a dense one: slides.ts), full screen, in large
 * high-contrast type with no label under 18 px, stepped with the arrow keys.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { architecturePanelStyles } from './architecture-styles';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisModelInfo, AttentionMaps, ModelSlot, TokenizedText } from '../../core/analysis-protocol';
import type { BackendPreference } from '../../core/protocol';
import { describeError } from '../../i18n/engine-text';
import { analysisClient, chooseSlotModel, loadSlot, onAnalysisCrash, slotModel } from './analysis-session';
import type { CacheSample, NextLogits } from './next-token';
import type { EmbeddedPoint } from './scale-view';
import type { RunningModel } from './compute-calculator';
import { benchRate } from './bench-rate';
import { currentLocale } from '../../i18n/locale';
import { demoSentence, isSample, sampleSentences, trainingTokens } from './embedded-facts';
import './arch-diagram';
import './mask-grid';
import './attention-view';
import './head-inside';
import './lesson-models';
import type { LessonModelDetail } from './lesson-models';
import './next-token';
import './sampling-playground';
import './lesson-tour';
import type { LessonTour, TourStepDetail } from './lesson-tour';
import { tourStepFromUrl } from './tour-steps';
import './masked-lm';
import './kv-cache-view';
import './ernie-bert';
import './scale-view';
import './compute-calculator';
import { SECTIONS, partShown, presentationSlides, type SectionId, type Slide, type SlidePart } from './slides';
import { FAMILIES } from './facts';

function sectionTitle(id: SectionId): string {
  switch (id) {
    case 'transformer': return msg('1 · Decoder vs encoder, from the loaded models');
    case 'tasks': return msg('2 · What each one does with your sentence');
    case 'masks': return msg('3 · Attention masks: causal vs bidirectional');
    case 'attention': return msg('4 · Live attention maps');
    case 'kv': return msg('5 · Why a decoder can generate fast: the KV cache');
    case 'ernie': return msg('6 · ERNIE vs BERT: masking whole phrases');
    case 'scale': return msg('7 · Scale, from the original papers');
  }
}


interface Loaded {
  decoder: AnalysisModelInfo | null;
  bert: AnalysisModelInfo | null;
  ernie: AnalysisModelInfo | null;
}

@localized()
@customElement('tl-architecture-panel')
export class ArchitecturePanel extends LitElement {
  @property() backend: BackendPreference = 'auto';
  @property({ type: Number }) wasmThreads: number | undefined = undefined;
  @state() private models: Loaded = { decoder: null, bert: null, ernie: null };
  /** Kept as errors, worded at render time: a language switch re-words them. */
  @state() private loadErrors: { slot: ModelSlot; error: unknown }[] = [];
  @state() private draft = demoSentence(currentLocale()).text;
  @state() private sentence = demoSentence(currentLocale()).text;
  @state() private encoderSlot: 'bert' | 'ernie' = 'bert';
  @state() private decoderText: TokenizedText | null = null;
  @state() private encoderText: TokenizedText | null = null;
  @state() private decoderAttention: AttentionMaps | null = null;
  @state() private encoderAttention: AttentionMaps | null = null;
  @state() private cacheHistory: CacheSample[] = [];
  @state() private nextLogits: NextLogits | null = null;
  @state() private prefixChange: { decoder: number | null; encoder: number | null } = { decoder: null, encoder: null };
  @state() private presenting = false;
  @state() private slide = 0;
  @state() private runError: string | null = null;
  private analysisRun = 0;
  /** The three models are being loaded (a crash meanwhile is reported by the load, not answered by another). */
  private loading = false;
  private stopCrashWatch: (() => void) | null = null;

  static override styles = [buttonStyles, architecturePanelStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.onKey);
    document.addEventListener('fullscreenchange', this.onFullscreen);
    window.addEventListener('lit-localize-status', this.onLocale);
    // A crashed worker is replaced on the next request; load the models into it again, as the chat does.
    // Not when it died loading them: that would crash again, and the load's errors say why.
    this.stopCrashWatch = onAnalysisCrash(() => {
      if (this.loading) return;
      this.models = { decoder: null, bert: null, ernie: null };
      void this.loadModels();
    });
    void this.loadModels();
    const tourStep = tourStepFromUrl(location.search);
    if (tourStep !== null) void this.updateComplete.then(() => this.tour?.start(tourStep));
  }

  private get tour(): LessonTour | null {
    return this.renderRoot.querySelector('tl-lesson-tour');
  }

  /** In presentation mode the tour's step shows on its own slide. */
  private showTourSlide(step: TourStepDetail | null): void {
    if (!this.presenting || !step) return;
    const index = this.slides.findIndex((s) => s.section === step.section && (!step.part || s.part === step.part));
    if (index >= 0) this.slide = index;
  }

  override disconnectedCallback(): void {
    document.removeEventListener('keydown', this.onKey);
    document.removeEventListener('fullscreenchange', this.onFullscreen);
    window.removeEventListener('lit-localize-status', this.onLocale);
    clearInterval(this.fitTimer);
    this.stopCrashWatch?.();
    super.disconnectedCallback();
  }

  private async loadModels(): Promise<void> {
    this.loading = true;
    this.loadErrors = [];
    const slots: ModelSlot[] = ['decoder', 'bert', 'ernie'];
    await Promise.all(
      slots.map(async (slot) => {
        try {
          const info = await loadSlot(slot, this.backend, this.wasmThreads);
          this.models = { ...this.models, [slot]: info };
        } catch (error) {
          this.loadErrors = [...this.loadErrors, { slot, error }];
        }
      }),
    );
    this.loading = false;
    await this.analyse();
  }

  /** A Hub or folder model (or the embedded one again) for the decoder or the encoder slot. */
  private readonly onLessonModel = async (event: CustomEvent<LessonModelDetail>) => {
    const { slot, folderUrl, onnxFile } = event.detail;
    const previous = { model: slotModel(slot), info: this.models[slot] };
    chooseSlotModel(slot, folderUrl ? { folderUrl, onnxFile } : null);
    if (slot !== 'decoder') this.encoderSlot = slot as 'bert' | 'ernie';
    this.models = { ...this.models, [slot]: null };
    this.loadErrors = this.loadErrors.filter((e) => e.slot !== slot);
    try {
      // Awaited before the spread: another slot's load may finish in between.
      const info = await loadSlot(slot, this.backend, this.wasmThreads);
      this.models = { ...this.models, [slot]: info };
    } catch (error) {
      this.loadErrors = [...this.loadErrors, { slot, error }];
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
    const encoder = this.models[this.encoderSlot];
    this.runError = null;
    try {
      if (this.models.decoder) {
        const text = await client.tokenize('decoder', this.sentence);
        if (run !== this.analysisRun) return;
        this.decoderText = text;
        this.cacheHistory = [];
        this.decoderAttention = (await client.decoderAttention(text.ids)).attention;
      }
      if (encoder) {
        const text = await client.tokenize(encoder.slot, this.sentence);
        if (run !== this.analysisRun) return;
        this.encoderText = text;
        this.encoderAttention = (await client.encoderRun(encoder.slot, text.ids, [], 1)).attention;
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
  }

  private submit(event: Event): void {
    event.preventDefault();
    this.sentence = this.draft.trim() || demoSentence(currentLocale()).text;
    void this.analyse();
  }

  /** A sample sentence follows the language; one the lecturer typed stays. */
  private readonly onLocale = (event: Event) => {
    if ((event as CustomEvent<{ status: string }>).detail.status !== 'ready') return;
    const own = demoSentence(currentLocale()).text;
    if (!isSample(this.sentence) || sampleSentences(currentLocale()).includes(this.sentence)) return;
    this.draft = this.sentence = own;
    void this.analyse();
  };

  /** The default sentence's demo token and phrase, when that sentence is the one shown. */
  private demo() {
    const d = demoSentence(currentLocale());
    return d.text === this.sentence ? d : null;
  }

  /** Content of a slide arrives later (predictions, maps) inside other components: refit while presenting. */
  private fitTimer: ReturnType<typeof setInterval> | undefined;

  protected override updated(): void {
    const section = this.renderRoot.querySelector<HTMLElement>('section.current');
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('section')) if (el !== section || !this.presenting) el.style.zoom = '';
    clearInterval(this.fitTimer);
    if (this.presenting) {
      this.fitSlide();
      this.fitTimer = setInterval(() => this.fitSlide(), 400);
    }
  }

  /**
   * A safety net, not the layout: slides are cut (slides.ts) so that each fits a 1280×720 projector
   * at full size with 18 px labels. Should one not (a very long sentence), the current section is
   * zoomed down until nothing scrolls or sticks out on the right. Its extent is measured at full
   * size (content arrives later, and a part shown a moment ago may be gone) over every element
   * inside, through the components' shadow roots; the zoom is set again in the same task, so the
   * full-size layout is never painted.
   */
  private fitSlide(): void {
    const section = this.renderRoot.querySelector<HTMLElement>('section.current');
    if (!this.presenting || !section) return;
    const style = getComputedStyle(this);
    const nav = this.renderRoot.querySelector<HTMLElement>('.slide-nav');
    const height = this.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - (nav?.offsetHeight ?? 0) - 8 - (this.tour?.reservedHeight ?? 0);
    section.style.zoom = '';
    const origin = section.getBoundingClientRect();
    let right = origin.right;
    let bottom = origin.bottom;
    const visit = (root: Element | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        // A region that scrolls on its own (a long sentence's line view) counts by its own box only.
        if (el.parentElement?.closest('[data-scroll-box]')) continue;
        const r = el.getBoundingClientRect();
        if (r.width && r.height) {
          right = Math.max(right, r.right);
          bottom = Math.max(bottom, r.bottom);
        }
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(section);
    const scale = Math.floor(Math.min(1, origin.width / (right - origin.left), height / (bottom - origin.top)) * 100) / 100;
    if (scale < 1) section.style.zoom = String(scale);
  }

  private readonly onFullscreen = () => {
    if (!document.fullscreenElement && this.presenting) this.setPresenting(false);
  };

  private setPresenting(on: boolean): void {
    this.presenting = on;
    this.toggleAttribute('presenting', on);
    if (on) {
      // Full screen where allowed; the fixed overlay alone works everywhere else.
      void this.requestFullscreen?.().catch(() => undefined);
      this.showTourSlide(this.tour?.currentSlide ?? null);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('section.current h2')?.focus());
    } else if (document.fullscreenElement) {
      void document.exitFullscreen().catch(() => undefined);
    }
  }

  /** Presentation mode's slides: the family table's pages depend on how many models run here. */
  private get slides(): Slide[] {
    return presentationSlides(FAMILIES.length + this.embeddedPoints().length);
  }

  /** The slide on screen; null outside presentation mode, where every section shows whole. */
  private get currentSlide(): Slide | null {
    if (!this.presenting) return null;
    const slides = this.slides;
    return slides[Math.min(this.slide, slides.length - 1)];
  }

  /** One part of a section, hidden on a slide that shows another part. */
  private slidePart(section: SectionId, part: SlidePart, body: TemplateResult): TemplateResult {
    return html`<div class="part" data-part=${part} ?hidden=${!partShown(this.currentSlide, section, part)}>${body}</div>`;
  }

  private go(step: number): void {
    this.slide = Math.min(this.slides.length - 1, Math.max(0, this.slide + step));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('section.current h2')?.focus());
  }

  private readonly onKey = (event: KeyboardEvent) => {
    // The tour, while open, moves with the arrow keys itself.
    if (!this.presenting || this.tour?.active) return;
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (event.key === 'ArrowRight' || event.key === 'PageDown') this.go(1);
    else if (event.key === 'ArrowLeft' || event.key === 'PageUp') this.go(-1);
    else if (event.key === 'Escape') this.setPresenting(false);
    else return;
    event.preventDefault();
  };

  private section(id: SectionId, body: TemplateResult): TemplateResult {
    const current = this.currentSlide?.section === id;
    return html`<section id="sec-${id}" class=${current ? 'current' : ''} aria-labelledby="h-${id}" data-section=${id}
      data-part=${(current && this.currentSlide?.part) || nothing}>
      <h2 id="h-${id}" tabindex="-1">${sectionTitle(id)}</h2>${body}</section>`;
  }

  private get encoder(): AnalysisModelInfo | null {
    return this.models[this.encoderSlot];
  }

  private embeddedPoints(): EmbeddedPoint[] {
    const { decoder, bert, ernie } = this.models;
    return [decoder, bert, ernie]
      .filter((m): m is AnalysisModelInfo => !!m)
      .map((m) => ({ name: m.name, params: m.parameters, family: m.summary.architecture, layers: m.summary.layers }));
  }

  private measuredRate(): number | null {
    const steps = this.cacheHistory.filter((h) => h.fed === 1);
    if (!steps.length) return null;
    const ms = steps.reduce((a, h) => a + h.stepMs, 0) / steps.length;
    return ms > 0 ? 1000 / ms : null;
  }

  /** The decoder for the calculator, with the benchmark's speed when it measured this model. */
  private runningModel(): RunningModel | null {
    const decoder = this.models.decoder;
    if (!decoder) return null;
    const bench = benchRate(decoder.name);
    if (bench) return { name: decoder.name, params: decoder.parameters, trainingTokens: trainingTokens(decoder.name), tokensPerSecond: bench.tokensPerSecond, rateSource: { kind: 'benchmark', backend: bench.backend } };
    const rate = this.measuredRate();
    return { name: decoder.name, params: decoder.parameters, trainingTokens: trainingTokens(decoder.name), tokensPerSecond: rate, rateSource: rate ? { kind: 'steps' } : null };
  }

  private onCacheStep(event: CustomEvent<{ sample: CacheSample; reset: boolean }>): void {
    this.cacheHistory = event.detail.reset ? [event.detail.sample] : [...this.cacheHistory, event.detail.sample];
  }

  /**
   * One model's live attention: its map (grid or lines) and, inside one head, the arithmetic. On a
   * projector these are two slides; `tl-head-inside` shows the one asked for.
   */
  private attentionPart(role: 'decoder' | 'encoder', info: AnalysisModelInfo | null, text: TokenizedText | null, attention: AttentionMaps | null) {
    const slide = this.currentSlide;
    const [map, inside] = [`${role}-map` as const, `${role}-inside` as const];
    const shown = partShown(slide, 'attention', map) || partShown(slide, 'attention', inside);
    const show = !slide ? 'all' : slide.part === map ? 'map' : 'inside';
    return html`<div class="part" data-part=${role} ?hidden=${!shown}><h3>${info?.name ?? ''}</h3>
      <tl-head-inside modelSlot=${role === 'decoder' ? 'decoder' : this.encoderSlot} .info=${info} .ids=${text?.ids ?? []} .tokens=${text?.tokens ?? []} .show=${show}>
        <tl-attention-view testid="heatmap-${role}" heading=${info?.name ?? ''} .attention=${attention} .tokens=${text?.tokens ?? []}
          ?causal=${role === 'decoder'} ?presenting=${this.presenting}>
          <p slot="note" class="note">${role === 'decoder' ? msg('A token never looks ahead: nothing above the grid’s diagonal, no line to a later token.') : msg('Filled everywhere: every token looks both ways.')}</p>
        </tl-attention-view></tl-head-inside></div>`;
  }

  override render() {
    const { decoder } = this.models;
    const encoder = this.encoder;
    const vocabText = (info: AnalysisModelInfo | null) => (id: number) => info?.vocabulary[id] ?? `#${id}`;
    const slide = this.currentSlide;
    return html`
      <form class="toolbar" @submit=${this.submit}>
        <label>${msg('Sentence for both models')}
          <input type="text" name="sentence" .value=${this.draft} @input=${(e: Event) => (this.draft = (e.target as HTMLInputElement).value)} /></label>
        <button class="primary" type="submit">${msg('Run')}</button>
        <label>${msg('Examples')}
          <select @change=${(e: Event) => { this.draft = (e.target as HTMLSelectElement).value; this.sentence = this.draft; void this.analyse(); }}>
            ${sampleSentences(currentLocale()).map((s) => html`<option value=${s} ?selected=${s === this.sentence}>${s}</option>`)}
          </select></label>
        <label>${msg('Encoder')}
          <select name="encoder" @change=${(e: Event) => { this.encoderSlot = (e.target as HTMLSelectElement).value as 'bert' | 'ernie'; void this.analyse(); }}>
            <option value="bert" ?selected=${this.encoderSlot === 'bert'}>${this.models.bert?.name ?? 'tl-bert'}</option>
            <option value="ernie" ?selected=${this.encoderSlot === 'ernie'}>tl-ernie</option>
          </select></label>
        <button type="button" data-testid="present" @click=${() => this.setPresenting(true)}>${msg('Present (full screen)')}</button>
        <button type="button" data-testid="tour-start" @click=${() => this.tour?.start()}>${msg('Guided tour')}</button>
      </form>
      <tl-lesson-tour @tour-step=${(e: CustomEvent<TourStepDetail>) => this.showTourSlide(e.detail)}></tl-lesson-tour>
      <tl-lesson-models .backend=${this.backend} @lesson-model=${this.onLessonModel}></tl-lesson-models>
      <nav class="toc" aria-label=${msg('Sections')}>${SECTIONS.map((id) => html`<a href="#sec-${id}" @click=${(e: Event) => { e.preventDefault(); this.renderRoot.querySelector(`#sec-${id}`)?.scrollIntoView(); }}>${sectionTitle(id)}</a>`)}</nav>
      <div class="slide-nav" role="navigation" aria-label=${msg('Presentation')}>
        <button @click=${() => this.go(-1)} ?disabled=${this.slide === 0}>← ${msg('Previous')}</button>
        <span aria-live="polite" data-testid="slide-position">${msg(str`${this.slide + 1} of ${this.slides.length}`)}</span>
        <button @click=${() => this.go(1)} ?disabled=${this.slide >= this.slides.length - 1}>${msg('Next')} →</button>
        <button @click=${() => this.setPresenting(false)}>${msg('Exit (Esc)')}</button>
        <button @click=${() => this.tour?.start()}>${msg('Guided tour')}</button>
      </div>
      ${this.loadErrors.map((e) => html`<p class="error" role="alert" data-testid="arch-load-error">${e.slot}: ${describeError(e.error)}</p>`)}
      ${this.runError ? html`<p class="error" role="alert">${this.runError}</p>` : nothing}
      ${!decoder || !encoder ? html`<p class="status" role="status">${msg('Loading the embedded models…')}</p>` : nothing}

      ${this.section('transformer', html`
        ${this.slidePart('transformer', 'numbers', html`<p class="note">${msg('The 2017 Transformer had an encoder stack and a decoder stack. GPT keeps only the decoder; BERT and ERNIE keep only the encoder. Both columns are read from the config and weights of the models running in this page. Click a block for what it computes.')}</p>`)}
        <tl-arch-diagram .decoder=${decoder} .encoder=${encoder} .show=${slide?.section === 'transformer' ? slide.part : 'all'}></tl-arch-diagram>`)}

      ${this.section('tasks', html`<div class="two">
        ${this.slidePart('tasks', 'decoder', html`<h3>${msg(str`${decoder?.name ?? 'decoder'}: next token`)}</h3>
          <p class="note">${msg('Trained to predict the next token from the ones before it, so it can write text one token at a time.')}</p>
          <tl-next-token .client=${decoder ? analysisClient() : null} .promptIds=${this.decoderText?.ids ?? []} .tokenText=${vocabText(decoder)}
            @cache-step=${this.onCacheStep} @next-logits=${(e: CustomEvent<NextLogits>) => (this.nextLogits = e.detail)}></tl-next-token>`)}
        ${this.slidePart('tasks', 'encoder', html`<h3>${msg(str`${encoder?.name ?? 'encoder'}: fill in the blanks`)}</h3>
          <p class="note">${msg('Trained to recover [MASK]ed tokens from both sides: it understands a sentence, but has no next-token task to generate with.')}</p>
          <tl-masked-lm .client=${encoder ? analysisClient() : null} .info=${encoder} .ids=${this.encoderText?.ids ?? []} .special=${this.encoderText?.special ?? []}
            .preset=${this.demo()?.maskPositions ?? []}></tl-masked-lm>`)}
      </div>
      ${this.slidePart('tasks', 'sampling', html`<h3 id="sampling-playground">${msg('Sampling playground: what the chat’s settings do to the next token')}</h3>
          <tl-sampling-playground .client=${decoder ? analysisClient() : null} .logits=${this.nextLogits?.logits ?? null} .context=${this.nextLogits?.context ?? []}
            .tokenText=${vocabText(decoder)}></tl-sampling-playground>`)}`)}

      ${this.section('masks', html`<div class="two">
        ${this.slidePart('masks', 'decoder', html`<h3>${msg('Decoder: causal mask')}</h3><tl-mask-grid causal ?compact=${this.presenting} .tokens=${this.decoderText?.tokens ?? []}></tl-mask-grid>`)}
        ${this.slidePart('masks', 'encoder', html`<h3>${msg('Encoder: full mask')}</h3><tl-mask-grid ?compact=${this.presenting} .tokens=${this.encoderText?.tokens ?? []}></tl-mask-grid>`)}
      </div>`)}

      ${this.section('attention', html`<div class="two">
        ${this.attentionPart('decoder', decoder, this.decoderText, this.decoderAttention)}
        ${this.attentionPart('encoder', encoder, this.encoderText, this.encoderAttention)}
      </div>`)}

      ${this.section('kv', html`<tl-kv-cache-view .history=${this.cacheHistory} .decoder=${decoder} .prefixChange=${this.prefixChange}></tl-kv-cache-view>`)}

      ${this.section('ernie', html`<tl-ernie-bert .show=${slide?.section === 'ernie' ? slide.part : 'all'} .client=${this.models.bert || this.models.ernie ? analysisClient() : null} .bert=${this.models.bert} .ernie=${this.models.ernie}
        .ids=${this.encoderText?.ids ?? []} .special=${this.encoderText?.special ?? []} .presetSpan=${this.demo()?.phrase ?? null}></tl-ernie-bert>`)}

      ${this.section('scale', html`
        <tl-scale-view .embedded=${this.embeddedPoints()} .show=${slide?.section === 'scale' && slide.part !== 'calculator' ? slide.part : slide ? 'none' : 'all'}
          .rows=${slide?.rows ?? null}></tl-scale-view>
        ${this.slidePart('scale', 'calculator', html`<h3>${msg('Compute calculator')}</h3>
        <tl-compute-calculator .running=${this.runningModel()}></tl-compute-calculator>`)}`)}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-architecture-panel': ArchitecturePanel;
  }
}
