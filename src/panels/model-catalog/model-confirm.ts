/**
 * Asks before a large download: which model, from where, how big per dtype, whether it is cached,
 * and whether it fits this device. Nothing is downloaded until the user confirms.
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { ModelCache } from '../../models/cache';
import { probeModel, type DtypeOption, type ModelProbe } from '../../models/probe';
import { describeError } from '../../i18n/engine-text';
import type { Dtype } from '../../models/hub';
import { DTYPE_SPEED, defaultDtype, type SpeedBackend } from '../../models/dtype-speed';
import { assessFit, estimateMemory, readGpuInfo, type Fit, type FitReason, type GpuInfo, type MemoryEstimate } from '../../models/memory';
import { readDecoderConfig } from '../../core/model-config';
import type { HubCatalogModel } from '../../models/catalog';
import { formatBytes } from '../format';
import type { BackendPreference, RuntimeDownload } from '../../core/protocol';

export interface ConfirmModelDetail {
  /** What goes into `?model=`: a Hub id or a folder URL. */
  param: string;
  folderUrl: string;
  onnxFile: string;
}

/**
 * Asked by the card (bubbling, composed) for what the runtime of `backend` still has to download: the
 * app answers through its engine, the one place that sizes it for a load's total as well. No answer:
 * the card says nothing about the runtime.
 */
export interface AskRuntimeDetail {
  backend: BackendPreference;
  answer: (download: Promise<RuntimeDownload>) => void;
}

/** Chat-length context used for the estimate; the full context would overstate a short chat. */
const ESTIMATE_CONTEXT = 4096;

const gigabytes = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GB`;

function fitReasonText(reason: FitReason): string {
  switch (reason.kind) {
    case 'wasm-address-space':
      return msg(str`it needs about ${gigabytes(reason.needBytes)}, more than the 4 GB a WASM page can address`);
    case 'gpu-buffer':
      return msg(str`its largest tensor (${gigabytes(reason.tensorBytes)}) exceeds this GPU's largest buffer (${gigabytes(reason.maxBufferBytes)})`);
    case 'device-memory':
      return msg(str`it needs about ${gigabytes(reason.needBytes)}, over half of this device's ${reason.deviceGB} GB; other tabs may be closed or the tab may crash`);
  }
}

@localized()
@customElement('tl-model-confirm')
// Re-renders when the language changes.
@localized()
export class ModelConfirm extends LitElement {
  /** Hub id or folder URL, as the user or the link gave it. */
  @property() param = '';
  @property() folderUrl = '';
  @property() backend: 'auto' | 'webgpu' | 'wasm' = 'auto';
  @property({ attribute: false }) catalogEntry: HubCatalogModel | null = null;

  @state() private probe: ModelProbe | null = null;
  /** What went wrong, worded at render time so that switching the language re-words it. */
  @state() private error: (() => string) | null = null;
  @state() private gpu: GpuInfo | null = null;
  @state() private chosen: Dtype | null = null;
  /** What the runtime still has to download for this backend, once the app has said. */
  @state() private runtime: RuntimeDownload | null = null;

  static override styles = [buttonStyles, css`
    :host { display: block; border: 1px solid var(--accent); border-radius: 8px; padding: 0.75rem 1rem; background: var(--panel); margin-bottom: 1rem; }
    h3 { margin: 0 0 0.4rem; font-size: 1.05rem; }
    .meta { color: var(--muted); font-size: 0.85rem; display: flex; gap: 1rem; flex-wrap: wrap; }
    table { border-collapse: collapse; margin: 0.6rem 0; font-variant-numeric: tabular-nums; }
    td, th { padding: 0.2rem 0.7rem 0.2rem 0; text-align: left; font-size: 0.9rem; }
    .warn { color: #8a5a00; }
    .runtime { margin: 0.2rem 0 0.4rem; font-size: 0.9rem; }
    .refuse, .error { color: var(--error); }
    .buttons { display: flex; gap: 0.5rem; margin-top: 0.5rem; }
  `];

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('folderUrl') && this.folderUrl) void this.runProbe();
    if ((changed.has('folderUrl') || changed.has('backend')) && this.folderUrl) this.askRuntime();
  }

  private askRuntime(): void {
    this.runtime = null;
    const backend = this.backend;
    const detail: AskRuntimeDetail = {
      backend,
      answer: (download) =>
        void download.then(
          (runtime) => {
            if (backend === this.backend) this.runtime = runtime;
          },
          () => undefined, // unknown: the card then sizes the model alone, as the load's own total will say
        ),
    };
    this.dispatchEvent(new CustomEvent<AskRuntimeDetail>('ask-runtime-download', { detail, bubbles: true, composed: true }));
  }

  /** Bytes the runtime adds to the download (0 when it is here already or unknown). */
  private runtimeBytes(): number {
    return this.runtime?.bytes ?? 0;
  }

  private runtimeText() {
    const runtime = this.runtime;
    if (!runtime || runtime.bytes === null) return nothing;
    const name = runtime.build === 'wasm' ? msg('The WASM runtime') : msg('The WebGPU runtime');
    const text = runtime.bytes > 0
      ? msg(str`${name} (${formatBytes(runtime.bytes)}) is downloaded with the model, once: the browser keeps it for every later model.`)
      : msg(str`${name} is already in this browser: nothing to download for it.`);
    return html`<p class="runtime" data-testid="confirm-runtime" data-bytes=${runtime.bytes}>${text}</p>`;
  }

  private async runProbe(): Promise<void> {
    this.probe = null;
    this.error = null;
    const folderUrl = this.folderUrl;
    try {
      const [probe, gpu] = await Promise.all([ModelCache.open().then((cache) => probeModel(folderUrl, cache)), readGpuInfo()]);
      if (folderUrl !== this.folderUrl) return;
      this.gpu = gpu;
      this.probe = probe;
      const cached = probe.dtypes.find((d) => d.cached)?.dtype;
      // The fastest measured dtype that fits this device's memory on the backend that will run it.
      const candidates = probe.dtypes.map((d) => ({ dtype: d.dtype, fit: this.estimate(d)?.fit.level ?? 'ok' }));
      // When none fits, the first is shown anyway, with the reason it will not load.
      this.chosen = cached ?? defaultDtype(candidates, this.runBackend(), gpu.adapter?.shaderF16 ?? false) ?? probe.dtypes[0].dtype;
    } catch (error) {
      this.error = () => describeError(error);
    }
  }

  private estimate(option: DtypeOption): { estimate: MemoryEstimate; fit: Fit } | null {
    if (!this.probe || option.bytes === null || !this.gpu) return null;
    const config = readDecoderConfig(this.probe.config, {}, {});
    const text = (this.probe.config.text_config as Record<string, unknown> | undefined) ?? this.probe.config;
    const hiddenSize = Number(text.hidden_size ?? text.n_embd ?? 0);
    const estimate = estimateMemory(option.bytes, { ...config, hiddenSize }, option.dtype, Math.min(config.contextLength, ESTIMATE_CONTEXT));
    return { estimate, fit: assessFit(estimate, this.runBackend(), this.gpu) };
  }

  /** The backend the model will run on: the forced one, else WebGPU where there is an adapter. */
  private runBackend(): SpeedBackend {
    return this.backend === 'wasm' || !this.gpu?.adapter ? 'wasm' : 'webgpu';
  }

  /** "0.71× fp32" from the measured table, or a dash where nobody measured it yet. */
  private speedText(dtype: Dtype, backend: SpeedBackend) {
    const ratio = DTYPE_SPEED[backend][dtype];
    if (ratio === null) return html`<span title=${msg('not measured yet')}>–</span>`;
    return dtype === 'fp32' ? msg('baseline') : msg(str`${ratio.toFixed(2)}× fp32`);
  }

  private confirm(): void {
    const option = this.probe?.dtypes.find((d) => d.dtype === this.chosen);
    if (!option) return;
    const detail: ConfirmModelDetail = { param: this.param, folderUrl: this.folderUrl, onnxFile: option.file };
    this.dispatchEvent(new CustomEvent<ConfirmModelDetail>('confirm-model', { detail, bubbles: true, composed: true }));
  }

  private dismiss(): void {
    this.dispatchEvent(new CustomEvent('dismiss-model', { bubbles: true, composed: true }));
  }

  private buttonText(option: DtypeOption | null) {
    if (!option) return msg('Download and load');
    const runtimeBytes = this.runtimeBytes();
    if (option.cached) return runtimeBytes > 0 ? msg(str`Download the runtime (${formatBytes(runtimeBytes)}) and load`) : msg('Load from the browser cache');
    return msg(html`Download ${option.bytes !== null ? formatBytes(option.bytes + runtimeBytes) : ''} and load`);
  }

  private sizeText(option: DtypeOption) {
    if (option.bytes !== null) return formatBytes(option.bytes);
    const approx = this.catalogEntry?.approxSizeMB[option.dtype];
    return approx ? msg(html`≈ ${approx} MB (approximate)`) : msg('unknown size');
  }

  override render() {
    const origin = (() => {
      try {
        return new URL(this.folderUrl).origin;
      } catch {
        return this.folderUrl;
      }
    })();
    const option = this.probe?.dtypes.find((d) => d.dtype === this.chosen) ?? null;
    const assessed = option ? this.estimate(option) : null;
    const refused = assessed?.fit.level === 'refuse';
    return html`
      <section aria-label=${msg('Confirm model download')} data-testid="model-confirm">
        <h3 data-testid="confirm-model-id">${this.param}</h3>
        <div class="meta">
          <span>${msg('From')} <strong data-testid="confirm-origin">${origin}</strong></span>
          ${this.catalogEntry ? html`<span>${msg('License')}: ${this.catalogEntry.license}</span><span>${this.catalogEntry.parameters} ${msg('parameters')}</span>` : nothing}
          ${this.probe ? html`<span>${msg('context')} ${readDecoderConfig(this.probe.config, {}, {}).contextLength} ${msg('tokens')}</span>` : nothing}
        </div>
        ${this.error ? html`<p class="error" role="alert" data-testid="confirm-error">${this.error()}</p>` : nothing}
        ${!this.probe && !this.error ? html`<p role="status">${msg('Asking the server for sizes…')}</p>` : nothing}
        ${this.probe
          ? html`<table>
              <thead><tr><th>${msg('Weights')}</th><th>${msg('Download')}</th><th>${msg('Speed on WASM')}</th><th>${msg('Speed on WebGPU')}</th><th></th></tr></thead>
              <tbody>
                ${this.probe.dtypes.map(
                  (d) => html`<tr>
                    <td><label><input type="radio" name="dtype" .checked=${d.dtype === this.chosen} @change=${() => (this.chosen = d.dtype)} /> ${d.dtype}</label></td>
                    <td data-testid="dtype-size-${d.dtype}">${this.sizeText(d)}</td>
                    <td data-testid="dtype-speed-wasm-${d.dtype}">${this.speedText(d.dtype, 'wasm')}</td>
                    <td data-testid="dtype-speed-webgpu-${d.dtype}">${this.speedText(d.dtype, 'webgpu')}</td>
                    <td>${d.cached ? html`<span data-testid="dtype-cached">${msg('in browser cache')}</span>` : nothing}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : nothing}
        ${this.probe ? this.runtimeText() : nothing}
        ${assessed
          ? html`<p class=${assessed.fit.level} data-testid="memory-estimate" data-fit=${assessed.fit.level}>
              ${msg('Estimated memory')}: ${formatBytes(assessed.estimate.totalBytes)} (${msg('weights')} ${formatBytes(assessed.estimate.weightsBytes)}, ${msg('KV cache for')} ${assessed.estimate.contextTokens} ${msg('tokens')} ${formatBytes(assessed.estimate.kvCacheBytes)})${assessed.fit.reason ? html`: ${assessed.fit.level === 'refuse' ? msg('will not load because') : msg('warning:')} ${fitReasonText(assessed.fit.reason)}.` : nothing}
            </p>`
          : nothing}
        <div class="buttons">
          <button class="primary" data-testid="confirm-download" ?disabled=${!option || refused} @click=${this.confirm}>
            ${this.buttonText(option)}
          </button>
          <button @click=${this.dismiss}>${msg('Not now')}</button>
        </div>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-model-confirm': ModelConfirm;
  }
}
