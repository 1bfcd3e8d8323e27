/**
 * The encoder's task on the sentence: the lecturer clicks tokens to mask them, and the encoder
 * (seeing both sides) predicts each masked token: top-5 with probabilities.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisClient } from '../../clients/analysis-client';
import { describeError } from '../../i18n/engine-text';
import type { AnalysisModelInfo, MaskPrediction } from '../../core/analysis-protocol';
import type { PickDetail } from './token-picker';
import { heldOutAccuracy } from './embedded-facts';
import './token-picker';
import { visibleToken } from './visible-token';
import { labelSize } from './projector';

@localized()
@customElement('tl-masked-lm')
export class MaskedLm extends LitElement {
  @property({ attribute: false }) client: AnalysisClient | null = null;
  @property({ attribute: false }) info: AnalysisModelInfo | null = null;
  @property({ attribute: false }) ids: number[] = [];
  @property({ attribute: false }) special: boolean[] = [];
  /** Positions masked as soon as a sentence arrives (the default sentence's demo token). */
  @property({ attribute: false }) preset: number[] = [];
  @state() private masked = new Set<number>();
  @state() private predictions: MaskPrediction[] = [];
  @state() private error: string | null = null;
  private runId = 0;

  static override styles = css`
    :host { display: block; }
    table { border-collapse: collapse; margin-top: 0.5rem; font-variant-numeric: tabular-nums; width: var(--wide-table, auto); }
    th, td { border: 1px solid var(--border); padding: 0.15rem 0.45rem; text-align: left; }
    td.tok { font-family: ui-monospace, monospace; white-space: pre; }
    small { font-size: ${labelSize(0.83)}; }
    /* The probability under its token: five guesses fit beside the decoder at 1280 px. */
    td.tok small { display: block; }
    .hint { color: var(--muted); font-size: ${labelSize(0.85)}; }
    .ok { color: var(--correct, #1f7a3d); font-weight: 600; }
    .error { color: var(--error); }
  `;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('ids')) {
      this.masked = new Set(this.preset.filter((p) => p < this.ids.length && !this.special[p]));
      this.predictions = [];
    }
  }

  protected override updated(changed: PropertyValues): void {
    if ((changed.has('ids') || changed.has('client') || changed.has('info')) && this.masked.size) void this.predict();
  }

  /** Masks exactly these positions and runs the encoder (the e2e tests and the panel use it). */
  async setMasked(positions: Iterable<number>): Promise<void> {
    this.masked = new Set(positions);
    await this.predict();
  }

  private async predict(): Promise<void> {
    const run = ++this.runId;
    const mask = this.info?.maskTokenId;
    if (!this.client || !this.info || mask === null || mask === undefined) return;
    const positions = [...this.masked].sort((a, b) => a - b);
    if (!positions.length) {
      this.predictions = [];
      return;
    }
    const ids = this.ids.map((id, i) => (this.masked.has(i) ? mask : id));
    try {
      const result = await this.client.encoderRun(this.info.slot, ids, positions, 5);
      if (run === this.runId) {
        this.predictions = result.predictions;
        this.error = null;
      }
    } catch (error) {
      this.error = describeError(error);
    }
  }

  private onPick(event: CustomEvent<PickDetail>): void {
    const next = new Set(this.masked);
    if (next.has(event.detail.index)) next.delete(event.detail.index);
    else next.add(event.detail.index);
    void this.setMasked(next);
  }

  private accuracyNote() {
    const accuracy = this.info ? heldOutAccuracy(this.info) : null;
    if (!accuracy) return nothing;
    const pct = (accuracy.singleToken * 100).toFixed(1);
    return html`<p class="hint" data-testid="mask-accuracy">${msg(str`Measured on held-out text: ${this.info!.name} predicts ${pct}% of single masked tokens right (top-1).`)}</p>`;
  }

  override render() {
    const vocab = this.info?.vocabulary ?? [];
    const tokens = this.ids.map((id) => vocab[id] ?? `#${id}`);
    return html`
      <tl-token-picker data-ids=${JSON.stringify(this.ids)} .tokens=${tokens} .special=${this.special} .selected=${this.masked} label=${msg('Click tokens to mask them')}
        @pick=${this.onPick}></tl-token-picker>
      <p class="hint">${msg('Click tokens to replace them with [MASK]; the encoder predicts them from both sides.')}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.predictions.length
        ? html`<table data-testid="mask-predictions-${this.info?.slot}" aria-live="polite">
            <thead><tr><th>${msg('Position')}</th><th>${msg('Hidden token')}</th>${[1, 2, 3, 4, 5].map((k) => html`<th>${msg(str`#${k}`)}</th>`)}</tr></thead>
            <tbody>${this.predictions.map(
              (p) => html`<tr data-position=${p.position} data-top-ids=${JSON.stringify(p.top.map((t) => t.id))}>
                <td>${p.position}</td><td class="tok">${visibleToken(tokens[p.position])}</td>
                ${p.top.map((t) => html`<td class="tok ${t.id === this.ids[p.position] ? 'ok' : ''}">${visibleToken(t.token)} <small>${(t.prob * 100).toFixed(1)}%</small></td>`)}
              </tr>`,
            )}</tbody>
          </table>${this.accuracyNote()}`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-masked-lm': MaskedLm;
  }
}
