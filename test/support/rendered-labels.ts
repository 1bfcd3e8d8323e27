/**
 * The size at which each visible text label is actually drawn on screen, for the projector tests
 * (issue 14: labels ≥ 18 px in presentation mode). A label's rendered size is its computed
 * font-size times every CSS zoom and transform scale on its way to the screen (the slide fitting
 * zooms whole sections down, and a zoom inside a shadow root counts as well); SVG text is scaled
 * by its drawing's viewBox. Runs in the page: pass `renderedLabels` to `locator.evaluate`, which
 * serialises it, so it must not use anything from outside its own body.
 */
export interface RenderedLabel {
  /** tag.class[data-testid] of the element that holds the text. */
  element: string;
  /** Its text, shortened. */
  text: string;
  /** Rendered font size in CSS pixels of the page. */
  px: number;
}

export function renderedLabels(root: Element): RenderedLabel[] {
  const labels: RenderedLabel[] = [];
  /** The element one level up in the rendered (flat) tree: a slotted node's slot, a shadow root's host. */
  const up = (el: Element): Element | null => el.assignedSlot ?? el.parentElement ?? ((el.parentNode as ShadowRoot | null)?.host ?? null);
  const transformScale = (el: Element): number => {
    let scale = 1;
    for (let at: Element | null = el; at; at = up(at)) {
      const t = getComputedStyle(at).transform;
      if (t && t !== 'none') {
        const m = new DOMMatrixReadOnly(t);
        scale *= Math.sqrt(m.a * m.a + m.b * m.b);
      }
    }
    return scale;
  };
  const cssZoom = (el: Element): number => {
    // Chromium's standardized zoom reports the product of every zoom above; multiply them otherwise.
    const own = (el as Element & { currentCSSZoom?: number }).currentCSSZoom;
    if (typeof own === 'number') return own;
    let zoom = 1;
    for (let at: Element | null = el; at; at = up(at)) zoom *= Number(getComputedStyle(at).zoom) || 1;
    return zoom;
  };
  const name = (el: Element) => {
    const id = el.getAttribute('data-testid');
    const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    return `${el.tagName.toLowerCase()}${cls}${id ? `[data-testid=${id}]` : ''}`;
  };
  const visit = (node: Element | ShadowRoot) => {
    for (const el of node.querySelectorAll('*')) {
      if (el.shadowRoot) visit(el.shadowRoot);
      const ownText = [...el.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE).map((c) => c.textContent ?? '').join('').trim();
      const control = /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && (el as HTMLInputElement).type !== 'range';
      if (!ownText && !control) continue;
      if (el.tagName === 'OPTION' || el.tagName === 'TITLE' || el.tagName === 'STYLE' || el.tagName === 'SCRIPT') continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!rect.width || !rect.height || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const fontSize = parseFloat(style.fontSize);
      let px: number;
      const svg = el instanceof SVGElement ? el.ownerSVGElement : null;
      if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
        // The drawing's rendered width (zoom included) over its viewBox width scales its user units.
        px = fontSize * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
      } else {
        px = fontSize * cssZoom(el) * transformScale(el);
      }
      const text = ownText || (el as HTMLInputElement).value || '';
      labels.push({ element: name(el), text: text.length > 40 ? `${text.slice(0, 40)}…` : text, px: Math.round(px * 10) / 10 });
    }
  };
  visit(root.shadowRoot ?? root);
  return labels;
}
