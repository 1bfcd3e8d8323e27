/**
 * Real models in the lesson, from a local Hub-shaped server (nothing reaches the network): a decoder
 * and an encoder chosen by Hub id are confirmed, downloaded, and show heatmaps and the head view made
 * from their standard `model.onnx` (the attention outputs are exposed at load time; no attention
 * graph is fetched); with the server gone, the same lesson loads again from the browser's cache.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { chooseLessonModel } from './lesson-page';
import { REPO_ROOT } from '../support/paths';
import { startHubServer, type HubServer } from '../support/hub-server';

const DECODER = 'test-org/tl-gpt-hub';
const ENCODER = 'test-org/tl-bert-hub';
let hub: HubServer;

test.beforeEach(async ({ backend }) => {
  test.skip(backend !== 'wasm', 'downloading and caching do not depend on the backend; the rewrite runs on webgpu in architecture.spec.ts');
  hub = await startHubServer({
    [DECODER]: { dir: path.join(REPO_ROOT, 'models/tl-gpt') },
    [ENCODER]: { dir: path.join(REPO_ROOT, 'models/tl-bert') },
  });
});
test.afterEach(async () => {
  await hub?.close();
});

async function expectLesson(page: Page): Promise<void> {
  const [decoder, encoder] = [page.locator('tl-head-inside').nth(0), page.locator('tl-head-inside').nth(1)];
  await expect(page.locator('h3', { hasText: 'tl-gpt-hub' }).first()).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('h3', { hasText: 'tl-bert-hub' }).first()).toBeVisible({ timeout: 120_000 });
  for (const view of [decoder, encoder]) {
    await expect(view.getByTestId(/heatmap-(decoder|encoder)/).first()).toBeVisible();
    await expect(view.getByTestId('head-inside-table')).toBeVisible({ timeout: 60_000 });
    const probs = (await view.getByTestId('head-inside-prob').allTextContents()).map(Number);
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(probs.length * 5e-5 + 1e-6);
  }
  await expect(page.getByTestId('attention-unavailable')).toHaveCount(0);
}

test('a Hub decoder and encoder run in the lesson, with maps from their standard graphs, and again offline', async ({ page }) => {
  const url = `./?panel=architecture&backend=wasm&hub=${encodeURIComponent(hub.origin)}`;
  await page.goto(url);
  await expect(page.getByTestId('column-decoder')).toBeVisible({ timeout: 180_000 });
  await chooseLessonModel(page, DECODER, 'decoder');
  await chooseLessonModel(page, ENCODER, 'bert');
  await expectLesson(page);
  const gets = (repo: string, file: string) => hub.requests.filter((r) => r.method === 'GET' && r.repo === repo && r.file === file).length;
  expect(gets(DECODER, 'onnx/model.onnx')).toBe(1);
  expect(gets(ENCODER, 'onnx/model.onnx')).toBe(1);
  expect(hub.requests.filter((r) => r.file.includes('model_attentions'))).toEqual([]);

  // Offline: the server is gone; the lesson is prepared again from the browser's cache.
  await hub.close();
  await page.goto(url);
  await expect(page.getByTestId('column-decoder')).toBeVisible({ timeout: 180_000 });
  await chooseLessonModel(page, DECODER, 'decoder');
  await chooseLessonModel(page, ENCODER, 'bert');
  await expectLesson(page);
});
