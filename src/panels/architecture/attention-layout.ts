/**
 * How an attention map is laid out: its side, and whether it is drawn as a grid or as lines.
 *
 * The rule (one place): a grid is readable while one cell is at least one label line tall
 * (LABEL_LINE × the label size), because each row's token label sits beside its cell and would
 * otherwise overlap the next one. Below that the map is drawn as lines (BertViz's head view), whose
 * rows are one label line each whatever the map's side. Labels are 12 px on a screen and 18 px on
 * a projector, so the grid holds up to 29 tokens on a screen and fewer on a projector.
 */
export const LABEL_LINE = 1.2;

export type AttentionLayout = 'grid' | 'lines';

/** Side of the square map in CSS pixels: on a screen it grows with the sentence; on a projector, with the screen's height. */
export function mapSide(tokens: number, presenting: boolean, viewportHeight: number): number {
  if (presenting) return Math.round(viewportHeight * 0.5);
  return Math.min(420, Math.max(200, tokens * 28));
}

export function gridReadable(tokens: number, side: number, labelPx: number): boolean {
  return tokens > 0 && side / tokens >= labelPx * LABEL_LINE;
}

export function automaticLayout(tokens: number, side: number, labelPx: number): AttentionLayout {
  return gridReadable(tokens, side, labelPx) ? 'grid' : 'lines';
}
