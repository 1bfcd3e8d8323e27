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
import type { AnalysisModelInfo, AttentionMaps, TokenizedText } from '../../core/analysis-protocol';
import type { BackendPreference } from '../../core/protocol';
import { describeError } from '../../i18n/engine-text';
import { currentLocale } from '../../i18n/locale';
import { analysisClient, embeddedModelIn } from './analysis-session';
import { sampleSentences } from './embedded-facts';
import { LessonState, type EncoderSlot } from './lesson-state';
import { SlideFit } from './slide-fit';
import { listenWhileConnected } from '../listen-while-connected';
import type { CacheSample, NextLogits } from './next-token';
import './arch-diagram';
import './mask-grid';
import './attention-view';
import './head-inside';
import './lesson-models';
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

@localized()
@customElement('tl-architecture-panel')
export class ArchitecturePanel extends LitElement {
  @property() backend: BackendPreference = 'auto';
  @property({ type: Number }) wasmThreads: number | undefined = undefined;
  @state() presenting = false;
  @state() private slide = 0;
  private readonly lesson = new LessonState(this);

  static override styles = [buttonStyles, architecturePanelStyles];

  constructor() {
    super();
    new SlideFit(this, (listener) => analysisClient().onReply(listener));
    listenWhileConnected(this, document, 'keydown', this.onKey);
    listenWhileConnected(this, document, 'fullscreenchange', this.onFullscreen);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const tourStep = tourStepFromUrl(location.search);
    if (tourStep !== null) void this.updateComplete.then(() => this.tour?.start(tourStep));
  }

  /** Height below the current slide kept for its navigation and the tour's card. */
  reservedHeight(): number {
    return (this.renderRoot.querySelector<HTMLElement>('.slide-nav')?.offsetHeight ?? 0) + 8 + (this.tour?.reservedHeight ?? 0);
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
    return presentationSlides(FAMILIES.length + this.lesson.embeddedPoints().length);
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
      <tl-head-inside modelSlot=${role === 'decoder' ? 'decoder' : this.lesson.encoderSlot} .info=${info} .ids=${text?.ids ?? []} .tokens=${text?.tokens ?? []} .show=${show}>
        <tl-attention-view testid="heatmap-${role}" heading=${info?.name ?? ''} .attention=${attention} .tokens=${text?.tokens ?? []}
          ?causal=${role === 'decoder'} ?presenting=${this.presenting}>
          <p slot="note" class="note">${role === 'decoder' ? msg('A token never looks ahead: nothing above the grid’s diagonal, no line to a later token.') : msg('Filled everywhere: every token looks both ways.')}</p>
        </tl-attention-view></tl-head-inside></div>`;
  }

  override render() {
    const lesson = this.lesson;
    const { decoder } = lesson.models;
    const encoder = lesson.encoder;
    const vocabText = (info: AnalysisModelInfo | null) => (id: number) => info?.vocabulary[id] ?? `#${id}`;
    const slide = this.currentSlide;
    return html`
      <form class="toolbar" @submit=${(e: Event) => { e.preventDefault(); lesson.runSentence(lesson.draft); }}>
        <label>${msg('Sentence for both models')}
          <input type="text" name="sentence" .value=${lesson.draft} @input=${(e: Event) => lesson.setDraft((e.target as HTMLInputElement).value)} /></label>
        <button class="primary" type="submit">${msg('Run')}</button>
        <label>${msg('Examples')}
          <select @change=${(e: Event) => { lesson.setDraft((e.target as HTMLSelectElement).value); lesson.runSentence(lesson.draft); }}>
            ${sampleSentences(currentLocale()).map((s) => html`<option value=${s} ?selected=${s === lesson.sentence}>${s}</option>`)}
          </select></label>
        <label>${msg('Encoder')}
          <select name="encoder" @change=${(e: Event) => lesson.showEncoder((e.target as HTMLSelectElement).value as EncoderSlot)}>
            ${(['bert', 'ernie'] as const).map((slot) => html`<option value=${slot} ?selected=${lesson.encoderSlot === slot}>${lesson.models[slot]?.name ?? embeddedModelIn(slot)?.id ?? slot}</option>`)}
          </select></label>
        <button type="button" data-testid="present" @click=${() => this.setPresenting(true)}>${msg('Present (full screen)')}</button>
        <button type="button" data-testid="tour-start" @click=${() => this.tour?.start()}>${msg('Guided tour')}</button>
      </form>
      <tl-lesson-tour @tour-step=${(e: CustomEvent<TourStepDetail>) => this.showTourSlide(e.detail)}></tl-lesson-tour>
      <tl-lesson-models .backend=${this.backend} @lesson-model=${lesson.onLessonModel}></tl-lesson-models>
      <nav class="toc" aria-label=${msg('Sections')}>${SECTIONS.map((id) => html`<a href="#sec-${id}" @click=${(e: Event) => { e.preventDefault(); this.renderRoot.querySelector(`#sec-${id}`)?.scrollIntoView(); }}>${sectionTitle(id)}</a>`)}</nav>
      <div class="slide-nav" role="navigation" aria-label=${msg('Presentation')}>
        <button @click=${() => this.go(-1)} ?disabled=${this.slide === 0}>← ${msg('Previous')}</button>
        <span aria-live="polite" data-testid="slide-position">${msg(str`${this.slide + 1} of ${this.slides.length}`)}</span>
        <button @click=${() => this.go(1)} ?disabled=${this.slide >= this.slides.length - 1}>${msg('Next')} →</button>
        <button @click=${() => this.setPresenting(false)}>${msg('Exit (Esc)')}</button>
        <button @click=${() => this.tour?.start()}>${msg('Guided tour')}</button>
      </div>
      ${lesson.loadErrors.map((e) => html`<p class="error" role="alert" data-testid="arch-load-error">${e.slot}: ${describeError(e.error)}</p>`)}
      ${lesson.runError ? html`<p class="error" role="alert">${lesson.runError}</p>` : nothing}
      ${!decoder || !encoder ? html`<p class="status" role="status">${msg('Loading the embedded models…')}</p>` : nothing}

      ${this.section('transformer', html`
        ${this.slidePart('transformer', 'numbers', html`<p class="note">${msg('The 2017 Transformer had an encoder stack and a decoder stack. GPT keeps only the decoder; BERT and ERNIE keep only the encoder. Both columns are read from the config and weights of the models running in this page. Click a block for what it computes.')}</p>`)}
        <tl-arch-diagram .decoder=${decoder} .encoder=${encoder} .show=${slide?.section === 'transformer' ? slide.part : 'all'}></tl-arch-diagram>`)}

      ${this.section('tasks', html`<div class="two">
        ${this.slidePart('tasks', 'decoder', html`<h3>${msg(str`${decoder?.name ?? 'decoder'}: next token`)}</h3>
          <p class="note">${msg('Trained to predict the next token from the ones before it, so it can write text one token at a time.')}</p>
          <tl-next-token .client=${decoder ? analysisClient() : null} .promptIds=${lesson.decoderText?.ids ?? []} .tokenText=${vocabText(decoder)}
            @cache-step=${(e: CustomEvent<{ sample: CacheSample; reset: boolean }>) => lesson.addCacheStep(e.detail.sample, e.detail.reset)} @next-logits=${(e: CustomEvent<NextLogits>) => lesson.setNextLogits(e.detail)}></tl-next-token>`)}
        ${this.slidePart('tasks', 'encoder', html`<h3>${msg(str`${encoder?.name ?? 'encoder'}: fill in the blanks`)}</h3>
          <p class="note">${msg('Trained to recover [MASK]ed tokens from both sides: it understands a sentence, but has no next-token task to generate with.')}</p>
          <tl-masked-lm .client=${encoder ? analysisClient() : null} .info=${encoder} .ids=${lesson.encoderText?.ids ?? []} .special=${lesson.encoderText?.special ?? []}
            .preset=${lesson.demo?.maskPositions ?? []}></tl-masked-lm>`)}
      </div>
      ${this.slidePart('tasks', 'sampling', html`<h3 id="sampling-playground">${msg('Sampling playground: what the chat’s settings do to the next token')}</h3>
          <tl-sampling-playground .client=${decoder ? analysisClient() : null} .logits=${lesson.nextLogits?.logits ?? null} .context=${lesson.nextLogits?.context ?? []}
            .tokenText=${vocabText(decoder)}></tl-sampling-playground>`)}`)}

      ${this.section('masks', html`<div class="two">
        ${this.slidePart('masks', 'decoder', html`<h3>${msg('Decoder: causal mask')}</h3><tl-mask-grid causal ?compact=${this.presenting} .tokens=${lesson.decoderText?.tokens ?? []}></tl-mask-grid>`)}
        ${this.slidePart('masks', 'encoder', html`<h3>${msg('Encoder: full mask')}</h3><tl-mask-grid ?compact=${this.presenting} .tokens=${lesson.encoderText?.tokens ?? []}></tl-mask-grid>`)}
      </div>`)}

      ${this.section('attention', html`<div class="two">
        ${this.attentionPart('decoder', decoder, lesson.decoderText, lesson.decoderAttention)}
        ${this.attentionPart('encoder', encoder, lesson.encoderText, lesson.encoderAttention)}
      </div>`)}

      ${this.section('kv', html`<tl-kv-cache-view .history=${lesson.cacheHistory} .decoder=${decoder} .prefixChange=${lesson.prefixChange}></tl-kv-cache-view>`)}

      ${this.section('ernie', html`<tl-ernie-bert .show=${slide?.section === 'ernie' ? slide.part : 'all'} .client=${lesson.models.bert || lesson.models.ernie ? analysisClient() : null} .bert=${lesson.models.bert} .ernie=${lesson.models.ernie}
        .ids=${lesson.encoderText?.ids ?? []} .special=${lesson.encoderText?.special ?? []} .presetSpan=${lesson.demo?.phrase ?? null}></tl-ernie-bert>`)}

      ${this.section('scale', html`
        <tl-scale-view .embedded=${this.lesson.embeddedPoints()} .show=${slide?.section === 'scale' && slide.part !== 'calculator' ? slide.part : slide ? 'none' : 'all'}
          .rows=${slide?.rows ?? null}></tl-scale-view>
        ${this.slidePart('scale', 'calculator', html`<h3>${msg('Compute calculator')}</h3>
        <tl-compute-calculator .running=${lesson.runningModel()}></tl-compute-calculator>`)}`)}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-architecture-panel': ArchitecturePanel;
  }
}
