/**
 * Live attention maps of one running model: a layer and head picker, the chosen map large, and an
 * overview of every head of every layer (click one to pick it).
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AttentionMaps } from '../../core/analysis-protocol';
import './heatmap';

@localized()
@customElement('tl-attention-view')
export class AttentionView extends LitElement {
  @property({ attribute: false }) attention: AttentionMaps | null = null;
  @property({ attribute: false }) tokens: string[] = [];
  @property() heading = '';
  @property() testid = '';
  @state() private layer = 0;
  @state() private head = 0;

  static override styles = css`
    :host { display: block; }
    .pickers { display: flex; gap: 0.75rem; align-items: end; flex-wrap: wrap; margin-bottom: 0.5rem; }
    label { display: flex; flex-direction: column; font-size: 0.8em; color: var(--muted); gap: 0.15rem; }
    select { font: inherit; padding: 0.2rem 0.4rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); }
    .overview { display: grid; gap: 0.3rem; margin-top: 0.5rem; width: max-content; }
    .overview button { padding: 0; border: 2px solid transparent; background: none; cursor: pointer; line-height: 0; }
    .overview button[aria-pressed='true'] { border-color: #d00; }
    .axis { font-size: 0.75em; color: var(--muted); }
    h4 { margin: 0.5rem 0 0.25rem; font-size: 0.9em; }
  `;

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
    const tile = Math.max(48, Math.min(96, Math.floor(560 / Math.max(a.heads, 4))));
    return html`
      <div class="pickers">
        <label>${msg('Layer')}
          <select @change=${(e: Event) => (this.layer = Number((e.target as HTMLSelectElement).value))}>
            ${a.layers.map((_, l) => html`<option value=${l} ?selected=${l === layer}>${l + 1}</option>`)}
          </select></label>
        <label>${msg('Head')}
          <select @change=${(e: Event) => (this.head = Number((e.target as HTMLSelectElement).value))}>
            ${Array.from({ length: a.heads }, (_, h) => html`<option value=${h} ?selected=${h === head}>${h + 1}</option>`)}
          </select></label>
        <span class="axis">${msg('Rows: the token that looks · columns: the token it looks at · each row sums to 1')}</span>
      </div>
      <tl-heatmap data-testid=${this.testid} data-layer=${layer} data-head=${head} .matrix=${a.layers[layer][head]} .tokens=${this.tokens}
        .size=${Math.min(420, Math.max(200, this.tokens.length * 28))}
        label=${msg(str`${this.heading}, layer ${layer + 1}, head ${head + 1}`)}></tl-heatmap>
      <h4>${msg('All heads (rows: layers, columns: heads)')}</h4>
      <div class="overview" style="grid-template-columns: repeat(${a.heads}, auto)">
        ${a.layers.map((heads, l) =>
          heads.map((matrix, h) => html`<button aria-pressed=${l === layer && h === head ? 'true' : 'false'}
              aria-label=${msg(str`Layer ${l + 1}, head ${h + 1}`)} @click=${() => ((this.layer = l), (this.head = h))}>
              <tl-heatmap compact .matrix=${matrix} .tokens=${this.tokens} .size=${tile}></tl-heatmap></button>`),
        )}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-attention-view': AttentionView;
  }
}
