/**
 * The browser's copy of downloaded models: each model's size with a Delete button, how much of the
 * quota is used, and a request for persistent storage so the browser keeps the models when space runs low.
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { ModelCache, type CachedModel } from '../../models/cache';
import { hubIdFromFolderUrl } from '../../models/hub';
import { formatBytes } from '../format';
import { requestPersistentStorage, storageEstimate, storagePersisted } from '../../core/safe-storage-manager';

@localized()
@customElement('tl-storage-view')
// Re-renders when the language changes.
@localized()
export class StorageView extends LitElement {
  @state() private models: CachedModel[] | null = null;
  @state() private estimate: { usage: number; quota: number } | null = null;
  @state() private persisted: boolean | null = null;
  /** The outcome of the last action, worded at render time so that switching the language re-words it. */
  @state() private note: (() => string) | null = null;

  static override styles = [buttonStyles, css`
    :host { display: block; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    td, th { padding: 0.3rem 0.6rem 0.3rem 0; text-align: left; border-bottom: 1px solid var(--border); font-size: 0.9rem; }
    :host { --button-padding: 0.25rem 0.7rem; }
    .muted { color: var(--muted); font-size: 0.85rem; }
    .row { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; margin: 0.5rem 0; }
  `];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const cache = await ModelCache.open();
    this.models = cache ? await cache.list() : [];
    // Without Cache Storage nothing can be kept offline: say so instead of an empty list.
    if (!cache) this.note = () => msg('This browser offers no storage for models here (private mode or storage disabled): models are downloaded each time.');
    this.estimate = await storageEstimate();
    this.persisted = await storagePersisted();
  }

  private async deleteModel(model: CachedModel): Promise<void> {
    const cache = await ModelCache.open();
    await cache?.deleteModel(model.folderUrl);
    this.note = () => msg('Deleted from the browser cache.');
    await this.refresh();
  }

  private async persist(): Promise<void> {
    const granted = await requestPersistentStorage();
    this.persisted = granted;
    this.note = granted
      ? () => msg('The browser will keep the cached models when space runs low.')
      : () => msg('The browser declined persistent storage (it decides from site engagement); cached models may be evicted when space runs low.');
  }

  override render() {
    return html`
      <h3>${msg('Downloaded models')}</h3>
      ${this.models === null
        ? html`<p class="muted">${msg('Reading the browser cache…')}</p>`
        : this.models.length === 0
          ? html`<p class="muted" data-testid="storage-empty">${msg('No model is stored in this browser yet.')}</p>`
          : html`<table data-testid="storage-table">
              <thead><tr><th>${msg('Model')}</th><th>${msg('Files')}</th><th>${msg('Size')}</th><th></th></tr></thead>
              <tbody>
                ${this.models.map(
                  (m) => html`<tr data-testid="cached-model" data-folder=${m.folderUrl}>
                    <td title=${m.folderUrl}>${hubIdFromFolderUrl(m.folderUrl) ?? m.folderUrl}</td>
                    <td>${m.files.length}</td>
                    <td data-testid="cached-size">${formatBytes(m.totalBytes)}</td>
                    <td><button data-testid="delete-cached" @click=${() => this.deleteModel(m)}>${msg('Delete')}</button></td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      <div class="row">
        ${this.estimate ? html`<span class="muted" data-testid="storage-usage">${msg('This site uses')} ${formatBytes(this.estimate.usage)} ${msg('of')} ${formatBytes(this.estimate.quota)}</span>` : nothing}
        ${this.persisted === true
          ? html`<span class="muted" data-testid="storage-persisted">${msg('Storage is persistent.')}</span>`
          : this.persisted === false
            ? html`<button data-testid="persist-storage" @click=${this.persist}>${msg('Keep models when space is low')}</button>`
            : nothing}
        <button @click=${() => this.refresh()}>${msg('Refresh')}</button>
      </div>
      ${this.note ? html`<p class="muted" role="status" data-testid="storage-view-note">${this.note()}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-storage-view': StorageView;
  }
}
