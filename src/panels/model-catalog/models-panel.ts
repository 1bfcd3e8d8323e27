/**
 * The Models tab: the curated catalog of Hub instruct models, any Hub id or folder URL, and the
 * models stored in this browser. Choosing one shows its sizes and memory first; loading waits for a click.
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { HUB_CATALOG, resolveModelParam, type HubCatalogModel } from '../../models/catalog';
import { hubBaseUrl } from '../../models/hub';
import { filesFromDrop } from '../../models/local-folder';
import type { ConfirmModelDetail } from './model-confirm';
import type { BackendPreference } from '../../core/protocol';
import type { LocalFolderDetail, LocalFolderPicker } from './local-folder-picker';
import './model-confirm';
import './local-folder-picker';
import './storage-view';

@localized()
@customElement('tl-models-panel')
// Re-renders when the language changes.
@localized()
export class ModelsPanel extends LitElement {
  @property() backend: BackendPreference = 'auto';
  @state() private chosen: { param: string; folderUrl: string; entry: HubCatalogModel | null } | null = null;
  @state() private draftId = '';
  @state() private dragging = false;

  static override styles = [buttonStyles, css`
    :host { display: flex; flex-direction: column; gap: 1.25rem; }
    h2, h3 { margin: 0 0 0.5rem; font-size: 1.1rem; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.75rem; }
    .card { border: 1px solid var(--border); border-radius: 8px; padding: 0.6rem 0.8rem; background: var(--panel); display: flex; flex-direction: column; gap: 0.3rem; }
    .card .muted, .muted { color: var(--muted); font-size: 0.85rem; }
    form { display: flex; gap: 0.5rem; align-items: end; flex-wrap: wrap; }
    label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; color: var(--muted); }
    input { font: inherit; padding: 0.35rem 0.5rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: inherit; min-width: min(24rem, 80vw); }
    .drop { border: 2px dashed var(--border); border-radius: 8px; padding: 0.8rem; }
    .drop.dragging { border-color: var(--accent); }
    button { align-self: flex-start; }
  `];

  private choose(param: string, entry: HubCatalogModel | null = null): void {
    const trimmed = param.trim();
    if (!trimmed) return;
    this.chosen = { param: trimmed, folderUrl: resolveModelParam(trimmed), entry };
  }

  /** A local folder, now in the browser's model cache, is loaded like a cached download. */
  private onLocalFolder(event: CustomEvent<LocalFolderDetail>): void {
    event.stopPropagation();
    const { folderUrl, onnxFile } = event.detail;
    const detail: ConfirmModelDetail = { param: folderUrl, folderUrl, onnxFile };
    this.dispatchEvent(new CustomEvent<ConfirmModelDetail>('confirm-model', { detail, bubbles: true, composed: true }));
  }

  private async onDrop(event: DragEvent): Promise<void> {
    event.preventDefault();
    this.dragging = false;
    if (!event.dataTransfer) return;
    const picker = this.renderRoot.querySelector<LocalFolderPicker>('tl-local-folder-picker');
    await picker?.open(await filesFromDrop(event.dataTransfer.items));
  }

  private onLookup(event: Event): void {
    event.preventDefault();
    this.choose(this.draftId, HUB_CATALOG.find((m) => m.id === this.draftId.trim()) ?? null);
  }

  override render() {
    return html`
      ${this.chosen
        ? html`<tl-model-confirm .param=${this.chosen.param} .folderUrl=${this.chosen.folderUrl} .backend=${this.backend}
            .catalogEntry=${this.chosen.entry} @dismiss-model=${() => (this.chosen = null)}></tl-model-confirm>`
        : nothing}
      <section>
        <h2>${msg('Instruct models from the Hugging Face Hub')}</h2>
        <p class="muted">${msg('Downloaded from')} ${hubBaseUrl()} ${msg('once, then kept in this browser for offline use. Sizes marked ≈ are approximate until the server is asked.')}</p>
        <div class="cards">
          ${HUB_CATALOG.map(
            (m) => html`<div class="card" data-testid="catalog-model">
              <strong>${m.label}</strong>
              <span class="muted">${m.id}</span>
              <span class="muted">${m.parameters} ${msg('parameters')} · ${msg('context')} ${m.contextLength.toLocaleString()} · ${m.license}</span>
              <span class="muted">${Object.entries(m.approxSizeMB).map(([d, mb]) => `${d} ≈ ${mb} MB`).join(' · ')}</span>
              <span class="muted">${msg('Memory')} ≈ ${m.approxMemoryMB} MB (q4)</span>
              <button @click=${() => this.choose(m.id, m)}>${msg('Choose')}</button>
            </div>`,
          )}
        </div>
      </section>
      <section>
        <h3>${msg('Any model')}</h3>
        <form @submit=${this.onLookup}>
          <label>${msg('Hub model id (owner/name) or folder URL')}
            <input name="hub-id" spellcheck="false" placeholder="onnx-community/Qwen2.5-0.5B-Instruct" .value=${this.draftId}
              @input=${(e: Event) => (this.draftId = (e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit">${msg('Look up')}</button>
        </form>
      </section>
      <section class="drop ${this.dragging ? 'dragging' : ''}" data-testid="local-drop"
        @dragover=${(e: DragEvent) => { e.preventDefault(); this.dragging = true; }} @dragleave=${() => (this.dragging = false)} @drop=${this.onDrop}>
        <h3>${msg('A model folder on this computer')}</h3>
        <tl-local-folder-picker label=${msg('Choose a folder (or drop it here) in the transformers.js layout: config.json, tokenizer.json, onnx/model.onnx')}
          @local-folder=${this.onLocalFolder}></tl-local-folder-picker>
      </section>
      <section><tl-storage-view></tl-storage-view></section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-models-panel': ModelsPanel;
  }
}
