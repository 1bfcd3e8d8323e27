/**
 * The sentence as a row of token buttons the lecturer clicks to mask (or select). Special tokens
 * ([CLS], [SEP], <bos>) are shown but cannot be picked.
 */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';

export interface PickDetail {
  index: number;
  extend: boolean;
}

@localized()
@customElement('tl-token-picker')
export class TokenPicker extends LitElement {
  @property({ attribute: false }) tokens: string[] = [];
  @property({ attribute: false }) special: boolean[] = [];
  @property({ attribute: false }) selected: ReadonlySet<number> = new Set();
  @property() label = '';

  static override styles = css`
    :host { display: block; }
    div { display: flex; flex-wrap: wrap; gap: 0.25rem; }
    button { font-family: ui-monospace, monospace; font-size: 1em; white-space: pre; padding: 0.15rem 0.4rem; border-radius: 5px; border: 1px solid var(--border); background: var(--field); color: var(--fg); cursor: pointer; }
    button[aria-pressed='true'] { background: var(--accent); color: var(--on-accent); border-color: var(--accent); }
    button:disabled { cursor: default; opacity: 0.6; }
  `;

  override render() {
    return html`<div role="group" aria-label=${this.label}>
      ${this.tokens.map((token, index) => {
        const pressed = this.selected.has(index);
        return html`<button data-index=${index} aria-pressed=${pressed ? 'true' : 'false'} ?disabled=${this.special[index]}
          aria-label=${msg(str`Token ${index}: ${token.trim() || '␣'}`)}
          @click=${(e: MouseEvent) => this.dispatchEvent(new CustomEvent<PickDetail>('pick', { detail: { index, extend: e.shiftKey } }))}>${pressed ? '[MASK]' : token}</button>`;
      })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-token-picker': TokenPicker;
  }
}
