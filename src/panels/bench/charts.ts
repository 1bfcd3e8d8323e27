/**
 * Two small SVG charts, drawn by hand: a chart library would add more to the bundle than the whole
 * benchmark panel, and these need no interaction.
 */
import { svg, html, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

const W = 520;
const H = 180;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** Per-token decode latency, one line per backend, token index on x. */
export function latencyChart(series: Series[]): TemplateResult {
  const all = series.flatMap((s) => s.values);
  if (!all.length) return html``;
  const maxY = Math.max(...all) * 1.1 || 1;
  const maxX = Math.max(...series.map((s) => s.values.length - 1), 1);
  const x = (i: number) => PAD.left + (i / maxX) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const ticks = [0, maxY / 2, maxY];
  return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${msg('Per-token decode latency in milliseconds')} data-testid="latency-chart">
    ${ticks.map((t) => svg`<line x1=${PAD.left} x2=${W - PAD.right} y1=${y(t)} y2=${y(t)} stroke="currentColor" stroke-opacity="0.15"></line>
      <text x=${PAD.left - 4} y=${y(t) + 4} text-anchor="end" font-size="10" fill="currentColor">${t.toFixed(t < 10 ? 1 : 0)}</text>`)}
    ${series.map((s) => svg`<polyline fill="none" stroke=${s.color} stroke-width="1.5" points=${s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}></polyline>`)}
    <text x=${W / 2} y=${H - 6} text-anchor="middle" font-size="10" fill="currentColor">${msg('token (ms per token on y)')}</text>
    ${series.map((s, i) => svg`<text x=${W - PAD.right} y=${PAD.top + 10 + i * 12} text-anchor="end" font-size="10" fill=${s.color}>${s.label}</text>`)}
  </svg>`;
}

export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bars on one scale: achieved tokens/s beside the bandwidth bound. */
export function barChart(bars: Bar[], unit: string): TemplateResult {
  if (!bars.length) return html``;
  const max = Math.max(...bars.map((b) => b.value)) || 1;
  const row = 22;
  const height = bars.length * row + 8;
  const left = 190;
  return html`<svg viewBox="0 0 ${W} ${height}" role="img" aria-label=${msg('Decode speed against the bandwidth ceiling')} data-testid="ceiling-chart">
    ${bars.map((b, i) => svg`<text x=${left - 6} y=${i * row + 16} text-anchor="end" font-size="11" fill="currentColor">${b.label}</text>
      <rect x=${left} y=${i * row + 4} height="15" width=${Math.max(1, (b.value / max) * (W - left - 80))} fill=${b.color}></rect>
      <text x=${left + Math.max(1, (b.value / max) * (W - left - 80)) + 4} y=${i * row + 16} font-size="11" fill="currentColor">${formatRate(b.value)} ${unit}</text>`)}
  </svg>`;
}

export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
