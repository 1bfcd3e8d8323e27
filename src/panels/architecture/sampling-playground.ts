/**
 * The sampling playground: the decoder's live next-token distribution, reshaped as the lecturer
 * moves temperature, top-k, top-p and the repetition penalty (on the sentence so far). Tokens a
 * setting removes are greyed out and the kept probability mass is shown; "sample 100 times" draws
 * with the chat's own sampler and sets the counts beside the expected probabilities. Every number
 * comes from that sampler in the analysis worker (one implementation), never recomputed here.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisClient } from '../../clients/analysis-client';
import type { PreviewSettings, SamplingPreviewResult } from '../../core/analysis-protocol';
import { describeError } from '../../i18n/engine-text';
import { visibleToken } from './visible-token';
import { labelSize } from './projector';

/** Bars shown: the most likely tokens after the penalty and the temperature. */
const SHOWN = 8;
const DRAWS = 100;

/** The model's own distribution: every setting off. */
const NEUTRAL: PreviewSettings = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };

interface Slider {
  key: keyof PreviewSettings;
  label: () => string;
  min: number;
  max: number;
  step: number;
  format: (v: number) => string;
}

const SLIDERS: Slider[] = [
  { key: 'temperature', label: () => msg('Temperature'), min: 0, max: 2, step: 0.1, format: (v) => v.toFixed(1) },
  { key: 'topK', label: () => msg('Top-k'), min: 0, max: 50, step: 1, format: (v) => (v === 0 ? msg('off') : String(v)) },
  { key: 'topP', label: () => msg('Top-p'), min: 0.05, max: 1, step: 0.05, format: (v) => (v >= 1 ? msg('off') : v.toFixed(2)) },
  { key: 'repetitionPenalty', label: () => msg('Repetition penalty'), min: 1, max: 2, step: 0.05, format: (v) => (v === 1 ? msg('off') : v.toFixed(2)) },
];

@localized()
@customElement('tl-sampling-playground')
export class SamplingPlayground extends LitElement {
  @property({ attribute: false }) client: AnalysisClient | null = null;
  /** Raw logits of the next token, from the next-token view's last step. */
  @property({ attribute: false }) logits: Float32Array | null = null;
  /** The sentence so far (prompt and generated tokens): what the repetition penalty looks at. */
  @property({ attribute: false }) context: number[] = [];
  @property({ attribute: false }) tokenText: (id: number) => string = (id) => `#${id}`;
  @state() private settings: PreviewSettings = { ...NEUTRAL };
  @state() private preview: SamplingPreviewResult | null = null;
  /** Draws shown beside the bars, once asked for: redrawn with the same seed as the settings move. */
  @state() private draws = 0;
  @state() private error: string | null = null;
  private seed = 1;
  private run = 0;

  static override styles = [buttonStyles, css`
    :host { display: block; }
    /* In em, not rem: a projector's larger type widens the labels, and the columns with them. */
    .controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(18em, 1fr)); gap: 0.3rem 1.2rem; margin-bottom: 0.4rem; }
    label { display: grid; grid-template-columns: 9.5em minmax(4em, 1fr) 3.2em; gap: 0.4rem; align-items: center; }
    input[type='range'] { width: 100%; min-width: 0; }
    output { font-variant-numeric: tabular-nums; text-align: right; }
    .actions { display: flex; gap: 0.8rem; align-items: center; flex-wrap: wrap; margin-bottom: 0.4rem; }
    :host { --button-padding: 0.25rem 0.7rem; }
    .kept { font-weight: 600; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th { text-align: left; font-weight: 600; color: var(--muted); font-size: ${labelSize(0.85)}; padding: 0 0.4rem; }
    td { padding: 0.05rem 0.4rem; vertical-align: middle; }
    td.tok { font-family: ui-monospace, monospace; white-space: pre; text-align: right; width: 1%; }
    td.num { text-align: right; width: 1%; white-space: nowrap; }
    td.bars { width: 60%; }
    .bar { height: 0.7em; border-radius: 3px; min-width: 1px; }
    .expected { background: var(--accent); }
    .drawn { background: var(--fg); margin-top: 2px; height: 0.45em; }
    tr.removed td { color: var(--muted); }
    tr.removed td.tok, tr.removed td.num { text-decoration: line-through; }
    tr.removed .expected { background: var(--border); opacity: 0.6; }
    .hint { color: var(--muted); font-size: ${labelSize(0.85)}; margin: 0.3rem 0 0; }
    .error { color: var(--error); }
  `];

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('logits') || changed.has('context') || changed.has('client')) void this.refresh();
  }

  private async refresh(): Promise<void> {
    const { client, logits } = this;
    if (!client || !logits) return;
    const run = ++this.run;
    try {
      const preview = await client.samplingPreview({ logits, settings: this.settings, context: this.context, draws: this.draws, seed: this.seed, shown: SHOWN });
      if (run !== this.run) return;
      this.preview = preview;
      this.error = null;
    } catch (error) {
      if (run === this.run) this.error = describeError(error);
    }
  }

  private set(key: keyof PreviewSettings, value: number): void {
    this.settings = { ...this.settings, [key]: value };
    void this.refresh();
  }

  private sample(): void {
    this.draws = DRAWS;
    this.seed = (this.seed * 7919 + 1) % 0x7fffffff;
    void this.refresh();
  }

  private reset(): void {
    this.settings = { ...NEUTRAL };
    this.draws = 0;
    void this.refresh();
  }

  override render() {
    const p = this.preview;
    const max = p ? Math.max(...p.probs, ...p.keptProbs, ...p.drawCounts.map((c) => c / Math.max(1, p.draws))) : 1;
    const width = (v: number) => `width:${(v / (max || 1)) * 100}%`;
    return html`
      <div class="controls">${SLIDERS.map((s) => {
        const value = this.settings[s.key];
        return html`<label>${s.label()}
          <input type="range" min=${s.min} max=${s.max} step=${s.step} .value=${String(value)} data-testid="playground-${s.key}"
            aria-valuetext=${s.format(value)} @input=${(e: Event) => this.set(s.key, Number((e.target as HTMLInputElement).value))} />
          <output>${s.format(value)}</output></label>`;
      })}</div>
      <div class="actions">
        <button class="primary" data-testid="playground-sample" @click=${() => this.sample()} ?disabled=${!this.logits}>${msg(str`Sample ${DRAWS} times`)}</button>
        <button @click=${() => this.reset()}>${msg('All off')}</button>
        ${p ? html`<span class="kept" role="status" data-testid="kept-mass" data-kept-mass=${p.keptMass} data-kept-count=${p.keptCount}>${msg(str`Kept: ${p.keptCount} tokens, ${(p.keptMass * 100).toFixed(1)} % of the probability`)}</span>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${p ? html`<table data-testid="playground-bars">
        <thead><tr><th scope="col">${msg('Token')}</th><th scope="col">${msg('Before')}</th><th scope="col">${msg('Drawn with')}</th>
          <th scope="col">${msg('Bars')}</th>${this.draws ? html`<th scope="col">${msg(str`In ${p.draws} draws`)}</th>` : nothing}</tr></thead>
        <tbody>${p.ids.map((id, i) => {
          const kept = p.keptProbs[i] > 0;
          return html`<tr class=${kept ? '' : 'removed'} data-id=${id} data-kept=${kept ? 'true' : 'false'} data-count=${p.drawCounts[i]}>
            <td class="tok">${visibleToken(this.tokenText(id))}</td>
            <td class="num">${(p.probs[i] * 100).toFixed(1)}%</td>
            <td class="num">${kept ? `${(p.keptProbs[i] * 100).toFixed(1)}%` : html`<span>${msg('removed')}</span>`}</td>
            <td class="bars" role="presentation"><div class="bar expected" style=${width(kept ? p.keptProbs[i] : p.probs[i])}></div>
              ${this.draws ? html`<div class="bar drawn" style=${width(p.drawCounts[i] / p.draws)}></div>` : nothing}</td>
            ${this.draws ? html`<td class="num">${p.drawCounts[i]}</td>` : nothing}</tr>`;
        })}</tbody></table>
        <p class="hint">${this.draws
          ? msg(str`Upper bar: the probability each token is drawn with; lower bar: how often it was drawn in ${p.draws} draws (${p.drawsElsewhere} on tokens not listed).`)
          : msg('Struck-through tokens are removed by top-k or top-p; the rest are renormalised to 100 %.')}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-sampling-playground': SamplingPlayground;
  }
}
