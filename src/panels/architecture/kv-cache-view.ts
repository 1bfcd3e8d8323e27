/**
 * Why a decoder generates fast: its KV cache grows by one token's keys and values per step (sizes
 * reported by the engine), so each step feeds one token. Beside it, the live reason an encoder
 * cannot do this: appending a token changes the outputs at every earlier position.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisModelInfo } from '../../core/analysis-protocol';
import type { CacheSample } from './next-token';
import { formatBytes } from '../format';
import { labelSize } from './projector';

@localized()
@customElement('tl-kv-cache-view')
export class KvCacheView extends LitElement {
  @property({ attribute: false }) history: CacheSample[] = [];
  @property({ attribute: false }) decoder: AnalysisModelInfo | null = null;
  /** Largest change of earlier positions' logits when one token is appended, per model. */
  @property({ attribute: false }) prefixChange: { decoder: number | null; encoder: number | null } = { decoder: null, encoder: null };

  static override styles = css`
    :host { display: block; }
    .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
    .box { border: 1px solid var(--border); border-radius: 8px; padding: 0.6rem 0.8rem; background: var(--panel); }
    h3 { margin: 0 0 0.4rem; font-size: 1em; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: ${labelSize(0.9)}; width: var(--wide-table, auto); }
    th, td { border-bottom: 1px solid var(--border); padding: 0.1rem 0.5rem; text-align: right; }
    .bar { display: inline-block; height: 0.8em; background: var(--accent); vertical-align: middle; }
    .big { font-size: 1.4em; font-weight: 700; font-variant-numeric: tabular-nums; }
    .muted { color: var(--muted); font-size: ${labelSize(0.9)}; }
    @media (max-width: 700px) { .cols { grid-template-columns: 1fr; } }
  `;

  private perToken(): number | null {
    const s = this.decoder?.summary;
    if (!s) return null;
    // keys + values, every layer, fp32: what one more token adds to the cache.
    return 2 * s.layers * s.kvHeads * (s.hidden / s.heads) * 4;
  }

  override render() {
    const last = this.history[this.history.length - 1];
    const max = Math.max(1, ...this.history.map((h) => h.bytes));
    const s = this.decoder?.summary;
    const perToken = this.perToken();
    return html`<div class="cols">
      <div class="box">
        <h3>${msg('Decoder: KV cache, measured in the running engine')}</h3>
        ${last
          ? html`<p><span class="big" data-testid="kv-bytes" data-bytes=${last.bytes} data-tokens=${last.tokens}>${formatBytes(last.bytes)}</span>
              ${msg(str`for ${last.tokens} tokens`)}</p>`
          : html`<p class="muted">${msg('Press “Next token” to generate and watch the cache grow.')}</p>`}
        ${s && perToken
          ? html`<p class="muted">${msg(str`Each token adds keys and values for ${s.layers} layers × ${s.kvHeads} key/value heads × ${s.hidden / s.heads} numbers × 4 bytes × 2 = ${perToken.toLocaleString('en-US')} bytes. A step feeds only the new token; the earlier ones are read from the cache.`)}</p>`
          : nothing}
        <table data-testid="kv-history">
          <thead><tr><th>${msg('Step')}</th><th>${msg('Tokens fed')}</th><th>${msg('Cached tokens')}</th><th>${msg('Cache size')}</th><th>${msg('Growth')}</th></tr></thead>
          <tbody>${this.history.slice(-12).map(
            (h, i, shown) => html`<tr><td>${this.history.length - shown.length + i}</td><td>${h.fed}</td><td>${h.tokens}</td><td>${formatBytes(h.bytes)}</td>
              <td style="text-align:left"><span class="bar" style="width:${(h.bytes / max) * 8}rem"></span></td></tr>`,
          )}</tbody>
        </table>
      </div>
      <div class="box">
        <h3>${msg('Encoder: nothing to reuse')}</h3>
        <p>${msg('In a bidirectional encoder every token attends to every other, including later ones. Add one token and the representation of every earlier position changes, so all of them must be computed again: there is no cache to keep.')}</p>
        <p>${msg('Measured now, appending the last token of the sentence changes the earlier positions’ outputs by at most:')}</p>
        <p data-testid="prefix-change">${msg('decoder')}: <span class="big">${this.prefixChange.decoder === null ? '…' : this.prefixChange.decoder.toExponential(1)}</span>
          · ${msg('encoder')}: <span class="big">${this.prefixChange.encoder === null ? '…' : this.prefixChange.encoder.toFixed(2)}</span></p>
        <p class="muted">${msg('(largest absolute change of any logit; the decoder’s is rounding noise, since its earlier tokens never see later ones)')}</p>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-kv-cache-view': KvCacheView;
  }
}
