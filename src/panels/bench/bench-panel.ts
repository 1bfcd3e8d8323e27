/**
 * The benchmark panel: pick a model, backends and runs; measure each backend in a worker until the
 * median is stable; show every figure with its spread (results-view.ts), compare results (compare-view.ts),
 * share them as a link that carries them (share-box.ts), and export JSON, CSV or Markdown. Opening a
 * results link shows that result read-only instead.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { Backend } from '../../core/protocol';
import type { BenchClient } from '../../clients/bench-client';
import { benchRun, inBenchRun } from './bench-run-store';
import { describeError } from '../../i18n/engine-text';
import type { BenchOutcome, BenchProgress } from '../../bench/shared/protocol';
import type { ModelSource, SkippedContender } from '../../bench/shared/types';
import { readEnvironment, type BenchEnvironment } from '../../bench/page/environment';
import { buildReport, type BenchReport } from '../../bench/page/report';
import { toCsv, toMarkdown } from '../../bench/page/report-text';
import { BANDWIDTH_PRESETS } from '../../bench/page/ceiling';
import { chooseBandwidth } from '../../bench/page/bandwidth';
import { classifyFailure } from '../../bench/shared/failure';
import { addToHistory } from '../../bench/page/history';
import { decodeResults, sharedFragment } from '../../bench/page/share-link';
import { parseBenchUrl, writeBenchUrl, type BenchUrlState } from '../../bench/page/url-settings';
import { DEFAULT_CONTEXT_LADDER } from '../../bench/shared/context-ladder';
import { SYNTHETIC_DTYPES, SYNTHETIC_SHAPES, bytesPerDecodeToken, isHalfPrecision, parseSyntheticSpec } from '../../bench/shared/synthetic-shapes';
import { EMBEDDED_MODELS, embeddedModelUrl } from '../../models/catalog';
import { embeddedModelLabel } from '../embedded-label';
import { formatBytes } from '../format';
import { presetLabel, progressText, shapeLabel } from './words';
import { TimeLeft, formatSeconds } from './time-left';
import './results-view';
import './compare-view';
import './share-box';

const ALL_BACKENDS: Backend[] = ['webgpu', 'wasm'];

/** `tl-gpt`, a folder URL or a synthetic spec, as the worker wants it. */
export function modelSourceFor(model: string): ModelSource {
  if (model.startsWith('synthetic:')) return { kind: 'synthetic', spec: model };
  const embedded = EMBEDDED_MODELS.find((m) => m.id === model);
  return { kind: 'folder', url: embedded ? embeddedModelUrl(embedded) : model };
}

@customElement('tl-bench-panel')
// Re-renders when the language changes.
@localized()
export class BenchPanel extends LitElement {
  @state() private config: BenchUrlState = parseBenchUrl(location.search);
  @state() private environment: BenchEnvironment | null = null;
  // The run's state belongs to the page (bench-run-store.ts): it outlives this element, rebuilt on each visit.
  @inBenchRun() private progress!: BenchProgress | null;
  @inBenchRun() private secondsLeft!: number | null;
  @inBenchRun() private running!: boolean;
  @inBenchRun() private skipped!: SkippedContender[];
  @inBenchRun() private report!: BenchReport | null;
  @inBenchRun() private error!: string | null;
  @inBenchRun() private historyNote!: string | null;
  @inBenchRun() private runId!: number | null;
  @inBenchRun() private lastOutcome!: BenchOutcome | null;
  private unsubscribe: (() => void) | null = null;
  /** Results opened from a link (read-only), or why the link cannot be shown. */
  @state() private shared: BenchReport[] | null = null;
  @state() private sharedError: string | null = null;
  @state() private view: 'results' | 'compare' = 'results';
  private readonly timeLeft = new TimeLeft();
  private readonly onHashChange = () => void this.openSharedLink();

  /** The worker's client, started with the first run (public for the ?debug=1 crash hook of the tests). */
  get client(): BenchClient {
    return benchRun.client;
  }

  /** The last finished run with every sample, for `npm run bench` (the JSON export keeps summaries only). */
  get outcome(): Pick<BenchOutcome, 'model' | 'results' | 'skipped'> | null {
    return this.lastOutcome;
  }

  static override styles = css`
    :host { display: block; }
    form { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.6rem 1rem; align-items: end; }
    label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; color: var(--muted); }
    label.inline { flex-direction: row; gap: 0.3rem; align-items: center; }
    input, select, button { font: inherit; }
    fieldset { border: 1px solid var(--border); border-radius: 6px; padding: 0.3rem 0.6rem; }
    .actions { display: flex; gap: 0.5rem; margin: 0.8rem 0; flex-wrap: wrap; align-items: center; }
    button.primary { background: #1f5fbf; color: #fff; border: 1px solid #1f5fbf; border-radius: 6px; padding: 0.45rem 1.2rem; font-weight: 600; }
    button.primary:disabled { background: #6d8fc4; border-color: #6d8fc4; }
    section { margin: 1rem 0; }
    h2 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
    .error { color: #b03a2e; }
    .note { color: var(--muted); font-size: 0.85rem; }
    progress { width: 16rem; }
    [role=tablist] { display: flex; gap: 0.3rem; border-bottom: 1px solid var(--border); margin-top: 1rem; }
    [role=tab] { border: 1px solid var(--border); border-bottom: none; border-radius: 6px 6px 0 0; background: none; padding: 0.3rem 0.8rem; }
    [role=tab][aria-selected=true] { font-weight: 600; background: var(--border); }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = benchRun.subscribe(() => this.requestUpdate());
    void readEnvironment(undefined).then((env) => (this.environment = env));
    window.addEventListener('hashchange', this.onHashChange);
    // A results link shows its results and never starts a run.
    if (sharedFragment(location.hash)) void this.openSharedLink();
    else if (this.config.autorun && benchRun.takeAutorun()) void this.updateComplete.then(() => this.run());
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    // The worker and the run go on (they belong to the page); only this element stops listening.
    this.unsubscribe?.();
    super.disconnectedCallback();
  }

  private async openSharedLink(): Promise<void> {
    const value = sharedFragment(location.hash);
    if (!value) {
      this.shared = null;
      this.sharedError = null;
      return;
    }
    try {
      this.shared = await decodeResults(value);
      this.sharedError = null;
    } catch (error) {
      this.shared = null;
      this.sharedError = describeError(error);
    }
  }

  private closeShared(): void {
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    this.shared = null;
    this.sharedError = null;
  }

  private setConfig<K extends keyof BenchUrlState>(key: K, value: BenchUrlState[K]): void {
    this.config = { ...this.config, [key]: value };
  }

  private setSetting(key: 'promptTokens' | 'newTokens' | 'warmupRuns' | 'measuredRuns' | 'maxRuns' | 'longContextTokens', raw: string): void {
    const value = Math.max(key === 'warmupRuns' || key === 'longContextTokens' || key === 'maxRuns' ? 0 : 1, Math.round(Number(raw) || 0));
    this.config = { ...this.config, settings: { ...this.config.settings, [key]: value } };
  }

  private toggleBackend(backend: Backend, on: boolean): void {
    const backends = ALL_BACKENDS.filter((b) => (b === backend ? on : this.config.backends.includes(b)));
    this.setConfig('backends', backends);
  }

  private setupUrl(): string {
    return `${location.origin}${location.pathname}${writeBenchUrl(location.search, this.config)}`;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    const { model, backends, settings } = this.config;
    if (!backends.length) {
      this.error = msg('Choose at least one backend.');
      return;
    }
    const problem = model.startsWith('synthetic:') ? this.syntheticProblem(model, backends) : null;
    if (problem) {
      this.error = problem;
      return;
    }
    history.replaceState(null, '', this.setupUrl());
    this.running = true;
    this.error = null;
    this.skipped = [];
    this.report = null;
    this.lastOutcome = null;
    this.historyNote = null;
    this.view = 'results';
    const environment = this.environment ?? (await readEnvironment(undefined));
    const bandwidth = chooseBandwidth(this.config.bandwidthGBps, environment.adapter);
    try {
      const handle = this.client.run(
        { source: modelSourceFor(model), backends, settings, baseUrl: location.href, transformersJs: this.config.transformersJs, compareWasmRewrite: this.config.compareWasmRewrite, webGpuBuild: this.config.webGpuBuild ?? undefined, staticKvCache: this.config.staticKvCache, plantFault: this.config.plantFault },
        (p) => {
          this.progress = p;
          this.secondsLeft = this.timeLeft.update(p, settings.newTokens);
        },
        () => undefined,
      );
      this.runId = handle.id;
      const outcome = await handle.done;
      this.lastOutcome = outcome;
      this.skipped = outcome.skipped;
      this.report = buildReport('page', environment, settings, [{ model: outcome.model, results: outcome.results }], new Date(), {
        probe: outcome.probe ? [outcome.probe] : [],
        failures: outcome.failures,
        bandwidth,
        cancelled: outcome.cancelled,
      });
      // The architecture panel's compute calculator uses the measured speed (src/panels/architecture/bench-rate.ts).
      window.dispatchEvent(new CustomEvent<BenchReport>('tl-bench-report', { detail: this.report }));
    } catch (error) {
      // Named errors (a download that failed, a crashed worker) in the page's language, and in the report by category.
      this.error = describeError(error);
      this.report = buildReport('page', environment, settings, [], new Date(), { failures: [classifyFailure(error, null)], bandwidth });
    } finally {
      this.running = false;
      this.runId = null;
      this.progress = null;
      this.secondsLeft = null;
    }
    if (this.report && (this.report.records.length || this.report.failures.length)) {
      this.historyNote = addToHistory(this.report) ? null : msg('This result could not be kept for later comparison: the browser refused to store it. Download the JSON to keep it.');
      this.renderRoot.querySelector('tl-bench-compare')?.refreshHistory();
    }
  }

  /** Why a synthetic model cannot run on the chosen backends here, before minutes are spent building it. */
  private syntheticProblem(model: string, backends: Backend[]): string | null {
    const spec = parseSyntheticSpec(model);
    if (!spec) return msg(str`Unknown synthetic shape "${model}". Pick one from the list.`);
    // Never skipped silently: a half-precision model on a GPU without shader-f16 (SwiftShader has none) is refused, saying why.
    if (isHalfPrecision(spec.weightType) && backends.includes('webgpu') && this.environment && !this.environment.adapter?.shaderF16) {
      return msg(str`${spec.weightType} needs shader-f16 on WebGPU, which this GPU adapter lacks: untick WebGPU, or choose fp32, q8 or q4.`);
    }
    const bytes = bytesPerDecodeToken(spec.shape, spec.weightType, 0);
    // WASM's memory is 32-bit: the weights and their copy in the runtime must fit in 4 GB.
    if (backends.includes('wasm') && bytes > 1.5e9) return msg(str`${formatBytes(bytes)} of weights do not fit WASM's 4 GB memory with room to run; choose WebGPU only or a smaller shape.`);
    return null;
  }

  private cancel(): void {
    if (this.runId !== null) benchRun.client.cancel(this.runId);
  }

  private download(kind: 'json' | 'csv' | 'md'): void {
    if (!this.report) return;
    const text = kind === 'json' ? JSON.stringify(this.report, null, 2) : kind === 'csv' ? toCsv(this.report) : toMarkdown(this.report);
    const type = kind === 'json' ? 'application/json' : kind === 'csv' ? 'text/csv' : 'text/markdown';
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = `transformer-lab-bench.${kind}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  private numberField(label: string, name: string, key: Parameters<BenchPanel['setSetting']>[0], min: number) {
    return html`<label>${label} <input type="number" min=${min} name=${name} .value=${String(this.config.settings[key] ?? 0)} @change=${(e: Event) => this.setSetting(key, (e.target as HTMLInputElement).value)} /></label>`;
  }

  private renderForm() {
    const c = this.config;
    const s = c.settings;
    const guessed = chooseBandwidth(c.bandwidthGBps, this.environment?.adapter ?? null);
    return html`<form @submit=${(e: Event) => (e.preventDefault(), void this.run())}>
      <label>${msg('Model (embedded id, folder URL or synthetic:shape[:dtype])')}
        <input name="model" list="bench-models" .value=${c.model} @change=${(e: Event) => this.setConfig('model', (e.target as HTMLInputElement).value.trim())} />
        <datalist id="bench-models">
          ${EMBEDDED_MODELS.filter((m) => m.kind === 'decoder').map((m) => html`<option value=${m.id}>${embeddedModelLabel(m)}</option>`)}
          ${SYNTHETIC_SHAPES.map((shape) => html`<option value="synthetic:${shape.id}">${shapeLabel(shape)}, fp32</option>
            ${SYNTHETIC_DTYPES.filter((d) => d !== 'fp32').map((d) => html`<option value="synthetic:${shape.id}:${d}">${isHalfPrecision(d) ? msg(str`${shapeLabel(shape)}, ${d} (WebGPU needs shader-f16)`) : `${shapeLabel(shape)}, ${d}`}</option>`)}`)}
        </datalist>
      </label>
      <fieldset><legend class="note">${msg('Backends')}</legend>
        ${ALL_BACKENDS.map((b) => html`<label class="inline"><input type="checkbox" name="backend-${b}" .checked=${c.backends.includes(b)}
          @change=${(e: Event) => this.toggleBackend(b, (e.target as HTMLInputElement).checked)} />${b}</label>`)}
      </fieldset>
      <label class="inline"><input type="checkbox" name="transformersjs" .checked=${c.transformersJs}
        @change=${(e: Event) => this.setConfig('transformersJs', (e.target as HTMLInputElement).checked)} />${msg('Also measure transformers.js')}</label>
      ${this.numberField(msg('Prompt tokens'), 'prompt', 'promptTokens', 1)}
      ${this.numberField(msg('New tokens'), 'new', 'newTokens', 2)}
      ${this.numberField(msg('Warm-up runs'), 'warmup', 'warmupRuns', 0)}
      ${this.numberField(msg('Measured runs, at least'), 'runs', 'measuredRuns', 1)}
      ${this.numberField(msg('…at most, until the median is within ±5%'), 'max-runs', 'maxRuns', 0)}
      ${this.numberField(msg('Long-context probe, tokens (0: off)'), 'long', 'longContextTokens', 0)}
      <label class="inline"><input type="checkbox" name="curve" .checked=${Boolean(s.contextLadder?.length)}
        @change=${(e: Event) => this.setConfig('settings', { ...s, contextLadder: (e.target as HTMLInputElement).checked ? [...DEFAULT_CONTEXT_LADDER] : undefined, contextLadderExact: undefined })} />${s.contextLadderExact && s.contextLadder?.length
          ? msg(str`Speed against context length (${s.contextLadder.join(', ')} tokens)`)
          : msg('Speed against context length (16 to 2,048 tokens and the model\'s limit)')}</label>
      <label>${msg('Memory bandwidth, GB/s')}
        <input type="number" min="1" name="bandwidth" placeholder=${guessed.source === 'user' ? '' : msg(str`${guessed.gbps} (${guessed.source === 'detected' ? msg('detected') : msg('a guess')})`)}
          .value=${c.bandwidthGBps === null ? '' : String(c.bandwidthGBps)} @change=${(e: Event) => this.setConfig('bandwidthGBps', Number((e.target as HTMLInputElement).value) > 0 ? Number((e.target as HTMLInputElement).value) : null)} />
      </label>
      <label>${msg('Bandwidth preset')}
        <select name="preset" @change=${(e: Event) => this.setConfig('bandwidthGBps', Number((e.target as HTMLSelectElement).value) || null)}>
          <option value="">${c.bandwidthGBps === null ? (guessed.source === 'detected' ? msg(str`detected: ${guessed.gbps} GB/s`) : msg(str`unknown: guessing ${guessed.gbps} GB/s`)) : msg('typed above')}</option>
          ${BANDWIDTH_PRESETS.map((p) => html`<option value=${p.gbps} ?selected=${c.bandwidthGBps === p.gbps}>${presetLabel(p)}</option>`)}
        </select>
      </label>
    </form>
    <div class="actions">
      <button type="button" class="primary" @click=${() => void this.run()} ?disabled=${this.running}>${msg('Run benchmark')}</button>
      <button type="button" @click=${this.cancel} ?disabled=${!this.running}>${msg('Cancel')}</button>
      <button type="button" @click=${() => void navigator.clipboard?.writeText(this.setupUrl())}>${msg('Copy link to these settings')}</button>
      ${this.running ? this.renderProgress() : nothing}
    </div>`;
  }

  private renderProgress() {
    const p = this.progress;
    if (!p) return html`<span role="status">${msg('Starting…')}</span>`;
    const perRun = p.phase === 'curve' ? 0 : this.config.settings.newTokens;
    const total = p.runs * Math.max(1, perRun);
    const done = p.run * Math.max(1, perRun) + (perRun ? p.tokens : 0);
    return html`<span role="status" data-testid="bench-progress">${p.backend ? `${p.backend} · ` : ''}${progressText(p)}${this.secondsLeft !== null ? html` · <span data-testid="bench-time-left">${msg(str`${formatSeconds(this.secondsLeft)} left in this phase`)}</span>` : nothing}</span>
      ${p.step.kind === 'run' && total ? html`<progress max=${total} value=${done} aria-label=${msg('Progress of this phase')}></progress>` : nothing}`;
  }

  private renderExport(report: BenchReport) {
    return html`<section><h2>${msg('Share and export')}</h2>
      <tl-bench-share .reports=${[report]}></tl-bench-share>
      <div class="actions">
        <button type="button" @click=${() => this.download('json')}>${msg('Download JSON')}</button>
        <button type="button" @click=${() => this.download('csv')}>${msg('Download CSV')}</button>
        <button type="button" @click=${() => this.download('md')}>${msg('Download Markdown')}</button>
        <button type="button" @click=${() => void navigator.clipboard?.writeText(toMarkdown(report))}>${msg('Copy Markdown')}</button>
      </div>
      <details><summary>${msg('Markdown for an issue')}</summary><pre data-testid="bench-markdown">${toMarkdown(report)}</pre></details>
      <pre hidden data-testid="bench-json">${JSON.stringify(report)}</pre></section>`;
  }

  private renderShared() {
    return html`<section data-testid="bench-shared">
      <div class="actions"><button type="button" class="primary" @click=${this.closeShared}>${msg('Run the benchmark on this device')}</button></div>
      ${this.sharedError ? html`<p class="error" role="alert" data-testid="bench-link-error">${this.sharedError}</p>` : nothing}
      ${this.shared?.map((r) => html`<tl-bench-results shared .report=${r}></tl-bench-results>`)}
      ${this.shared ? html`<h2>${msg('Compare with this device')}</h2><tl-bench-compare .current=${this.shared[0] ?? null}></tl-bench-compare>` : nothing}
    </section>`;
  }

  private renderTabs() {
    const tab = (id: 'results' | 'compare', label: string) => html`<button type="button" role="tab" aria-selected=${this.view === id} @click=${() => (this.view = id)}>${label}</button>`;
    return html`<div role="tablist" aria-label=${msg('Benchmark views')}>${tab('results', msg('This run'))}${tab('compare', msg('Compare'))}</div>`;
  }

  override render() {
    if (this.shared || this.sharedError) return this.renderShared();
    const report = this.report;
    return html`${this.renderForm()}
      ${this.error ? html`<p class="error" role="alert" data-testid="bench-error">${this.error}</p>` : nothing}
      ${this.historyNote ? html`<p class="note" role="status">${this.historyNote}</p>` : nothing}
      ${this.skipped.map((s) => html`<p class="error" data-testid="bench-skipped" data-backend=${s.backend}>${msg(str`transformers.js could not run this model on ${s.backend}, so it is not compared: ${s.reason}`)}</p>`)}
      ${this.renderTabs()}
      <div role="tabpanel">${this.view === 'compare'
        ? html`<tl-bench-compare .current=${report}></tl-bench-compare>`
        : report ? html`<tl-bench-results .report=${report}></tl-bench-results>${this.renderExport(report)}` : html`<p class="note">${msg('Run the benchmark to see results here.')}</p>`}</div>
      <div data-testid="bench-state" data-state=${this.running ? 'running' : report?.cancelled ? 'cancelled' : report?.records.length ? 'done' : this.error || report ? 'error' : 'idle'} hidden></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-bench-panel': BenchPanel;
  }
}
