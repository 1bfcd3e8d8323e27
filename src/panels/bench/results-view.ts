/**
 * One benchmark report, shown in full: the device, every figure with its spread, memory, ratios, the
 * charts, the correctness probe and what failed. The same view shows the panel's own run and a result
 * opened from a shared link (read-only), so both show the same figures from the same JSON.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { BenchRecord, BenchReport } from '../../bench/page/report';
import type { Spread } from '../../bench/shared/stats';
import type { GpuWorkPerToken } from '../../bench/shared/types';
import { ceilingTokensPerSecond } from '../../bench/page/ceiling';
import { adapterErrorText, failureName, figureName, probeVerdict } from './words';
import { barChart, curveChart, formatRate, latencyChart } from './charts';
import { formatBytes } from '../format';

export const COLORS: Record<string, string> = { webgpu: '#1f6fd1', wasm: '#b35f00', cpu: '#5a6b00', 'transformersjs webgpu': '#5b8fd0', 'transformersjs wasm': '#a0622a' };
/** "wasm", or "transformersjs wasm" for the comparison's rows. */
export const rowLabel = (r: Pick<BenchRecord, 'engine' | 'backend'>) => (r.engine === 'ours' ? r.backend : `${r.engine} ${r.backend}`);
export const colorOf = (r: Pick<BenchRecord, 'engine' | 'backend'>) => COLORS[rowLabel(r)] ?? '#666';

const num = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
/** A median with its p10–p90 spread. */
export const withSpread = (s: Spread, format: (v: number) => string = formatRate) =>
  Number.isFinite(s.median) ? `${format(s.median)} (${format(s.p10)}–${format(s.p90)})` : '–';

export const sharedStyles = css`
  table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0; }
  th, td { border-bottom: 1px solid var(--border); padding: 0.3rem 0.5rem; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  h2 { font-size: 1rem; margin: 1rem 0 0.3rem; }
  svg { width: 100%; height: auto; display: block; }
  .note { color: var(--muted); font-size: 0.85rem; }
  .bad { color: #b03a2e; font-weight: bold; }
  .good { color: #1e7b34; font-weight: bold; }
  .scroll { overflow-x: auto; }
`;

@customElement('tl-bench-results')
@localized()
export class BenchResultsView extends LitElement {
  @property({ attribute: false }) report: BenchReport | null = null;
  /** A result from a link or a file: says so, and offers nothing that would change it. */
  @property({ type: Boolean }) shared = false;

  static override styles = [sharedStyles, css`
    :host { display: block; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.8rem; font-size: 0.85rem; margin: 0; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
  `];

  private renderDevice(r: BenchReport) {
    const env = r.environment;
    const a = env.adapter;
    const runtimes = [...new Set(r.records.filter((x) => x.runtime).map((x) => `${rowLabel(x)}: ${x.runtime}`))];
    return html`<h2>${msg('Device')}</h2><dl data-testid="bench-environment">
      <dt>${msg('Date')}</dt><dd data-testid="bench-date">${new Date(r.createdAt).toLocaleString()} (${r.createdAt})</dd>
      <dt>${msg('Browser')}</dt><dd>${env.userAgent || '?'}</dd>
      <dt>${msg('CPU threads')}</dt><dd>${msg(str`${env.hardwareConcurrency ?? '?'} logical cores; WASM uses ${env.wasmThreads}`)}${env.crossOriginIsolated ? '' : ` (${msg('not isolated: 1 thread')})`}</dd>
      <dt>${msg('GPU adapter')}</dt><dd>${a ? `${a.vendor || '?'} · ${a.architecture || '?'} ${a.description}` : msg(str`none (${adapterErrorText(env.adapterError)})`)}</dd>
      ${a ? html`<dt>${msg('Features')}</dt><dd>${a.features?.length ? a.features.join(', ') : `shader-f16: ${a.shaderF16 ? msg('yes') : msg('no')}`}</dd>
        <dt>${msg('Limits')}</dt><dd>${Object.entries(a.limits).map(([k, v]) => `${k} ${k.includes('Size') && v > 1e6 ? formatBytes(v) : v}`).join(' · ')}</dd>` : nothing}
      ${env.deviceMemoryGB ? html`<dt>${msg('Device memory')}</dt><dd>≈ ${env.deviceMemoryGB} GB</dd>` : nothing}
      ${runtimes.length ? html`<dt>${msg('Runtime')}</dt><dd>${runtimes.join(' · ')}</dd>` : nothing}
      <dt>${msg('Model')}</dt><dd data-testid="bench-models">${r.models.map((m) => `${m.name} (${m.dtype ?? '?'}, ${formatBytes(m.weightBytes ?? 0)})`).join(' · ') || '–'}</dd>
      <dt>${msg('Settings')}</dt><dd>${this.settingsText(r)}</dd>
    </dl>`;
  }

  private settingsText(r: BenchReport): string {
    const s = r.settings;
    const runs = (s.maxRuns ?? 0) > s.measuredRuns && s.stableWithin
      ? msg(str`${s.measuredRuns} to ${s.maxRuns} measured runs, until the median is within ±${Math.round(s.stableWithin * 100)}%`)
      : msg(str`${s.measuredRuns} measured runs`);
    return msg(str`prompt ${s.promptTokens} tokens, ${s.newTokens} new, ${s.warmupRuns} warm-up; ${runs}`);
  }

  private renderTable(r: BenchReport) {
    const many = new Set(r.records.map((x) => x.model)).size > 1;
    return html`<div class="scroll"><table data-testid="bench-results">
      <thead><tr><th>${msg('Backend')}</th><th>${figureName('sessionBuild')}</th><th>${figureName('timeToFirstToken')}</th><th>${figureName('prefill')}</th>
        <th>${figureName('decode')}</th><th>p10–p90</th><th>${msg('Runs')}</th><th>${figureName('achievedBandwidth')}</th><th>${figureName('gpuReads')}</th><th>${figureName('longContext')}</th></tr></thead>
      <tbody>${r.records.map((x) => html`<tr data-backend=${x.backend} data-engine=${x.engine} data-model=${x.model}>
        <td>${many ? `${x.model} · ` : ''}${rowLabel(x)}</td><td>${num(x.sessionBuildMs, 0)}</td><td data-testid="ttft">${withSpread(x.timeToFirstTokenMs, (v) => v.toFixed(1))}</td>
        <td>${withSpread(x.prefillTokensPerSecond)}</td><td data-testid="decode-median">${formatRate(x.decodeTokensPerSecond.median)}</td>
        <td data-testid="decode-spread">${formatRate(x.decodeTokensPerSecond.p10)}–${formatRate(x.decodeTokensPerSecond.p90)}</td>
        <td>${x.decodeTokensPerSecond.n}${x.stable === false ? html` <span class="bad" title=${msg('The median was still moving when the cap on runs was reached.')}>${msg('(not stable)')}</span>` : x.stable ? ` ${msg('(stable)')}` : ''}</td>
        <td>${num(x.achievedGBps, 3)}</td><td>${x.gpuReadsPerToken === null ? msg('not counted') : num(x.gpuReadsPerToken, 2)}</td>
        <td>${x.longContext ? msg(str`${formatRate(x.longContext.decodeTokensPerSecond.median)} tok/s at ${x.longContext.tokens} (${(x.longContext.decodeTokensPerSecond.median / x.decodeTokensPerSecond.median).toFixed(2)}×)`) : '–'}</td>
      </tr>`)}</tbody></table></div>
      <p class="note">${msg('Each figure is a median over the measured runs, with p10–p90 in brackets. Decode, tok/s: tokens after the first over the time since the first. SwiftShader and other software adapters emulate a GPU on the CPU: their WebGPU speed says nothing about a real GPU.')}</p>`;
  }

  private renderMemory(r: BenchReport) {
    const bytes = (v: number | null) => (v === null ? msg('not reported') : formatBytes(v));
    return html`<h2>${msg('Memory')}</h2><div class="scroll"><table data-testid="bench-memory-table">
      <thead><tr><th>${msg('Backend')}</th><th>${figureName('modelBytes')}</th><th>${figureName('peakGpu')}</th><th>${figureName('jsHeap')}</th><th>${figureName('kvCache')}</th></tr></thead>
      <tbody>${r.records.map((x) => html`<tr data-backend=${x.backend} data-engine=${x.engine}><td>${rowLabel(x)}</td><td>${formatBytes(x.memory.modelBytes)}</td>
        <td data-testid="peak-gpu">${x.backend === 'webgpu' ? bytes(x.memory.peakGpuBytes) : '–'}</td><td>${bytes(x.memory.peakJsHeapBytes)}</td>
        <td>${msg(str`${formatBytes(x.memory.kvCacheBytesAtLongest)} at ${x.memory.longestContextTokens} tokens`)}</td></tr>`)}</tbody></table></div>
      <p class="note">${msg('Peak GPU memory is counted from the GPU buffers the runtime creates and destroys in the benchmark\'s worker; browsers report no GPU memory themselves.')}</p>`;
  }

  private renderRatios(r: BenchReport) {
    if (!r.ratios.length) return nothing;
    return html`<h2>${msg('Ratios')}</h2><ul data-testid="bench-ratios">${r.ratios.map((x) => html`<li data-ratio=${x.name}><code>${x.name}</code> (${x.model}): <strong>${x.value.toFixed(2)}×</strong></li>`)}</ul>
      <p class="note">${msg('Of median decode tokens/s unless named otherwise: webgpu_over_wasm above 1 means WebGPU decodes faster.')}</p>`;
  }

  private renderGpuWork(r: BenchReport) {
    const counted = r.records.filter((x) => x.gpu);
    if (!counted.length) return nothing;
    const cells = (w: GpuWorkPerToken | null) => w
      ? html`<td data-testid="gpu-dispatches">${w.dispatchesPerToken.toFixed(1)}</td><td>${w.submitsPerToken.toFixed(2)}</td><td data-testid="gpu-buffers">${w.buffersCreatedPerToken.toFixed(2)}</td><td>${formatBytes(w.bytesAllocatedPerToken)}</td><td data-testid="gpu-reads">${w.readsPerToken.toFixed(2)}</td><td>${formatBytes(w.bytesReadPerToken)}</td>`
      : html`<td colspan="6">–</td>`;
    return html`<h2>${msg('WebGPU work per token')}</h2>
      <div class="scroll"><table data-testid="bench-gpu-work">
        <thead><tr><th>${msg('Engine')}</th><th>${msg('Phase')}</th><th>${msg('Dispatches')}</th><th>${msg('Submits')}</th><th>${msg('Buffers created')}</th><th>${msg('Allocated')}</th><th>${msg('GPU→CPU reads')}</th><th>${msg('Read back')}</th></tr></thead>
        <tbody>${counted.flatMap((x) => [
          html`<tr data-engine=${x.engine} data-phase="decode"><td>${rowLabel(x)}</td><td>${msg('decode, per token')}</td>${cells(x.gpu)}</tr>`,
          html`<tr data-engine=${x.engine} data-phase="prefill"><td>${rowLabel(x)}</td><td>${msg('prefill, per prompt')}</td>${cells(x.gpuPrefill)}</tr>`,
        ])}</tbody></table></div>
      <p class="note">${msg('What the CPU asks of the GPU for each token, counted in the benchmark\'s worker: compute dispatches (kernel launches), queue submits, new GPU buffers (and their bytes), and reads back to the CPU that the CPU waits for. On a real GPU a small model\'s decode is bound by this work, not by arithmetic; the counts are exact on any adapter, software ones included.')}</p>`;
  }

  private renderCurves(r: BenchReport) {
    const curved = r.records.filter((x) => x.contextCurve?.length);
    if (!curved.length) return nothing;
    const series = (pick: 'decodeTokensPerSecond' | 'prefillTokensPerSecond') => curved.map((x) => ({ label: rowLabel(x), color: colorOf(x), points: x.contextCurve!.map((p) => ({ x: p.contextTokens, y: p[pick] })) }));
    return html`<h2>${msg('Speed against context length')}</h2>
      ${curveChart(series('decodeTokensPerSecond'), { x: msg('tokens already in the context'), y: figureName('decode'), title: msg('Decode speed against context length') }, 'decode-curve')}
      ${curveChart(series('prefillTokensPerSecond'), { x: msg('prompt tokens'), y: figureName('prefill'), title: msg('Prefill speed against prompt length') }, 'prefill-curve')}`;
  }

  private renderCeiling(r: BenchReport) {
    const bw = r.bandwidth;
    if (!bw) return nothing;
    return r.models.map((model) => {
      const records = r.records.filter((x) => x.model === model.name);
      if (!records.length) return nothing;
      const s = r.settings;
      const bytes = model.weightBytesPerToken + model.kvBytesPerToken * (s.promptTokens + s.newTokens / 2);
      const ceiling = ceilingTokensPerSecond(bw.gbps, bytes);
      const source = bw.source === 'user' ? msg('the bandwidth you gave') : bw.source === 'detected' ? msg("the vendor's figure for this adapter") : msg('a guess (dual-channel DDR4): enter your memory bandwidth for a real bound');
      return html`<h2>${msg('Ceiling')}</h2>
        <p data-testid="bench-ceiling" data-source=${bw.source}>${msg(str`A decode step reads ≈ ${formatBytes(bytes)}, so at ${bw.gbps} GB/s (${source}) decode cannot beat ${formatRate(ceiling)} tok/s.`)}
          ${records.map((x) => ` ${msg(str`${rowLabel(x)}: ${((x.decodeTokensPerSecond.median / ceiling) * 100).toPrecision(2)}% of the bound.`)}`)}</p>
        ${barChart([...records.map((x) => ({ label: msg(str`${rowLabel(x)} achieved`), value: x.decodeTokensPerSecond.median, color: colorOf(x) })), { label: msg(str`bound at ${bw.gbps} GB/s`), value: ceiling, color: '#777' }], 'tok/s', { log: true })}
        <p class="note">${msg('Logarithmic scale: each grid line is ten times the one before.')}</p>`;
    });
  }

  private renderProbe(r: BenchReport) {
    const probes = r.probe.map((p) => html`<p data-testid="bench-probe" data-verdict=${p.verdict} data-first=${p.firstDifference ?? ''}>
      <span class=${p.verdict === 'match' ? 'good' : 'bad'}>${probeVerdict(p)}</span>
      ${p.plantedFault ? html` <strong>${msg('(a fault was planted on purpose to test the probe)')}</strong>` : nothing}
      <span class="note">${msg(str`WebGPU against WASM on the same prompt, ${p.steps} greedy steps, each on the reference's context.`)}</span></p>`);
    const consistency = r.consistency.map((c) => html`<p class="note" data-testid="bench-consistency" data-agreement=${c.top1Agreement}>${msg(str`Greedy tokens, ${c.backend} vs ${c.reference}: top-1 agreement ${(c.top1Agreement * 100).toFixed(0)}% over ${c.tokensCompared} tokens; identical for the first ${c.identicalPrefix}.`)}</p>`);
    const bothRan = r.records.some((x) => x.backend === 'webgpu') && r.records.some((x) => x.backend === 'wasm');
    return html`<h2>${msg('Correctness')}</h2>${probes}${consistency}
      ${!r.probe.length ? html`<p class="note" data-testid="bench-probe-missing">${r.cancelled ? msg('Cancelled before WebGPU could be checked against WASM.') : bothRan ? msg('Not checked.') : msg('Not checked: the probe needs both WebGPU and WASM to run.')}</p>` : nothing}`;
  }

  private renderFailures(r: BenchReport) {
    if (!r.failures.length) return nothing;
    return html`<h2>${msg('Failures')}</h2><ul data-testid="bench-failures">${r.failures.map((f) => html`<li data-category=${f.category}><strong>${failureName(f.category)}</strong>${f.backend ? ` (${f.backend})` : ''}: ${f.message}</li>`)}</ul>`;
  }

  override render() {
    const r = this.report;
    if (!r) return nothing;
    return html`${this.shared ? html`<p class="note" data-testid="bench-shared-note">${msg('A shared result, read-only: the figures are those of the device that made it.')}</p>` : nothing}
      ${r.cancelled ? html`<p class="bad" data-testid="bench-cancelled">${msg('Cancelled: the figures below are of the runs that finished.')}</p>` : nothing}
      ${this.renderFailures(r)}
      ${r.records.length ? html`${this.renderTable(r)}${this.renderRatios(r)}${this.renderProbe(r)}${this.renderMemory(r)}${this.renderGpuWork(r)}
        <h2>${msg('Per-token latency (all measured runs)')}</h2>
        ${latencyChart(r.records.filter((x) => x.tokenLatenciesMs.length).map((x) => ({ label: rowLabel(x), color: colorOf(x), values: x.tokenLatenciesMs })))}
        ${this.renderCurves(r)}${this.renderCeiling(r)}` : nothing}
      ${this.renderDevice(r)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-bench-results': BenchResultsView;
  }
}
