/**
 * The app shell: reads the URL, owns the engine client, loads the chat model and shows one panel at
 * a time behind keyboard-accessible tabs.
 */
import { LitElement, css, html, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { EngineClient } from '../engine/client';
import type { GenerationSettings, ModelInfo } from '../engine/protocol';
import { resolveModelParam } from '../models/catalog';
import { parseUrlState, serializeUrlState, type UrlState } from './url-state';
import type { LoadModelDetail, LoadState } from '../panels/model/model-bar';
import '../panels/model/model-bar';
import '../panels/chat/chat-panel';

interface PanelTab {
  id: string;
  label: string;
  render: (app: TransformerLabApp) => TemplateResult;
}

@customElement('tl-app')
export class TransformerLabApp extends LitElement {
  @state() url: UrlState = parseUrlState(location.search);
  @state() loadState: LoadState = { status: 'idle' };
  /** The chat model, once loaded. */
  @state() model: ModelInfo | null = null;
  client: EngineClient | null = null;

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
        <tl-chat-panel
          .client=${app.client}
          .model=${app.model}
          .busy=${app.loadState.status === 'loading'}
          .settings=${app.url.settings}
          @settings-change=${app.onSettings}
        ></tl-chat-panel>`,
    },
  ];

  static override styles = css`
    :host { display: block; max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
    header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
    h1 { font-size: 1.4rem; margin: 0; }
    .tagline { color: var(--muted); font-size: 0.9rem; }
    [role='tablist'] { display: flex; gap: 0.25rem; border-bottom: 1px solid var(--border); margin-bottom: 1rem; }
    [role='tab'] { font: inherit; padding: 0.45rem 0.9rem; border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; background: none; color: var(--muted); cursor: pointer; }
    [role='tab'][aria-selected='true'] { color: var(--fg); border-color: var(--border); background: var(--panel); font-weight: 600; }
    tl-model-bar { margin-bottom: 1rem; }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    try {
      this.client = new EngineClient();
    } catch (error) {
      this.loadState = { status: 'error', name: (error as Error).name, message: (error as Error).message };
      return;
    }
    void this.load(this.url.model, this.url.backend);
  }

  override disconnectedCallback(): void {
    this.client?.dispose();
    super.disconnectedCallback();
  }

  private writeUrl(): void {
    history.replaceState(null, '', `${location.pathname}${serializeUrlState(this.url)}${location.hash}`);
  }

  private async load(modelParam: string | null, backend: UrlState['backend']): Promise<void> {
    if (!this.client) return;
    this.loadState = { status: 'loading', progress: null };
    try {
      const info = await this.client.load({ modelUrl: resolveModelParam(modelParam), backend, wasmThreads: this.url.threads }, (progress) => {
        this.loadState = { status: 'loading', progress };
      });
      this.model = info;
      this.loadState = { status: 'ready', info };
      this.url = { ...this.url, model: modelParam, backend };
      this.writeUrl();
    } catch (error) {
      const e = error as Error;
      this.loadState = { status: 'error', name: e.name, message: e.message };
    }
  }

  private onLoadModel(event: CustomEvent<LoadModelDetail>): void {
    void this.load(event.detail.modelUrl || null, event.detail.backend);
  }

  private onSettings(event: CustomEvent<GenerationSettings>): void {
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
        <span class="tagline">GPT-style models running in your browser. Nothing leaves your machine.</span>
      </header>
      <nav role="tablist" aria-label="Panels" @keydown=${this.onTabKey}>
        ${this.panels.map(
          (panel) => html`<button role="tab" id="tab-${panel.id}" aria-controls="panel" aria-selected=${panel === active ? 'true' : 'false'}
            tabindex=${panel === active ? 0 : -1} @click=${() => this.select(panel)}>${panel.label}</button>`,
        )}
      </nav>
      <main id="panel" role="tabpanel" aria-labelledby="tab-${active.id}">${active.render(this)}</main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-app': TransformerLabApp;
  }
}
