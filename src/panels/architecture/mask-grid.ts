/**
 * The attention mask over the lecturer's sentence: which tokens each token may look at. A decoder's
 * is causal (the lower triangle: no peeking at the future); an encoder's is full (bidirectional).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { maskAllows } from './mask-grid-logic';
import { visibleToken } from './visible-token';
import { labelSize } from './projector';


@localized()
@customElement('tl-mask-grid')
export class MaskGrid extends LitElement {
  @property({ attribute: false }) tokens: string[] = [];
  @property({ type: Boolean }) causal = false;
  /** On a projector: smaller cells, so a sentence's grid fits one slide with 18 px labels. */
  @property({ type: Boolean, reflect: true }) compact = false;

  static override styles = css`
    :host { display: block; }
    /* A long sentence's grid scrolls sideways: a keyboard can reach it (focusable region). */
    .scroll { overflow-x: auto; min-width: 0; }
    table { border-collapse: collapse; font-size: ${labelSize(0.75)}; }
    /* Room for a special token's whole name (<|endoftext|> is 13 characters); longer labels end in "…". */
    th { font-weight: normal; font-family: ui-monospace, monospace; white-space: pre; padding: 0 0.2em; max-width: 8.5em; overflow: hidden; text-overflow: ellipsis; }
    thead th { writing-mode: vertical-rl; transform: rotate(180deg); height: auto; max-height: 8.5em; text-align: left; }
    td { width: 1.3em; height: 1.3em; border: 1px solid var(--border); padding: 0; }
    td.on { background: var(--accent); }
    td.off { background: repeating-linear-gradient(45deg, transparent 0 3px, var(--border) 3px 4px); }
    /* On a projector: one line per row, the caption beside the grid. */
    :host([compact]) { display: flex; gap: 1.5rem; align-items: flex-start; }
    :host([compact]) td { width: 1em; height: var(--wide-cell-height, 1em); }
    /* A wide projector (architecture-styles.ts): the grid takes most of the width, the caption the rest. */
    :host([compact]) .scroll { flex: 0 0 var(--wide-grid, auto); }
    :host([compact]) table { width: var(--wide-table, auto); }
    :host([compact]) th { line-height: 1; }
    :host([compact]) th { max-width: 5em; }
    :host([compact]) thead th { height: 3.6em; }
    .side { color: var(--muted); margin: 0; max-width: 24em; }
    caption { caption-side: bottom; text-align: left; color: var(--muted); padding-top: 0.3em; }
  `;

  override render() {
    const n = this.tokens.length;
    let allowed = 0;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (maskAllows(this.causal, r, c)) allowed++;
    const caption = this.causal
      ? msg(str`Causal: ${allowed} of ${n * n} pairs allowed (each token sees itself and the tokens before it).`)
      : msg(str`Bidirectional: all ${n * n} pairs allowed (each token sees the whole sentence).`);
    return html`<div class="scroll" tabindex="0" role="region" aria-label=${caption}><table data-testid=${this.causal ? 'mask-causal' : 'mask-full'} data-allowed=${allowed} data-size=${n} aria-describedby=${this.compact ? 'side' : nothing}>
      ${this.compact ? nothing : html`<caption>${caption}</caption>`}
      <thead><tr><td></td>${this.tokens.map((t) => html`<th scope="col">${visibleToken(t)}</th>`)}</tr></thead>
      <tbody>
        ${this.tokens.map((t, r) => html`<tr><th scope="row">${visibleToken(t)}</th>${this.tokens.map((_, c) => {
          const on = maskAllows(this.causal, r, c);
          return html`<td class=${on ? 'on' : 'off'} aria-label=${on ? msg('allowed') : msg('masked')}></td>`;
        })}</tr>`)}
      </tbody>
    </table></div>${this.compact ? html`<p class="side" id="side">${caption}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-mask-grid': MaskGrid;
  }
}
