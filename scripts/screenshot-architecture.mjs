/* global document, window */
// Makes docs/architecture-{en,zh}.png (1280×800, the panel's first screen) and
// docs/architecture-{en,zh}-full.png (the whole panel), from the built app on its embedded models.
// Usage: npm run build && node scripts/screenshot-architecture.mjs   (TL_OUT_DIR=dist-arch to use another build)
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { chromiumLaunchOptions, gotoWhenServerIsUp } from '../test/support/chromium.mjs';

const port = Number(process.env.TL_SHOT_PORT ?? 4298);
const outDir = process.env.TL_OUT_DIR ?? 'dist';
const server = await preview({ logLevel: 'error', preview: { host: '127.0.0.1', port, strictPort: true }, build: { outDir } });
try {
  const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: false }));
  for (const [lang, locale] of [['en', 'en-US'], ['zh', 'zh-CN']]) {
    // The browser language picks the interface language, as for a first-time visitor.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale });
    await gotoWhenServerIsUp(page, `http://127.0.0.1:${port}/?panel=architecture&backend=wasm`);
    await page.getByTestId('column-encoder').waitFor({ timeout: 120_000 });
    await page.getByTestId('prefix-change').filter({ hasNotText: '…' }).waitFor({ timeout: 120_000 });
    // A lecture in progress: three generated tokens, one masked word, one explanation card open.
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('n');
      await page.waitForFunction((n) => {
        const text = document.querySelector('tl-app')?.shadowRoot?.querySelector('tl-architecture-panel')?.shadowRoot
          ?.querySelector('tl-next-token')?.shadowRoot?.querySelector('[data-testid=generated-text]');
        return text?.getAttribute('data-busy') === 'false' && JSON.parse(text.getAttribute('data-generated-ids') ?? '[]').length === n;
      }, i + 1);
    }
    await page.locator('tl-masked-lm button[data-index="3"]').click();
    await page.locator('[data-testid^=mask-predictions-]').waitFor();
    await page.locator('tl-arch-diagram button.attn').first().click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `docs/architecture-${lang}.png` });
    await page.screenshot({ path: `docs/architecture-${lang}-full.png`, fullPage: true });
    await page.close();
    console.log(`wrote docs/architecture-${lang}.png and docs/architecture-${lang}-full.png`);
  }
  await browser.close();
} finally {
  await server.close();
}
