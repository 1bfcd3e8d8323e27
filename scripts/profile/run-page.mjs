/* global window */
// Opens one of the profile pages (scripts/profile/*.html) in headless Chromium through a Vite dev server
// and returns what the page leaves in window.profileResult.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { chromiumLaunchOptions, gotoWhenServerIsUp } from '../../test/support/chromium.mjs';

// TL_PROFILE_PORT: where several checkouts profile on one machine at once.
const PORT = Number(process.env.TL_PROFILE_PORT ?? 4298);

/** `fixture`: a model folder served as /fixture/, for pages that load one. */
export async function runProfilePage(page, query, { fixture } = {}) {
  const server = await createServer({ logLevel: 'error', server: { host: '127.0.0.1', port: PORT, strictPort: true } });
  await server.listen();
  try {
    const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: true }));
    const tab = await browser.newPage();
    if (fixture) {
      await tab.route('**/fixture/**', async (route) => {
        const file = new URL(route.request().url()).pathname.replace(/^\/fixture\//, '');
        await route.fulfill({ body: await readFile(path.join(fixture, file)), headers: { 'cross-origin-resource-policy': 'same-origin' } });
      });
    }
    // The dev server may need a moment before its first page.
    await gotoWhenServerIsUp(tab, `http://127.0.0.1:${PORT}/scripts/profile/${page}.html?${new URLSearchParams(query)}`, { attempts: 100, delayMs: 300 });
    await tab.waitForFunction(() => 'profileResult' in window, null, { timeout: 600_000 });
    const result = await tab.evaluate(() => window.profileResult);
    await browser.close();
    if (result.error) throw new Error(result.error);
    return result;
  } finally {
    await server.close();
  }
}
