/**
 * Which model runs, on which backend, and how its loading goes: URL field, embedded models,
 * backend choice, byte progress, the backend badge with the reason for a fallback, and load errors.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { BackendPreference, EngineErrorInfo, GraphFusionNote, GraphRewriteNote, LoadProgress, ModelInfo } from '../../core/protocol';
import { errorText } from '../../i18n/engine-text';
import { describeWebGpuUnavailable } from '../../core/error-wording';
import { EMBEDDED_MODELS, embeddedModelUrl } from '../../models/catalog';
import { embeddedModelLabel } from '../embedded-label';
import { formatBytes } from '../format';
import { renderWebGpuRuntime } from './webgpu-runtime-note';
import './load-progress';

export type LoadState =
  | { status: 'idle' }
  | { status: 'loading'; progress: LoadProgress | null }
  | { status: 'ready'; info: ModelInfo }
  | { status: 'error'; error: EngineErrorInfo };

export interface LoadModelDetail {
  modelUrl: string;
  backend: BackendPreference;
}

@localized()
@customElement('tl-model-bar')
export class ModelBar extends LitElement {
  @property() modelUrl = '';
  @property() backend: BackendPreference = 'auto';
  @property({ attribute: false }) loadState: LoadState = { status: 'idle' };
  /** The last model that loaded, kept on screen while another one fails. */
  @property({ attribute: false }) current: ModelInfo | null = null;
  @state() private draftUrl: string | null = null;
  @state() private draftBackend: BackendPreference | null = null;

  static override styles = [buttonStyles, css`
    :host { display: block; }
    form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
    label { display: flex; flex-direction: column; font-size: 0.8rem; gap: 0.2rem; color: var(--muted); }
    input, select { font: inherit; padding: 0.35rem 0.5rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: inherit; }
    input[name='model'] { min-width: min(28rem, 80vw); }
    button { --button-padding: 0.35rem 0.5rem; }
    .status { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin-top: 0.6rem; font-size: 0.9rem; }
    .badge { font-weight: 600; padding: 0.15rem 0.55rem; border-radius: 999px; background: var(--badge); }
    .badge.webgpu { background: #1f7a3d; color: white; }
    .badge.wasm { background: #8a5a00; color: white; }
    .note { color: var(--muted); }
    .error { color: var(--error); border: 1px solid var(--error); border-radius: 6px; padding: 0.5rem 0.75rem; margin-top: 0.6rem; }
    progress { width: 14rem; }
  `];

  private get urlValue(): string {
    return this.draftUrl ?? this.modelUrl;
  }

  /** What was asked for by the last Load, shown (with the backend chosen) until it is ready. */
  @state() private requested: LoadModelDetail | null = null;

  private submit(event: Event): void {
    event.preventDefault();
    const detail: LoadModelDetail = { modelUrl: this.urlValue.trim(), backend: this.draftBackend ?? this.backend };
    this.requested = detail;
    this.dispatchEvent(new CustomEvent<LoadModelDetail>('load-model', { detail, bubbles: true, composed: true }));
  }

  /** The choices stay as the user left them while the load runs; once it is ready, the bar shows what runs. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('loadState') && this.loadState.status === 'ready') {
      this.draftUrl = null;
      this.draftBackend = null;
      this.requested = null;
    }
  }

  /** While another load replaces the running model: which model, what happens to it, and to the reply. */
  private renderSwitch(current: ModelInfo, requested: LoadModelDetail) {
    const target = requested.backend === 'auto' ? msg('Auto') : requested.backend === 'webgpu' ? 'WebGPU' : 'WASM';
    const from = current.backend === 'webgpu' ? 'WebGPU' : 'WASM';
    const sameModel = !requested.modelUrl || requested.modelUrl === current.url || requested.modelUrl === this.modelUrl;
    return html`<span class="note" data-testid="load-switch">${sameModel
      ? msg(str`Switching ${current.name} from ${from} to ${target}: a reply in progress is ended and kept, then the model loads again.`)
      : msg(str`Replacing ${current.name} (${from}) with ${requested.modelUrl} on ${target}: a reply in progress is ended and kept first.`)}</span>`;
  }


  private renderModel(info: ModelInfo) {
    return html`
      <span class="badge ${info.backend}" data-testid="backend-badge" title=${info.fallbackReason ? describeWebGpuUnavailable(info.fallbackReason) : msg(str`Running on ${info.backend}`)}>${info.backend}</span>
      <span data-testid="model-name"><strong>${info.name}</strong> · ${formatBytes(info.modelBytes)} · ${msg(str`context ${info.contextLength} tokens`)}</span>
      ${info.backend === 'wasm' ? html`<span class="note" data-testid="wasm-threads">${info.wasmThreads === 1 ? msg('1 WASM thread') : msg(str`${info.wasmThreads} WASM threads`)}</span>` : nothing}
      ${renderWebGpuRuntime(info)}
      <span class="note">${msg(str`session built in ${(info.sessionBuildMs / 1000).toFixed(2)} s`)}</span>
      ${info.graphRewrite ? this.renderRewrite(info.graphRewrite) : nothing}
      ${info.graphFusion ? this.renderFusion(info.graphFusion) : nothing}
      ${info.fallbackReason ? html`<span class="note" data-testid="fallback-reason">${msg(str`Using WASM because ${describeWebGpuUnavailable(info.fallbackReason)}.`)}</span>` : nothing}
    `;
  }

  private renderRewrite(note: GraphRewriteNote) {
    const { nodes, toFloat32, toInt8, kept, weightBytesBefore, weightBytesAfter } = note;
    return html`<span class="note" data-testid="graph-rewrite" title=${msg('The WASM runtime has no fast 4-bit kernel, so these layers were unpacked at load time into float32 (or, where memory is short, int8) matrix products, which it runs fast.')}>
      ${msg(str`${nodes} 4-bit layers unpacked for WASM: ${toFloat32} to float32, ${toInt8} to int8 (${formatBytes(weightBytesBefore)} → ${formatBytes(weightBytesAfter)})`)}${kept ? msg(str`; ${kept} left in 4 bits (slow), for lack of memory`) : nothing}</span>`;
  }

  private renderFusion(note: GraphFusionNote) {
    const { attentions, rmsNorms, skipRmsNorms, skipLayerNorms, silus, nodesBefore, nodesAfter } = note;
    return html`<span class="note" data-testid="graph-fusion" title=${msg('The runtime runs every op of the graph as a step of its own (on WebGPU, a GPU dispatch), so chains of small ops were fused at load time into the combined ops it implements: fewer steps per token, the same results.')}>
      ${msg(str`Fused at load: ${attentions} attention blocks, ${rmsNorms + skipRmsNorms + skipLayerNorms} norms, ${silus} SiLU (${nodesBefore} → ${nodesAfter} ops)`)}</span>`;
  }

  override render() {
    const loading = this.loadState.status === 'loading';
    const backend = this.draftBackend ?? this.backend;
    return html`
      <form @submit=${this.submit} aria-label=${msg('Model')}>
        <label>${msg('Model folder URL')}
          <input name="model" type="text" list="embedded-models" .value=${this.urlValue} spellcheck="false"
            @input=${(e: Event) => (this.draftUrl = (e.target as HTMLInputElement).value)} />
        </label>
        <datalist id="embedded-models">
          ${EMBEDDED_MODELS.filter((m) => m.kind === 'decoder').map((m) => html`<option value=${embeddedModelUrl(m)}>${embeddedModelLabel(m)}</option>`)}
        </datalist>
        <label>${msg('Backend')}
          <select name="backend" .value=${backend} @change=${(e: Event) => (this.draftBackend = (e.target as HTMLSelectElement).value as BackendPreference)}>
            <option value="auto" ?selected=${backend === 'auto'}>${msg('Auto (WebGPU, else WASM)')}</option>
            <option value="webgpu" ?selected=${backend === 'webgpu'}>WebGPU</option>
            <option value="wasm" ?selected=${backend === 'wasm'}>WASM</option>
          </select>
        </label>
        <button type="submit" class="primary" ?disabled=${loading}>${msg('Load')}</button>
      </form>
      <div class="status">
        ${loading && this.current && this.requested ? this.renderSwitch(this.current, this.requested) : nothing}
        ${loading ? html`<tl-load-progress data-testid="load-progress" .progress=${(this.loadState as { progress: LoadProgress | null }).progress}></tl-load-progress>` : nothing}
        ${this.current && !loading ? this.renderModel(this.current) : nothing}
      </div>
      ${this.loadState.status === 'error'
        ? html`<div class="error" role="alert" data-testid="load-error" data-error-name=${this.loadState.error.name}>${errorText(this.loadState.error)}${this.current ? msg(str` Still running ${this.current.name}.`) : nothing}</div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-model-bar': ModelBar;
  }
}
