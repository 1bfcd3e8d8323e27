/**
 * Type sizes for a projector (issue 14): in presentation mode no label of the lesson is drawn below
 * PROJECTOR_MIN_LABEL_PX. The panel sets `--label-min` to it while presenting; each component's
 * secondary text (hints, captions, table cells) is sized with `labelSize`, which keeps its relative
 * size on a screen and never goes below that minimum on a projector.
 */
import { css, unsafeCSS, type CSSResult } from 'lit';

export const PROJECTOR_MIN_LABEL_PX = 18;
/** Token labels of attention maps on a screen (normal mode). */
export const SCREEN_MIN_LABEL_PX = 12;

/** `em` of the parent's size, but at least `--label-min` (0 outside presentation mode). */
export function labelSize(em: number): CSSResult {
  return unsafeCSS(`max(${em}em, var(--label-min, 0px))`);
}

/**
 * A part of a component that another slide shows is `hidden`; a component's own `display` rules
 * would otherwise show it anyway.
 */
export const hiddenParts = css`
  [hidden] { display: none !important; }
`;
