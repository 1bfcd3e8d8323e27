/**
 * The app shell: reads the URL, owns the engine client, loads the model and hands it to the panels.
 */
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { EngineClient } from '../engine/client';
import type { GenerationSettings, ModelInfo } from '../engine/protocol';
import { resolveModelParam } from '../models/catalog';
import { parseUrlState, serializeUrlState, type UrlState } from './url-state';
import type { LoadModelDetail, LoadState } from '../panels/model/model-bar';
import '../panels/model/model-bar';
import '../panels/chat/chat-panel';

@customElement('tl-app')
export class TransformerLabApp extends LitElement {
  @state() private url: UrlState = parseUrlState(location.search);
  @state() private loadState: LoadState = { status: 'idle' };
  @state() private model: ModelInfo | null = null;
  private client: EngineClient | null = null;

  static override styles = css`
    :host { display: block; max-width: 68rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
    header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
    h1 { font-size: 1.4rem; margin: 0; }
    .tagline { color: var(--muted); font-size: 0.9rem; }
    tl-model-bar { margin-bottom: 1rem; }
    .fatal { color: var(--error); border: 1px solid var(--error); border-radius: 6px; padding: 0.75rem; }
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

  override render() {
    return html`
      <header>
        <h1>Transformer Lab</h1>
        <span class="tagline">GPT-style models running in your browser. Nothing leaves your machine.</span>
      </header>
      <tl-model-bar
        .modelUrl=${resolveModelParam(this.url.model)}
        .backend=${this.url.backend}
        .loadState=${this.loadState}
        .current=${this.model}
        @load-model=${this.onLoadModel}
      ></tl-model-bar>
      <main>
        <tl-chat-panel
          .client=${this.client}
          .model=${this.model}
          .busy=${this.loadState.status === 'loading'}
          .settings=${this.url.settings}
          @settings-change=${this.onSettings}
        ></tl-chat-panel>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-app': TransformerLabApp;
  }
}
