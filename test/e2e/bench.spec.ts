/**
 * The benchmark panel end to end, on the backend under test: it measures the fixture and a synthetic
 * model, exports a report that validates against the published schema, checks WebGPU against WASM,
 * and stops when cancelled. Few tokens, and no assertion on any time.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';
import type { BenchReport } from '../../src/bench/page/report';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/bench-schema.v2.json'), 'utf8')) as object;
const validate = new Ajv({ strict: false }).compile(schema);

async function runFromUrl(page: Page, params: Record<string, string | number>): Promise<BenchReport> {
  const query = new URLSearchParams(Object.entries({ bench_autorun: 1, ...params }).map(([k, v]) => [k, String(v)]));
  // bench.html is the panel alone: no chat model loading beside the measurement.
  await page.goto(`./bench.html?${query}`);
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  return JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '{}') as BenchReport;
}

test('measures the fixture and exports a report that matches the schema', async ({ page, backend, modelServer }) => {
  const report = await runFromUrl(page, { bench_model: modelServer.fixtureUrl, bench_backends: backend, bench_prompt: 8, bench_new: 6, bench_warmup: 1, bench_runs: 2 });
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report.records).toHaveLength(1);
  const record = report.records[0];
  expect(record).toMatchObject({ model: 'stories260k', engine: 'ours', backend });
  expect(record.decodeTokensPerSecond.n).toBe(2);
  expect(record.decodeTokensPerSecond.median).toBeGreaterThan(0);
  // On WebGPU only the logits come back to the CPU: one read per token; WASM has nothing to read back.
  expect(record.gpuReadsPerToken).toBe(backend === 'webgpu' ? 1 : 0);
  await expect(page.getByTestId('bench-results').locator(`tr[data-backend=${backend}]`)).toBeVisible();
  await expect(page.getByTestId('latency-chart')).toBeVisible();
  await expect(page.getByTestId('bench-ceiling')).toContainText('tok/s');
  await expect(page.getByTestId('bench-markdown')).toContainText(`| stories260k | ours | ${backend} |`);
  // The settings are in the address, ready to share.
  expect(new URL(page.url()).searchParams.get('bench_backends')).toBe(backend);
});

test('a model transformers.js cannot load is still measured by our engine, and the page says why it is not compared', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'wasm', 'transformers.js is compared on WASM in these tests (its WebGPU shaders take minutes on SwiftShader)');
  // The fixture under an architecture name transformers.js does not know; our engine reads only the graph.
  const folder = path.join(modelServer.scratchDir, 'unknown-arch');
  cpSync(FIXTURE_MODEL_DIR, folder, { recursive: true });
  const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')) as object;
  writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...config, model_type: 'tl-unknown-arch' }));
  const report = await runFromUrl(page, { bench_model: `${modelServer.origin}/scratch/unknown-arch/`, bench_backends: 'wasm', bench_tjs: 1, bench_prompt: 4, bench_new: 4, bench_warmup: 0, bench_runs: 1 });
  expect(report.records.map((r) => `${r.engine}/${r.backend}`)).toEqual(['ours/wasm']);
  expect(report.records[0].decodeTokensPerSecond.median).toBeGreaterThan(0);
  const skipped = page.getByTestId('bench-skipped');
  await expect(skipped).toContainText('transformers.js could not run this model on wasm');
  await expect(skipped).toContainText('tl-unknown-arch');
});

test('a synthetic model runs on both backends and WebGPU agrees with WASM', async ({ page, backend }) => {
  test.skip(backend !== 'webgpu', 'needs both backends; runs once, in the webgpu project');
  const report = await runFromUrl(page, { bench_model: 'synthetic:tiny', bench_backends: 'webgpu,wasm', bench_prompt: 8, bench_new: 6, bench_warmup: 0, bench_runs: 1 });
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report.records.map((r) => r.backend)).toEqual(['webgpu', 'wasm']);
  expect(report.consistency[0]).toMatchObject({ backend: 'webgpu', reference: 'wasm', tokensCompared: 6 });
  expect(report.consistency[0].top1Agreement).toBe(1);
  expect(report.ratios.map((r) => r.name)).toContain('webgpu_over_wasm');
  await expect(page.getByTestId('bench-consistency')).toContainText('100%');
});

test('a long run shows progress and can be cancelled', async ({ page, backend }) => {
  test.skip(backend !== 'wasm', 'the cancel path is the same on both backends');
  // Through the app's own tab, and its settings survive the app rewriting the address.
  await page.goto('./?bench_model=synthetic:tiny');
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await expect(page.locator('input[name=model]')).toHaveValue('synthetic:tiny');
  await page.locator('input[name=backend-webgpu]').uncheck();
  await page.locator('input[name=runs]').fill('100');
  await page.locator('input[name=runs]').dispatchEvent('change');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(page.getByTestId('bench-progress')).toContainText('measured run', { timeout: 60_000 });
  // A long run says how long it has left.
  await expect(page.getByTestId('bench-time-left')).toContainText(/≈ \d+ (s|min) left/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'cancelled');
  // It says it was cancelled, not that a backend is missing.
  await expect(page.getByTestId('bench-cancelled')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run benchmark' })).toBeEnabled();
});
