/**
 * The app shell: reads the URL, owns the engine client, loads the chat model and shows one panel at
 * a time behind keyboard-accessible tabs.
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { tabLabel } from '../i18n/app-strings';
import '../i18n/locale-switch';
import { EngineClient } from '../clients/engine-client';
import { isErrorNamed, toErrorInfo, type EngineErrorName } from '../core/errors';
import type { GenerationSettings, LoadProgress, ModelInfo } from '../core/protocol';
import { resolveModelParam } from '../models/catalog';
import { keepStopStrings, parseUrlState, serializeUrlState, stopQueryChars, stopStringsFitLink, type UrlState } from './url-state';
import type { LoadModelDetail, LoadState } from '../panels/model-bar/model-bar';
import '../panels/model-bar/model-bar';
import '../panels/chat/chat-panel';
import '../panels/model-catalog/models-panel';
import '../panels/model-catalog/model-notes';
import type { AskRuntimeDetail, ConfirmModelDetail } from '../panels/model-catalog/model-confirm';
import { ModelCache } from '../models/cache';
import { requestPersistentStorage } from '../core/safe-storage-manager';
import { needsConfirmation, rememberOnnxFile, rememberedOnnxFile } from '../models/shared-link';
import '../panels/bench/bench-panel';
import '../panels/architecture/architecture-panel';
import { registerServiceWorker } from './service-worker';

interface PanelTab {
  id: string;
  label: string;
  render: (app: TransformerLabApp) => TemplateResult;
}

@customElement('tl-app')
// Below customElement, so it applies first: the page's <tl-app> is upgraded the moment it is defined.
@localized()
export class TransformerLabApp extends LitElement {
  @state() url: UrlState = parseUrlState(location.search);
  @state() loadState: LoadState = { status: 'idle' };
  /** The chat model, once loaded. */
  @state() model: ModelInfo | null = null;
  client: EngineClient | null = null;
  /** A model named by a shared link, shown with its size until the user confirms the download. */
  @state() pendingModel: { param: string; folderUrl: string } | null = null;
  /** The last progress of the latest load, kept to show what its download moved in the end. */
  @state() lastDownload: LoadProgress | null = null;
  /** The model was reloaded on WASM because the GPU ran out of memory; said next to the model until another load. */
  @state() private wasmAfterGpuOom = false;
  /** Stop strings too long for the address were refused by storage too: they last as long as this tab. */
  @state() private stopStringsUnkept = false;

  /** Every panel of the app; a new panel adds one entry here. */
  private readonly panels: PanelTab[] = [
    {
      id: 'chat',
      label: 'Chat',
      render: (app) => html`
        <tl-model-bar
          .modelUrl=${resolveModelParam(app.url.model)}
          .backend=${app.url.backend}
          .loadState=${app.loadState}
          .current=${app.model}
          @load-model=${app.onLoadModel}
        ></tl-model-bar>
        ${app.wasmAfterGpuOom
          ? html`<p class="fallback-note" role="status" data-testid="gpu-oom-fallback">${msg('The GPU ran out of memory, so the model was reloaded on WASM, which uses main memory and runs slower. Your conversation is kept. To try WebGPU again, choose it under Backend and press Load.')}</p>`
          : nothing}
        <tl-model-notes .loadState=${app.loadState} .lastDownload=${app.lastDownload} .pendingModel=${app.pendingModel} .backend=${app.url.backend}></tl-model-notes>
        ${stopStringsFitLink(app.url.settings.stopStrings) ? nothing : html`<p class="fallback-note" role="status" data-testid="link-note">${app.linkNote()}</p>`}
        <tl-chat-panel
          .client=${app.client}
          .model=${app.model}
          .busy=${app.loadState.status === 'loading'}
          .settings=${app.url.settings}
          @settings-change=${app.onSettings}
        ></tl-chat-panel>`,
    },
    {
      id: 'models',
      label: 'Models',
      render: (app) => html`<tl-models-panel .backend=${app.url.backend}></tl-models-panel>`,
    },
    {
      id: 'bench',
      label: 'Benchmark',
      // Its own worker and model: a benchmark never disturbs the chat's engine.
      render: () => html`<tl-bench-panel></tl-bench-panel>`,
    },
    {
      id: 'architecture',
      label: 'Architecture',
      // Its own worker with a decoder and two encoders: the lecture never disturbs the chat model.
      render: (app) => html`<tl-architecture-panel .backend=${app.url.backend} .wasmThreads=${app.url.threads}></tl-architecture-panel>`,
    },
  ];

  static override styles = css`
    /* Wide screens are used (the architecture panel sets two models side by side); 110rem ≈ 1760 px. */
    :host { display: block; max-width: 110rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
    header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
    h1 { font-size: 1.4rem; margin: 0; }
    .tagline { color: var(--muted); font-size: 0.9rem; }
    [role='tablist'] { display: flex; gap: 0.25rem; border-bottom: 1px solid var(--border); margin-bottom: 1rem; }
    [role='tab'] { font: inherit; padding: 0.45rem 0.9rem; border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; background: none; color: var(--muted); cursor: pointer; }
    [role='tab'][aria-selected='true'] { color: var(--fg); border-color: var(--border); background: var(--panel); font-weight: 600; }
    tl-model-bar { margin-bottom: 1rem; }
    .fallback-note { color: var(--muted); font-size: 0.9rem; margin: -0.5rem 0 1rem; }
    tl-locale-switch { margin-left: auto; }

  `;

  override connectedCallback(): void {
    super.connectedCallback();
    try {
      this.client = new EngineClient();
    } catch (error) {
      this.loadState = { status: 'error', error: toErrorInfo(error) };
      return;
    }
    this.addEventListener('confirm-model', (e) => this.onConfirmModel(e as CustomEvent<ConfirmModelDetail>));
    // A confirmation card sizes the runtime as the load will: the engine's worker knows what it still lacks.
    this.addEventListener('ask-runtime-download', (e) => {
      const { backend, answer } = (e as CustomEvent<AskRuntimeDetail>).detail;
      if (this.client) answer(this.client.runtimeDownload(backend));
    });
    this.addEventListener('dismiss-model', () => {
      // "Not now" on a shared link: the embedded model keeps the app usable meanwhile.
      const wasPending = this.pendingModel !== null;
      this.pendingModel = null;
      if (wasPending && !this.model && this.loadState.status !== 'loading') void this.load(null, this.url.backend);
    });
    this.addEventListener('cancel-download', () => this.client?.cancelLoad());
    // A panel's link to another tab (e.g. the chat's "Real chat models are in the Models tab"); focus follows.
    this.addEventListener('show-panel', (e) => {
      const panel = this.panels.find((p) => p.id === (e as CustomEvent<string>).detail);
      if (panel) this.select(panel, true);
    });
    this.client.onCrash = () => void this.recover('WorkerCrashedError' satisfies EngineErrorName);
    this.addEventListener('engine-error', (e) => void this.recover((e as CustomEvent<{ name: string }>).detail.name));
    void this.start();
  }

  /** The first load: at once for embedded and cached models, after a click for a large shared link. */
  private async start(): Promise<void> {
    // Before the engine starts, so the runtime and model files it fetches are kept for offline use.
    await registerServiceWorker();
    const param = this.url.model;
    const folderUrl = resolveModelParam(param);
    // Whatever goes wrong deciding, the app loads and the load says what is wrong: never a silent wait.
    const ask = await needsConfirmation(param, folderUrl, await ModelCache.open()).catch(() => false);
    if (ask) {
      this.pendingModel = { param: param!, folderUrl };
      return;
    }
    await this.load(param, this.url.backend);
  }

  private onConfirmModel(event: CustomEvent<ConfirmModelDetail>): void {
    rememberOnnxFile(event.detail.folderUrl, event.detail.onnxFile);
    this.pendingModel = null;
    this.url = { ...this.url, panel: 'chat' };
    void this.load(event.detail.param, this.url.backend);
  }

  /**
   * After a GPU device loss or a crashed worker the engine is replaced and the model loaded again
   * (from the browser's cache); the chat keeps its turns and gives the message back to the input.
   */
  private async recover(errorName: string): Promise<void> {
    // Without a loaded model there is nothing to restore (and a shared link must still wait for its click).
    if (!this.client || !this.model || this.loadState.status === 'loading') return;
    // Out of GPU memory: the same model on WASM uses main memory instead.
    if (isErrorNamed(errorName, 'OutOfMemoryError') && this.model?.backend === 'webgpu') {
      this.client.restart('the GPU ran out of memory');
      await this.load(this.url.model, 'wasm', true);
      return;
    }
    if (!isErrorNamed(errorName, 'GpuDeviceLostError', 'WorkerCrashedError', 'NoModelLoadedError')) return;
    if (isErrorNamed(errorName, 'GpuDeviceLostError')) this.client.restart('the GPU device was lost');
    await this.load(this.url.model, this.url.backend);
  }

  override disconnectedCallback(): void {
    this.client?.dispose();
    super.disconnectedCallback();
  }

  private writeUrl(): void {
    // Parameters a panel owns (named `<panel id>_…`, e.g. bench_model) are kept: the shell rewrites only its own.
    const params = new URLSearchParams(serializeUrlState(this.url));
    for (const [key, value] of new URLSearchParams(location.search)) {
      if (this.panels.some((p) => key.startsWith(`${p.id}_`))) params.append(key, value);
    }
    const query = params.toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }

  private async load(modelParam: string | null, backend: UrlState['backend'], afterGpuOom = false): Promise<void> {
    if (!this.client) return;
    this.loadState = { status: 'loading', progress: null };
    this.lastDownload = null;
    try {
      const modelUrl = resolveModelParam(modelParam);
      const info = await this.client.load({ modelUrl, backend, wasmThreads: this.url.threads, onnxFile: rememberedOnnxFile(modelUrl) }, (progress) => {
        this.loadState = { status: 'loading', progress };
        this.lastDownload = progress;
      });
      this.model = info;
      this.wasmAfterGpuOom = afterGpuOom;
      // A model was just stored for offline use: ask the browser not to evict it when space runs low.
      if (info.storage && !info.storage.fromCache && !info.storage.error) void requestPersistentStorage();
      this.loadState = { status: 'ready', info };
      this.url = { ...this.url, model: modelParam, backend };
      this.writeUrl();
    } catch (error) {
      this.loadState = { status: 'error', error: toErrorInfo(error) };
    }
  }

  private onLoadModel(event: CustomEvent<LoadModelDetail>): void {
    void this.load(event.detail.modelUrl || null, event.detail.backend);
  }

  /** Why the address does not carry the stop strings, and where they are kept instead. */
  private linkNote(): string {
    const kb = (stopQueryChars(this.url.settings.stopStrings) / 1024).toFixed(1);
    return this.stopStringsUnkept
      ? msg(str`Your stop strings (${kb} KB) are too long for the page's address, and the browser refused to keep them, so they last until this tab is closed; a link you share does not carry them.`)
      : msg(str`Your stop strings (${kb} KB) are too long for the page's address (servers refuse long addresses), so they are kept in this browser instead; a link you share does not carry them.`);
  }

  private onSettings(event: CustomEvent<GenerationSettings>): void {
    if (!stopStringsFitLink(event.detail.stopStrings)) this.stopStringsUnkept = !keepStopStrings(event.detail.stopStrings);
    this.url = { ...this.url, settings: event.detail };
    this.writeUrl();
  }

  private get activePanel(): PanelTab {
    return this.panels.find((p) => p.id === this.url.panel) ?? this.panels[0];
  }

  private select(panel: PanelTab, focus = false): void {
    this.url = { ...this.url, panel: panel.id };
    this.writeUrl();
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${panel.id}`)?.focus());
  }

  /** Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects. */
  private onTabKey(event: KeyboardEvent): void {
    const index = this.panels.indexOf(this.activePanel);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    this.select(this.panels[(index + step + this.panels.length) % this.panels.length], true);
  }

  override render() {
    const active = this.activePanel;
    return html`
      <header>
        <h1>Transformer Lab</h1>
        <span class="tagline">${msg('GPT-style models running in your browser. Nothing leaves your machine.')}</span>
        <tl-locale-switch class="locale"></tl-locale-switch>
      </header>
      <nav aria-label=${msg('Panels')}><div role="tablist" aria-label=${msg('Panels')} @keydown=${this.onTabKey}>
        ${this.panels.map(
          (panel) => html`<button role="tab" id="tab-${panel.id}" aria-controls="panel" aria-selected=${panel === active ? 'true' : 'false'}
            tabindex=${panel === active ? 0 : -1} @click=${() => this.select(panel)}>${tabLabel(panel.id, panel.label)}</button>`,
        )}
      </div></nav>
      <main><div id="panel" role="tabpanel" aria-labelledby="tab-${active.id}">${active.render(this)}</div></main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-app': TransformerLabApp;
  }
}
