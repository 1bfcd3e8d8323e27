/**
 * Hub models end to end, against a local Hub-shaped server (nothing reaches the network): a shared
 * link waits for confirmation, the download shows progress to 100 %, the model is cached and starts
 * again with the server stopped, a damaged cached file is fetched again, a full quota is explained,
 * a cancelled download keeps the files already done, and a local folder (picked or dropped) loads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, chat, waitForLoad } from './fixtures';
import { FIXTURE_MODEL_DIR, GPT2_TOKENIZER_DIR } from '../support/paths';
import { startHubServer, type HubServer } from '../support/hub-server';
import { DTYPE_SPEED, defaultDtype } from '../../src/models/dtype-speed';

const REPO = 'test-org/stories260k';
const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as {
  greedy: { prompt: string; new_ids: number[] }[];
};

const config = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'config.json'), 'utf8')) as Record<string, unknown>;
const ONNX = readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx'));
const ONNX_BYTES = ONNX.length;

let hub: HubServer;
test.beforeEach(async ({ backend }) => {
  test.skip(backend !== 'wasm', 'downloading and caching do not depend on the backend');
  hub = await startHubServer({
    [REPO]: { dir: FIXTURE_MODEL_DIR },
    // The same graph offered as a q4 file too, so the dtype choice can be seen on the wire.
    'test-org/two-dtypes': { dir: FIXTURE_MODEL_DIR, overrides: { 'onnx/model_q4.onnx': ONNX } },
    // A config whose embedding matrix (1M × 16384 fp32 = 64 GB) no GPU buffer can hold.
    'test-org/huge-embedding': { dir: FIXTURE_MODEL_DIR, overrides: { 'config.json': JSON.stringify({ ...config, vocab_size: 1_000_000, hidden_size: 16384 }) } },
  });
});
test.afterEach(async () => {
  await hub?.close();
});

const gets = (file: string) => hub.requests.filter((r) => r.method === 'GET' && r.file === file).length;

/** Opens a shared link to the Hub model and confirms the download. */
async function openAndConfirm(page: Page): Promise<void> {
  await page.goto(`./?model=${REPO}&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=40`);
  await expect(page.getByTestId('model-confirm')).toBeVisible();
  await page.getByTestId('confirm-download').click();
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
}

test('a shared Hub link asks first, downloads to 100 %, and starts again offline from the cache', async ({ page }) => {
  await page.goto(`./?model=${REPO}&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=40`);
  const confirm = page.getByTestId('model-confirm');
  await expect(confirm.getByTestId('confirm-model-id')).toHaveText(REPO);
  await expect(confirm.getByTestId('confirm-origin')).toHaveText(hub.origin);
  await expect(confirm.getByTestId('dtype-size-fp32')).toHaveText(`${(ONNX_BYTES / 1024 ** 2).toFixed(1)} MB`);
  await expect(confirm.getByTestId('memory-estimate')).toBeVisible();
  // Nothing large moved before the click: only config.json and HEAD requests.
  expect(gets('onnx/model.onnx')).toBe(0);
  await expect(page.getByTestId('backend-badge')).toHaveCount(0);

  await confirm.getByTestId('confirm-download').click();
  await waitForLoad(page);
  await expect(page.getByTestId('download-summary')).toHaveAttribute('data-percent', '100');
  expect(gets('onnx/model.onnx')).toBe(1);
  const first = await chat(page, expected.greedy[0].prompt);
  expect(first.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 40));

  // The storage view lists the model with its size.
  await page.getByRole('tab', { name: 'Models' }).click();
  const row = page.getByTestId('cached-model');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(REPO);

  await hub.close();
  await page.goto(`./?model=${REPO}&backend=wasm&temperature=0&max_new_tokens=40`);
  await waitForLoad(page);
  await expect(page.getByTestId('model-confirm')).toHaveCount(0);
  await expect(page.getByTestId('from-cache-note')).toBeVisible();
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  await page.getByRole('button', { name: 'New chat' }).click();
  const again = await chat(page, expected.greedy[0].prompt);
  expect(again.tokenIds).toEqual(first.tokenIds);
});

test('the confirm card counts the runtime the backend still has to download, as the load\'s own total does', async ({ page }) => {
  const MB = 1024 ** 2;
  const link = (repo: string) => `./?model=${repo}&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=40`;
  await page.goto(link(REPO));
  const confirm = page.getByTestId('model-confirm');
  const runtime = confirm.getByTestId('confirm-runtime');
  // A fresh profile: the WASM runtime (about 14 MB) comes with the model, and the card says so.
  await expect(runtime).toContainText('The WASM runtime');
  const runtimeBytes = Number(await runtime.getAttribute('data-bytes'));
  expect(runtimeBytes).toBeGreaterThan(5 * MB);
  await expect(confirm.getByTestId('confirm-download')).toHaveText(`Download ${((ONNX_BYTES + runtimeBytes) / MB).toFixed(1)} MB and load`);

  await confirm.getByTestId('confirm-download').click();
  await waitForLoad(page);
  const summary = page.getByTestId('download-summary');
  await expect(summary).toHaveAttribute('data-percent', '100');
  // What the load then moved (model files and runtime) is what the card announced, within 5 %.
  const moved = Number(await summary.getAttribute('data-loaded'));
  expect(Math.abs(ONNX_BYTES + runtimeBytes - moved) / moved).toBeLessThanOrEqual(0.05);

  // The browser keeps the runtime now: the next model's card counts that model alone.
  await page.goto(link('test-org/two-dtypes'));
  await expect(confirm.getByTestId('confirm-runtime')).toHaveAttribute('data-bytes', '0');
  await expect(confirm.getByTestId('confirm-runtime')).toContainText('already in this browser');
  await expect(confirm.getByTestId('confirm-download')).toHaveText(`Download ${(ONNX_BYTES / MB).toFixed(1)} MB and load`);
});

test('a damaged cached file is noticed and downloaded again', async ({ page }) => {
  await openAndConfirm(page);
  // Truncate the cached weights behind the app's back, keeping the recorded size.
  await page.evaluate(async () => {
    const cache = await caches.open('tl-models-v1');
    for (const request of await cache.keys()) {
      if (!request.url.endsWith('onnx/model.onnx')) continue;
      const response = (await cache.match(request))!;
      const bytes = new Uint8Array(await response.arrayBuffer());
      await cache.put(request, new Response(bytes.slice(0, 1000), { headers: response.headers }));
    }
  });
  await page.reload();
  await waitForLoad(page);
  await expect(page.getByTestId('refetch-note')).toContainText('onnx/model.onnx');
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  expect(gets('onnx/model.onnx')).toBe(2);
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 40));
});

test('a full storage quota is explained and the model still runs', async ({ page, baseURL }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 100_000 });
  await openAndConfirm(page);
  await expect(page.getByTestId('storage-note')).toContainText(/storage is full/);
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 40));
});

test('cancel stops the download with a clear message; loading again keeps the files already done', async ({ page }) => {
  hub.setThrottle({ chunkBytes: 16 * 1024, delayMs: 40, minBytes: 100_000 });
  await page.goto(`./?model=${REPO}&hub=${encodeURIComponent(hub.origin)}&backend=wasm`);
  await page.getByTestId('confirm-download').click();
  const total = page.getByTestId('download-total');
  await expect(total).toHaveAttribute('data-percent', /^[1-9]\d?$/);
  await expect(page.getByTestId('download-speed')).toBeVisible();
  await page.getByTestId('cancel-download').click();
  const error = page.getByTestId('load-error');
  await expect(error).toHaveAttribute('data-error-name', 'DownloadCancelledError');
  await expect(error).toContainText('Download cancelled');

  hub.setThrottle(null);
  await page.getByRole('button', { name: 'Load' }).click();
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
  // The small files finished before the cancel came from the cache.
  expect(gets('tokenizer.json')).toBe(1);
  expect(gets('tokenizer_config.json')).toBe(1);
  // The weights continue from where the cancel left them.
  const lastOnnx = hub.requests.filter((r) => r.method === 'GET' && r.file === 'onnx/model.onnx').at(-1);
  expect(lastOnnx?.range).toMatch(/^bytes=[1-9]\d*-$/);
});

test('a download interrupted by a reload continues with a range request', async ({ page }) => {
  hub.setThrottle({ chunkBytes: 16 * 1024, delayMs: 40, minBytes: 100_000 });
  await page.goto(`./?model=${REPO}&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=40`);
  await page.getByTestId('confirm-download').click();
  await expect(page.getByTestId('download-total')).toHaveAttribute('data-percent', /^[5-9]\d$/);
  await page.reload(); // the worker dies mid-file

  hub.setThrottle(null);
  await page.getByTestId('confirm-download').click();
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
  const ranged = hub.requests.filter((r) => r.method === 'GET' && r.file === 'onnx/model.onnx' && r.range);
  expect(ranged).toHaveLength(1);
  const from = Number(/^bytes=(\d+)-$/.exec(ranged[0].range!)?.[1]);
  expect(from).toBeGreaterThan(0);
  expect(from).toBeLessThan(ONNX_BYTES);
  // The joined file is the real one: the model answers exactly as the reference says.
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 40));
});

test('with the service worker, the app shell and a cached model start with the network gone', async ({ page, context }) => {
  await page.goto(`./?sw=1&model=${REPO}&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=40`);
  await page.getByTestId('confirm-download').click();
  await waitForLoad(page);
  // Installed means the shell is precached; wait until it controls this page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });

  await hub.close();
  await context.setOffline(true);
  const response = await page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await waitForLoad(page);
  await expect(page.getByTestId('from-cache-note')).toBeVisible();
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 40));
  await context.setOffline(false);
});

test('a model folder picked from disk loads, is listed in storage, and can be deleted', async ({ page }) => {
  await page.goto('./?panel=models&backend=wasm&temperature=0&max_new_tokens=40');
  await page.getByTestId('local-folder').setInputFiles(GPT2_TOKENIZER_DIR);
  await expect(page.getByTestId('local-error')).toContainText('is not a model folder: it has no config.json');

  await page.getByTestId('local-folder').setInputFiles(FIXTURE_MODEL_DIR);
  await expect(page.getByTestId('model-name')).toContainText('stories260k', { timeout: 120_000 });
  await waitForLoad(page);
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 40));
  expect(hub.requests).toHaveLength(0);

  await page.getByRole('tab', { name: 'Models' }).click();
  const row = page.getByTestId('cached-model').filter({ hasText: 'local-folder.invalid/stories260k' });
  await expect(row.getByTestId('cached-size')).toHaveText(/^1\.\d MB$/);
  await row.getByTestId('delete-cached').click();
  await expect(row).toHaveCount(0);
});

/** Paths of every file under `dir`, relative to it, with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/**
 * Drops a folder on the Models panel as the browser hands it over: a drop event whose DataTransfer
 * item gives a directory entry (webkitGetAsEntry), read in batches like Chromium's readEntries. The
 * files come from the model server; `dir` on disk lists them.
 */
async function dropFolder(page: Page, dir: string, url: string): Promise<void> {
  await page.getByTestId('local-drop').evaluate(
    async (zone, { name, url, paths }) => {
      interface Node { name: string; blob?: Blob; children?: Map<string, Node> }
      const root: Node = { name, children: new Map() };
      for (const filePath of paths) {
        const parts = filePath.split('/');
        let node = root;
        for (const part of parts.slice(0, -1)) {
          if (!node.children!.has(part)) node.children!.set(part, { name: part, children: new Map() });
          node = node.children!.get(part)!;
        }
        const response = await fetch(new URL(filePath, url));
        if (!response.ok) throw new Error(`${filePath}: ${response.status}`);
        node.children!.set(parts.at(-1)!, { name: parts.at(-1)!, blob: await response.blob() });
      }
      const entry = (node: Node): unknown =>
        node.blob
          ? { isFile: true, isDirectory: false, name: node.name, file: (resolve: (f: File) => void) => setTimeout(() => resolve(new File([node.blob!], node.name))) }
          : {
              isFile: false,
              isDirectory: true,
              name: node.name,
              createReader: () => {
                const rest = [...node.children!.values()].map(entry);
                return { readEntries: (resolve: (batch: unknown[]) => void) => setTimeout(() => resolve(rest.splice(0, 2))) };
              },
            };
      const dataTransfer = { types: ['Files'], files: [], items: [{ kind: 'file', type: '', webkitGetAsEntry: () => entry(root) }] };
      zone.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, composed: true }));
      const drop = new DragEvent('drop', { bubbles: true, cancelable: true, composed: true });
      Object.defineProperty(drop, 'dataTransfer', { value: dataTransfer });
      zone.dispatchEvent(drop);
    },
    { name: path.basename(dir), url, paths: filesUnder(dir) },
  );
}

test('a model folder dropped on the Models panel loads and answers; a folder that is no model is explained', async ({ page, modelServer }) => {
  await page.goto('./?panel=models&backend=wasm&temperature=0&max_new_tokens=40');
  await dropFolder(page, GPT2_TOKENIZER_DIR, `${modelServer.origin}/shared/tokenizers/gpt2/`);
  await expect(page.getByTestId('local-error')).toContainText('The folder "gpt2" is not a model folder: it has no config.json, onnx/model.onnx');

  await dropFolder(page, FIXTURE_MODEL_DIR, modelServer.fixtureUrl);
  await expect(page.getByTestId('model-name')).toContainText('stories260k', { timeout: 120_000 });
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 40));
  expect(hub.requests).toHaveLength(0);
});

test('dtypes are offered as the repo has them with speed hints, the fastest measured by default on WASM, and a model too large for the GPU is refused with the reason', async ({ page }) => {
  await page.goto(`./?model=test-org/two-dtypes&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=40`);
  const confirm = page.getByTestId('model-confirm');
  await expect(confirm.getByTestId('dtype-size-fp32')).toBeVisible();
  await expect(confirm.getByTestId('dtype-size-q4')).toBeVisible();
  await expect(confirm.getByTestId('dtype-size-fp16')).toHaveCount(0);
  // The hint and the default both come from the measured table (src/models/dtype-speed.ts).
  await expect(confirm.getByTestId('dtype-speed-wasm-q4')).toHaveText(`${DTYPE_SPEED.wasm.q4!.toFixed(2)}× fp32`);
  const fastest = defaultDtype([{ dtype: 'fp32', fit: 'ok' }, { dtype: 'q4', fit: 'ok' }], 'wasm', false)!;
  await expect(confirm.getByRole('radio', { name: fastest })).toBeChecked();
  await confirm.getByRole('radio', { name: 'q4' }).check();
  await confirm.getByTestId('confirm-download').click();
  await waitForLoad(page);
  expect(gets('onnx/model_q4.onnx')).toBe(1);
  expect(gets('onnx/model.onnx')).toBe(0);

  await page.goto(`./?model=test-org/huge-embedding&backend=webgpu`);
  const estimate = page.getByTestId('memory-estimate');
  await expect(estimate).toHaveAttribute('data-fit', 'refuse');
  await expect(estimate).toContainText("exceeds this GPU's largest buffer");
  await expect(page.getByTestId('confirm-download')).toBeDisabled();
});
