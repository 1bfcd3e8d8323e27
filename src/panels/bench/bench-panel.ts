/**
 * The benchmark panel: pick a model, backends and run counts; measure each backend in a worker; show
 * speeds with their spread, the per-token latency, the memory-bandwidth ceiling and a consistency
 * check; export JSON, CSV or Markdown; share the setup as a link.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { Backend } from '../../core/protocol';
import { BenchClient } from '../../clients/bench-client';
import { describeError } from '../../i18n/engine-text';
import type { BenchProgress, ModelDescription } from '../../bench/protocol';
import type { BackendResult, ModelSource, SkippedContender } from '../../bench/types';
import { NO_WEBGPU_ADAPTER, NO_WEBGPU_API, readEnvironment, type BenchEnvironment } from '../../bench/environment';
import { buildReport, toCsv, toMarkdown, type BenchReport } from '../../bench/report';
import { BANDWIDTH_PRESETS, ceilingTokensPerSecond, type BandwidthPreset } from '../../bench/ceiling';
import { parseBenchUrl, writeBenchUrl, type BenchUrlState } from '../../bench/url-settings';
import { SYNTHETIC_DTYPES, SYNTHETIC_SHAPES, bytesPerDecodeToken, isHalfPrecision, parseSyntheticSpec, type SyntheticShape } from '../../bench/synthetic/shapes';
import { EMBEDDED_MODELS, embeddedModelUrl } from '../../models/catalog';
import { barChart, formatRate, latencyChart } from './charts';
import { formatBytes } from '../format';
import type { GpuWorkPerToken } from '../../bench/gpu-counters';

const COLORS: Record<string, string> = { webgpu: '#2b7de9', wasm: '#d9822b', 'transformersjs webgpu': '#7fb2f0', 'transformersjs wasm': '#f0b27f' };
/** "wasm", or "transformersjs wasm" for the comparison's rows. */
const rowLabel = (r: BackendResult) => (r.engine === 'ours' ? r.backend : `${r.engine} ${r.backend}`);
const ALL_BACKENDS: Backend[] = ['webgpu', 'wasm'];

/** A synthetic shape's name in the page's language (src/bench/ has no language; its labels are English). */
function shapeLabel(shape: SyntheticShape): string {
  switch (shape.id) {
    case 'tiny': return msg('Tiny (0.1M, for tests)');
    case 'gpt2-small': return msg('GPT-2 small (124M)');
    case 'gpt2-medium': return msg('GPT-2 medium (355M)');
    case 'llama-0.5b': return msg('Llama-like 0.5B (Qwen2.5-0.5B widths)');
    case 'llama-1b': return msg('Llama-like 1B (Llama-3.2-1B widths)');
    // Names and sizes only ("GPT 25M"): the same in every language.
    default: return shape.label;
  }
}

function presetLabel(p: BandwidthPreset): string {
  if (p.machine === 'laptop') return msg(str`${p.name} dual-channel laptop (${p.gbps} GB/s)`);
  if (p.machine === 'desktop') return msg(str`${p.name} dual-channel desktop (${p.gbps} GB/s)`);
  return `${p.name} (${p.gbps} GB/s)`;
}

/** What the worker is doing, from its code and numbers. */
function progressText(p: BenchProgress): string {
  const step = p.step;
  switch (step.kind) {
    case 'prepare': return msg('preparing the model');
    case 'download': return msg(str`${(step.bytes / 1e6).toFixed(1)} MB downloaded`);
    case 'start-runtime': return msg('starting the runtime');
    case 'build-session': return msg('building the session');
    case 'load-transformersjs': return msg('loading transformers.js');
    case 'run': {
      const text = p.phase === 'warmup' ? msg(str`warm-up run ${p.run + 1} of ${p.runs}`) : msg(str`measured run ${p.run + 1} of ${p.runs}`);
      return step.engine === 'transformersjs' ? `transformers.js · ${text}` : text;
    }
  }
}

function adapterErrorText(error: string | null): string {
  if (error === NO_WEBGPU_API) return msg('no WebGPU API in this browser');
  if (error === NO_WEBGPU_ADAPTER) return msg('no WebGPU adapter');
  // The browser's own message: shown as it is.
  return error ?? '?';
}

/** Marks where a value goes in a translated sentence, so it can be set in bold wherever the translation puts it. */
const MARK = '\u0001';
function withStrong(sentence: string, value: string) {
  const [before, after = ''] = sentence.split(MARK);
  return html`${before}<strong>${value}</strong>${after}`;
}

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
  @state() private progress: BenchProgress | null = null;
  @state() private running = false;
  @state() private results: BackendResult[] = [];
  @state() private skipped: SkippedContender[] = [];
  @state() private model: ModelDescription | null = null;
  @state() private report: BenchReport | null = null;
  @state() private error: string | null = null;
  @state() private cancelled = false;
  /** Memory of the page and its workers after the run, where the browser measures it (cross-origin isolated Chrome). */
  @state() private pageMemoryBytes: number | null = null;
  private benchClient: BenchClient | null = null;
  private runId: number | null = null;

  /** The worker's client, started with the first run (public for the ?debug=1 crash hook of the tests). */
  get client(): BenchClient {
    this.benchClient ??= new BenchClient();
    return this.benchClient;
  }

  /** The last finished run with every sample, for `npm run bench` (the JSON export keeps summaries only). */
  get outcome(): { model: ModelDescription; results: BackendResult[]; skipped: SkippedContender[] } | null {
    return this.model && this.report ? { model: this.model, results: this.results, skipped: this.skipped } : null;
  }

  static override styles = css`
    :host { display: block; }
    form { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.6rem 1rem; align-items: end; }
    label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; color: var(--muted); }
    input, select, button { font: inherit; }
    fieldset { border: 1px solid var(--border); border-radius: 6px; padding: 0.3rem 0.6rem; }
    .actions { display: flex; gap: 0.5rem; margin: 0.8rem 0; flex-wrap: wrap; align-items: center; }
    table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0; }
    th, td { border-bottom: 1px solid var(--border); padding: 0.3rem 0.5rem; text-align: right; }
    th:first-child, td:first-child { text-align: left; }
    section { margin: 1rem 0; }
    h2 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.8rem; font-size: 0.85rem; margin: 0; }
    dt { color: var(--muted); }
    svg { max-width: 40rem; width: 100%; display: block; }
    .error { color: #c0392b; }
    .note { color: var(--muted); font-size: 0.8rem; }
    progress { width: 16rem; }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    void readEnvironment(undefined).then((env) => (this.environment = env));
    if (this.config.autorun) void this.updateComplete.then(() => this.run());
  }

  override disconnectedCallback(): void {
    this.benchClient?.dispose();
    this.benchClient = null;
    super.disconnectedCallback();
  }

  private setConfig<K extends keyof BenchUrlState>(key: K, value: BenchUrlState[K]): void {
    this.config = { ...this.config, [key]: value };
  }

  private setSetting(key: keyof BenchUrlState['settings'], raw: string): void {
    const value = Math.max(key === 'warmupRuns' || key === 'longContextTokens' ? 0 : 1, Math.round(Number(raw) || 0));
    this.config = { ...this.config, settings: { ...this.config.settings, [key]: value } };
  }

  private toggleBackend(backend: Backend, on: boolean): void {
    const backends = ALL_BACKENDS.filter((b) => (b === backend ? on : this.config.backends.includes(b)));
    this.setConfig('backends', backends);
  }

  private shareUrl(): string {
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
    history.replaceState(null, '', this.shareUrl());
    this.running = true;
    this.error = null;
    this.cancelled = false;
    this.results = [];
    this.skipped = [];
    this.report = null;
    this.pageMemoryBytes = null;
    this.model = null;
    try {
      const handle = this.client.run(
        { source: modelSourceFor(model), backends, settings, baseUrl: location.href, transformersJs: this.config.transformersJs, compareWasmRewrite: this.config.compareWasmRewrite, webGpuBuild: this.config.webGpuBuild ?? undefined, staticKvCache: this.config.staticKvCache },
        (p) => (this.progress = p),
        (r) => (this.results = [...this.results, r]),
      );
      this.runId = handle.id;
      const outcome = await handle.done;
      this.model = outcome.model;
      this.results = outcome.results;
      this.skipped = outcome.skipped;
      this.cancelled = outcome.cancelled;
      const environment = this.environment ?? (await readEnvironment(undefined));
      this.report = buildReport('page', environment, settings, [{ model: outcome.model, results: outcome.results }]);
      // The architecture panel's compute calculator uses the measured speed (src/panels/architecture/bench-rate.ts).
      window.dispatchEvent(new CustomEvent<BenchReport>('tl-bench-report', { detail: this.report }));
      void this.measureMemory();
    } catch (error) {
      // Named errors (a download that failed, a crashed worker) in the page's language.
      this.error = describeError(error);
    } finally {
      this.running = false;
      this.runId = null;
      this.progress = null;
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

  /** Chrome answers at its next garbage collection, seconds later: shown when it comes, never awaited. */
  private async measureMemory(): Promise<void> {
    const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
    if (!measure || !globalThis.crossOriginIsolated) return;
    try {
      this.pageMemoryBytes = (await measure.call(performance)).bytes;
    } catch {
      this.pageMemoryBytes = null;
    }
  }

  private cancel(): void {
    if (this.runId !== null) this.benchClient?.cancel(this.runId);
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

  private renderForm() {
    const c = this.config;
    const s = c.settings;
    return html`<form @submit=${(e: Event) => (e.preventDefault(), void this.run())}>
      <label>${msg('Model (embedded id, folder URL or synthetic:shape[:dtype])')}
        <input name="model" list="bench-models" .value=${c.model} @change=${(e: Event) => this.setConfig('model', (e.target as HTMLInputElement).value.trim())} />
        <datalist id="bench-models">
          ${EMBEDDED_MODELS.filter((m) => m.kind === 'decoder').map((m) => html`<option value=${m.id}>${m.label}</option>`)}
          ${SYNTHETIC_SHAPES.map((shape) => html`<option value="synthetic:${shape.id}">${shapeLabel(shape)}, fp32</option>
            ${SYNTHETIC_DTYPES.filter((d) => d !== 'fp32').map((d) => html`<option value="synthetic:${shape.id}:${d}">${isHalfPrecision(d) ? msg(str`${shapeLabel(shape)}, ${d} (WebGPU needs shader-f16)`) : `${shapeLabel(shape)}, ${d}`}</option>`)}`)}
        </datalist>
      </label>
      <fieldset><legend class="note">${msg('Backends')}</legend>
        ${ALL_BACKENDS.map((b) => html`<label style="flex-direction:row;gap:0.3rem"><input type="checkbox" name="backend-${b}" .checked=${c.backends.includes(b)}
          @change=${(e: Event) => this.toggleBackend(b, (e.target as HTMLInputElement).checked)} />${b}</label>`)}
      </fieldset>
      <label style="flex-direction:row;gap:0.3rem"><input type="checkbox" name="transformersjs" .checked=${c.transformersJs}
        @change=${(e: Event) => this.setConfig('transformersJs', (e.target as HTMLInputElement).checked)} />${msg('Also measure transformers.js')}</label>
      <label>${msg('Prompt tokens')} <input type="number" min="1" name="prompt" .value=${String(s.promptTokens)} @change=${(e: Event) => this.setSetting('promptTokens', (e.target as HTMLInputElement).value)} /></label>
      <label>${msg('New tokens')} <input type="number" min="2" name="new" .value=${String(s.newTokens)} @change=${(e: Event) => this.setSetting('newTokens', (e.target as HTMLInputElement).value)} /></label>
      <label>${msg('Warm-up runs')} <input type="number" min="0" name="warmup" .value=${String(s.warmupRuns)} @change=${(e: Event) => this.setSetting('warmupRuns', (e.target as HTMLInputElement).value)} /></label>
      <label>${msg('Measured runs')} <input type="number" min="1" name="runs" .value=${String(s.measuredRuns)} @change=${(e: Event) => this.setSetting('measuredRuns', (e.target as HTMLInputElement).value)} /></label>
      <label>${msg('Long-context probe, tokens (0: off)')}
        <input type="number" min="0" name="long" .value=${String(s.longContextTokens ?? 0)} @change=${(e: Event) => this.setSetting('longContextTokens', (e.target as HTMLInputElement).value)} />
      </label>
      <label>${msg('Memory bandwidth, GB/s')}
        <input type="number" min="1" name="bandwidth" .value=${String(c.bandwidthGBps)} @change=${(e: Event) => this.setConfig('bandwidthGBps', Math.max(1, Number((e.target as HTMLInputElement).value) || 1))} />
      </label>
      <label>${msg('Bandwidth preset')}
        <select name="preset" @change=${(e: Event) => this.setConfig('bandwidthGBps', Number((e.target as HTMLSelectElement).value))}>
          <option value=${c.bandwidthGBps}>—</option>
          ${BANDWIDTH_PRESETS.map((p) => html`<option value=${p.gbps}>${presetLabel(p)}</option>`)}
        </select>
      </label>
    </form>
    <div class="actions">
      <button type="button" @click=${() => void this.run()} ?disabled=${this.running}>${msg('Run benchmark')}</button>
      <button type="button" @click=${this.cancel} ?disabled=${!this.running}>${msg('Cancel')}</button>
      <button type="button" @click=${() => void navigator.clipboard?.writeText(this.shareUrl())}>${msg('Copy link')}</button>
      ${this.running ? this.renderProgress() : nothing}
    </div>`;
  }

  private renderProgress() {
    const p = this.progress;
    if (!p) return html`<span role="status">${msg('Starting…')}</span>`;
    const total = p.runs * this.config.settings.newTokens;
    const done = p.run * this.config.settings.newTokens + p.tokens;
    return html`<span role="status" data-testid="bench-progress">${p.backend ? `${p.backend} · ` : ''}${progressText(p)}</span>
      ${total ? html`<progress max=${total} value=${done}></progress>` : nothing}`;
  }

  private renderEnvironment() {
    const env = this.environment;
    if (!env) return nothing;
    const a = env.adapter;
    return html`<section><h2>${msg('This machine')}</h2><dl data-testid="bench-environment">
      <dt>${msg('Browser')}</dt><dd>${env.userAgent}</dd>
      <dt>${msg('CPU threads')}</dt><dd>${msg(str`${env.hardwareConcurrency ?? '?'} logical cores; WASM uses ${env.wasmThreads} (${env.crossOriginIsolated ? msg('cross-origin isolated') : msg('not isolated: 1 thread')})`)}</dd>
      <dt>${msg('GPU adapter')}</dt><dd>${a ? `${a.vendor || '?'} · ${a.architecture || '?'} ${a.description}` : msg(str`none (${adapterErrorText(env.adapterError)})`)}</dd>
      ${a ? html`<dt>shader-f16</dt><dd>${a.shaderF16 ? msg('yes') : msg('no')}</dd>
        <dt>${msg('Limits')}</dt><dd>${Object.entries(a.limits).map(([k, v]) => `${k} ${k.includes('Size') && v > 1e6 ? formatBytes(v) : v}`).join(' · ')}</dd>` : nothing}
      ${env.deviceMemoryGB ? html`<dt>${msg('Device memory')}</dt><dd>≈ ${env.deviceMemoryGB} GB</dd>` : nothing}
    </dl></section>`;
  }

  private renderResults() {
    if (!this.results.length) return nothing;
    const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
    return html`<section><h2>${msg('Results')}${this.model ? html` · ${this.model.name}` : nothing}${this.cancelled ? ` ${msg('(cancelled, partial)')}` : ''}</h2>
      <table data-testid="bench-results">
        <thead><tr><th>${msg('Backend')}</th><th>${msg('Runtime start ms')}</th><th>${msg('Session build ms')}</th><th>${msg('First token ms')}</th><th>${msg('Prefill tok/s')}</th><th>${msg('Decode tok/s median')}</th><th>p10–p90</th><th>GB/s</th><th>${msg('GPU reads/token')}</th><th>${msg('Decode at long context')}</th><th>${msg('Worker JS heap')}</th></tr></thead>
        <tbody>${this.results.map((r) => html`<tr data-backend=${r.backend} data-engine=${r.engine}>
          <td>${rowLabel(r)}</td><td>${r.runtimeStartMs === undefined ? '–' : f(r.runtimeStartMs, 0)}</td><td>${f(r.sessionBuildMs, 0)}</td><td>${f(r.timeToFirstTokenMs.median)}</td><td>${formatRate(r.prefillTokensPerSecond.median)}</td>
          <td data-testid="decode-median">${formatRate(r.decodeTokensPerSecond.median)}</td><td>${formatRate(r.decodeTokensPerSecond.p10)}–${formatRate(r.decodeTokensPerSecond.p90)}</td>
          <td>${f(r.achievedGBps, 3)}</td><td>${r.gpuReadsPerToken === null ? msg('not counted') : f(r.gpuReadsPerToken, 2)}</td><td>${r.longContext ? msg(str`${formatRate(r.longContext.decodeTokensPerSecond.median)} tok/s at ${r.longContext.tokens} (${(r.longContext.decodeTokensPerSecond.median / r.decodeTokensPerSecond.median).toFixed(2)}×)`) : '–'}</td>
          <td>${r.memoryBytes === null ? msg('not exposed') : formatBytes(r.memoryBytes)}</td></tr>`)}
        </tbody></table>
      ${this.skipped.map((s) => html`<p class="error" data-testid="bench-skipped" data-backend=${s.backend}>${msg(str`transformers.js could not run this model on ${s.backend}, so it is not compared: ${s.reason}`)}</p>`)}
      ${this.pageMemoryBytes !== null ? html`<p data-testid="bench-memory">${msg(str`Memory of this page and its workers after the run: ${formatBytes(this.pageMemoryBytes)} (JS and WASM heaps; GPU memory is not reported by browsers).`)}</p>` : nothing}
      <p class="note">${msg(str`Decode tok/s: tokens after the first over the time since the first, per run; median and p10–p90 over ${this.config.settings.measuredRuns} runs. SwiftShader and other software adapters emulate a GPU on the CPU: their WebGPU speed says nothing about a real GPU.`)}</p>
      ${this.renderGpuWork()}
      <h2>${msg('Per-token latency (all measured runs)')}</h2>
      ${latencyChart(this.results.map((r) => ({ label: rowLabel(r), color: COLORS[rowLabel(r)] ?? '#888', values: r.runs.flatMap((run) => run.tokenLatenciesMs) })))}
      ${this.renderCeiling()}
      ${this.renderConsistency()}
    </section>`;
  }

  private renderGpuWork() {
    const counted = this.results.filter((r) => r.gpu);
    if (!counted.length) return nothing;
    const cells = (w: GpuWorkPerToken | undefined) => w
      ? html`<td data-testid="gpu-dispatches">${w.dispatchesPerToken.toFixed(1)}</td><td>${w.submitsPerToken.toFixed(2)}</td><td data-testid="gpu-buffers">${w.buffersCreatedPerToken.toFixed(2)}</td><td>${formatBytes(w.bytesAllocatedPerToken)}</td><td data-testid="gpu-reads">${w.readsPerToken.toFixed(2)}</td><td>${formatBytes(w.bytesReadPerToken)}</td>`
      : html`<td colspan="6">–</td>`;
    return html`<h2>${msg('WebGPU work per token')}</h2>
      <table data-testid="bench-gpu-work">
        <thead><tr><th>${msg('Engine')}</th><th>${msg('Phase')}</th><th>${msg('Dispatches')}</th><th>${msg('Submits')}</th><th>${msg('Buffers created')}</th><th>${msg('Allocated')}</th><th>${msg('GPU→CPU reads')}</th><th>${msg('Read back')}</th></tr></thead>
        <tbody>${counted.flatMap((r) => [
          html`<tr data-engine=${r.engine} data-phase="decode"><td>${rowLabel(r)}</td><td>${msg('decode, per token')}</td>${cells(r.gpu)}</tr>`,
          html`<tr data-engine=${r.engine} data-phase="prefill"><td>${rowLabel(r)}</td><td>${msg('prefill, per prompt')}</td>${cells(r.gpuPrefill)}</tr>`,
        ])}</tbody></table>
      <p class="note">${msg('What the CPU asks of the GPU for each token, counted in the benchmark\'s worker: compute dispatches (kernel launches), queue submits, new GPU buffers (and their bytes), and reads back to the CPU that the CPU waits for. On a real GPU a small model\'s decode is bound by this work, not by arithmetic; the counts are exact on any adapter, software ones included.')}</p>`;
  }

  private renderCeiling() {
    const model = this.model;
    if (!model) return nothing;
    const s = this.config.settings;
    const bytes = model.weightBytesPerToken + model.kvBytesPerToken * (s.promptTokens + s.newTokens / 2);
    const ceiling = ceilingTokensPerSecond(this.config.bandwidthGBps, bytes);
    const bars = [
      ...this.results.map((r) => ({ label: msg(str`${rowLabel(r)} achieved`), value: r.decodeTokensPerSecond.median, color: COLORS[rowLabel(r)] ?? '#888' })),
      { label: msg(str`bound at ${this.config.bandwidthGBps} GB/s`), value: ceiling, color: '#999' },
    ];
    const read = model.source.kind === 'folder' ? msg('weights, estimated from the file size, plus the KV cache') : msg('weights plus the KV cache');
    return html`<h2>${msg('Ceiling')}</h2>
      <p data-testid="bench-ceiling">${withStrong(msg(str`A decode step reads ≈ ${formatBytes(bytes)} (${read}), so at ${this.config.bandwidthGBps} GB/s decode cannot beat ${MARK}.`), `${formatRate(ceiling)} tok/s`)}
        ${this.results.map((r) => html` ${msg(str`${rowLabel(r)}: ${r.achievedGBps.toFixed(3)} GB/s achieved, ${((r.decodeTokensPerSecond.median / ceiling) * 100).toFixed(1)}% of the bound.`)}`)}</p>
      ${barChart(bars, 'tok/s')}`;
  }

  private renderConsistency() {
    const c = this.report?.consistency.find((x) => x.backend === 'webgpu' && x.reference === 'wasm');
    if (!c) return html`<p class="note">${msg("Run both backends to check WebGPU's tokens against WASM's.")}</p>`;
    const ok = c.top1Agreement === 1;
    return html`<h2>${msg('Consistency')}</h2><p data-testid="bench-consistency" data-agreement=${c.top1Agreement}>
      ${withStrong(msg(str`WebGPU vs WASM, same prompt, greedy: top-1 agreement ${MARK} over ${c.tokensCompared} tokens; identical for the first ${c.identicalPrefix}.`), `${(c.top1Agreement * 100).toFixed(0)}%`)}
      ${ok ? msg('The backends agree.') : msg('They differ: small float differences can flip near-ties, but an early split means a backend computes something else.')}</p>`;
  }

  private renderExport() {
    if (!this.report) return nothing;
    return html`<section><h2>${msg('Export')}</h2><div class="actions">
      <button type="button" @click=${() => this.download('json')}>${msg('Download JSON')}</button>
      <button type="button" @click=${() => this.download('csv')}>${msg('Download CSV')}</button>
      <button type="button" @click=${() => this.download('md')}>${msg('Download Markdown')}</button>
      <button type="button" @click=${() => void navigator.clipboard?.writeText(toMarkdown(this.report!))}>${msg('Copy Markdown')}</button>
    </div>
    <details><summary>${msg('Markdown for an issue')}</summary><pre data-testid="bench-markdown">${toMarkdown(this.report)}</pre></details>
    <pre hidden data-testid="bench-json">${JSON.stringify(this.report)}</pre></section>`;
  }

  override render() {
    return html`${this.renderForm()}
      ${this.error ? html`<p class="error" role="alert" data-testid="bench-error">${this.error}</p>` : nothing}
      ${this.renderEnvironment()}${this.renderResults()}${this.renderExport()}
      <div data-testid="bench-state" data-state=${this.running ? 'running' : this.report ? (this.cancelled ? 'cancelled' : 'done') : this.error ? 'error' : 'idle'} hidden></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-bench-panel': BenchPanel;
  }
}
