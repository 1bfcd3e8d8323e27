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

/** A projector this wide or wider gets maps and tables spread over its width, not only its height. */
export const WIDE_SLIDE_PX = 1600;

/**
 * Width of the map in CSS pixels: its side (square cells), except on a wide projector, where the
 * height limits the side to about half the width: there the cells widen so the map spans about 58 %
 * of the screen, beside its pickers, instead of leaving half of it empty.
 */
export function mapWidth(side: number, presenting: boolean, viewportWidth: number): number {
  return presenting && viewportWidth >= WIDE_SLIDE_PX ? Math.max(side, Math.round(viewportWidth * 0.58)) : side;
}

/** The gap the lines view draws its lines across: wider on a wide projector, for the same reason. */
export function linesBand(presenting: boolean, viewportWidth: number): number {
  if (!presenting) return 180;
  return viewportWidth >= WIDE_SLIDE_PX ? Math.round(viewportWidth * 0.4) : 320;
}

export function gridReadable(tokens: number, side: number, labelPx: number): boolean {
  return tokens > 0 && side / tokens >= labelPx * LABEL_LINE;
}

export function automaticLayout(tokens: number, side: number, labelPx: number): AttentionLayout {
  return gridReadable(tokens, side, labelPx) ? 'grid' : 'lines';
}
