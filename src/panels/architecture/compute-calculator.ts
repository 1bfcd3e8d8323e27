/**
 * The compute calculator: parameters N and training tokens D in, training FLOPs (6·N·D), PF-days,
 * GPU-days at a chosen TFLOP/s, inference FLOPs per token (2·N) and weight memory out. Presets are
 * the GPT-3 appendix rows; one more applies the formulas to the decoder running now.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { COMPUTE_PRESETS, computeSource } from './facts';
import { currentLocale } from '../../i18n/locale';
import { computeBudget, formatCount, formatDecimalBytes, formatScientific } from './compute';
import { labelSize } from './projector';

export interface RunningModel {
  name: string;
  params: number;
  /** Tokens it was trained on, when known (the embedded decoder's, from its training metrics). */
  trainingTokens: number | null;
  /** Decode speed measured on this machine, when there is one. */
  tokensPerSecond: number | null;
  /** Where it was measured: the Benchmark panel (with its backend) or this panel's generation steps. */
  rateSource: { kind: 'benchmark'; backend: string } | { kind: 'steps' } | null;
}

@localized()
@customElement('tl-compute-calculator')
export class ComputeCalculator extends LitElement {
  @property({ attribute: false }) running: RunningModel | null = null;
  @state() private params = COMPUTE_PRESETS[COMPUTE_PRESETS.length - 1].params;
  @state() private tokens = COMPUTE_PRESETS[COMPUTE_PRESETS.length - 1].tokens;
  @state() private tflops = 125;
  @state() private preset = COMPUTE_PRESETS[COMPUTE_PRESETS.length - 1].name;

  static override styles = css`
    :host { display: block; }
    form { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; }
    label { display: flex; flex-direction: column; gap: 0.2rem; font-size: ${labelSize(0.85)}; color: var(--muted); }
    input, select { font: inherit; padding: 0.25rem 0.4rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); width: 11rem; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 1rem; font-variant-numeric: tabular-nums; margin: 0.75rem 0 0; }
    dt { color: var(--muted); }
    dd { margin: 0; font-weight: 600; }
    .cite { color: var(--muted); font-size: ${labelSize(0.85)}; }
  `;

  private choose(name: string): void {
    this.preset = name;
    if (name === 'running' && this.running) {
      this.params = this.running.params;
      // Its own training tokens, never the previous preset's (GPT-3's 300B for a 1M-parameter model).
      if (this.running.trainingTokens) this.tokens = this.running.trainingTokens;
      return;
    }
    const preset = COMPUTE_PRESETS.find((p) => p.name === name);
    if (preset) {
      this.params = preset.params;
      this.tokens = preset.tokens;
    }
  }

  private number(event: Event): number | null {
    const value = Number((event.target as HTMLInputElement).value);
    return Number.isFinite(value) && value > 0 ? value : null;
  }

  override render() {
    const r = computeBudget({
      params: this.params,
      tokens: this.tokens,
      gpuTflops: this.tflops,
      measuredTokensPerSecond: this.preset === 'running' ? this.running?.tokensPerSecond : null,
    });
    const source = COMPUTE_PRESETS.find((p) => p.name === this.preset);
    return html`
      <form @submit=${(e: Event) => e.preventDefault()} aria-label=${msg('Compute calculator')}>
        <label>${msg('Preset')}
          <select data-testid="calc-preset" @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}>
            ${COMPUTE_PRESETS.map((p) => html`<option value=${p.name} ?selected=${p.name === this.preset}>${p.name}</option>`)}
            ${this.running ? html`<option value="running" ?selected=${this.preset === 'running'}>${msg(str`${this.running.name} (running now)`)}</option>` : nothing}
          </select></label>
        <label>${msg('Parameters N')}
          <input type="number" min="1" data-testid="calc-params" .value=${String(this.params)} @change=${(e: Event) => (this.params = this.number(e) ?? this.params)} /></label>
        <label>${msg('Training tokens D')}
          <input type="number" min="1" data-testid="calc-tokens" .value=${String(this.tokens)} @change=${(e: Event) => (this.tokens = this.number(e) ?? this.tokens)} /></label>
        <label>${msg('GPU TFLOP/s (sustained)')}
          <input type="number" min="0.001" step="any" data-testid="calc-tflops" .value=${String(this.tflops)} @change=${(e: Event) => (this.tflops = this.number(e) ?? this.tflops)} /></label>
      </form>
      <dl aria-live="polite">
        <dt>${msg('Training FLOPs ≈ 6·N·D')}</dt><dd data-testid="calc-flops">${formatScientific(r.trainFlops)}</dd>
        <dt>${msg('PF-days (1 PF-day = 8.64e19 FLOPs)')}</dt><dd data-testid="calc-pfdays">${Number(r.pfDays.toPrecision(3)).toLocaleString('en-US')}</dd>
        <dt>${msg(str`GPU-days at ${this.tflops} TFLOP/s`)}</dt><dd data-testid="calc-gpudays">${Number(r.gpuDays.toPrecision(3)).toLocaleString('en-US')}</dd>
        <dt>${msg('Inference ≈ 2·N FLOPs per token')}</dt><dd>${formatScientific(r.inferenceFlopsPerToken)}</dd>
        <dt>${msg('Weights in fp32 / fp16 / int4')}</dt>
        <dd data-testid="calc-memory">≈ ${formatDecimalBytes(Number(r.weightBytes.fp32.toPrecision(2)))} / ${formatDecimalBytes(Number(r.weightBytes.fp16.toPrecision(2)))} / ${formatDecimalBytes(Number(r.weightBytes.int4.toPrecision(2)))}</dd>
        ${r.measuredFlopsPerSecond !== null && this.running?.tokensPerSecond
          ? html`<dt>${msg(str`Measured here: ${this.running.tokensPerSecond.toFixed(1)} tokens/s`)}</dt><dd>${msg(str`≈ ${formatScientific(r.measuredFlopsPerSecond)} FLOP/s of useful work`)}</dd>`
          : nothing}
      </dl>
      <p class="cite">${source
        ? msg(str`Source row (${computeSource(currentLocale() === 'zh-Hans')}): ${formatCount(source.params)} parameters, ${formatCount(source.tokens)} tokens, ${source.pfDays.toLocaleString('en-US')} PF-days, ${formatScientific(source.flops)} FLOPs.`)
        : this.running?.rateSource?.kind === 'benchmark'
          ? msg(str`The decoder running in this page; tokens/s from the Benchmark panel (${this.running.rateSource.backend}).`)
          : msg('The decoder running in this page; tokens/s measured by its step-by-step generation above (run the Benchmark panel for a steadier figure).')}
        ${!source && this.running ? (this.running.trainingTokens ? msg(str`Training tokens: ${formatCount(this.running.trainingTokens)}, from its training log.`) : msg('Its training tokens are unknown: enter them.')) : nothing}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-compute-calculator': ComputeCalculator;
  }
}
