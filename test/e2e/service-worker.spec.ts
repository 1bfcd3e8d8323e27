/**
 * The service worker on a first visit: the app downloads its shell, the onnxruntime build of its own
 * backend and the model it opens, nothing else; a second visit with the network gone still chats.
 *
 * Bytes are counted where they leave the server: the app is served by its own `vite preview` here,
 * whose every response body is counted per path. That counts the page's fetches, its workers'
 * (onnxruntime loads in the engine worker) and the service worker's (the precache) alike, whichever
 * browser context made them.
 */
import { preview, type PreviewServer } from 'vite';
import { test, expect, waitForLoad, chat } from './fixtures';
import { byteCounter } from '../support/byte-counter';

const MB = 1024 ** 2;
const FIRST_VISIT_BUDGET_BYTES = 25 * MB;
const OUT_DIR = process.env.TL_OUT_DIR ?? 'dist';

const total = (sent: Map<string, number>) => [...sent.values()].reduce((sum, bytes) => sum + bytes, 0);
const listing = (sent: Map<string, number>) => [...sent].map(([file, bytes]) => `${file} ${(bytes / MB).toFixed(2)} MB`).join('\n');

let server: PreviewServer;
const counter = byteCounter();

test.beforeAll(async () => {
  server = await preview({ logLevel: 'warn', plugins: [counter.plugin], build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
});

test.afterAll(async () => {
  await server?.close();
});

test('a first visit downloads only its backend\'s runtime and the model it opens, and a second visit offline still chats', async ({ page, context, backend }) => {
  const origin = new URL(server.resolvedUrls!.local[0]).origin;
  const url = `${origin}/?sw=1&backend=${backend}&temperature=0&max_new_tokens=12`;
  const prompt = 'Once upon a time';
  counter.sent.clear();

  await page.goto(url);
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  const online = await chat(page, prompt);
  expect(online.tokenIds.length).toBeGreaterThan(0);
  const firstVisit = new Map(counter.sent);
  const files = [...firstVisit.keys()];
  const bytes = total(firstVisit);
  console.log(`first visit on ${backend}, before the first reply: ${(bytes / MB).toFixed(1)} MB in ${files.length} files\n${listing(firstVisit)}`);

  // The runtime of the backend in use, once; never the other backend's, nor the other WebGPU build
  // (Chromium has JSPI, so WebGPU runs the JSPI build, not asyncify; JSEP is not shipped at all).
  const runtimeBinaries = files.filter((file) => /\/assets\/ort-.*\.wasm$/.test(file));
  expect(runtimeBinaries).toHaveLength(1);
  expect(runtimeBinaries[0]).toMatch(backend === 'webgpu' ? /\/ort-wasm-simd-threaded\.jspi-[^/]*\.wasm$/ : /\/ort-wasm-simd-threaded-[^/]*\.wasm$/);
  // The decoder the chat opened, not the attention export the Architecture panel uses, nor the encoders.
  expect(files).toContain('/models/tl-gpt/onnx/model.onnx');
  expect(files.filter((file) => /model_attentions|tl-bert|tl-ernie/.test(file))).toEqual([]);
  if (backend === 'wasm') expect(bytes, listing(firstVisit)).toBeLessThanOrEqual(FIRST_VISIT_BUDGET_BYTES);

  // The service worker took over before the engine started, so what the engine fetched is cached.
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  counter.sent.clear();
  await context.setOffline(true);
  const response = await page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  await page.getByRole('button', { name: 'New chat' }).click();
  const offline = await chat(page, prompt);
  expect(offline.tokenIds).toEqual(online.tokenIds);
  // Nothing reached the server: the shell, the runtime and the model all came from the caches.
  expect(listing(counter.sent)).toBe('');
  await context.setOffline(false);
});
