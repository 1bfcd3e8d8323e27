/**
 * Where the scale chart's labels go: beside their dot, clear of every dot and of each other, inside
 * the plot. Many models of one year sit within a few pixels (BERT-large, Megatron-LM, Turing-NLG…), so a
 * label first tries the right of its dot, then the left, then lines further up or down with a leader
 * line back to the dot; only a chart too crowded for any of those keeps the least-covered place.
 *
 * Widths are estimated per character (the chart's labels are Latin model names in a sans font):
 * the browser test measures the drawn boxes.
 */
import { FAMILIES, TIMELINE } from './facts';
import { formatCount } from './compute';

export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface LabelledMark {
  name: string;
  /** The dot's centre, in the chart's viewBox units. */
  cx: number;
  cy: number;
}

export interface PlacedLabel {
  /** The text's anchor point and side: `start` reads rightwards from x, `end` leftwards. */
  x: number;
  y: number;
  anchor: 'start' | 'end';
  /** The label moved off its dot's line: draw a leader line from the dot to it. */
  leader: boolean;
  box: Box;
}

const CHAR_EM = 0.6;
const CAPITAL_EM = 0.72;
const NARROW_EM = 0.34;
/** A drawn label's box around its baseline (measured: 0.94 em above, 0.24 below), and the line step. */
const ASCENT_EM = 0.96;
const DESCENT_EM = 0.26;
const LINE_EM = 1.25;
/** Gap between a dot's edge and its label. */
const GAP = 3;
/** Lines above and below the dot a label may move to before it gives up. */
const MAX_SHIFT = 4;

export function labelWidth(name: string, text: number): number {
  let em = 0;
  // Capitals (the names are mostly acronyms) run wider than the average letter; spaces and dots narrower.
  for (const ch of name) em += /[A-Z]/.test(ch) ? CAPITAL_EM : /[\s.,:-]/.test(ch) ? NARROW_EM : CHAR_EM;
  return em * text;
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

function inside(box: Box, bounds: Box): boolean {
  return box.left >= bounds.left && box.right <= bounds.right && box.top >= bounds.top && box.bottom <= bounds.bottom;
}

/**
 * Labels for `marks` in the order given (place the most important first), avoiding the dots (radius
 * `dot`), everything in `taken` (other labels already drawn) and each other, within `bounds`.
 */
export function placeLabels(marks: readonly LabelledMark[], options: { text: number; dot: number; bounds: Box; taken?: readonly Box[] }): PlacedLabel[] {
  const { text, dot, bounds } = options;
  const line = text * LINE_EM;
  const occupied: Box[] = [...(options.taken ?? []), ...marks.map((m) => ({ left: m.cx - dot, right: m.cx + dot, top: m.cy - dot, bottom: m.cy + dot }))];
  const placed: PlacedLabel[] = [];
  for (const mark of marks) {
    const width = labelWidth(mark.name, text);
    const candidates: PlacedLabel[] = [];
    // Right, then left, on the dot's line; then each line further away, below before above.
    for (let shift = 0; shift <= MAX_SHIFT; shift++) {
      for (const direction of shift === 0 ? [0] : [1, -1]) {
        const baseline = mark.cy + text * 0.35 + direction * shift * line;
        const top = baseline - text * ASCENT_EM;
        const bottom = baseline + text * DESCENT_EM;
        const right = mark.cx + dot + GAP;
        const left = mark.cx - dot - GAP;
        candidates.push({ x: right, y: baseline, anchor: 'start', leader: shift > 0, box: { left: right, right: right + width, top, bottom } });
        candidates.push({ x: left, y: baseline, anchor: 'end', leader: shift > 0, box: { left: left - width, right: left, top, bottom } });
      }
    }
    const cost = (c: PlacedLabel) => (inside(c.box, bounds) ? 0 : 1e9) + occupied.reduce((sum, b) => sum + overlap(c.box, b), 0);
    const best = candidates.find((c) => cost(c) === 0) ?? candidates.reduce((a, b) => (cost(b) < cost(a) ? b : a));
    occupied.push(best.box);
    placed.push(best);
  }
  return placed;
}

export interface EmbeddedPoint {
  name: string;
  params: number;
  family: 'decoder' | 'encoder';
  /** Read from the model's config. */
  layers: number;
}

/** The chart's viewBox and plot margins. */
export const W = 760;
export const H = 300;
export const PAD = { left: 56, right: 16, top: 12, bottom: 34 };
const MIN_EXP = 6; // 1M
const MAX_EXP = 12; // 1T
export const YEARS = [2017, 2018, 2019, 2020, 2021, 2022, 2023, 2026];

/** y of a parameter count on the log axis; tiny models sit on the bottom edge. */
export function logY(params: number, height = H): number {
  const e = Math.min(MAX_EXP, Math.max(MIN_EXP, Math.log10(params)));
  return PAD.top + ((MAX_EXP - e) / (MAX_EXP - MIN_EXP)) * (height - PAD.top - PAD.bottom);
}

/** x of a year: the first year sits a little inside the plot, clear of the axis labels and the edge. */
function yearX(year: number): number {
  return PAD.left + ((year - 2016.6) / (2026.6 - 2016.6)) * (W - PAD.left - PAD.right);
}

/** Everything the chart draws, placed for labels `text` viewBox units high. */
export function scaleChartLayout(embedded: readonly EmbeddedPoint[], text: number) {
  const line = text * 1.1;
  const points = [
    ...FAMILIES.filter((f) => f.params !== null).map((f) => ({ name: f.name, year: f.year, params: f.params!, family: f.family as string })),
    ...TIMELINE.map((t) => ({ name: t.name, year: t.year, params: t.params, family: 'other' })),
  ];
  // Points of one year sit side by side; labels go where they cover no dot and no other label.
  const perYear = new Map<number, number>();
  const dots = points
    .sort((a, b) => b.params - a.params)
    .map((p) => {
      const k = perYear.get(p.year) ?? 0;
      perYear.set(p.year, k + 1);
      return { ...p, cx: yearX(p.year) + ((k % 3) - 1) * 12, cy: logY(p.params) };
    });
  // The models running here: squares at "here", each label to its left, stacked a line apart.
  const here = embedded.map((m, i) => {
    const square = { x: yearX(2026) - 6 + i * 4, y: logY(m.params) - 6 - i * line };
    const label = { x: yearX(2026) - 12, y: logY(m.params) + 4 - i * line, text: `${m.name} ${formatCount(m.params)}` };
    const labelBox = { left: label.x - labelWidth(label.text, text), right: label.x, top: label.y - text * ASCENT_EM, bottom: label.y + text * DESCENT_EM };
    return { m, square, label, boxes: [labelBox, { left: square.x, right: square.x + 12, top: square.y, bottom: square.y + 12 }] };
  });
  const labels = placeLabels(dots, {
    text,
    dot: 5,
    bounds: { left: PAD.left, right: W - PAD.right, top: 0, bottom: H - 22 },
    taken: here.flatMap((h) => h.boxes),
  });
  return { x: yearX, dots, here, labels };
}
