/**
 * Small SVG charts, drawn by hand: a chart library would add more to the bundle than the whole
 * benchmark panel, and these need no interaction. Each is as wide as its container (viewBox scaled to
 * 100 % width) with 12-px text at the width it is drawn for.
 */
import { svg, html, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

const W = 960;
const FONT = 12;
const PAD = { left: 64, right: 16, top: 16, bottom: 44 };

function ticksText(x: number, y: number, text: string, anchor = 'end') {
  return svg`<text x=${x} y=${y} text-anchor=${anchor} font-size=${FONT} fill="currentColor">${text}</text>`;
}

function legend(series: { label: string; color: string }[]) {
  return series.map((s, i) => svg`<text x=${W - PAD.right} y=${PAD.top + FONT + i * (FONT + 4)} text-anchor="end" font-size=${FONT} fill=${s.color} font-weight="bold">${s.label}</text>`);
}

const tickLabel = (t: number) => (t >= 100 ? t.toFixed(0) : t >= 10 ? t.toFixed(1) : t.toFixed(2));

/** Per-token decode latency, one line per backend: token number on x, milliseconds on y. */
export function latencyChart(series: Series[]): TemplateResult {
  const all = series.flatMap((s) => s.values);
  if (!all.length) return html``;
  const H = 260;
  const maxY = Math.max(...all) * 1.1 || 1;
  const maxX = Math.max(...series.map((s) => s.values.length - 1), 1);
  const x = (i: number) => PAD.left + (i / maxX) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const ticks = [0, maxY / 4, maxY / 2, (3 * maxY) / 4, maxY];
  return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${msg('Per-token decode latency in milliseconds')} data-testid="latency-chart">
    ${ticks.map((t) => svg`<line x1=${PAD.left} x2=${W - PAD.right} y1=${y(t)} y2=${y(t)} stroke="currentColor" stroke-opacity="0.15"></line>${ticksText(PAD.left - 6, y(t) + 4, tickLabel(t))}`)}
    ${[0, Math.round(maxX / 2), maxX].map((i) => ticksText(x(i), H - PAD.bottom + FONT + 4, String(i + 1), 'middle'))}
    ${series.map((s) => svg`<polyline fill="none" stroke=${s.color} stroke-width="1.5" points=${s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}></polyline>`)}
    ${ticksText((PAD.left + W - PAD.right) / 2, H - 8, msg('generated token (in order, all measured runs)'), 'middle')}
    <text transform="translate(14 ${(H - PAD.bottom + PAD.top) / 2}) rotate(-90)" text-anchor="middle" font-size=${FONT} fill="currentColor">${msg('ms per token')}</text>
    ${legend(series)}
  </svg>`;
}

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** Drawn hatched-out and marked: a result that failed the correctness probe. */
  flagged?: boolean;
}

/** Powers of ten from below the smallest to above the largest value. */
function decades(values: number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!positive.length) return [0, 1];
  const low = Math.floor(Math.log10(Math.min(...positive)));
  const high = Math.ceil(Math.log10(Math.max(...positive)));
  return [low, high > low ? high : low + 1];
}

/**
 * Horizontal bars. `log`: on a logarithmic scale with a tick per power of ten, so 30 beside 177,000
 * is still a visible bar (the achieved speed against the bandwidth ceiling).
 */
export function barChart(bars: Bar[], unit: string, options: { log?: boolean; label?: string; testId?: string } = {}): TemplateResult {
  if (!bars.length) return html``;
  const row = 26;
  const left = 300;
  const right = 130;
  const span = W - left - right;
  const height = bars.length * row + (options.log ? 28 : 8);
  let scale: (v: number) => number;
  let ticks: TemplateResult[] = [];
  if (options.log) {
    const [low, high] = decades(bars.map((b) => b.value));
    scale = (v) => (v > 0 && Number.isFinite(v) ? ((Math.log10(v) - low) / (high - low)) * span : 0);
    ticks = Array.from({ length: high - low + 1 }, (_, i) => {
      const x = left + (i / (high - low)) * span;
      return svg`<line x1=${x} x2=${x} y1="0" y2=${bars.length * row} stroke="currentColor" stroke-opacity="0.15"></line>${ticksText(x, bars.length * row + 18, formatRate(10 ** (low + i)), 'middle')}` as unknown as TemplateResult;
    });
  } else {
    const max = Math.max(...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))) || 1;
    scale = (v) => (Number.isFinite(v) ? (v / max) * span : span);
  }
  return html`<svg viewBox="0 0 ${W} ${height}" role="img" aria-label=${options.label ?? msg('Decode speed against the bandwidth ceiling')} data-testid=${options.testId ?? 'ceiling-chart'}>
    ${ticks}
    ${bars.map((b, i) => {
      const width = Math.max(2, scale(b.value));
      return svg`${ticksText(left - 8, i * row + 18, b.label)}
        <rect x=${left} y=${i * row + 5} height="17" width=${width} fill=${b.color} fill-opacity=${b.flagged ? 0.35 : 1} stroke=${b.flagged ? '#c0392b' : 'none'} stroke-dasharray="4 2"></rect>
        ${ticksText(left + width + 6, i * row + 18, `${formatRate(b.value)} ${unit}${b.flagged ? ' ⚠' : ''}`, 'start')}`;
    })}
  </svg>`;
}

export interface CurveSeries {
  label: string;
  color: string;
  points: { x: number; y: number }[];
}

/** Speed against context length: x on a log scale (16 … 2,048 tokens), y linear from 0. */
export function curveChart(series: CurveSeries[], labels: { x: string; y: string; title: string }, testId: string): TemplateResult {
  const all = series.flatMap((s) => s.points);
  if (!all.length) return html``;
  const H = 260;
  const [low, high] = decades(all.map((p) => p.x));
  const maxY = Math.max(...all.map((p) => p.y)) * 1.1 || 1;
  const x = (v: number) => PAD.left + ((Math.log10(Math.max(v, 1)) - low) / (high - low)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const xTicks = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${labels.title} data-testid=${testId}>
    ${[0, maxY / 2, maxY].map((t) => svg`<line x1=${PAD.left} x2=${W - PAD.right} y1=${y(t)} y2=${y(t)} stroke="currentColor" stroke-opacity="0.15"></line>${ticksText(PAD.left - 6, y(t) + 4, tickLabel(t))}`)}
    ${xTicks.map((t) => ticksText(x(t), H - PAD.bottom + FONT + 4, String(t), 'middle'))}
    ${series.map((s) => svg`<polyline fill="none" stroke=${s.color} stroke-width="2" points=${s.points.map((p) => `${x(p.x)},${y(p.y)}`).join(' ')}></polyline>
      ${s.points.map((p) => svg`<circle cx=${x(p.x)} cy=${y(p.y)} r="3" fill=${s.color}></circle>`)}`)}
    ${ticksText((PAD.left + W - PAD.right) / 2, H - 8, labels.x, 'middle')}
    <text transform="translate(14 ${(H - PAD.bottom + PAD.top) / 2}) rotate(-90)" text-anchor="middle" font-size=${FONT} fill="currentColor">${labels.y}</text>
    ${legend(series)}
  </svg>`;
}

export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
