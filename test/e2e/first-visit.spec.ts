/**
 * A first visit tells the truth about its download: the total the page shows counts everything the
 * load fetches (the runtime's WASM as well as the model), checked against the bytes the server sent;
 * and a slow link sees the load's phases one after the other, named, in one progress display.
 *
 * The app is served by this spec's own `vite preview`, which counts every response body it writes.
 */
import { preview, type PreviewServer } from 'vite';
import type { Page } from '@playwright/test';
import { test, expect, waitForLoad } from './fixtures';
import { byteCounter } from '../support/byte-counter';

const MB = 1024 ** 2;
const OUT_DIR = process.env.TL_OUT_DIR ?? 'dist';

let server: PreviewServer;
let origin: string;
const counter = byteCounter();

test.beforeAll(async () => {
  server = await preview({ logLevel: 'warn', plugins: [counter.plugin], build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  origin = new URL(server.resolvedUrls!.local[0]).origin;
});

test.afterAll(async () => {
  await server?.close();
});

/** The runtime's files and the model's: what a load fetches, as against the app shell (HTML, JS, CSS). */
const isLoadFile = (file: string) => /^\/assets\/ort-[^/]+\.(?:wasm|mjs)$/.test(file) || file.startsWith('/models/');

test('the total a first visit shows is within 5 % of the bytes the server sent for the runtime and the model', async ({ page, backend }) => {
  counter.sent.clear();
  await page.goto(`${origin}/?backend=${backend}`);
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  const summary = page.getByTestId('download-summary');
  await expect(summary).toBeVisible();
  const shown = Number(await summary.getAttribute('data-loaded'));
  await expect(summary).toHaveAttribute('data-percent', '100');

  const sent = [...counter.sent];
  const loadBytes = sent.filter(([file]) => isLoadFile(file)).reduce((sum, [, bytes]) => sum + bytes, 0);
  const listing = sent.map(([file, bytes]) => `${file} ${(bytes / MB).toFixed(2)} MB`).join('\n');
  console.log(`first visit on ${backend}: shown ${(shown / MB).toFixed(2)} MB, sent for the load ${(loadBytes / MB).toFixed(2)} MB\n${listing}`);
  // The runtime's binary is most of it: the shown total cannot be the model's alone.
  expect(sent.some(([file]) => /\/assets\/ort-[^/]+\.wasm$/.test(file)), listing).toBe(true);
  expect(Math.abs(shown - loadBytes) / loadBytes, listing).toBeLessThanOrEqual(0.05);
  // Everything else the server sent is the app shell, which the page has before it can show anything.
  expect(sent.filter(([file]) => !isLoadFile(file) && !/(?:\.html|\.js|\.css|\/)$/.test(file)), listing).toEqual([]);

  // The page fetched the runtime once: the runtime did not fetch its binary a second time itself.
  const runtimeFetches = sent.filter(([file]) => /\/assets\/ort-[^/]+\.wasm$/.test(file));
  expect(runtimeFetches, listing).toHaveLength(1);
});

interface Sample {
  phase: string | null;
  progressBars: number;
  total: string | null;
}

/** Every 30 ms from the page's first script: the load's phase, its total, and how many progress bars show. */
async function recordPhases(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const deep = (root: Document | ShadowRoot, selector: string, found: Element[] = []): Element[] => {
      found.push(...root.querySelectorAll(selector));
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) deep(element.shadowRoot, selector, found);
      return found;
    };
    const samples: Sample[] = [];
    (window as unknown as { loadSamples: Sample[] }).loadSamples = samples;
    setInterval(() => {
      const phase = deep(document, '[data-testid=load-phase]')[0];
      const total = deep(document, '[data-testid=download-all]')[0];
      const bars = deep(document, 'progress').filter((bar) => (bar as HTMLElement).offsetParent !== null);
      samples.push({ phase: phase?.getAttribute('data-phase') ?? null, progressBars: bars.length, total: total?.getAttribute('data-total') ?? null });
    }, 30);
  });
}

test('on a slow link the load shows its phases in order, one progress display at a time, with the whole total from the start', async ({ page, backend }) => {
  test.setTimeout(300_000);
  await recordPhases(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // About 8 MB/s: the runtime's binary takes seconds, as it does on a real link.
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 8 * MB, uploadThroughput: 1 * MB });
  await page.goto(`${origin}/?backend=${backend}`);
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  const samples = await page.evaluate(() => (window as unknown as { loadSamples: Sample[] }).loadSamples);

  const phases = samples.map((s) => s.phase).filter((phase): phase is string => phase !== null && phase !== 'starting');
  const order = phases.filter((phase, i) => phase !== phases[i - 1]);
  expect(order).toEqual(['download', 'runtime', 'session']);
  expect(Math.max(...samples.map((s) => s.progressBars))).toBe(1);

  // The total is the whole load's from the moment it is known: it never grows once shown.
  const finalTotal = Number(await page.getByTestId('download-summary').getAttribute('data-loaded'));
  const totals = samples.map((s) => s.total).filter((total): total is string => total !== null).map(Number);
  expect(totals.length).toBeGreaterThan(0);
  expect(new Set(totals)).toEqual(new Set([finalTotal]));
});
