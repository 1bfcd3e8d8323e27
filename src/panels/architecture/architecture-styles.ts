/** The architecture panel's styles (its slides, presentation mode and the projector's label floor). */
import { css, unsafeCSS } from 'lit';
import { PROJECTOR_MIN_LABEL_PX } from './projector';
import { WIDE_SLIDE_PX } from './attention-layout';

export const architecturePanelStyles = css`
    :host { display: block; }
    .toolbar { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: end; margin-bottom: 0.75rem; }
    label { display: flex; flex-direction: column; font-size: 0.8em; gap: 0.2rem; color: var(--muted); }
    input[type='text'] { font: inherit; min-width: min(34rem, 80vw); padding: 0.35rem 0.5rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); }
    :host { --button-padding: 0.35rem 0.7rem; }
    select { font: inherit; padding: 0.35rem 0.7rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); cursor: pointer; }
    nav.toc { display: flex; flex-wrap: wrap; gap: 0.3rem; margin-bottom: 0.75rem; }
    nav.toc a { color: var(--accent); font-size: 0.85em; }
    section { border-top: 1px solid var(--border); padding: 0.75rem 0 1.25rem; }
    h2 { font-size: 1.15em; margin: 0 0 0.6rem; }
    /* Titles take focus so a screen reader reads the slide; they are not controls, so no focus ring. */
    h2[tabindex='-1']:focus { outline: none; }
    .two { display: grid; grid-template-columns: 1fr 1fr; gap: 1.25rem; }
    .two > div { min-width: 0; }
    h3 { font-size: 1em; margin: 0 0 0.4rem; }
    .status { color: var(--muted); }
    .error { color: var(--error); border: 1px solid var(--error); border-radius: 6px; padding: 0.4rem 0.6rem; }
    .note { color: var(--muted); font-size: 0.9em; max-width: 60rem; }
    .slide-nav { display: none; }
    @media (max-width: 760px) { .two { grid-template-columns: 1fr; } }

    /* Presentation: one slide, large type, high contrast, arrow keys. */
    :host([presenting]) { position: fixed; inset: 0; z-index: 10; overflow: auto; padding: 1rem 2.5rem; font-size: clamp(20px, 1.6vw, 40px);
      --label-min: ${unsafeCSS(PROJECTOR_MIN_LABEL_PX)}px;
      --fg: #ffffff; --bg: #000000; --panel: #000000; --field: #111111; --border: #bfbfbf; --muted: #e0e0e0; --accent: #ffd60a; --on-accent: #000000; --badge: #333333; --error: #ff8a80;
      /* A right guess, 13:1 on black: bright enough for a projector. */
      --correct: #7ee2a0;
      background: #000; color: #fff; }
    :host([presenting]) .toolbar, :host([presenting]) tl-lesson-models, :host([presenting]) nav.toc { display: none; }
    :host([presenting]) section { display: none; border: none; }
    :host([presenting]) section.current { display: block; padding: 0; }
    :host([presenting]) h2 { font-size: 1.6em; }
    /* A slide shows one part of a two-model comparison: it takes the whole width. */
    :host([presenting]) .two { grid-template-columns: minmax(0, 1fr); }
    /*
     * A wide projector (1920×1080): the height limits a slide before its width does, so the tables,
     * grids and maps read these to spread over the width (bigger cells) instead of leaving half of it
     * empty. The same rule as the attention map's (attention-layout.ts, WIDE_SLIDE_PX).
     */
    @media (min-width: ${unsafeCSS(WIDE_SLIDE_PX)}px) {
      :host([presenting]) { --wide-table: 100%; --wide-grid: 62%; --wide-cell-height: 1.25em; --wide-beside: minmax(0, 1.8fr); }
    }
    :host([presenting]) .slide-nav { display: flex; gap: 1rem; align-items: center; position: sticky; top: 0; background: #000; padding-bottom: 0.5rem; z-index: 1; }
`;
