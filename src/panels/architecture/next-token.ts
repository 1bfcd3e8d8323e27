/**
 * The decoder's task on the lecturer's sentence: the next-token distribution as top-k bars, a
 * temperature slider that reshapes it, and step-by-step generation advanced with a button or the
 * N key. Each step runs the real KV-cache graph; its cache size is reported to the panel.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisClient } from '../../clients/analysis-client';
import { describeError } from '../../i18n/engine-text';
import { sampleIndex, softmaxWithTemperature, topK } from '../../core/distribution';
import { createRng } from '../../core/rng';
import { visibleToken } from './visible-token';
import { labelSize } from './projector';

/** The distribution a step left, for the sampling playground: raw logits and the sentence they follow. */
export interface NextLogits {
  logits: Float32Array;
  context: number[];
}

export interface CacheSample {
  tokens: number;
  bytes: number;
  stepMs: number;
  /** Tokens fed in this step: the whole prompt first, then one. */
  fed: number;
}

const BARS = 10;

@localized()
@customElement('tl-next-token')
export class NextToken extends LitElement {
  @property({ attribute: false }) client: AnalysisClient | null = null;
  @property({ attribute: false }) promptIds: number[] = [];
  @property({ attribute: false }) tokenText: (id: number) => string = (id) => `#${id}`;
  /** Starts at 1: the model's own distribution. 0 makes every step greedy. */
  @state() private temperature = 1;
  @state() private logits: Float32Array | null = null;
  @state() private generated: number[] = [];
  @state() private busy = false;
  @state() private error: string | null = null;
  private rng = createRng(1);

  static override styles = [buttonStyles, css`
    :host { display: block; }
    .controls { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-bottom: 0.5rem; }
    label { display: flex; gap: 0.4rem; align-items: center; }
    input[type='range'] { width: 10rem; }
    :host { --button-padding: 0.3rem 0.8rem; }
    .text { font-family: ui-monospace, monospace; white-space: pre-wrap; background: var(--field); border: 1px solid var(--border); border-radius: 6px; padding: 0.3rem 0.5rem; margin: 0 0 0.5rem; }
    .text .new { background: color-mix(in srgb, var(--accent) 25%, transparent); }
    /* Each token is its own box: where the tokenizer cut the sentence is visible. */
    .text .t { border-bottom: 3px solid color-mix(in srgb, var(--accent) 70%, transparent); margin-right: 1px; }
    .text .t:nth-child(even) { border-bottom-color: color-mix(in srgb, var(--fg) 45%, transparent); }
    ol { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: minmax(5rem, auto) 1fr 4rem; gap: 0.15rem 0.5rem; align-items: center; font-variant-numeric: tabular-nums; }
    li { display: contents; }
    .tok { font-family: ui-monospace, monospace; white-space: pre; text-align: right; }
    .bar { height: 1em; background: var(--accent); border-radius: 3px; min-width: 1px; }
    .error { color: var(--error); }
    .hint { color: var(--muted); font-size: ${labelSize(0.85)}; }
  `];

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('promptIds') || changed.has('client')) void this.restart();
  }

  /** Prefill: the whole prompt goes into a fresh KV cache in one step. */
  async restart(): Promise<void> {
    if (!this.client || !this.promptIds.length) return;
    this.generated = [];
    this.rng = createRng(1);
    await this.run(this.promptIds, true);
  }

  private async run(ids: number[], reset: boolean): Promise<void> {
    if (!this.client) return;
    this.busy = true;
    this.error = null;
    try {
      const result = await this.client.decoderStep(ids, reset);
      this.logits = result.logits;
      const sample: CacheSample = { tokens: result.cacheTokens, bytes: result.cacheBytes, stepMs: result.stepMs, fed: ids.length };
      this.dispatchEvent(new CustomEvent<{ sample: CacheSample; reset: boolean }>('cache-step', { detail: { sample, reset }, bubbles: true, composed: true }));
      const context = [...this.promptIds, ...this.generated];
      this.dispatchEvent(new CustomEvent<NextLogits>('next-logits', { detail: { logits: result.logits, context }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.busy = false;
    }
  }

  /** Picks the next token (greedy at temperature 0, else drawn among the bars) and runs one step. */
  async advance(): Promise<void> {
    if (this.busy || !this.logits) return;
    const probs = softmaxWithTemperature(this.logits, this.temperature);
    const bars = topK(probs, BARS);
    let next = bars[0].id;
    if (this.temperature > 0) {
      const mass = bars.reduce((a, b) => a + b.prob, 0);
      next = bars[sampleIndex(bars.map((b) => b.prob / mass), this.rng())].id;
    }
    this.generated = [...this.generated, next];
    await this.run([next], false);
  }

  private readonly onKey = (event: KeyboardEvent) => {
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if ((event.key === 'n' || event.key === 'N') && !event.ctrlKey && !event.metaKey && !event.altKey && this.isConnected && this.offsetParent !== null) {
      event.preventDefault();
      void this.advance();
    }
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    document.removeEventListener('keydown', this.onKey);
    super.disconnectedCallback();
  }

  override render() {
    const probs = this.logits ? softmaxWithTemperature(this.logits, this.temperature) : null;
    const bars = probs ? topK(probs, BARS) : [];
    const max = bars[0]?.prob ?? 1;
    return html`
      <div class="controls">
        <label>${msg('Temperature')}
          <input type="range" min="0" max="2" step="0.1" data-testid="temperature-slider" .value=${String(this.temperature)} aria-valuetext=${this.temperature.toFixed(1)}
            @input=${(e: Event) => (this.temperature = Number((e.target as HTMLInputElement).value))} />
          <output data-testid="temperature">${this.temperature.toFixed(1)}</output></label>
        <button class="primary" data-testid="step" @click=${() => this.advance()} ?disabled=${this.busy || !this.logits}>${msg('Next token (N)')}</button>
        <button @click=${() => this.restart()} ?disabled=${this.busy}>${msg('Restart')}</button>
        <span class="hint">${this.temperature === 0 ? msg('Temperature 0: always the top bar (greedy).') : msg('Above 0: drawn at random among the bars, by their probability.')}</span>
      </div>
      <p class="text" role="group" aria-label=${msg('Text so far')} data-testid="generated-text"
        data-prompt-ids=${JSON.stringify(this.promptIds)} data-generated-ids=${JSON.stringify(this.generated)} data-busy=${this.busy ? 'true' : 'false'}>${this.promptIds
        .map((id) => html`<span class="t">${this.tokenText(id)}</span>`)}<span class="new">${this.generated.map((id) => html`<span class="t">${this.tokenText(id)}</span>`)}</span></p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <ol aria-label=${msg('Most likely next tokens')} data-testid="next-token-bars" data-top-id=${bars[0]?.id ?? ''}>
        ${bars.map(
          (b) => html`<li data-id=${b.id}><span class="tok">${visibleToken(this.tokenText(b.id))}</span>
            <span class="bar" style="width:${(b.prob / max) * 100}%" role="presentation"></span>
            <span aria-label=${msg(str`${(b.prob * 100).toFixed(1)} percent`)}>${(b.prob * 100).toFixed(1)}%</span></li>`,
        )}
      </ol>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-next-token': NextToken;
  }
}
