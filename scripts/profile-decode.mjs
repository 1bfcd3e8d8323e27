/* global window */
// Profiles one decode step three ways in the browser (see scripts/profile/decode.ts) on the stories260k fixture.
// Usage: node scripts/profile-decode.mjs [wasm|webgpu] [runs] [--worker] [--adapter | --gpu] [--model DIR]
//   --worker  run in a module worker, as the app's engine does
//   --adapter / --gpu  hold a WebGPU adapter / device open first, as the benchmark page does: on a software
//             adapter (SwiftShader) that alone slows WASM 1.5-2x on 2 cores; a real GPU does not
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';

const backend = process.argv[2] ?? 'wasm';
const runs = process.argv[3] ?? '5';
const inWorker = process.argv.includes('--worker');
const holdGpu = process.argv.includes('--gpu') ? '1' : process.argv.includes('--adapter') ? 'adapter' : null;
const port = 4298;
const modelArg = process.argv.indexOf('--model');
// The model folder served as /fixture/ (default: the stories260k fixture).
const fixture = path.resolve(modelArg > 0 ? process.argv[modelArg + 1] : '../shared/models/stories260k');
const server = await createServer({ logLevel: 'error', server: { host: '127.0.0.1', port, strictPort: true } });
await server.listen();
try {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'],
  });
  const page = await browser.newPage();
  await page.route('**/fixture/**', async (route) => {
    const file = new URL(route.request().url()).pathname.replace(/^\/fixture\//, '');
    await route.fulfill({ body: await readFile(path.join(fixture, file)), headers: { 'cross-origin-resource-policy': 'same-origin' } });
  });
  for (let i = 0; i < 100; i++) {
    try {
      await page.goto(`http://127.0.0.1:${port}/scripts/profile/decode.html?backend=${backend}&runs=${runs}${inWorker ? '&worker=1' : ''}${holdGpu ? `&gpu=${holdGpu}` : ''}`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  await page.waitForFunction(() => 'profileResult' in window, null, { timeout: 600_000 });
  const result = await page.evaluate(() => window.profileResult);
  if (result.error) throw new Error(result.error);
  const same = Object.values(result.tokens).every((ids) => JSON.stringify(ids) === JSON.stringify(result.tokens.bareJsep));
  console.log(JSON.stringify({ backend, inWorker: result.inWorker, median: result.median, sameTokens: same }, null, 1));
  await browser.close();
} finally {
  await server.close();
}
