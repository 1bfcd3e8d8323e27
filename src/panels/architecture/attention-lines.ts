/**
 * An attention map as lines, BertViz's head view: the tokens that look (queries) on the left, the
 * tokens looked at (keys) on the right, and a line from each query to each key whose opacity and
 * width are proportional to the attention weight: the strongest line shown is drawn at full
 * strength (`data-full-weight` on the drawing says which weight that is), so one token's lines stay
 * visible when its weight is spread thin. Used when a sentence is too long for a readable
 * grid (attention-layout.ts). Hovering or focusing a token (Tab reaches each) keeps its lines only.
 * A causal map has no line to a later token: those pairs are masked, never drawn.
 */
import { LitElement, css, html, svg, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { visibleToken } from './visible-token';
import { LABEL_LINE } from './attention-layout';
import { SCREEN_MIN_LABEL_PX } from './projector';

/** Width of the strongest line shown, in CSS pixels; the others are narrower in proportion. */
export const LINE_MAX_WIDTH = 6;

type Active = { side: 'query' | 'key'; index: number } | null;

@localized()
@customElement('tl-attention-lines')
export class AttentionLines extends LitElement {
  /** Row-major `tokens.length × tokens.length` weights in [0, 1]: row = query, column = key. */
  @property({ attribute: false }) matrix: Float32Array | null = null;
  @property({ attribute: false }) tokens: string[] = [];
  @property({ type: Boolean }) causal = false;
  @property({ type: Number }) labelPx = SCREEN_MIN_LABEL_PX;
  /** Width of the band the lines cross, in CSS pixels. */
  @property({ type: Number }) band = 200;
  /** Taller than this (CSS pixels), the view scrolls on its own so a slide keeps its size; 0: never. */
  @property({ type: Number }) maxHeight = 0;
  @property() label = '';
  @state() private active: Active = null;

  static override styles = css`
    :host { display: block; }
    .box { display: grid; grid-template-columns: auto auto auto; align-items: start; width: max-content; max-width: 100%; }
    .box.scrolls { overflow-y: auto; }
    .col { display: flex; flex-direction: column; }
    .col button { font: inherit; font-family: ui-monospace, monospace; white-space: pre; border: none; background: none; color: var(--fg); cursor: pointer;
      padding: 0 0.35em; display: flex; align-items: center; border-radius: 4px; }
    .col.query button { justify-content: flex-end; }
    .col button.on { background: color-mix(in srgb, var(--accent) 35%, transparent); }
    .col button:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
    .head { color: var(--muted); position: sticky; top: 0; background: var(--bg, #fff); padding: 0 0.35em; white-space: nowrap; }
    .head.query { text-align: right; }
    line { stroke: var(--accent, #2754c5); }
    line.off { display: none; }
    .readout { min-height: 1.2em; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; max-width: 36rem; }
    .tok { font-family: ui-monospace, monospace; background: var(--badge); padding: 0 0.2em; border-radius: 3px; white-space: pre; }
  `;

  private get n(): number {
    return this.tokens.length;
  }

  /** A pair a causal model never looks at: a later key. */
  private masked(query: number, key: number): boolean {
    return this.causal && key > query;
  }

  private lineShown(query: number, key: number): boolean {
    const a = this.active;
    return !a || (a.side === 'query' ? a.index === query : a.index === key);
  }

  private tokenButton(side: 'query' | 'key', index: number, row: number) {
    const on = this.active?.side === side && this.active.index === index;
    const text = visibleToken(this.tokens[index]);
    const enter = () => (this.active = { side, index });
    const leave = () => (this.active = null);
    return html`<button class=${on ? 'on' : ''} style="height:${row}px" data-side=${side} data-index=${index}
      aria-label=${side === 'query' ? msg(str`Query ${index + 1}: ${text}`) : msg(str`Key ${index + 1}: ${text}`)}
      @mouseenter=${enter} @mouseleave=${leave} @focus=${enter} @blur=${leave}>${text}</button>`;
  }

  private readout() {
    const a = this.active;
    const m = this.matrix;
    if (!a || !m) return msg('Hover or focus (Tab) a token to see its lines only.');
    const n = this.n;
    const pairs = Array.from({ length: n }, (_, j) => (a.side === 'query' ? { other: j, w: m[a.index * n + j] } : { other: j, w: m[j * n + a.index] }))
      .filter((p) => (a.side === 'query' ? !this.masked(a.index, p.other) : !this.masked(p.other, a.index)))
      .sort((x, y) => y.w - x.w)
      .slice(0, 3);
    const token = html`<span class="tok">${visibleToken(this.tokens[a.index])}</span>`;
    const list = pairs.map((p, k) => html`${k ? ', ' : ''}<span class="tok">${visibleToken(this.tokens[p.other])}</span> ${p.w.toFixed(3)}`);
    return a.side === 'query' ? html`${token} ${msg('looks most at')} ${list}` : html`${token} ${msg('is looked at most by')} ${list}`;
  }

  override render() {
    const n = this.n;
    const m = this.matrix;
    if (!m || !n) return nothing;
    const row = Math.ceil(this.labelPx * LABEL_LINE);
    const height = n * row;
    const y = (i: number) => (i + 0.5) * row;
    const pairs: { q: number; k: number; w: number; shown: boolean }[] = [];
    for (let q = 0; q < n; q++) {
      for (let k = 0; k < n; k++) {
        const w = m[q * n + k];
        if (!this.masked(q, k) && w > 0) pairs.push({ q, k, w, shown: this.lineShown(q, k) });
      }
    }
    const full = Math.max(0, ...pairs.filter((p) => p.shown).map((p) => p.w)) || 1;
    const lines = pairs.map(({ q, k, w, shown }) => svg`<line x1="0" y1=${y(q)} x2=${this.band} y2=${y(k)} data-query=${q} data-key=${k} class=${shown ? '' : 'off'}
      stroke-opacity=${w / full} stroke-width=${(LINE_MAX_WIDTH * w) / full}></line>`);
    const scrolls = this.maxHeight > 0 && height > this.maxHeight;
    return html`
      <div class="box ${scrolls ? 'scrolls' : ''}" style="font-size:${this.labelPx}px;${scrolls ? `max-height:${this.maxHeight}px` : ''}" ?data-scroll-box=${scrolls}
        role="group" aria-label=${msg(str`${this.label}: ${n} tokens, lines from each token to the tokens it looks at`)}>
        <span class="head query">${msg('looks')} →</span><span class="head"></span><span class="head">→ ${msg('looked at')}</span>
        <div class="col query">${this.tokens.map((_, i) => this.tokenButton('query', i, row))}</div>
        <svg width=${this.band} height=${height} viewBox="0 0 ${this.band} ${height}" aria-hidden="true" data-testid="attention-lines" data-full-weight=${full}>${lines}</svg>
        <div class="col key">${this.tokens.map((_, i) => this.tokenButton('key', i, row))}</div>
      </div>
      <div class="readout" aria-live="polite" style="font-size:${this.labelPx}px">${this.readout()}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-attention-lines': AttentionLines;
  }
}
