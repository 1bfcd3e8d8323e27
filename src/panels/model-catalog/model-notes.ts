/**
 * What the chat tab says about the model's files: the confirm card of a shared link, what a load
 * downloaded in the end, a full quota, damaged cached files fetched again, and a start from the cache.
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import type { BackendPreference, LoadProgress } from '../../core/protocol';
import { formatBytes } from '../format';
import { corruptCopyText, errorText } from '../../i18n/engine-text';
import type { LoadState } from '../model-bar/model-bar';
import { HUB_CATALOG } from '../../models/catalog';
import './model-confirm';

@localized()
@customElement('tl-model-notes')
// Re-renders when the language changes.
@localized()
export class ModelNotes extends LitElement {
  @property({ attribute: false }) loadState: LoadState = { status: 'idle' };
  @property({ attribute: false }) pendingModel: { param: string; folderUrl: string } | null = null;
  @property() backend: BackendPreference = 'auto';
  @property({ attribute: false }) lastDownload: LoadProgress | null = null;

  static override styles = css`
    :host { display: block; }
    .storage-note { color: var(--error); border: 1px solid var(--error); border-radius: 6px; padding: 0.4rem 0.7rem; margin-bottom: 0.75rem; font-size: 0.9rem; }
    .cache-note { color: var(--muted); font-size: 0.85rem; margin: -0.5rem 0 0.75rem; }
  `;

  override render() {
    const notes: TemplateResult[] = [];
    const pending = this.pendingModel;
    if (pending) {
      notes.push(html`<tl-model-confirm .param=${pending.param} .folderUrl=${pending.folderUrl} .backend=${this.backend}
        .catalogEntry=${HUB_CATALOG.find((m) => m.id === pending.param) ?? null}></tl-model-confirm>`);
    }
    const storage = this.loadState.status === 'ready' ? this.loadState.info.storage : undefined;
    if (storage?.error) notes.push(html`<div class="storage-note" role="alert" data-testid="storage-note">${errorText(storage.error)}</div>`);
    for (const refetched of storage?.refetched ?? []) {
      notes.push(html`<div class="storage-note" role="status" data-testid="refetch-note">
        ${msg(html`The cached copy of ${refetched.file} was damaged (${corruptCopyText(refetched.reason)}), so it was downloaded again.`)}</div>`);
    }
    // What the load moved over the network, runtime included: nothing when it all came from the browser.
    const moved = this.lastDownload?.transfer;
    if (this.loadState.status === 'ready' && moved && moved.loadedBytes > 0) {
      const total = moved.totalBytes;
      const percent = total ? Math.floor((moved.loadedBytes / total) * 100) : null;
      notes.push(html`<div class="cache-note" data-testid="download-summary" data-percent=${percent ?? nothing} data-loaded=${moved.loadedBytes}>
        ${msg('Downloaded')} ${formatBytes(moved.loadedBytes)}${total ? html` ${msg('of')} ${formatBytes(total)} (${percent} %)` : nothing}</div>`);
    }
    if (storage?.fromCache) notes.push(html`<div class="cache-note" data-testid="from-cache-note">${msg('Loaded from the browser cache: no network needed.')}</div>`);
    return notes.length ? notes : nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-model-notes': ModelNotes;
  }
}
