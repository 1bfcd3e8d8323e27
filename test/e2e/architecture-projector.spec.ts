/**
 * Projector-ready (issue 14, item 4): at 1280×720 and 1920×1080, in English and 中文, every slide of
 * presentation mode fits the screen: nothing to scroll, nothing cut off on the right.
 */
import { test, expect } from './fixtures';

for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
  for (const lang of ['en', 'zh'] as const) {
    test(`every slide fits ${width}×${height} in ${lang}`, async ({ page, backend }) => {
      test.skip(backend === 'webgpu', 'layout only: one backend is enough');
      await page.setViewportSize({ width, height });
      await page.goto('./?panel=architecture&backend=wasm');
      if (lang === 'zh') await page.getByRole('button', { name: '中文' }).click();
      await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
      await expect(page.getByTestId('ernie-bert-table')).toBeVisible({ timeout: 60_000 });
      await page.getByTestId('present').click();
      const slides = 7;
      for (let s = 0; s < slides; s++) {
        const id = await page.locator('section.current').getAttribute('data-section');
        const measure = () => page.locator('tl-architecture-panel').evaluate((host) => {
          const overflowing: string[] = [];
          const visit = (root: ShadowRoot | Element) => {
            for (const el of root.querySelectorAll('*')) {
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.height > 0 && r.right > window.innerWidth + 1) overflowing.push(`${el.tagName.toLowerCase()}.${el.className} right ${Math.round(r.right)}`);
              if (el.shadowRoot) visit(el.shadowRoot);
            }
          };
          visit(host.shadowRoot!);
          return { scroll: host.scrollHeight, client: host.clientHeight, doc: document.documentElement.scrollHeight, view: window.innerHeight, overflowing: overflowing.slice(0, 5) };
        });
        // The slide settles once its content has arrived (predictions, maps) and been fitted.
        await expect.poll(async () => {
          const fit = await measure();
          return { scrolls: fit.scroll > fit.client, pageScrolls: fit.doc > fit.view, cutOff: fit.overflowing };
        }, { message: `slide ${id}`, timeout: 5_000 }).toEqual({ scrolls: false, pageScrolls: false, cutOff: [] });
        await page.keyboard.press('ArrowRight');
      }
    });
  }
}

test('normal mode uses a wide screen, not a narrow column', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'layout only: one backend is enough');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./?panel=architecture&backend=wasm');
  const box = await page.locator('tl-architecture-panel').boundingBox();
  expect(box!.width).toBeGreaterThan(1600);
});
