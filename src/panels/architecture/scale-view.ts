/**
 * Scale, from the sources: the family table and a timeline of parameter counts on a log scale,
 * with the embedded models (counted from their weights) placed on the same axis.
 */
import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { currentLocale } from '../../i18n/locale';
import { FAMILIES, type FamilyRow } from './facts';
import { formatCount } from './compute';
import { labelSize, hiddenParts } from './projector';
import { H, PAD, W, YEARS, logY, scaleChartLayout } from './scale-labels';

import type { EmbeddedPoint } from './scale-labels';

export type { EmbeddedPoint };

function familyLabel(family: FamilyRow['family']): string {
  return family === 'decoder' ? msg('decoder') : family === 'encoder' ? msg('encoder') : msg('unified (encoder + generation)');
}

/** Chart text in viewBox units: on a screen, and alone on a projector slide (drawn ≥ 18 px at 1280 wide). */
const TEXT = 11;
const TEXT_PROJECTOR = 16;

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
    /* On a wide screen (a 1920 projector) the chart spreads over the width, within the height it has. */
    @media (min-width: 1600px) { svg.alone { max-width: none; max-height: 52vh; } }
  `];

  private chart() {
    const text = this.show === 'chart' ? TEXT_PROJECTOR : TEXT;
    const { x, dots, here, labels } = scaleChartLayout(this.embedded, text);
    const color = (family: string) => (family === 'decoder' ? '#2754c5' : family === 'encoder' ? '#c2410c' : '#6b7280');
    const marks = dots.map((p, i) => {
      const label = labels[i];
      return svg`<g><circle cx=${p.cx} cy=${p.cy} r="5" fill=${color(p.family)}><title>${p.name}: ${formatCount(p.params)}</title></circle>
          ${label.leader ? svg`<line x1=${p.cx} y1=${p.cy} x2=${label.x} y2=${label.y - text * 0.3} stroke="currentColor" stroke-opacity="0.4" />` : ''}
          <text x=${label.x} y=${label.y} text-anchor=${label.anchor} data-testid="scale-label">${p.name}</text></g>`;
    });
    return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" data-testid="scale-chart" class=${this.show === 'chart' ? 'alone' : ''}
      font-size=${text}>
      <title id="chart-title">${msg('Parameters by year, log scale, with the embedded models')}</title>
      ${[6, 7, 8, 9, 10, 11, 12].map(
        (e) => svg`<line x1=${PAD.left} x2=${W - PAD.right} y1=${logY(10 ** e)} y2=${logY(10 ** e)} stroke="currentColor" stroke-opacity="0.15" />
          <text x=${PAD.left - 6} y=${logY(10 ** e) + 4} text-anchor="end">${formatCount(10 ** e)}</text>`,
      )}
      ${YEARS.map((y) => svg`<text x=${x(y)} y=${H - 12} text-anchor="middle">${y === 2026 ? msg('here') : y}</text>`)}
      ${marks}
      ${here.map(
        ({ m, square, label }) => svg`<g data-testid="embedded-point"><rect x=${square.x} y=${square.y} width="12" height="12" fill=${color(m.family)} stroke="#000" />
          <text x=${label.x} y=${label.y} text-anchor="end">${label.text}</text></g>`,
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
