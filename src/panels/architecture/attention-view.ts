/**
 * Live attention maps of one running model: a layer and head picker, the chosen map large, and an
 * overview of every head of every layer (click one to pick it).
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AttentionMaps } from '../../core/analysis-protocol';
import { buttonStyles } from '../../styles/buttons';
import { automaticLayout, mapSide, mapWidth, linesBand, type AttentionLayout } from './attention-layout';
import { PROJECTOR_MIN_LABEL_PX, SCREEN_MIN_LABEL_PX } from './projector';
import './heatmap';
import './attention-lines';
import { labelSize } from './projector';

@localized()
@customElement('tl-attention-view')
export class AttentionView extends LitElement {
  @property({ attribute: false }) attention: AttentionMaps | null = null;
  @property({ attribute: false }) tokens: string[] = [];
  @property() heading = '';
  @property() testid = '';
  /** A decoder's map: no line is drawn to a later token. */
  @property({ type: Boolean }) causal = false;
  /** On a projector: 18 px labels, a map sized to the screen, the pickers beside it. */
  @property({ type: Boolean, reflect: true }) presenting = false;
  /** The lecturer's choice of grid or lines; null: chosen by the sentence's length (attention-layout.ts). */
  @state() private chosenLayout: AttentionLayout | null = null;
  @state() private layer = 0;
  @state() private head = 0;

  static override styles = [buttonStyles, css`
    :host { display: block; --button-padding: 0.15rem 0.6rem; }
    .body { display: grid; grid-template-areas: 'pickers' 'map' 'overview'; justify-content: start; }
    :host([presenting]) .body { grid-template-areas: 'map pickers' 'map overview'; grid-template-columns: auto minmax(0, 1fr); grid-template-rows: auto 1fr; gap: 0 1.5rem; }
    .pickers-area { grid-area: pickers; }
    .map-area { grid-area: map; }
    .overview-area { grid-area: overview; }
    .layout { display: flex; gap: 0.3rem; align-items: center; }
    .pickers { display: flex; gap: 0.75rem; align-items: end; flex-wrap: wrap; margin-bottom: 0.5rem; }
    label { display: flex; flex-direction: column; font-size: ${labelSize(0.8)}; color: var(--muted); gap: 0.15rem; }
    select { font: inherit; padding: 0.2rem 0.4rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); }
    .overview { display: grid; gap: 0.3rem; margin-top: 0.5rem; width: max-content; }
    .overview button { padding: 0; border: 2px solid transparent; background: none; cursor: pointer; line-height: 0; }
    .overview button[aria-pressed='true'] { border-color: #d00; }
    .axis { font-size: ${labelSize(0.75)}; color: var(--muted); }
    h4 { margin: 0.5rem 0 0.25rem; font-size: ${labelSize(0.9)}; }
  `];

  override updated(changed: PropertyValues): void {
    // The head view (head-inside.ts) follows this picker.
    if (changed.has('layer') || changed.has('head')) {
      this.dispatchEvent(new CustomEvent('attention-pick', { detail: { layer: this.layer, head: this.head }, bubbles: true, composed: true }));
    }
  }

  override render() {
    const a = this.attention;
    if (!a) return html`<p class="axis">${msg('Running the model…')}</p>`;
    const layer = Math.min(this.layer, a.layers.length - 1);
    const head = Math.min(this.head, a.heads - 1);
    // On a projector the overview shares the slide's height with the pickers: at most 45 % of the
    // screen, so a 12-layer Hub model's tiles shrink instead of the slide's labels.
    const tile = this.presenting
      ? Math.max(12, Math.min(44, Math.floor((window.innerHeight * 0.45) / a.layers.length) - 6))
      : Math.max(48, Math.min(96, Math.floor(560 / Math.max(a.heads, 4))));
    const labelPx = this.presenting ? PROJECTOR_MIN_LABEL_PX : SCREEN_MIN_LABEL_PX;
    const n = this.tokens.length;
    const side = mapSide(n, this.presenting, window.innerHeight);
    const width = mapWidth(side, this.presenting, window.innerWidth);
    const automatic = automaticLayout(n, side, labelPx);
    const layout = this.chosenLayout ?? automatic;
    const label = msg(str`${this.heading}, layer ${layer + 1}, head ${head + 1}`);
    const matrix = a.layers[layer][head];
    return html`<div class="body">
      <div class="pickers-area"><div class="pickers">
        <label>${msg('Layer')}
          <select @change=${(e: Event) => (this.layer = Number((e.target as HTMLSelectElement).value))}>
            ${a.layers.map((_, l) => html`<option value=${l} ?selected=${l === layer}>${l + 1}</option>`)}
          </select></label>
        <label>${msg('Head')}
          <select @change=${(e: Event) => (this.head = Number((e.target as HTMLSelectElement).value))}>
            ${Array.from({ length: a.heads }, (_, h) => html`<option value=${h} ?selected=${h === head}>${h + 1}</option>`)}
          </select></label>
        <div class="layout" role="group" aria-label=${msg('Draw the map as')}>
          <button aria-pressed=${layout === 'grid' ? 'true' : 'false'} data-layout="grid" @click=${() => (this.chosenLayout = 'grid')}>${msg('Grid')}</button>
          <button aria-pressed=${layout === 'lines' ? 'true' : 'false'} data-layout="lines" @click=${() => (this.chosenLayout = 'lines')}>${msg('Lines')}</button>
        </div>
      </div>
      <p class="axis">${layout === 'grid'
        ? msg('Rows: the token that looks · columns: the token it looks at · each row sums to 1')
        : msg('Left: the token that looks · right: the token it looks at · a line’s strength is the weight')}
        ${automatic === 'lines' && this.chosenLayout === null ? msg(str`(${n} tokens: too many for a readable grid at this size, so drawn as lines)`) : nothing}</p>
      <slot name="note"></slot></div>
      <div class="map-area">${layout === 'grid'
        ? html`<tl-heatmap data-testid=${this.testid} data-layer=${layer} data-head=${head} .matrix=${matrix} .tokens=${this.tokens}
            .size=${side} .width=${width} .labelPx=${labelPx} label=${label}></tl-heatmap>`
        : html`<tl-attention-lines data-testid=${this.testid} data-layer=${layer} data-head=${head} .matrix=${matrix} .tokens=${this.tokens}
            ?causal=${this.causal} .labelPx=${labelPx} .band=${linesBand(this.presenting, window.innerWidth)} .maxHeight=${this.presenting ? side + 6 * labelPx : 0}
            label=${label}></tl-attention-lines>`}</div>
      <div class="overview-area"><h4>${msg('All heads (rows: layers, columns: heads)')}</h4>
      <div class="overview" style="grid-template-columns: repeat(${a.heads}, auto)">
        ${a.layers.map((heads, l) =>
          heads.map((matrix, h) => html`<button aria-pressed=${l === layer && h === head ? 'true' : 'false'}
              aria-label=${msg(str`Layer ${l + 1}, head ${h + 1}`)} @click=${() => ((this.layer = l), (this.head = h))}>
              <tl-heatmap compact .matrix=${matrix} .tokens=${this.tokens} .size=${tile}></tl-heatmap></button>`),
        )}
      </div></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-attention-view': AttentionView;
  }
}
