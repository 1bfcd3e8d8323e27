/**
 * "Share link": the result (or several) compressed into a link, copied to the clipboard where the
 * browser allows it, and always shown in a read-only field to copy by hand.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { BenchReport } from '../../bench/page/report';
import { resultsLink } from '../../bench/page/share-link';

@customElement('tl-bench-share')
@localized()
export class BenchShareBox extends LitElement {
  @property({ attribute: false }) reports: BenchReport[] = [];
  @state() private link = '';
  @state() private note = '';

  static override styles = css`
    :host { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
    input { flex: 1 1 20rem; min-width: 0; font: inherit; font-size: 0.8rem; }
    button { font: inherit; }
    .note { color: var(--muted); font-size: 0.85rem; }
  `;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('reports')) {
      this.link = '';
      this.note = '';
      if (this.reports.length) void this.makeLink(this.reports);
    }
  }

  private async makeLink(reports: BenchReport[]): Promise<void> {
    // The page's address without the run's settings' autorun, so opening the link shows and never re-runs.
    const base = new URL(location.href);
    base.searchParams.delete('bench_autorun');
    const link = await resultsLink(base.href, reports);
    if (reports === this.reports) this.link = link;
  }

  private async copy(): Promise<void> {
    if (!this.link) return;
    try {
      await navigator.clipboard.writeText(this.link);
      this.note = msg('Copied.');
    } catch {
      this.note = msg('The browser did not allow copying: select the link in the field and copy it.');
    }
  }

  override render() {
    if (!this.reports.length) return nothing;
    return html`<button type="button" @click=${() => void this.copy()} ?disabled=${!this.link}>${msg('Share link')}</button>
      <input readonly aria-label=${msg('Link to these results')} data-testid="bench-share-link" .value=${this.link} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
      <span class="note" role="status">${this.note || (this.link ? msg(str`${this.link.length} characters; the results travel in the link itself, nothing is uploaded.`) : '')}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-bench-share': BenchShareBox;
  }
}
