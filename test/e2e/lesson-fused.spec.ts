/**
 * A fused-attention decoder in the lesson, on each backend: an onnxruntime-genai builder export
 * (GroupQueryAttention, RotaryEmbedding, SimplifiedLayerNormalization, MatMulNBits; fp32
 * activations, built at test time), chosen by Hub id from the local Hub-shaped server as a lecturer
 * does. The panel says that attention maps (and the head view) are not available for its graph and
 * why; everything that needs no maps works: its column, next-token predictions and greedy steps equal
 * to native onnxruntime's, the KV cache, the encoder's maps beside it, no error shown. The
 * export-family fixture's own genai repo (fp16 activations) runs too, where the GPU can compute fp16;
 * where it cannot, a forced WebGPU says why and the lesson keeps its embedded decoder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';
import { chooseLessonModel } from './lesson-page';
import { startHubServer, type HubServer } from '../support/hub-server';
import { buildLessonGenaiRepo, type LessonGenaiRepo } from '../support/export-fixtures/lesson-genai';
import { exportFixtures } from '../support/export-fixtures/repos';

const REPO = 'test-org/genai-fused-fp32';
const FP16_REPO = 'test-org/gemma-genai';
const SENTENCE = 'Once upon a time, a little cat sat on a mat.';
let scratch: string;
let fixture: LessonGenaiRepo;
let hub: HubServer;

test.beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'tl-lesson-fused-'));
  fixture = await buildLessonGenaiRepo(path.join(scratch, REPO), SENTENCE);
  test.setTimeout(600_000); // the first run builds the export-family fixtures
  const fp16 = (await exportFixtures()).find((r) => r.id === FP16_REPO)!;
  hub = await startHubServer({ [REPO]: { dir: fixture.dir }, [FP16_REPO]: { dir: fp16.dir } });
});
test.afterAll(async () => {
  await hub?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('a decoder with fused attention runs in the lesson: maps are said to be unavailable, predictions work', async ({ page, backend }) => {
  test.setTimeout(backend === 'webgpu' ? 480_000 : 240_000); // SwiftShader emulates the GPU on 2 cores
  await page.goto(`./?panel=architecture&backend=${backend}&hub=${encodeURIComponent(hub.origin)}`);
  await expect(page.getByTestId('column-decoder')).toBeVisible({ timeout: 180_000 });
  await page.getByLabel('Sentence for both models').fill(SENTENCE);
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  // Chosen through the lesson's own picker and the Models tab's confirmation.
  await chooseLessonModel(page, REPO, 'decoder');

  const column = page.getByTestId('column-decoder');
  await expect(page.locator('h3', { hasText: 'genai-fused-fp32' }).first()).toBeVisible({ timeout: 120_000 });
  await expect(column.getByTestId('backend')).toHaveText(backend);
  await expect(column.getByTestId('layers')).toHaveText('2');

  // The maps section says why there are no maps, in place of the maps and the head view.
  const decoderView = page.locator('tl-head-inside').nth(0);
  await expect(decoderView.getByTestId('attention-unavailable')).toHaveText(/not available for this model: its graph computes attention in one fused GroupQueryAttention operator/);
  await expect(decoderView.locator('tl-attention-view')).toBeHidden();
  await expect(page.getByTestId('heatmap-decoder')).toBeHidden();
  await expect(decoderView.getByTestId('head-inside-table')).toHaveCount(0);

  // Next-token predictions from the KV-cache graph: native onnxruntime's greedy tokens.
  const text = page.getByTestId('generated-text');
  await expect(text).toHaveAttribute('data-prompt-ids', JSON.stringify(fixture.promptIds), { timeout: 60_000 });
  await expect(page.getByTestId('next-token-bars')).toHaveAttribute('data-top-id', String(fixture.reference.ids[0]));
  await page.getByTestId('temperature-slider').fill('0');
  for (let step = 1; step <= 2; step++) {
    await page.getByTestId('step').click();
    await expect(text).toHaveAttribute('data-generated-ids', JSON.stringify(fixture.reference.ids.slice(0, step)));
    await expect(text).toHaveAttribute('data-busy', 'false');
  }
  await expect(page.getByTestId('next-token-bars')).toHaveAttribute('data-top-id', String(fixture.reference.ids[2]));
  await expect(page.getByTestId('kv-bytes')).toHaveAttribute('data-tokens', String(fixture.promptIds.length + 2));

  // The encoder beside it keeps its maps and head view; nothing failed.
  const encoderView = page.locator('tl-head-inside').nth(1);
  await expect(encoderView.getByTestId('heatmap-encoder').first()).toBeVisible();
  await expect(encoderView.getByTestId('head-inside-table')).toBeVisible({ timeout: 60_000 });
  await expect(encoderView.getByTestId('attention-unavailable')).toHaveCount(0);
  await expect(page.locator('tl-architecture-panel').getByRole('alert')).toHaveCount(0);
});

test('the genai fixture in fp16: fused-attention note where it runs; on a GPU without shader-f16 the lesson says why and keeps its decoder', async ({ page, backend }) => {
  test.setTimeout(backend === 'webgpu' ? 480_000 : 240_000);
  await page.goto(`./?panel=architecture&backend=${backend}&hub=${encodeURIComponent(hub.origin)}`);
  await expect(page.getByTestId('column-decoder')).toBeVisible({ timeout: 180_000 });
  const adapterF16 = backend === 'webgpu' && (await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter())?.features.has('shader-f16')));
  await chooseLessonModel(page, FP16_REPO, 'decoder');
  const decoderView = page.locator('tl-head-inside').nth(0);
  if (backend === 'wasm' || adapterF16) {
    await expect(page.locator('h3', { hasText: 'gemma-genai' }).first()).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('column-decoder').getByTestId('backend')).toHaveText(backend);
    await expect(decoderView.getByTestId('attention-unavailable')).toContainText('fused GroupQueryAttention operator');
    await expect(page.getByTestId('next-token-bars')).toHaveAttribute('data-top-id', /^\d+$/, { timeout: 60_000 });
    await expect(page.locator('tl-architecture-panel').getByRole('alert')).toHaveCount(0);
  } else {
    // fp16 on a GPU without shader-f16 would compute garbage: refused, said, and the embedded decoder stays.
    await expect(page.getByTestId('arch-load-error')).toContainText('decoder: ', { timeout: 120_000 });
    await expect(page.getByTestId('arch-load-error')).toContainText('no shader-f16 support');
    await expect(page.locator('h3', { hasText: 'tl-gpt' }).first()).toBeVisible();
    await expect(page.getByTestId('column-decoder').getByTestId('layers')).toHaveText('4');
    await expect(decoderView.getByTestId('heatmap-decoder')).toBeVisible();
    await expect(decoderView.getByTestId('head-inside-table')).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('step').click();
    await expect(page.getByTestId('generated-text')).toHaveAttribute('data-generated-ids', /^\[\d+\]$/);
  }
});
