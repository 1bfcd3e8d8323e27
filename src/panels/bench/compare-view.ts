/**
 * Several results side by side: this run, earlier runs on this machine, links or JSON files pasted or
 * dropped in, and the reference results shipped with the app. A table (one column per result) and bars
 * per figure, each with its ratio to the chosen baseline; a result that failed the correctness probe is
 * marked wherever it appears.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { BenchRecord, BenchReport } from '../../bench/page/report';
import { readReport, recordKey } from '../../bench/page/read-report';
import { decodeResults, sharedFragment } from '../../bench/page/share-link';
import { readHistory } from '../../bench/page/history';
import { REFERENCE_RESULTS } from '../../bench/page/reference-results';
import { isSoftwareAdapter } from '../../bench/page/gpu-report';
import { describeError } from '../../i18n/engine-text';
import { barChart, formatRate } from './charts';
import { colorOf, rowLabel, sharedStyles } from './results-view';
import { figureName } from './words';
import { formatBytes } from '../format';

type Origin = 'this-run' | 'history' | 'added' | 'reference';

interface Entry {
  id: string;
  origin: Origin;
  report: BenchReport;
  record: BenchRecord;
}

interface Figure {
  name: string;
  value: (r: BenchRecord) => number | null;
  format: (v: number) => string;
  /** True where more is better (speeds); the ratio to the baseline is then this ÷ baseline. */
  higherIsBetter: boolean;
}

/**
 * What computed a record: the GPU adapter for WebGPU (a software one such as SwiftShader said to be
 * one: it emulates a GPU on the CPU), the CPU's threads for WASM and native; and the browser.
 */
function device(report: BenchReport, record: BenchRecord): string {
  const env = report.environment;
  const a = env.adapter;
  let hardware: string;
  if (record.backend === 'webgpu') {
    const gpu = a ? (a.description || `${a.vendor} ${a.architecture}`).trim() : '';
    hardware = a && isSoftwareAdapter(a) ? msg(str`${gpu} (software adapter)`) : gpu;
  } else {
    hardware = record.backend === 'wasm' ? msg(str`CPU, ${env.wasmThreads} of ${env.hardwareConcurrency ?? '?'} threads`) : msg('CPU (native)');
  }
  const browser = /(Chrome|Firefox|Safari|Edg)\/[\d.]+/.exec(env.userAgent)?.[0] ?? '';
  return [hardware, browser].filter(Boolean).join(', ') || msg('unknown device');
}

export function entriesOf(report: BenchReport, origin: Origin): Entry[] {
  return report.records.map((record) => ({ id: `${origin}/${report.createdAt}/${recordKey(record)}`, origin, report, record }));
}

/** The result failed the correctness probe (WebGPU records of a model whose probe differs). */
export function failedProbe(entry: Pick<Entry, 'report' | 'record'>): boolean {
  return entry.record.backend === 'webgpu' && entry.report.probe.some((p) => p.model === entry.record.model && p.verdict === 'differ');
}

@customElement('tl-bench-compare')
@localized()
export class BenchCompareView extends LitElement {
  /** The panel's latest run, offered first. */
  @property({ attribute: false }) current: BenchReport | null = null;
  @state() private added: Entry[] = [];
  @state() private history: Entry[] = readHistory().flatMap((r) => entriesOf(r, 'history'));
  @state() private chosen = new Set<string>();
  @state() private baseline: string | null = null;
  @state() private error: string | null = null;

  static override styles = [sharedStyles, css`
    :host { display: block; }
    fieldset { border: 1px solid var(--border); border-radius: 6px; margin: 0.5rem 0; padding: 0.4rem 0.6rem; min-width: 0; }
    .pick { display: flex; gap: 0.4rem; align-items: baseline; font-size: 0.85rem; overflow-wrap: anywhere; }
    .drop { border: 2px dashed var(--border); border-radius: 6px; padding: 0.6rem; display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
    textarea { flex: 1 1 18rem; min-width: 0; font: inherit; font-size: 0.8rem; }
    button, input, select { font: inherit; }
    .error { color: #b03a2e; }
    th { vertical-align: bottom; overflow-wrap: anywhere; }
    table { table-layout: fixed; }
  `];

  refreshHistory(): void {
    this.history = readHistory().flatMap((r) => entriesOf(r, 'history'));
  }

  private get entries(): Entry[] {
    const current = this.current ? entriesOf(this.current, 'this-run') : [];
    const seen = new Set(current.map((e) => `${e.report.createdAt}/${recordKey(e.record)}`));
    // The current run is also the newest of the history: shown once.
    const history = this.history.filter((e) => !seen.has(`${e.report.createdAt}/${recordKey(e.record)}`));
    return [...current, ...this.added, ...history, ...REFERENCE_RESULTS.flatMap((r) => entriesOf(r, 'reference'))];
  }

  private get selected(): Entry[] {
    return this.entries.filter((e) => this.chosen.has(e.id));
  }

  /** Adds what was pasted or dropped: a results link, its fragment, or a report's JSON. */
  async addText(text: string): Promise<void> {
    this.error = null;
    const trimmed = text.trim();
    if (!trimmed) return;
    try {
      let reports: BenchReport[];
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        const parsed = JSON.parse(trimmed) as unknown;
        reports = (Array.isArray(parsed) ? parsed : [parsed]).map(readReport);
      } else {
        const hash = trimmed.includes('#') ? trimmed.slice(trimmed.indexOf('#')) : `#${trimmed}`;
        const value = sharedFragment(hash);
        if (!value) throw new Error(msg('Neither a results link nor a benchmark JSON.'));
        reports = await decodeResults(value);
      }
      const entries = reports.flatMap((r) => entriesOf(r, 'added'));
      this.added = [...this.added, ...entries];
      this.chosen = new Set([...this.chosen, ...entries.map((e) => e.id)]);
    } catch (error) {
      this.error = describeError(error);
    }
  }

  private async addFiles(files: FileList | null | undefined): Promise<void> {
    for (const file of Array.from(files ?? [])) await this.addText(await file.text());
  }

  private toggle(id: string, on: boolean): void {
    const next = new Set(this.chosen);
    if (on) next.add(id);
    else next.delete(id);
    this.chosen = next;
  }

  private originText(origin: Origin): string {
    switch (origin) {
      case 'this-run': return msg('this run');
      case 'history': return msg('earlier on this machine');
      case 'added': return msg('added');
      case 'reference': return msg('reference');
    }
  }

  private label(e: Entry): string {
    return `${e.record.model} · ${rowLabel(e.record)} · ${device(e.report, e.record)} · ${e.report.createdAt.slice(0, 10)}`;
  }

  private figures(): Figure[] {
    const bytes = (v: number) => formatBytes(v);
    return [
      { name: figureName('decode'), value: (r) => r.decodeTokensPerSecond.median, format: formatRate, higherIsBetter: true },
      { name: figureName('prefill'), value: (r) => r.prefillTokensPerSecond.median, format: formatRate, higherIsBetter: true },
      { name: figureName('timeToFirstToken'), value: (r) => r.timeToFirstTokenMs.median, format: (v) => v.toFixed(1), higherIsBetter: false },
      { name: figureName('sessionBuild'), value: (r) => r.sessionBuildMs, format: (v) => v.toFixed(0), higherIsBetter: false },
      { name: figureName('peakGpu'), value: (r) => r.memory.peakGpuBytes, format: bytes, higherIsBetter: false },
      { name: figureName('jsHeap'), value: (r) => r.memory.peakJsHeapBytes, format: bytes, higherIsBetter: false },
    ];
  }

  private renderPicker() {
    const entries = this.entries;
    return html`<fieldset><legend>${msg('Results to compare')}</legend>
      ${entries.length ? entries.map((e) => html`<label class="pick" data-origin=${e.origin}>
        <input type="checkbox" .checked=${this.chosen.has(e.id)} @change=${(ev: Event) => this.toggle(e.id, (ev.target as HTMLInputElement).checked)} />
        <span>${this.label(e)} <span class="note">(${this.originText(e.origin)}${e.origin === 'reference' && e.record.runtime ? `, ${e.record.runtime}` : ''})</span>${failedProbe(e) ? html` <span class="bad">${msg('failed the correctness probe')}</span>` : nothing}</span>
      </label>`) : html`<p class="note">${msg('No results yet: run the benchmark, or add a link or a JSON file below.')}</p>`}
    </fieldset>
    <div class="drop" data-testid="bench-compare-drop" @dragover=${(e: DragEvent) => e.preventDefault()}
      @drop=${(e: DragEvent) => { e.preventDefault(); void this.addFiles(e.dataTransfer?.files); }}>
      <textarea rows="2" aria-label=${msg('A results link or benchmark JSON')} placeholder=${msg('Paste a results link or JSON here, or drop JSON files on this box')} data-testid="bench-compare-input"></textarea>
      <button type="button" @click=${() => { const area = this.renderRoot.querySelector('textarea')!; void this.addText(area.value).then(() => { if (!this.error) area.value = ''; }); }}>${msg('Add')}</button>
      <label class="note">${msg('JSON files')} <input type="file" accept="application/json,.json" multiple @change=${(e: Event) => void this.addFiles((e.target as HTMLInputElement).files)} /></label>
    </div>
    ${this.error ? html`<p class="error" role="alert" data-testid="bench-compare-error">${this.error}</p>` : nothing}`;
  }

  private renderComparison() {
    const selected = this.selected;
    if (selected.length < 2) return html`<p class="note">${msg('Tick two or more results to compare them.')}</p>`;
    const base = selected.find((e) => e.id === this.baseline) ?? selected[0];
    const ratio = (f: Figure, e: Entry) => {
      const a = f.value(e.record);
      const b = f.value(base.record);
      if (a === null || b === null || !(a > 0) || !(b > 0)) return '';
      return `${(f.higherIsBetter ? a / b : b / a).toFixed(2)}×`;
    };
    const figures = this.figures();
    return html`<label class="note">${msg('Baseline')}
      <select data-testid="bench-compare-baseline" @change=${(e: Event) => (this.baseline = (e.target as HTMLSelectElement).value)}>
        ${selected.map((e) => html`<option value=${e.id} ?selected=${e.id === base.id}>${this.label(e)}</option>`)}
      </select></label>
      <div class="scroll"><table data-testid="bench-compare-table">
        <thead><tr><th>${msg('Figure')}</th>${selected.map((e) => html`<th scope="col">${this.label(e)}${failedProbe(e) ? html`<br /><span class="bad">${msg('failed the correctness probe')}</span>` : nothing}</th>`)}</tr></thead>
        <tbody>${figures.map((f) => html`<tr><th scope="row">${f.name}</th>${selected.map((e) => {
          const v = f.value(e.record);
          return html`<td>${v === null || !Number.isFinite(v) ? '–' : f.format(v)}${e === base ? html` <span class="note">${msg('(baseline)')}</span>` : ratio(f, e) ? html` <span class="note">${ratio(f, e)}</span>` : nothing}</td>`;
        })}</tr>`)}</tbody>
      </table></div>
      <p class="note">${msg(str`Ratios against the baseline, oriented so that above 1× is better: speeds divided by the baseline's, times and memory the baseline's divided by this one's.`)}</p>
      ${figures.slice(0, 3).map((f) => html`<h2>${f.name}</h2>${barChart(selected.filter((e) => f.value(e.record) !== null).map((e) => ({
        label: `${e.record.model} · ${rowLabel(e.record)} · ${e.report.createdAt.slice(0, 10)}`, value: f.value(e.record)!, color: colorOf(e.record), flagged: failedProbe(e),
      })), ratioUnit(f), { label: f.name, testId: 'bench-compare-bars' })}`)}`;
  }

  override render() {
    return html`<section data-testid="bench-compare">${this.renderPicker()}${this.renderComparison()}</section>`;
  }
}

function ratioUnit(f: Figure): string {
  return f.higherIsBetter ? 'tok/s' : 'ms';
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-bench-compare': BenchCompareView;
  }
}
