/**
 * The language switch in the app's header: English / 中文, remembered across visits. Each option
 * is written in its own language so a user who cannot read the current one still finds theirs.
 */
import { LitElement, css, html } from 'lit';
import { buttonStyles } from '../styles/buttons';
import { customElement } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { currentLocale, switchLocale, type Locale } from './locale';

@localized()
@customElement('tl-locale-switch')
export class LocaleSwitch extends LitElement {
  static override styles = [buttonStyles, css`
    :host { display: inline-flex; }
    div { display: inline-flex; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; }
    button { --button-padding: 0.2rem 0.6rem; font-size: 0.85rem; border: none; border-radius: 0; }
  `];

  private choose(locale: Locale): void {
    void switchLocale(locale);
  }

  override render() {
    const locale = currentLocale();
    return html`<div role="group" aria-label=${msg('Language')}>
      <button lang="en" data-locale="en" aria-pressed=${locale === 'en' ? 'true' : 'false'} @click=${() => this.choose('en')}>English</button>
      <button lang="zh-Hans" data-locale="zh-Hans" aria-pressed=${locale === 'zh-Hans' ? 'true' : 'false'} @click=${() => this.choose('zh-Hans')}>中文</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-locale-switch': LocaleSwitch;
  }
}
