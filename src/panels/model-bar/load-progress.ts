/**
 * The one progress display of a load, phase by phase: downloading the model, downloading the runtime,
 * building the session, each named and with its own bar; beside it the whole load's bytes over the
 * network (runtime included), speed, time left and Cancel. Files the browser keeps count as done, not
 * as speed.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { buttonStyles } from '../../styles/buttons';
import type { LoadProgress } from '../../core/protocol';
import { DownloadRate, formatDuration } from '../../models/download-rate';
import { formatBytes } from '../format';

/** "x of y (p %)", or just "x" while the total is unknown. */
function ofTotal(loaded: number, total: number | null | undefined): string {
  if (!total) return formatBytes(loaded);
  return msg(str`${formatBytes(loaded)} of ${formatBytes(total)} (${Math.floor(Math.min(1, loaded / total) * 100)} %)`);
}

@localized()
@customElement('tl-load-progress')
export class LoadProgressView extends LitElement {
  /** null: the engine is starting, before the load says anything. */
  @property({ attribute: false }) progress: LoadProgress | null = null;
  private readonly rate = new DownloadRate();
  private lastNetworkBytes = 0;

  static override styles = [buttonStyles, css`
    :host { display: flex; flex-wrap: wrap; gap: 0.3rem 0.6rem; align-items: center; font-variant-numeric: tabular-nums; --button-padding: 0.25rem 0.7rem; }
    progress { width: 14rem; }
    .muted { color: var(--muted); }
    .file { flex-basis: 100%; font-size: 0.85rem; }
  `];

  protected override willUpdate(): void {
    const network = this.progress?.transfer?.loadedBytes;
    if (network === undefined) return;
    if (network < this.lastNetworkBytes) this.rate.reset(); // a new load started
    this.lastNetworkBytes = network;
    this.rate.add(performance.now(), network);
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('cancel-download', { bubbles: true, composed: true }));
  }

  /** The phase's name and bytes, and its fraction (null: no measure, the bar runs indeterminate). */
  private phase(p: LoadProgress): { text: string; fraction: number | null } {
    const total = p.overallTotalBytes ?? null;
    const fraction = total ? Math.min(1, p.overallLoadedBytes / total) : null;
    switch (p.phase) {
      case 'download':
        return { text: msg(str`Downloading the model: ${ofTotal(p.overallLoadedBytes, total)}`), fraction };
      case 'runtime':
        return { text: msg(str`Downloading the runtime: ${ofTotal(p.overallLoadedBytes, total)}`), fraction };
      case 'session':
        return { text: msg('Building the session (compiling kernels)…'), fraction: null };
    }
  }

  override render() {
    const p = this.progress;
    if (!p) return html`<span role="status" data-testid="load-phase" data-phase="starting">${msg('Starting the engine…')}</span>`;
    const { text, fraction } = this.phase(p);
    const downloading = p.phase !== 'session';
    const transfer = p.transfer;
    const speed = downloading ? this.rate.bytesPerSecond() : null;
    const left = downloading && transfer?.totalBytes ? this.rate.secondsLeft(transfer.totalBytes - transfer.loadedBytes) : null;
    return html`
      <progress aria-label=${text} max="1" value=${fraction ?? nothing}></progress>
      <span role="status" data-testid="load-phase" data-phase=${p.phase}>
        <span data-testid="download-total" data-percent=${fraction !== null ? Math.floor(fraction * 100) : nothing}>${text}</span>
        ${transfer && transfer.totalBytes !== 0
          ? html`<span class="muted" data-testid="download-all" data-loaded=${transfer.loadedBytes} data-total=${transfer.totalBytes ?? nothing}>
              · ${msg(str`${ofTotal(transfer.loadedBytes, transfer.totalBytes)} to download in all`)}</span>`
          : nothing}
      </span>
      ${speed !== null && speed > 0 ? html`<span class="muted" data-testid="download-speed">${formatBytes(speed)}/s</span>` : nothing}
      ${left !== null ? html`<span class="muted" data-testid="download-eta">${msg(str`${formatDuration(left)} left`)}</span>` : nothing}
      ${downloading ? html`<button data-testid="cancel-download" @click=${this.cancel}>${msg('Cancel download')}</button>` : nothing}
      ${p.phase === 'download'
        ? html`<span class="muted file" data-testid="download-file">${p.file}: ${ofTotal(p.loadedBytes, p.totalBytes)}${p.fromCache ? html` · ${msg('from the browser cache')}` : nothing}</span>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-load-progress': LoadProgressView;
  }
}
