/**
 * Each of the page's three workers (chat engine, architecture analysis, benchmark) crashed through its
 * ?debug=1 hook: the page notices, a fresh worker serves the next request, and the user goes on; and a
 * benchmark error reaches the Chinese interface in Chinese. The RPC behind all three is src/clients/rpc.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, Worker } from '@playwright/test';
import { test, expect, openApp, chat, waitForLoad } from './fixtures';
import { REPO_ROOT } from '../support/paths';

const gpt = JSON.parse(readFileSync(path.join(REPO_ROOT, 'models/tl-gpt/reference.json'), 'utf8')) as { greedy: { prompt: string; prompt_ids: number[]; new_ids: number[] }[] };

/** Every worker of `name` (engine-worker, analysis-worker, bench-worker) the page starts, as it starts them. */
function watchWorkers(page: Page, name: string): Worker[] {
  const started: Worker[] = [];
  page.on('worker', (worker) => {
    if (worker.url().includes(name)) started.push(worker);
  });
  return started;
}

test.beforeEach(({ backend }) => {
  test.skip(backend !== 'wasm', 'the RPC and its recovery do not depend on the backend');
});

test('the chat engine worker crashes: the model is loaded into a new worker and the next message is answered', async ({ page }) => {
  const engines = watchWorkers(page, 'engine-worker');
  await openApp(page, { debug: 1, backend: 'wasm', max_new_tokens: 8, temperature: 0 });
  const first = await chat(page, 'Once upon a time');
  expect(first.tokenIds.length).toBeGreaterThan(0);
  expect(engines).toHaveLength(1);
  expect(await page.evaluate(() => document.querySelector('tl-app')!.client!.debugCrash())).toBe(true);
  await expect.poll(() => engines.length, { timeout: 60_000 }).toBe(2);
  await waitForLoad(page);
  const again = await chat(page, 'and then');
  expect(again.tokenIds.length).toBeGreaterThan(0);
  await expect(page.getByTestId('chat-error')).toHaveCount(0);
});

test('the analysis worker crashes: the architecture panel loads its models into a new worker and analyses the next sentence', async ({ page }) => {
  const analysers = watchWorkers(page, 'analysis-worker');
  await page.goto('./?panel=architecture&backend=wasm&debug=1');
  await expect(page.getByTestId('column-decoder')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
  const text = page.getByTestId('generated-text');
  await expect(text).toHaveAttribute('data-prompt-ids', /\d/);
  expect(analysers).toHaveLength(1);

  expect(await page.locator('tl-next-token').evaluate((el) => (el as HTMLElement & { client: { debugCrash(): boolean } }).client.debugCrash())).toBe(true);
  await expect.poll(() => analysers.length, { timeout: 60_000 }).toBe(2);
  await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });

  // A sentence not analysed before: its ids and the greedy next token come from the new worker's models.
  const reference = gpt.greedy[1];
  await page.getByLabel('Sentence for both models').fill(reference.prompt);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(text).toHaveAttribute('data-prompt-ids', JSON.stringify(reference.prompt_ids));
  await expect(page.getByTestId('next-token-bars')).toHaveAttribute('data-top-id', String(reference.new_ids[0]));
  await expect(page.getByTestId('arch-load-error')).toHaveCount(0);
  await expect(page.locator('tl-architecture-panel [role=alert]')).toHaveCount(0);
});

test('the benchmark worker crashes mid-run: the panel says so, and the next run measures in a new worker', async ({ page }) => {
  const benches = watchWorkers(page, 'bench-worker');
  // Many long runs (20,000 tokens), so the crash lands while it measures even on a fast machine.
  await page.goto('./bench.html?debug=1&bench_model=synthetic:tiny&bench_backends=wasm&bench_prompt=4&bench_new=200&bench_warmup=0&bench_runs=100&bench_autorun=1');
  await expect(page.getByTestId('bench-progress')).toContainText('measured run', { timeout: 60_000 });
  expect(await page.locator('tl-bench-panel').evaluate((el) => (el as HTMLElement & { client: { debugCrash(): boolean } }).client.debugCrash())).toBe(true);
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('bench-error')).toContainText('The benchmark stopped unexpectedly');
  await expect(page.getByTestId('bench-error')).toContainText('crash requested by the debug hook');

  await page.locator('input[name=runs]').fill('1');
  await page.locator('input[name=runs]').dispatchEvent('change');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('bench-results').locator('tr[data-backend=wasm]')).toBeVisible();
  await expect(page.getByTestId('bench-error')).toHaveCount(0);
  expect(benches).toHaveLength(2);
});

test('a benchmark error is shown in Chinese in the Chinese interface', async ({ page, modelServer }) => {
  const missing = `${modelServer.origin}/scratch/no-such-model/`;
  await page.goto(`./?panel=bench&backend=wasm&bench_backends=wasm&bench_model=${encodeURIComponent(missing)}`);
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await page.getByRole('button', { name: '运行基准测试' }).click();
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  const error = page.getByTestId('bench-error');
  // The folder and the missing file, in a Chinese sentence; none of the engine's English.
  await expect(error).toContainText(missing);
  await expect(error).toContainText('config.json');
  await expect(error).toHaveText(/[\u4e00-\u9fff]/);
  await expect(error).not.toContainText('has no');
  await expect(error).not.toContainText('ModelFileMissingError');
});
