/**
 * Opens a model folder from this computer: a folder picker (keyboard reachable, as any file input)
 * whose files `importLocalFolder` copies into the browser's model cache. Emits `local-folder`
 * ({ folderUrl, onnxFile, name }) once the folder is in the cache; a folder that is not a model
 * folder, or a full storage, is said here and nothing is emitted. The Models tab and the lesson's
 * model picker both use it; the Models tab also hands it dropped folders (`open`).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { ModelCache, isQuotaError } from '../../models/cache';
import { importLocalFolder, type LocalFile } from '../../models/local-folder';
import { describeError } from '../../i18n/engine-text';

export interface LocalFolderDetail {
  folderUrl: string;
  onnxFile: string;
  name: string;
}

@localized()
@customElement('tl-local-folder-picker')
export class LocalFolderPicker extends LitElement {
  /** The input's visible label. */
  @property() label = '';
  /** Test ids of the input and of its error. */
  @property() testid = 'local-folder';
  @property() errorTestid = 'local-error';
  /** What went wrong, worded at render time, so that a language switch re-words an error already shown. */
  @state() private error: (() => string) | null = null;

  static override styles = css`
    :host { display: block; }
    label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; color: var(--muted); }
    input { font: inherit; color: inherit; }
    input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .error { color: var(--error); margin: 0.3rem 0 0; }
  `;

  /** Copies `files` (paths inside the picked folder) into the model cache and emits `local-folder`. */
  async open(files: LocalFile[]): Promise<void> {
    this.error = null;
    try {
      const detail = await importLocalFolder(files, await ModelCache.open());
      this.dispatchEvent(new CustomEvent<LocalFolderDetail>('local-folder', { detail, bubbles: true, composed: true }));
    } catch (error) {
      this.error = isQuotaError(error)
        ? () => msg("The browser's storage is full, so the folder could not be opened. Delete cached models in the Models tab or free disk space.")
        : () => describeError(error);
    }
  }

  private onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    // Cleared, so that picking the same folder again (after fixing it) is a change too.
    input.value = '';
    if (files.length) void this.open(files);
  }

  override render() {
    return html`<label>${this.label}
        <input type="file" webkitdirectory data-testid=${this.testid} @change=${this.onPick} /></label>
      ${this.error ? html`<p class="error" role="alert" data-testid=${this.errorTestid}>${this.error()}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-local-folder-picker': LocalFolderPicker;
  }
}
