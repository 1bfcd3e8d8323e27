/**
 * At 1280×720, a common laptop and projector size, the chat's live figures and its generation settings
 * are on screen beside the conversation after a reply, without scrolling, in both languages.
 */
import { test, expect, openApp } from './fixtures';

const VIEWPORT = { width: 1280, height: 720 };

for (const locale of ['en', 'zh-Hans'] as const) {
  test(`live figures and settings are visible at 1280×720 without scrolling (${locale})`, async ({ page, backend }) => {
    await page.setViewportSize(VIEWPORT);
    // The language the visitor chose before, as the locale switch remembers it.
    await page.addInitScript((chosen) => localStorage.setItem('tl-locale', chosen), locale);
    await openApp(page, { backend, temperature: 0, max_new_tokens: 16 });
    await expect(page.getByTestId('backend-badge')).toHaveText(backend);
    // Typed into the composer by its place, not its label, which is in the page's language.
    const composer = page.locator('tl-chat-panel textarea');
    await composer.fill('Once upon a time');
    await composer.press('Enter');
    await expect(page.locator('[data-role=assistant]').first()).toHaveAttribute('data-streaming', 'false', { timeout: 180_000 });

    const stats = page.getByTestId('run-stats');
    const settings = page.locator('tl-chat-settings fieldset');
    await expect(stats).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', locale === 'en' ? 'en' : 'zh-Hans');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    for (const [name, element] of [['live figures', stats], ['generation settings', settings]] as const) {
      const box = await element.boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0);
      expect(box!.x, `${name} left`).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(VIEWPORT.height);
      expect(box!.x + box!.width, `${name} right`).toBeLessThanOrEqual(VIEWPORT.width);
    }
  });
}
