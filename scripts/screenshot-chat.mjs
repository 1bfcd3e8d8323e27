// Makes docs/chat.png: the built app on its embedded default model, after one greedy reply.
// Usage: npm run build && node scripts/screenshot-chat.mjs [prompt]
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { chromiumLaunchOptions, gotoWhenServerIsUp } from '../test/support/chromium.mjs';

const port = 4299;
const prompt = process.argv[2] ?? 'Once upon a time';
const server = await preview({ logLevel: 'error', preview: { host: '127.0.0.1', port, strictPort: true } });
try {
  const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: false }));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await gotoWhenServerIsUp(page, `http://127.0.0.1:${port}/?backend=wasm&temperature=0&max_new_tokens=60`);
  await page.getByTestId('backend-badge').waitFor({ timeout: 60_000 });
  await page.getByLabel('Message').fill(prompt);
  await page.getByLabel('Message').press('Enter');
  await page.locator('[data-role=assistant][data-streaming=false]').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: 'docs/chat.png' });
  await browser.close();
  console.log('wrote docs/chat.png');
} finally {
  await server.close();
}
