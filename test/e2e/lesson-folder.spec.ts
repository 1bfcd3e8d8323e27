/**
 * A lesson given offline from a folder on disk: the lesson's model picker opens a transformers.js
 * folder (the stories260k fixture, read at test time) with the Models tab's folder picker, as the
 * decoder; its attention maps, head view and next-token predictions come from it (greedy steps equal
 * the fixture's recorded ones). A folder without tokenizer.json is refused with the specific error
 * and the lesson keeps running its embedded decoder. An encoder folder goes into the encoder's place.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';
import { attentionShown } from './lesson-page';

interface GreedyCase { prompt: string; prompt_ids: number[]; new_ids: number[] }
const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as { greedy: GreedyCase[] };
// The longest prompt: the most rows in the maps.
const reference = expected.greedy.reduce((a, b) => (b.prompt_ids.length > a.prompt_ids.length ? b : a));

let scratch: string;
test.beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'tl-lesson-folder-'));
});
test.afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the fixture without its tokenizer.json. */
function folderWithoutTokenizer(): string {
  const dir = path.join(scratch, 'stories-no-tokenizer');
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'tokenizer_config.json', 'onnx/model.onnx']) copyFileSync(path.join(FIXTURE_MODEL_DIR, file), path.join(dir, file));
  return dir;
}

test('a model folder from disk is the lesson’s decoder, with maps and predictions; a folder without tokenizer.json is refused', async ({ page, backend }) => {
  test.skip(backend !== 'wasm', 'opening a folder does not depend on the backend; the maps of a standard graph run on webgpu in head-inside.spec.ts');
  await page.goto('./?panel=architecture&backend=wasm');
  await expect(page.getByTestId('column-decoder')).toBeVisible({ timeout: 180_000 });
  await page.getByLabel('Sentence for both models').fill(reference.prompt);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const decoderView = page.locator('tl-head-inside').nth(0);
  await expect(decoderView.getByTestId('heatmap-decoder')).toBeVisible({ timeout: 60_000 });

  // The picker is reached with the keyboard, right after the Hub field's Choose button.
  await page.getByTestId('lesson-model-choose').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Open a local folder…')).toBeFocused();

  // Not a model folder: the named error, and the embedded decoder keeps running.
  await page.getByTestId('lesson-local-folder').setInputFiles(folderWithoutTokenizer());
  await expect(page.getByTestId('lesson-local-error')).toHaveText('The folder "stories-no-tokenizer" is not a model folder: it has no tokenizer.json. Pick the folder that holds config.json, tokenizer.json and onnx/ (the transformers.js layout).');
  await expect(page.getByTestId('column-decoder').getByTestId('layers')).toHaveText('4');
  await expect(page.locator('h3', { hasText: 'tl-gpt' }).first()).toBeVisible();
  await expect(decoderView.getByTestId('heatmap-decoder')).toBeVisible();
  await page.getByTestId('step').click();
  await expect(page.getByTestId('generated-text')).toHaveAttribute('data-busy', 'false');
  await expect(page.getByTestId('generated-text')).toHaveAttribute('data-generated-ids', /^\[\d+\]$/);

  // The fixture's folder: its column, its maps and head view, its greedy steps.
  await page.getByTestId('lesson-local-folder').setInputFiles(FIXTURE_MODEL_DIR);
  await expect(page.getByTestId('lesson-local-error')).toHaveCount(0);
  await expect(page.locator('h3', { hasText: 'stories260k' }).first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('column-decoder').getByTestId('layers')).toHaveText('5');
  const text = page.getByTestId('generated-text');
  await expect(text).toHaveAttribute('data-prompt-ids', JSON.stringify(reference.prompt_ids), { timeout: 60_000 });
  await expect(page.getByTestId('next-token-bars')).toHaveAttribute('data-top-id', String(reference.new_ids[0]));
  await page.getByTestId('temperature-slider').fill('0');
  for (let step = 1; step <= 2; step++) {
    await page.getByTestId('step').click();
    await expect(text).toHaveAttribute('data-generated-ids', JSON.stringify(reference.new_ids.slice(0, step)));
    await expect(text).toHaveAttribute('data-busy', 'false');
  }

  const view = decoderView.locator('tl-attention-view');
  await expect(view.getByTestId('heatmap-decoder')).toBeVisible();
  const maps = await attentionShown(view);
  expect(maps).toMatchObject({ seq: reference.prompt_ids.length, heads: 8, layers: 5 });
  expect(maps.rowError).toBeLessThan(1e-4);
  expect(maps.above).toBe(0);
  await expect(decoderView.getByTestId('head-inside-table')).toBeVisible({ timeout: 60_000 });
  await expect(decoderView.getByTestId('head-inside-row')).toHaveCount(reference.prompt_ids.length);
  await expect(page.locator('tl-architecture-panel').getByRole('alert')).toHaveCount(0);

  // An encoder folder (a renamed copy of tl-bert) for the encoder, with the same picker.
  const encoderDir = path.join(scratch, 'my-bert');
  cpSync(path.join(REPO_ROOT, 'models/tl-bert'), encoderDir, { recursive: true });
  await page.getByTestId('lesson-model-slot').selectOption('bert');
  await page.getByTestId('lesson-local-folder').setInputFiles(encoderDir);
  await expect(page.locator('h3', { hasText: 'my-bert' }).first()).toBeVisible({ timeout: 120_000 });
  const encoderView = page.locator('tl-head-inside').nth(1);
  await expect(encoderView.getByTestId('heatmap-encoder')).toBeVisible();
  await expect(encoderView.getByTestId('head-inside-table')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('h3', { hasText: 'stories260k' }).first()).toBeVisible();
  await expect(page.locator('tl-architecture-panel').getByRole('alert')).toHaveCount(0);
});
