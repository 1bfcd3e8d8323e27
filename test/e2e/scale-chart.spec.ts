/**
 * The scale chart on a projector (issue 24, item 4): alone on its slide, in presentation mode, its
 * drawn labels cover no dot and no other label, "2017" and every label stay inside the chart, and at
 * 1920×1080 the chart uses the width (it filled under half of it before).
 */
import { test, expect } from './fixtures';

for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
  test(`the scale chart at ${width}×${height}: labels clear of dots and of each other, inside the chart`, async ({ page, backend }) => {
    test.skip(backend === 'webgpu', 'layout only: one backend is enough');
    await page.setViewportSize({ width, height });
    await page.goto('./?panel=architecture&backend=wasm');
    await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
    await page.getByTestId('present').click();
    for (let k = 0; k < 40 && (await page.locator('section.current').getAttribute('data-section')) !== 'scale'; k++) await page.keyboard.press('ArrowRight');
    const chart = page.getByTestId('scale-chart');
    await expect(chart).toBeVisible();
    await expect(chart.getByTestId('embedded-point')).toHaveCount(3);
    const found = await chart.evaluate((svg) => {
      const rect = (el: Element) => el.getBoundingClientRect();
      const hit = (a: DOMRect, b: DOMRect) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
      const labels = [...svg.querySelectorAll('[data-testid=scale-label]')].map((t) => ({ name: t.textContent ?? '', box: rect(t) }));
      const dots = [...svg.querySelectorAll('circle, rect')].map((d) => ({ name: d.textContent || d.parentElement?.textContent?.trim() || '', box: rect(d) }));
      const chartBox = rect(svg);
      const problems: string[] = [];
      for (const [i, label] of labels.entries()) {
        for (const dot of dots) if (hit(label.box, dot.box)) problems.push(`${label.name} covers ${dot.name.slice(0, 30)}`);
        for (const other of labels.slice(0, i)) if (hit(label.box, other.box)) problems.push(`${label.name} covers ${other.name}`);
      }
      for (const text of svg.querySelectorAll('text')) {
        const box = rect(text);
        if (box.left < chartBox.left || box.right > chartBox.right) problems.push(`${text.textContent} crosses the chart's edge`);
      }
      return { problems, share: chartBox.width / window.innerWidth };
    });
    expect(found.problems).toEqual([]);
    if (width === 1920) expect(found.share).toBeGreaterThan(0.6);
  });
}
