/**
 * The sentence as a row of token buttons the lecturer clicks to mask (or select). Special tokens
 * ([CLS], [SEP], <bos>) are shown but cannot be picked.
 */
import { LitElement, css, html } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { visibleToken } from './visible-token';

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

  static override styles = [buttonStyles, css`
    :host { display: block; }
    div { display: flex; flex-wrap: wrap; gap: 0.25rem; }
    button { --button-padding: 0.15rem 0.4rem; font-family: ui-monospace, monospace; font-size: 1em; white-space: pre; border-radius: 5px; }
  `];

  override render() {
    return html`<div role="group" aria-label=${this.label}>
      ${this.tokens.map((token, index) => {
        const pressed = this.selected.has(index);
        return html`<button data-index=${index} aria-pressed=${pressed ? 'true' : 'false'} ?disabled=${this.special[index]}
          aria-label=${msg(str`Token ${index}: ${visibleToken(token)}`)}
          @click=${(e: MouseEvent) => this.dispatchEvent(new CustomEvent<PickDetail>('pick', { detail: { index, extend: e.shiftKey } }))}>${pressed ? '[MASK]' : visibleToken(token)}</button>`;
      })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-token-picker': TokenPicker;
  }
}
