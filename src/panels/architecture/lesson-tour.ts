/**
 * The guided tour of the lesson: a card at the bottom of the screen that walks through the steps of
 * tour-steps.ts, points at each one's live element (scrolled into view and outlined) and says what to
 * see there. Buttons and the arrow keys move it; Esc closes it. Each step is in the URL
 * (`architecture_tour=k`), so a link opens the lesson on it. In presentation mode the panel shows the
 * step's slide (the `tour-step` event) and leaves room for the card.
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { findTarget, TOUR_PARAM, TOUR_STEPS, type TourStep } from './tour-steps';
import { listenWhileConnected } from '../listen-while-connected';

/** Pixels left above a step's element when it is scrolled to: its outline and the heading just above it. */
const TOP_ROOM = 56;

export type TourStepDetail = Pick<TourStep, 'section' | 'part'>;

@localized()
@customElement('tl-lesson-tour')
export class LessonTour extends LitElement {
  /** The step shown (0-based), or null while the tour is closed. */
  @state() step: number | null = null;
  /** The outline drawn over the step's element, in viewport pixels. */
  @state() private spot: { left: number; top: number; width: number; height: number } | null = null;
  private follow: ReturnType<typeof setInterval> | undefined;
  /** The step whose element was scrolled into view: it is scrolled once, then left where the reader puts it. */
  private scrolled: number | null = null;

  static override styles = [buttonStyles, css`
    :host { display: contents; }
    .card { position: fixed; z-index: 30; left: 50%; transform: translateX(-50%); bottom: 0.75rem; width: min(52rem, calc(100vw - 2rem));
      max-height: 36vh; overflow: auto; box-sizing: border-box; padding: 0.6rem 1rem 0.7rem; border-radius: 10px;
      background: var(--panel, #fff); color: var(--fg); border: 2px solid var(--accent); box-shadow: 0 6px 24px rgb(0 0 0 / 35%); }
    .head { display: flex; align-items: baseline; gap: 0.8rem; }
    h2 { font-size: 1.1em; margin: 0 0 0.3rem; flex: 1; }
    h2:focus { outline: none; }
    .position { font-variant-numeric: tabular-nums; color: var(--muted); white-space: nowrap; }
    p { margin: 0 0 0.5rem; line-height: 1.4; }
    .nav { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
    .nav .keys { color: var(--muted); font-size: 0.85em; }
    :host { --button-padding: 0.25rem 0.8rem; }
    .spot { position: fixed; z-index: 29; pointer-events: none; border: 3px solid var(--accent); border-radius: 8px;
      box-shadow: 0 0 0 4px color-mix(in srgb, var(--accent) 30%, transparent); }
  `];

  /** Height of the card, so that a slide can leave room for it. */
  get reservedHeight(): number {
    const card = this.renderRoot.querySelector<HTMLElement>('.card');
    return card ? card.getBoundingClientRect().height + 12 : 0;
  }

  get active(): boolean {
    return this.step !== null;
  }

  /** The slide of the step shown, for presentation mode. */
  get currentSlide(): TourStepDetail | null {
    if (this.step === null) return null;
    const { section, part } = TOUR_STEPS[this.step];
    return { section, part };
  }

  constructor() {
    super();
    listenWhileConnected(this, document, 'keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    clearInterval(this.follow);
    // Leaving the lesson (another tab) ends the tour: the URL no longer names a step.
    if (this.step !== null) {
      this.step = null;
      this.writeUrl();
    }
    super.disconnectedCallback();
  }

  /** Opens the tour on step `step` (0-based). */
  start(step = 0): void {
    this.show(step);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h2')?.focus());
  }

  close(): void {
    this.step = null;
    this.spot = null;
    this.scrolled = null;
    clearInterval(this.follow);
    this.writeUrl();
    this.dispatchEvent(new CustomEvent('tour-close', { bubbles: true, composed: true }));
  }

  private show(step: number): void {
    this.step = Math.min(TOUR_STEPS.length - 1, Math.max(0, step));
    this.scrolled = null;
    this.writeUrl();
    this.dispatchEvent(new CustomEvent<TourStepDetail>('tour-step', { detail: this.currentSlide!, bubbles: true, composed: true }));
    clearInterval(this.follow);
    // The element may be drawn later (predictions, maps) or move (a slide's fit): follow it.
    this.follow = setInterval(() => this.place(), 250);
    requestAnimationFrame(() => this.place());
  }

  private go(delta: number): void {
    if (this.step === null) return;
    const next = this.step + delta;
    if (next < 0 || next >= TOUR_STEPS.length) return;
    this.show(next);
  }

  private writeUrl(): void {
    const url = new URL(location.href);
    if (this.step === null) url.searchParams.delete(TOUR_PARAM);
    else url.searchParams.set(TOUR_PARAM, String(this.step + 1));
    history.replaceState(history.state, '', url);
  }

  /** Outlines the step's element, and scrolls it to the top of the screen once (above the card). */
  private place(): void {
    if (this.step === null) return;
    const root = this.getRootNode() as ShadowRoot | Document;
    const target = findTarget(root instanceof ShadowRoot ? root : document.documentElement, TOUR_STEPS[this.step]);
    const r = target?.getBoundingClientRect();
    if (!target || !r || (!r.width && !r.height)) {
      this.spot = null;
      return;
    }
    if (this.scrolled !== this.step) {
      this.scrolled = this.step;
      target.scrollIntoView({ block: 'start', behavior: 'instant' });
      // Room above it for the outline and the heading that names it (a slide fits and does not scroll).
      if (target.getBoundingClientRect().top < TOP_ROOM) window.scrollBy({ top: target.getBoundingClientRect().top - TOP_ROOM, behavior: 'instant' });
    }
    const box = target.getBoundingClientRect();
    const spot = { left: box.left - 6, top: box.top - 6, width: box.width + 12, height: box.height + 12 };
    const s = this.spot;
    if (!s || s.left !== spot.left || s.top !== spot.top || s.width !== spot.width || s.height !== spot.height) this.spot = spot;
  }

  private readonly onKey = (event: KeyboardEvent) => {
    if (this.step === null || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (event.key === 'ArrowRight' || event.key === 'PageDown') this.go(1);
    else if (event.key === 'ArrowLeft' || event.key === 'PageUp') this.go(-1);
    else if (event.key === 'Escape') this.close();
    else return;
    event.preventDefault();
    // The panel's own presentation keys must not move the slide under the tour.
    event.stopImmediatePropagation();
  };

  override render() {
    if (this.step === null) return nothing;
    const step = TOUR_STEPS[this.step];
    const last = this.step === TOUR_STEPS.length - 1;
    const s = this.spot;
    return html`
      ${s ? html`<div class="spot" data-testid="tour-spot" style="left:${s.left}px;top:${s.top}px;width:${s.width}px;height:${s.height}px"></div>` : nothing}
      <div class="card" role="region" aria-label=${msg('Guided tour')} data-testid="tour" data-step=${step.id}>
        <div class="head"><h2 tabindex="-1" aria-live="polite">${step.title()}</h2>
          <span class="position" data-testid="tour-position" aria-label=${msg(str`Step ${this.step + 1} of ${TOUR_STEPS.length}`)}>${this.step + 1} / ${TOUR_STEPS.length}</span></div>
        <p>${step.text()}</p>
        <div class="nav">
          <button @click=${() => this.go(-1)} ?disabled=${this.step === 0}>← ${msg('Back')}</button>
          ${last ? html`<button class="primary" @click=${() => this.close()}>${msg('Finish the tour')}</button>`
            : html`<button class="primary" data-testid="tour-next" @click=${() => this.go(1)}>${msg('Next')} →</button>`}
          <button @click=${() => this.close()}>${msg('Close (Esc)')}</button>
          <span class="keys">${msg('Arrow keys ← → move the tour.')}</span>
        </div>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-lesson-tour': LessonTour;
  }
}
