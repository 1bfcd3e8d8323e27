/**
 * A safety net, not the layout: slides are cut (slides.ts) so that each fits a 1280×720 projector
 * at full size with 18 px labels. Should one not (a very long sentence), the current section is
 * zoomed down until nothing scrolls or sticks out on the right. Its extent is measured at full
 * size (content arrives later, and a part shown a moment ago may be gone) over every element
 * inside, through the components' shadow roots; the zoom is set again in the same task, so the
 * full-size layout is never painted.
 *
 * A slide's content changes when the panel renders, when a reply of the analysis worker reaches a
 * component inside it (predictions, maps), or when something resizes (full screen, the window, a
 * component's own view switch): each of these refits, in the next frame; nothing polls.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface SlideFitHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly presenting: boolean;
  /** Height the slide may not use below it (navigation, the tour's card). */
  reservedHeight(): number;
}

export class SlideFit implements ReactiveController {
  private frame = 0;
  private readonly resizes = new ResizeObserver(() => this.schedule());
  private observed: Element | null = null;
  private stopReplies: (() => void) | null = null;

  /** `onReply` subscribes to the analysis worker's replies and returns the unsubscribe. */
  constructor(
    private readonly host: SlideFitHost,
    private readonly onReply: (listener: () => void) => () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.resizes.observe(this.host);
    this.stopReplies = this.onReply(() => this.schedule());
  }

  hostDisconnected(): void {
    this.resizes.disconnect();
    this.observed = null;
    this.stopReplies?.();
    cancelAnimationFrame(this.frame);
  }

  hostUpdated(): void {
    const section = this.currentSection();
    for (const el of this.host.renderRoot.querySelectorAll<HTMLElement>('section')) if (el !== section) el.style.zoom = '';
    if (section !== this.observed) {
      if (this.observed) this.resizes.unobserve(this.observed);
      if (section) this.resizes.observe(section);
      this.observed = section;
    }
    // Now for this frame, and again once the components inside have rendered what they were just given.
    this.fit();
    this.schedule();
  }

  private currentSection(): HTMLElement | null {
    return this.host.presenting ? this.host.renderRoot.querySelector<HTMLElement>('section.current') : null;
  }

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    if (this.host.presenting) this.frame = requestAnimationFrame(() => this.fit());
  }

  private fit(): void {
    const section = this.currentSection();
    if (!section) return;
    const style = getComputedStyle(this.host);
    const height = this.host.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - this.host.reservedHeight();
    section.style.zoom = '';
    const origin = section.getBoundingClientRect();
    let right = origin.right;
    let bottom = origin.bottom;
    const visit = (root: Element | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        // A region that scrolls on its own (a long sentence's line view) counts by its own box only.
        if (el.parentElement?.closest('[data-scroll-box]')) continue;
        const r = el.getBoundingClientRect();
        if (r.width && r.height) {
          right = Math.max(right, r.right);
          bottom = Math.max(bottom, r.bottom);
        }
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(section);
    const scale = Math.floor(Math.min(1, origin.width / (right - origin.left), height / (bottom - origin.top)) * 100) / 100;
    if (scale < 1) section.style.zoom = String(scale);
  }
}
