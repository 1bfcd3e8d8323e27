/**
 * Lets a lecturer put a real model in the lesson beside the embedded ones: a Hub id (transformers.js
 * layout), a folder URL or a folder on this computer, as the decoder or as the encoder. The Models
 * tab's confirmation (`tl-model-confirm`: size per dtype, cache, fit) asks before anything large is
 * downloaded, and its folder picker (`tl-local-folder-picker`) copies a local folder into the model
 * cache; the analysis worker's model source reads both from Cache Storage, so the lesson runs offline.
 * Emits `lesson-model` ({ slot, folderUrl, onnxFile }, or folderUrl null for the embedded model).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { buttonStyles } from '../../styles/buttons';
import { hubBaseUrl, hubFolderUrl, isHubId } from '../../models/hub';
import type { ModelSlot } from '../../core/analysis-protocol';
import type { BackendPreference } from '../../core/protocol';
import type { ConfirmModelDetail } from '../model-catalog/model-confirm';
import type { LocalFolderDetail } from '../model-catalog/local-folder-picker';
import '../model-catalog/model-confirm';
import '../model-catalog/local-folder-picker';

// Read (and remembered) while the page still has its `?hub=`: the app rewrites its URL at start,
// long before a lecturer chooses a model.
hubBaseUrl();

export interface LessonModelDetail {
  slot: ModelSlot;
  /** Null: back to the embedded model. */
  folderUrl: string | null;
  onnxFile: string;
}

@localized()
@customElement('tl-lesson-models')
export class LessonModels extends LitElement {
  @property() backend: BackendPreference = 'auto';
  @state() private draft = '';
  @state() private target: ModelSlot = 'decoder';
  /** The model waiting for confirmation. */
  @state() private pending: { param: string; folderUrl: string } | null = null;

  static override styles = [buttonStyles, css`
    :host { display: block; margin: 0.5rem 0; }
    form { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: end; }
    label { display: flex; flex-direction: column; font-size: 0.8em; color: var(--muted); gap: 0.15rem; }
    input, select { font: inherit; padding: 0.25rem 0.4rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); }
    input { min-width: 18rem; }
    .note { font-size: 0.85em; color: var(--muted); margin: 0.3rem 0; }
  `];

  private submit(event: Event): void {
    event.preventDefault();
    const param = this.draft.trim();
    if (!param) return;
    const folderUrl = isHubId(param) ? hubFolderUrl(param) : new URL(param, location.href).href.replace(/\/?$/, '/');
    this.pending = { param, folderUrl };
  }

  private emit(detail: LessonModelDetail): void {
    this.dispatchEvent(new CustomEvent<LessonModelDetail>('lesson-model', { detail, bubbles: true, composed: true }));
  }

  private readonly onConfirm = (event: Event) => {
    // The app loads a confirmed model into the chat; this one is for the lesson only.
    event.stopPropagation();
    const { folderUrl, onnxFile } = (event as CustomEvent<ConfirmModelDetail>).detail;
    this.pending = null;
    this.emit({ slot: this.target, folderUrl, onnxFile });
  };

  /** A folder from disk is already here: no size to confirm, it goes straight into the lesson. */
  private readonly onLocalFolder = (event: CustomEvent<LocalFolderDetail>) => {
    event.stopPropagation();
    this.pending = null;
    this.emit({ slot: this.target, folderUrl: event.detail.folderUrl, onnxFile: event.detail.onnxFile });
  };

  override render() {
    return html`
      <form @submit=${this.submit}>
        <label>${msg('Hub model or folder URL')}
          <input data-testid="lesson-model-input" .value=${this.draft} placeholder="onnx-community/gpt2" @input=${(e: Event) => (this.draft = (e.target as HTMLInputElement).value)}></label>
        <label>${msg('Use it as')}
          <select data-testid="lesson-model-slot" @change=${(e: Event) => (this.target = (e.target as HTMLSelectElement).value as ModelSlot)}>
            <option value="decoder" ?selected=${this.target === 'decoder'}>${msg('the decoder')}</option>
            <option value="bert" ?selected=${this.target === 'bert'}>${msg('the encoder')}</option>
          </select></label>
        <button type="submit" data-testid="lesson-model-choose">${msg('Choose')}</button>
        <tl-local-folder-picker label=${msg('Open a local folder…')} testid="lesson-local-folder" errorTestid="lesson-local-error"
          @local-folder=${this.onLocalFolder}></tl-local-folder-picker>
        <button type="button" data-testid="lesson-model-embedded" @click=${() => this.emit({ slot: this.target, folderUrl: null, onnxFile: 'onnx/model.onnx' })}>${msg('Back to the embedded model')}</button>
      </form>
      <p class="note">${msg('Any decoder or encoder in the transformers.js layout. It is downloaded once and kept in this browser, so a lesson prepared online can be given offline.')}</p>
      ${this.pending
        ? html`<tl-model-confirm .param=${this.pending.param} .folderUrl=${this.pending.folderUrl} .backend=${this.backend}
            @confirm-model=${this.onConfirm} @dismiss-model=${(e: Event) => { e.stopPropagation(); this.pending = null; }}></tl-model-confirm>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-lesson-models': LessonModels;
  }
}
