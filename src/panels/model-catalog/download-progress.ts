/**
 * Byte progress of a model download: the current file and the whole model, with speed, time left
 * and a Cancel button. Files read from the browser's cache count as done, not as speed.
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import type { LoadProgress } from '../../core/protocol';
import { DownloadRate, formatDuration } from '../../models/download-rate';
import { formatBytes } from '../format';

@localized()
@customElement('tl-download-progress')
// Re-renders when the language changes.
@localized()
export class DownloadProgress extends LitElement {
  @property({ attribute: false }) progress: LoadProgress | null = null;
  private readonly rate = new DownloadRate();
  private networkBytes = 0;
  private lastOverall = 0;

  static override styles = [buttonStyles, css`
    :host { display: block; margin: 0 0 1rem; font-size: 0.9rem; }
    .row { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; font-variant-numeric: tabular-nums; }
    progress { width: 16rem; }
    :host { --button-padding: 0.25rem 0.7rem; }
    .muted { color: var(--muted); }
  `];

  protected override willUpdate(): void {
    const p = this.progress;
    if (!p || p.phase !== 'download') return;
    if (p.overallLoadedBytes < this.lastOverall) {
      // A new load started.
      this.rate.reset();
      this.networkBytes = 0;
    }
    if (!p.fromCache) this.networkBytes += p.overallLoadedBytes - this.lastOverall;
    this.lastOverall = p.overallLoadedBytes;
    this.rate.add(performance.now(), this.networkBytes);
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('cancel-download', { bubbles: true, composed: true }));
  }

  override render() {
    const p = this.progress;
    if (!p) return nothing;
    if (p.phase === 'session') return html`<div class="row" role="status" data-testid="download-total" data-percent="100">${msg('All files here; building the session…')}</div>`;
    const total = p.overallTotalBytes ?? null;
    const totalFraction = total ? Math.min(1, p.overallLoadedBytes / total) : null;
    const fileFraction = p.totalBytes ? p.loadedBytes / p.totalBytes : null;
    const speed = this.rate.bytesPerSecond();
    const left = total ? this.rate.secondsLeft(total - p.overallLoadedBytes) : null;
    return html`
      <div class="row">
        <progress aria-label=${msg('Total download progress')} max="1" .value=${totalFraction ?? 0}></progress>
        <span data-testid="download-total" data-percent=${totalFraction !== null ? Math.floor(totalFraction * 100) : nothing}>
          ${formatBytes(p.overallLoadedBytes)}${total ? html` ${msg('of')} ${formatBytes(total)} (${Math.floor(totalFraction! * 100)} %)` : nothing}
        </span>
        ${speed !== null && speed > 0 ? html`<span class="muted" data-testid="download-speed">${formatBytes(speed)}/s</span>` : nothing}
        ${left !== null ? html`<span class="muted" data-testid="download-eta">${formatDuration(left)} ${msg('left')}</span>` : nothing}
        <button data-testid="cancel-download" @click=${this.cancel}>${msg('Cancel download')}</button>
      </div>
      <div class="row muted" data-testid="download-file">
        ${p.file}: ${formatBytes(p.loadedBytes)}${p.totalBytes ? html` / ${formatBytes(p.totalBytes)} (${Math.floor(fileFraction! * 100)} %)` : nothing}
        ${p.fromCache ? html` · ${msg('from the browser cache')}` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-download-progress': DownloadProgress;
  }
}
