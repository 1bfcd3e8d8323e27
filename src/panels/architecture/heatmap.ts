/**
 * One attention map as a heatmap over the real tokens: row = the token that attends (query),
 * column = the token attended to (key). Hover or the arrow keys show the pair and its weight.
 * Drawn on a canvas so 16 heads of a long sentence stay cheap; the numbers stay on `matrix`.
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { visibleToken } from './visible-token';
import { labelSize, SCREEN_MIN_LABEL_PX } from './projector';

@localized()
@customElement('tl-heatmap')
export class Heatmap extends LitElement {
  /** Row-major `tokens.length × tokens.length` weights in [0, 1]. */
  @property({ attribute: false }) matrix: Float32Array | null = null;
  @property({ attribute: false }) tokens: string[] = [];
  /** Canvas height in CSS pixels (and its width, unless `width` is set). */
  @property({ type: Number }) size = 320;
  /** Canvas width in CSS pixels where the cells are wider than tall (a wide projector); 0: square. */
  @property({ type: Number }) width = 0;
  /** Small overview tiles: no labels, no cursor. */
  @property({ type: Boolean }) compact = false;
  @property() label = '';
  /** Token labels along the axes, in CSS pixels. */
  @property({ type: Number }) labelPx = SCREEN_MIN_LABEL_PX;
  @state() private cursor: { row: number; col: number } | null = null;
  @query('canvas') private canvas!: HTMLCanvasElement;

  static override styles = css`
    :host { display: inline-block; position: relative; }
    canvas { display: block; border: 1px solid var(--border); image-rendering: pixelated; outline-offset: 2px; }
    .readout { min-height: 1.4em; font-size: ${labelSize(0.85)}; font-variant-numeric: tabular-nums; max-width: var(--readout-width, 28rem); overflow-wrap: anywhere; }
    .sr { color: var(--muted); }
    .grid { display: grid; grid-template-columns: auto auto; grid-template-rows: auto auto; }
    .cols { grid-column: 2; display: flex; height: 4.2em; overflow: hidden; }
    .cols span, .rows span { font-family: ui-monospace, monospace; font-size: var(--map-label); white-space: pre; overflow: hidden; color: var(--muted); }
    /* Centred across its column, which is wider than a line on a wide projector. */
    .cols span { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; align-content: center; flex: 0 0 auto; }
    .rows { display: flex; flex-direction: column; max-width: 5.5em; }
    .rows span { text-align: right; flex: 0 0 auto; display: flex; align-items: center; justify-content: flex-end; padding-right: 3px; }
    .tok { font-family: ui-monospace, monospace; background: var(--badge); padding: 0 0.2em; border-radius: 3px; white-space: pre; }
  `;

  private get n(): number {
    return this.tokens.length;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('matrix') || changed.has('tokens') || changed.has('size') || changed.has('width') || changed.has('cursor')) this.draw();
  }

  private draw(): void {
    const canvas = this.canvas;
    const n = this.n;
    if (!canvas || !this.matrix || !n) return;
    const ratio = globalThis.devicePixelRatio || 1;
    canvas.width = Math.round(this.mapWidth * ratio);
    canvas.height = Math.round(this.size * ratio);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const cellW = canvas.width / n;
    const cellH = canvas.height / n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        // sqrt spreads the small weights so a lecturer can see more than the diagonal.
        const v = Math.sqrt(Math.min(1, Math.max(0, this.matrix[r * n + c])));
        ctx.fillStyle = `rgb(${Math.round(255 - 215 * v)}, ${Math.round(255 - 170 * v)}, ${Math.round(255 - 55 * v)})`;
        ctx.fillRect(c * cellW, r * cellH, Math.ceil(cellW), Math.ceil(cellH));
      }
    }
    if (this.cursor && !this.compact) {
      ctx.strokeStyle = '#d00';
      ctx.lineWidth = Math.max(2, Math.min(cellW, cellH) / 10);
      ctx.strokeRect(this.cursor.col * cellW, this.cursor.row * cellH, cellW, cellH);
    }
  }

  private get mapWidth(): number {
    return this.width || this.size;
  }

  private onMove(event: MouseEvent): void {
    if (this.compact || !this.n) return;
    const rect = this.canvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - rect.left) / rect.width) * this.n);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * this.n);
    if (row >= 0 && row < this.n && col >= 0 && col < this.n) this.cursor = { row, col };
  }

  private onKey(event: KeyboardEvent): void {
    if (this.compact || !this.n) return;
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    event.stopPropagation(); // the arrows belong to the map, not to the presentation
    const { row, col } = this.cursor ?? { row: 0, col: 0 };
    const clamp = (v: number) => Math.min(this.n - 1, Math.max(0, v));
    this.cursor = this.cursor ? { row: clamp(row + move[0]), col: clamp(col + move[1]) } : { row: 0, col: 0 };
  }

  private readout() {
    if (!this.cursor || !this.matrix) return msg('Hover or use the arrow keys to read a weight.');
    const { row, col } = this.cursor;
    const weight = this.matrix[row * this.n + col];
    return html`<span class="tok">${visibleToken(this.tokens[row])}</span> → <span class="tok">${visibleToken(this.tokens[col])}</span>:
      <strong data-testid="heatmap-weight">${weight.toFixed(3)}</strong>
      <span class="sr">${msg(str`row ${row + 1}, column ${col + 1}`)}</span>`;
  }

  override render() {
    const summary = this.label || msg('Attention map');
    const canvas = html`<canvas style="width:${this.mapWidth}px;height:${this.size}px" tabindex=${this.compact ? -1 : 0} role="img"
        aria-label=${msg(str`${summary}: ${this.n} × ${this.n} attention weights; arrow keys read one`)}
        @mousemove=${this.onMove} @keydown=${this.onKey}></canvas>`;
    if (this.compact) return canvas;
    // The real tokens along both axes: keys (columns) on top, queries (rows) on the left.
    const cellW = `${this.mapWidth / Math.max(1, this.n)}px`;
    const cellH = `${this.size / Math.max(1, this.n)}px`;
    return html`
      <div class="grid" style="--map-label:${this.labelPx}px">
        <div class="cols" data-tokens aria-hidden="true">${this.tokens.map((t) => html`<span style="width:${cellW}">${visibleToken(t)}</span>`)}</div>
        <div class="rows" data-tokens aria-hidden="true">${this.tokens.map((t) => html`<span style="height:${cellH}">${visibleToken(t)}</span>`)}</div>
        ${canvas}
      </div>
      <div class="readout" aria-live="polite">${this.readout()}</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-heatmap': Heatmap;
  }
}
