/**
 * Inside one attention head, for one token, with the running model's numbers (Transformer
 * Explainer-style): q of the chosen token, each key's q·k, the scale 1/√d, the mask, the softmax,
 * and the weighted sum of the value rows. Wraps a `tl-attention-view` and follows its layer/head
 * picker (`attention-pick` events); the token has its own picker. Where the graph fuses attention
 * into one op, it says that maps are not available instead.
 */
import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisModelInfo, HeadInside, ModelSlot } from '../../core/analysis-protocol';
import { analysisClient } from './analysis-session';
import { describeError } from '../../i18n/engine-text';
import { labelSize, hiddenParts } from './projector';
import { WIDE_SLIDE_PX } from './attention-layout';
import { visibleToken } from './visible-token';
import { listenWhileConnected } from '../listen-while-connected';

/** Dimensions of q, v and the weighted sum shown: enough to follow the arithmetic, few enough to read. */
const SHOWN_DIMS = 8;
/** On a projector the table sits beside the explanation: fewer dimensions keep it narrow enough. */
const SHOWN_DIMS_PROJECTOR = 3;
/** Scores at or below this are the mask's "minus infinity" (exports add the dtype's lowest value). */
const MASKED = -1e4;

@localized()
@customElement('tl-head-inside')
export class HeadInsideView extends LitElement {
  @property() modelSlot: ModelSlot = 'decoder';
  @property({ attribute: false }) info: AnalysisModelInfo | null = null;
  @property({ attribute: false }) ids: number[] = [];
  @property({ attribute: false }) tokens: string[] = [];
  /** On a projector the map and the arithmetic are two slides: 'map', 'inside', or 'all'. */
  @property() show: 'all' | 'map' | 'inside' = 'all';
  @state() private layer = 0;
  @state() private head = 0;
  /** Chosen query token; null = the default (`chosenToken`). */
  @state() private token: number | null = null;
  @state() private inside: HeadInside | null = null;
  @state() private error: string | null = null;
  private request = 0;

  static override styles = [hiddenParts, css`
    :host { display: block; }
    h4 { margin: 0.75rem 0 0.25rem; font-size: ${labelSize(0.95)}; }
    label { display: inline-flex; flex-direction: column; font-size: ${labelSize(0.8)}; color: var(--muted); gap: 0.15rem; }
    select { font: inherit; padding: 0.2rem 0.4rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); }
    sub { font-size: ${labelSize(0.83)}; }
    .note { font-size: ${labelSize(0.85)}; color: var(--muted); margin: 0.3rem 0; }
    .scroll { overflow-x: auto; max-width: 100%; }
    table { border-collapse: collapse; font-size: ${labelSize(0.8)}; font-variant-numeric: tabular-nums; }
    caption { text-align: left; font-size: ${labelSize(0.9)}; color: var(--muted); padding-bottom: 0.2rem; }
    th, td { padding: 0.1rem 0.4rem; border-bottom: 1px solid var(--border); text-align: right; white-space: nowrap; }
    th[scope='row'], .tok { font-family: ui-monospace, monospace; white-space: pre; text-align: left; }
    tr.masked td { color: var(--muted); }
    .vec { font-family: ui-monospace, monospace; font-size: ${labelSize(0.8)}; overflow-wrap: anywhere; }
    /* On a projector: the explanation beside a compact table, so one slide holds a sentence's keys. */
    /* On a wide projector (architecture-styles.ts) the table takes most of the width. */
    .inside.beside { display: grid; grid-template-columns: minmax(0, 1fr) var(--wide-beside, auto); gap: 0 1.5rem; align-items: start; }
    .inside.beside table { width: var(--wide-table, auto); }
    /* ...and its numbers grow with it: the slide has the height for a sentence's keys at this size. */
    @media (min-width: ${unsafeCSS(WIDE_SLIDE_PX)}px) { .inside.beside table { font-size: ${labelSize(0.95)}; } }
    .inside.beside h4 { margin-top: 0; }
    .inside.beside .note, .inside.beside .vec { margin: 0.15rem 0; line-height: 1.25; }
    .inside.beside th, .inside.beside td { padding-top: 0; padding-bottom: 0; line-height: 1; }
    /* The region's label says the same: the caption stays for screen readers only. */
    .inside.beside caption { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    .unavailable { padding: 0.5rem; border: 1px dashed var(--border); border-radius: 6px; }
  `];

  private readonly onPick = (event: Event) => {
    const { layer, head } = (event as CustomEvent<{ layer: number; head: number }>).detail;
    this.layer = layer;
    this.head = head;
  };

  constructor() {
    super();
    listenWhileConnected(this, this, 'attention-pick', this.onPick);
  }

  /**
   * The chosen query, or by default: the last token of an encoder, and a middle one of a decoder,
   * so that the view opens on the causal mask's −∞ keys (the last token's row has none).
   */
  private get chosenToken(): number {
    if (this.token !== null && this.token < this.ids.length) return this.token;
    const causal = this.info?.summary.architecture === 'decoder';
    return causal ? Math.floor((this.ids.length - 1) / 2) : this.ids.length - 1;
  }

  override updated(changed: PropertyValues): void {
    if (changed.has('ids')) this.token = null;
    if (['ids', 'info', 'layer', 'head', 'token'].some((key) => changed.has(key))) void this.fetch();
  }

  private async fetch(): Promise<void> {
    const run = ++this.request;
    if (!this.info?.headInside || !this.ids.length) return;
    try {
      const inside = await analysisClient().headInside(this.modelSlot, this.ids, this.layer, this.head, this.chosenToken);
      if (run === this.request) [this.inside, this.error] = [inside, null];
    } catch (error) {
      if (run === this.request) this.error = describeError(error);
    }
  }

  override render() {
    const fused = this.info?.attentionUnavailable;
    if (fused) {
      return html`<p class="unavailable" role="note" data-testid="attention-unavailable">${msg(str`Attention maps are not available for this model: its graph computes attention in one fused ${fused.fusedOp} operator, which keeps the probabilities inside.`)}</p>`;
    }
    // The map stays in the page while hidden: its picker still chooses the layer and head shown here.
    return html`<div ?hidden=${this.show === 'inside'}><slot></slot></div>${this.show === 'map' ? nothing : this.renderInside()}`;
  }

  private renderInside() {
    if (!this.info) return nothing;
    if (!this.info.headInside) return html`<p class="note">${msg('Q, K and V cannot be read for this model: its attention blocks were not found in the graph.')}</p>`;
    const d = this.inside;
    const tokenIndex = this.chosenToken;
    const picker = html`<label>${msg('Query token')}
      <select data-testid="head-inside-token" @change=${(e: Event) => (this.token = Number((e.target as HTMLSelectElement).value))}>
        ${this.tokens.map((token, i) => html`<option value=${i} ?selected=${i === tokenIndex}>${i + 1}: ${visibleToken(token)}</option>`)}
      </select></label>`;
    const heading = html`<h4>${msg('Inside one head')}</h4>`;
    if (this.error) return html`${heading}${picker}<p class="note" role="alert">${this.error}</p>`;
    if (!d || d.token !== tokenIndex || d.seq !== this.ids.length) return html`${heading}${picker}<p class="note">${msg('Reading the head…')}</p>`;
    const sqrtD = Math.sqrt(d.headDim);
    const open = d.scores.map((score) => score > MASKED);
    // Some exports scale q and k before their product; then q·k already is the scaled score.
    const preScaled = d.dots.every((dot, j) => !open[j] || Math.abs(d.scores[j] - dot) < Math.abs(d.scores[j] - dot / sqrtD));
    const scaled = d.dots.map((dot) => (preScaled ? dot : dot / sqrtD));
    const dims = Math.min(this.show === 'inside' ? SHOWN_DIMS_PROJECTOR : SHOWN_DIMS, d.headDim);
    const token = visibleToken(this.tokens[tokenIndex] ?? '');
    // The note follows the model's kind; the Mask column follows the scores the graph actually used.
    const causal = this.info.summary.architecture === 'decoder';
    return html`<div class="inside ${this.show === 'inside' ? 'beside' : ''}"><div>${heading}
      <p class="note">${msg(str`Layer ${this.layer + 1}, head ${this.head + 1}: how the token “${token}” gathers information from the others.`)}</p>
      ${picker}
      <p class="note">${msg('The numbers are read from the running model: its own q, k and v at this layer and head, its scores (after scaling and masking), its softmax and its output. q·k and Σ p·v are recomputed here from them.')}</p>
      <p class="note">${preScaled ? msg('This export scales q and k before their product, so q·k already includes 1/√d.') : msg(str`Each dot product is divided by √d = √${d.headDim} ≈ ${sqrtD.toFixed(2)}.`)}
        ${causal ? msg('Causal mask: keys after this token get −∞ before the softmax, so their weight is exactly 0.') : msg('No mask: this token looks at every token, before and after it.')}</p>
      <p class="vec" data-testid="head-inside-query">q = [${d.query.slice(0, dims).map((v) => v.toFixed(3)).join(', ')}${d.headDim > dims ? ', …' : ''}]
        ${msg(str`(first ${dims} of ${d.headDim} dimensions)`)}</p></div>
      <div class="scroll" tabindex="0" role="region" aria-label=${msg(str`Keys seen by “${token}”: one row per token`)}><table data-testid="head-inside-table">
        <caption>${msg(str`Keys seen by “${token}”: one row per token`)}</caption>
        <thead><tr>
          <th scope="col">${msg('Key token')}</th><th scope="col">q·k</th><th scope="col">${preScaled ? 'q·k' : 'q·k / √d'}</th>
          <th scope="col">${msg('Mask')}</th><th scope="col">${msg('Softmax p')}</th>
          ${Array.from({ length: dims }, (_, i) => html`<th scope="col">v<sub>${i + 1}</sub></th>`)}
        </tr></thead>
        <tbody>${d.probs.map((p, j) => html`<tr class=${open[j] ? '' : 'masked'} data-testid="head-inside-row">
          <th scope="row">${visibleToken(this.tokens[j] ?? String(j))}</th>
          <td>${d.dots[j].toFixed(3)}</td><td>${scaled[j].toFixed(3)}</td>
          <td data-testid="head-inside-mask">${open[j] ? '0' : '−∞'}</td>
          <td data-testid="head-inside-prob">${p.toFixed(4)}</td>
          ${d.values[j].slice(0, dims).map((v) => html`<td data-testid="head-inside-v">${v.toFixed(3)}</td>`)}
        </tr>`)}</tbody>
        <tfoot>
          <tr><th scope="row">${msg('Σ p·v (recomputed)')}</th><td></td><td></td><td></td><td>${d.probs.reduce((a, b) => a + b, 0).toFixed(4)}</td>
            ${d.weightedSum.slice(0, dims).map((v) => html`<td data-testid="head-inside-sum">${v.toFixed(3)}</td>`)}</tr>
          <tr><th scope="row">${msg('Model output')}</th><td></td><td></td><td></td><td></td>
            ${d.context.slice(0, dims).map((v) => html`<td data-testid="head-inside-output">${v.toFixed(3)}</td>`)}</tr>
        </tfoot>
      </table></div></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-head-inside': HeadInsideView;
  }
}
