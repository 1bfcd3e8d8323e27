/**
 * Scale, from the sources: the family table and a timeline of parameter counts on a log scale,
 * with the embedded models (counted from their weights) placed on the same axis.
 */
import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { currentLocale } from '../../i18n/locale';
import { FAMILIES, TIMELINE, type FamilyRow } from './facts';
import { formatCount } from './compute';
import { labelSize, hiddenParts } from './projector';

export interface EmbeddedPoint {
  name: string;
  params: number;
  family: 'decoder' | 'encoder';
  /** Read from the model's config. */
  layers: number;
}

function familyLabel(family: FamilyRow['family']): string {
  return family === 'decoder' ? msg('decoder') : family === 'encoder' ? msg('encoder') : msg('unified (encoder + generation)');
}

const W = 760;
const H = 300;
const PAD = { left: 56, right: 16, top: 12, bottom: 34 };
const MIN_EXP = 6; // 1M
const MAX_EXP = 12; // 1T
/** Chart text in viewBox units: on a screen, and alone on a projector slide (drawn ≥ 18 px at 1280 wide). */
const TEXT = 11;
const TEXT_PROJECTOR = 16;

/** y of a parameter count on the log axis; tiny models sit on the bottom edge. */
export function logY(params: number, height = H): number {
  const e = Math.min(MAX_EXP, Math.max(MIN_EXP, Math.log10(params)));
  return PAD.top + ((MAX_EXP - e) / (MAX_EXP - MIN_EXP)) * (height - PAD.top - PAD.bottom);
}

@localized()
@customElement('tl-scale-view')
export class ScaleView extends LitElement {
  @property({ attribute: false }) embedded: EmbeddedPoint[] = [];
  /** What shows: everything, the chart alone, the table alone (its `rows`), or nothing (another slide). */
  @property() show: 'all' | 'chart' | 'table' | 'none' = 'all';
  /** Table rows shown, counting the family rows and then the embedded models: [start, end); null: all. */
  @property({ attribute: false }) rows: { start: number; end: number } | null = null;

  static override styles = [hiddenParts, css`
    :host { display: block; }
    .wrap { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
    table { border-collapse: collapse; font-size: ${labelSize(0.9)}; font-variant-numeric: tabular-nums; }
    th, td { border: 1px solid var(--border); padding: 0.15rem 0.45rem; text-align: left; }
    tr.embedded td { font-weight: 600; background: color-mix(in srgb, var(--accent) 12%, transparent); }
    svg { width: 100%; max-width: 60rem; height: auto; background: var(--panel); border: 1px solid var(--border); border-radius: 8px; }
    td.src { font-size: ${labelSize(0.85)}; color: var(--muted); max-width: 24rem; }
    .cite { color: var(--muted); font-size: ${labelSize(0.85)}; }
    text { fill: var(--fg); }
    /* Alone on a projector slide: as large as the screen's height allows beside the title. */
    svg.alone { max-height: 62vh; }
  `];

  private chart() {
    const text = this.show === 'chart' ? TEXT_PROJECTOR : TEXT;
    const line = text * 1.1;
    const years = [2017, 2018, 2019, 2020, 2021, 2022, 2023, 2026];
    const x = (year: number) => PAD.left + ((year - 2017.5) / (2026.6 - 2017.5)) * (W - PAD.left - PAD.right);
    const color = (family: string) => (family === 'decoder' ? '#2754c5' : family === 'encoder' ? '#c2410c' : '#6b7280');
    const points = [
      ...FAMILIES.filter((f) => f.params !== null).map((f) => ({ name: f.name, year: f.year, params: f.params!, family: f.family as string })),
      ...TIMELINE.map((t) => ({ name: t.name, year: t.year, params: t.params, family: 'other' })),
    ];
    // Points of one year sit side by side; a label that would cover another moves down a line.
    const perYear = new Map<number, number>();
    const placed: { x: number; y: number; w: number }[] = [];
    const marks = points
      .sort((a, b) => b.params - a.params)
      .map((p) => {
        const k = perYear.get(p.year) ?? 0;
        perYear.set(p.year, k + 1);
        const cx = x(p.year) + ((k % 3) - 1) * 12;
        const cy = logY(p.params);
        const w = p.name.length * text * 0.6;
        let ly = cy + 4;
        while (placed.some((b) => Math.abs(b.y - ly) < line && cx + 8 < b.x + b.w && b.x < cx + 8 + w)) ly += line;
        placed.push({ x: cx + 8, y: ly, w });
        return svg`<g><circle cx=${cx} cy=${cy} r="5" fill=${color(p.family)}><title>${p.name}: ${formatCount(p.params)}</title></circle>
          ${ly !== cy + 4 ? svg`<line x1=${cx + 5} y1=${cy} x2=${cx + 8} y2=${ly - 4} stroke="currentColor" stroke-opacity="0.4" />` : ''}
          <text x=${cx + 8} y=${ly}>${p.name}</text></g>`;
      });
    return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" data-testid="scale-chart" class=${this.show === 'chart' ? 'alone' : ''}
      font-size=${text}>
      <title id="chart-title">${msg('Parameters by year, log scale, with the embedded models')}</title>
      ${[6, 7, 8, 9, 10, 11, 12].map(
        (e) => svg`<line x1=${PAD.left} x2=${W - PAD.right} y1=${logY(10 ** e)} y2=${logY(10 ** e)} stroke="currentColor" stroke-opacity="0.15" />
          <text x=${PAD.left - 6} y=${logY(10 ** e) + 4} text-anchor="end">${formatCount(10 ** e)}</text>`,
      )}
      ${years.map((y) => svg`<text x=${x(y)} y=${H - 12} text-anchor="middle">${y === 2026 ? msg('here') : y}</text>`)}
      ${marks}
      ${this.embedded.map(
        (m, i) => svg`<g data-testid="embedded-point"><rect x=${x(2026) - 6 + i * 4} y=${logY(m.params) - 6 - i * line} width="12" height="12" fill=${color(m.family)} stroke="#000" />
          <text x=${x(2026) - 12} y=${logY(m.params) + 4 - i * line} text-anchor="end">${m.name} ${formatCount(m.params)}</text></g>`,
      )}
    </svg>`;
  }

  override render() {
    const shownRow = (index: number) => !this.rows || (index >= this.rows.start && index < this.rows.end);
    const chartShown = this.show === 'all' || this.show === 'chart';
    return html`<div class="wrap" ?hidden=${this.show === 'none'}>
      ${chartShown ? this.chart() : nothing}
      <p class="cite" ?hidden=${!chartShown}>${msg('Blue: decoder-only (GPT line) · orange: encoder-only (BERT/ERNIE line) · grey: other large models · squares: the models running here. Below 1M the axis is clipped.')}</p>
      <table data-testid="family-table" ?hidden=${this.show === 'chart'}>
        <caption class="cite">${msg('Each row names its source; “unknown”: not in the source, “not published”: the maker has not published it.')}</caption>
        <thead><tr><th>${msg('Model')}</th><th>${msg('Year')}</th><th>${msg('Type')}</th><th>${msg('Layers')}</th><th>${msg('Parameters')}</th><th>${msg('Pre-training data')}</th><th>${msg('Source')}</th></tr></thead>
        <tbody>
          ${FAMILIES.map(
            (f, i) => html`<tr data-id=${f.id} ?hidden=${!shownRow(i)}><td>${f.name}</td><td>${f.year}</td><td>${familyLabel(f.family)}</td>
              <td>${f.layers ?? msg('unknown')}</td><td>${f.params === null ? msg('not published') : formatCount(f.params)}</td>
              <td>${f.published === false ? msg('not published') : ((currentLocale() === 'zh-Hans' ? f.data_zh : f.data) ?? msg('unknown'))}</td><td class="src"><cite>${currentLocale() === 'zh-Hans' ? f.source_zh : f.source}</cite></td></tr>`,
          )}
          ${this.embedded.map(
            (m, i) => html`<tr class="embedded" data-id=${m.name} ?hidden=${!shownRow(FAMILIES.length + i)}><td>${m.name}</td><td>2026</td><td>${familyLabel(m.family)}</td>
              <td>${m.layers}</td><td>${formatCount(m.params)}</td><td>${msg(str`running here: ${m.params.toLocaleString('en-US')} weights`)}</td>
              <td class="src">${msg('its config.json and weights, read in this page')}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-scale-view': ScaleView;
  }
}
