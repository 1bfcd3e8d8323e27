/* global document */
// Makes the README's screenshots of the architecture panel: a few slides of presentation mode at
// 1920×1080 (a projector's size), in English and 中文, from the built app on its embedded models:
// docs/architecture-{en,zh}-{slide}.png, one per entry of SLIDES.
// Usage: npm run build && node scripts/screenshot-architecture.mjs   (TL_OUT_DIR=dist-arch to use another build)
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { chromiumLaunchOptions, gotoWhenServerIsUp } from '../test/support/chromium.mjs';

const VIEWPORT = { width: 1920, height: 1080 };
/** File name → the slide's section and part (src/panels/architecture/slides.ts); `layout` picks grid or lines, `layer` the map's layer (from 0), `focusQuery` a token whose lines alone show. */
const SLIDES = {
  'next-token': { section: 'tasks', part: 'decoder' },
  attention: { section: 'attention', part: 'decoder-map' },
  // Layer 2: its heads spread their weight, where layer 1's mostly look at the token itself.
  'attention-lines': { section: 'attention', part: 'encoder-map', layout: 'lines', layer: 1, focusQuery: 6 },
  'ernie-bert': { section: 'ernie', part: 'compare' },
};

const port = Number(process.env.TL_SHOT_PORT ?? 4298);
const outDir = process.env.TL_OUT_DIR ?? 'dist';
const server = await preview({ logLevel: 'error', preview: { host: '127.0.0.1', port, strictPort: true }, build: { outDir } });
try {
  const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: false }));
  for (const [lang, locale] of [['en', 'en-US'], ['zh', 'zh-CN']]) {
    // The browser language picks the interface language, as for a first-time visitor.
    const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light', locale });
    await gotoWhenServerIsUp(page, `http://127.0.0.1:${port}/?panel=architecture&backend=wasm`);
    await page.getByTestId('column-encoder').waitFor({ timeout: 120_000 });
    await page.getByTestId('ernie-bert-table').waitFor({ timeout: 120_000 });
    await page.getByTestId('prefix-change').filter({ hasNotText: '…' }).waitFor({ timeout: 120_000 });
    // A lecture in progress: three generated tokens.
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('n');
      await page.waitForFunction((n) => {
        const text = document.querySelector('tl-app')?.shadowRoot?.querySelector('tl-architecture-panel')?.shadowRoot
          ?.querySelector('tl-next-token')?.shadowRoot?.querySelector('[data-testid=generated-text]');
        return text?.getAttribute('data-busy') === 'false' && JSON.parse(text.getAttribute('data-generated-ids') ?? '[]').length === n;
      }, i + 1);
    }
    await page.getByTestId('present').click();
    for (const [name, { section, part, layout, layer, focusQuery }] of Object.entries(SLIDES)) {
      const current = page.locator('section.current');
      for (let step = 0; step < 30; step++) {
        if ((await current.getAttribute('data-section')) === section && (await current.getAttribute('data-part')) === part) break;
        await page.keyboard.press('ArrowRight');
      }
      if (layout) await page.locator(`section.current [data-part=encoder] button[data-layout=${layout}]`).click();
      if (layer !== undefined) await page.locator('section.current [data-part=encoder] tl-attention-view select').first().selectOption({ index: layer });
      // Away from the slide's content, so no token is hovered; then a moment for late content and the fit.
      await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
      // One query's lines only, as when the lecturer tabs to a token.
      if (focusQuery !== undefined) await page.locator(`section.current [data-part=encoder] button[data-side=query][data-index="${focusQuery}"]`).focus();
      await page.waitForTimeout(1500);
      const path = `docs/architecture-${lang}-${name}.png`;
      await page.screenshot({ path });
      console.log(`wrote ${path}`);
    }
    await page.close();
  }
  await browser.close();
} finally {
  await server.close();
}
