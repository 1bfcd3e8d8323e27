/**
 * Shared Playwright fixtures: the backend under test (one project per backend), a local server for
 * model folders, and helpers that drive the app through its real UI.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStaticServer } from '../support/static-server';
import { SHARED_DIR } from '../support/paths';

export type Backend = 'webgpu' | 'wasm';

export interface ModelServer {
  origin: string;
  /** URL of the stories260k fixture folder. */
  fixtureUrl: string;
  /** A scratch folder served under `${origin}/scratch/`. */
  scratchDir: string;
}

export interface TestOptions {
  backend: Backend;
  /**
   * Uncaught errors in the page fail the test, except those this matches: for a test that provokes
   * one on purpose, `test.use({ expectedPageErrors: /…/ })` in its own `describe`.
   */
  expectedPageErrors: RegExp | null;
}

export const test = base.extend<TestOptions, { modelServer: ModelServer }>({
  // Playwright reads a fixture's dependencies from its first parameter, so an empty pattern is required.
  // eslint-disable-next-line no-empty-pattern
  backend: async ({}, use, testInfo) => {
    await use(testInfo.project.metadata.backend as Backend);
  },
  modelServer: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'tl-e2e-'));
      const server = await startStaticServer({ '/shared/': SHARED_DIR, '/scratch/': scratchDir });
      await use({ origin: server.origin, fixtureUrl: `${server.origin}/shared/models/stories260k/`, scratchDir });
      await server.close();
      rmSync(scratchDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  expectedPageErrors: [null, { option: true }],
  page: async ({ page, expectedPageErrors }, use) => {
    const unexpected: string[] = [];
    page.on('pageerror', (error) => {
      if (!expectedPageErrors?.test(error.message)) unexpected.push(error.stack ?? error.message);
    });
    await use(page);
    expect(unexpected, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** Opens the app with URL parameters and waits until a model is loaded (or a load error shows). */
export async function openApp(page: Page, params: Record<string, string | number>): Promise<void> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  await page.goto(`./?${query}`);
  await waitForLoad(page);
}

export async function waitForLoad(page: Page): Promise<void> {
  await expect(page.locator('[data-testid=backend-badge], [data-testid=load-error]').first()).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('tl-model-bar button[type=submit]')).toBeEnabled();
}

/**
 * On a ?debug=1 page: the next reply holds still, streaming, once it has `afterTokens` tokens, until an
 * action ends it (Stop, New chat, a load…). A probe of what such an action keeps then cannot lose the race
 * to a reply that finishes first, however fast the machine decodes.
 */
export async function holdNextReply(page: Page, afterTokens = 2): Promise<void> {
  expect(await page.evaluate((n) => document.querySelector('tl-app')!.client!.debugHoldReply(n), afterTokens)).toBe(true);
}

/** Types a message, presses Enter, and waits for the reply to finish. */
export async function chat(page: Page, text: string): Promise<{ text: string; tokenIds: number[]; reason: string; gpuPicks: number | null }> {
  const before = await page.locator('[data-role=assistant]').count();
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
  const reply = page.locator('[data-role=assistant]').nth(before);
  await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 180_000 });
  return readReply(page, before);
}

export async function readReply(page: Page, index: number) {
  const reply = page.locator('[data-role=assistant]').nth(index);
  return {
    // What the model wrote, as the engine gave it; the page may show it rendered as Markdown.
    text: (await reply.getAttribute('data-text')) ?? '',
    tokenIds: JSON.parse((await reply.getAttribute('data-token-ids')) ?? '[]') as number[],
    reason: (await reply.getAttribute('data-stop-reason')) ?? '',
    /** Steps whose logits the engine picked on the GPU, reading back only the largest; null if not reported. */
    gpuPicks: await reply.getAttribute('data-gpu-picks').then((v) => (v === null ? null : Number(v))),
  };
}
