/**
 * Inside one attention head, with the embedded decoder and encoder: the numbers the panel shows
 * agree with each other (the softmax row sums to 1, the decoder's keys after the chosen token are
 * masked with weight 0 and the encoder's are not, the weighted sum equals Σ p·v of the rows shown
 * and the model's own output), and they follow the heatmap's layer/head picker and the token picker.
 */
import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';

const numbers = async (cells: Locator) => (await cells.allTextContents()).map((t) => (t.trim() === '−∞' ? -Infinity : Number(t)));

async function checkHead(view: Locator, causal: boolean, token?: number): Promise<void> {
  const table = view.getByTestId('head-inside-table');
  await expect(table).toBeVisible({ timeout: 60_000 });
  token ??= Number(await view.getByTestId('head-inside-token').inputValue());
  await expect(view.getByText(causal ? /Causal mask:/ : /No mask:/)).toBeVisible();
  const probs = await numbers(view.getByTestId('head-inside-prob'));
  const masks = await view.getByTestId('head-inside-mask').allTextContents();
  expect(probs.length).toBeGreaterThan(token);
  expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(probs.length * 5e-5 + 1e-6);
  probs.forEach((p, j) => {
    const masked = causal && j > token;
    expect(masks[j]).toBe(masked ? '−∞' : '0');
    if (masked) expect(p).toBe(0);
  });
  // Without a mask, the keys after the token get weight too.
  if (!causal && token < probs.length - 1) expect(Math.max(...probs.slice(token + 1))).toBeGreaterThan(0);
  // Σ p·v from the rounded numbers on screen, per shown dimension.
  const dims = (await view.getByTestId('head-inside-sum').count());
  const v = await numbers(view.getByTestId('head-inside-v'));
  const sums = await numbers(view.getByTestId('head-inside-sum'));
  const outputs = await numbers(view.getByTestId('head-inside-output'));
  const maxV = Math.max(...v.map(Math.abs));
  for (let i = 0; i < dims; i++) {
    const recomputed = probs.reduce((sum, p, j) => sum + p * v[j * dims + i], 0);
    expect(Math.abs(recomputed - sums[i])).toBeLessThan(probs.length * (5e-5 * maxV + 5e-4) + 5e-4);
    expect(Math.abs(sums[i] - outputs[i])).toBeLessThan(2e-3);
  }
}

test('one head, one token: the shown q·k, mask, softmax and weighted sum are consistent for the decoder and the encoder', async ({ page, backend }) => {
  await page.goto(`./?panel=architecture&backend=${backend}`);
  await expect(page.getByTestId('column-decoder')).toBeVisible({ timeout: 180_000 });
  // A sentence of its own, not the default (which follows the language and may change).
  await page.getByRole('textbox', { name: 'Sentence for both models' }).fill('As Mark Twain said, the report of my death was an exaggeration.');
  await page.getByRole('button', { name: 'Run' }).click();
  const [decoder, encoder] = [page.locator('tl-head-inside').nth(0), page.locator('tl-head-inside').nth(1)];
  for (const view of [decoder, encoder]) await expect(view.getByTestId('head-inside-token').locator('option', { hasText: 'Twain' })).toHaveCount(1, { timeout: 60_000 });

  await checkHead(decoder, true);
  // Another layer and head from the heatmap's picker, and an earlier token from the head's own picker.
  const decoderView = decoder.locator('tl-attention-view');
  await decoderView.getByRole('combobox', { name: 'Layer' }).selectOption({ index: 1 });
  await decoderView.getByRole('combobox', { name: 'Head' }).selectOption({ index: 1 });
  const before = await decoder.getByTestId('head-inside-query').textContent();
  await decoder.getByTestId('head-inside-token').selectOption({ index: 2 });
  await expect(decoder.getByTestId('head-inside-query')).not.toHaveText(before ?? '');
  await expect(decoder.getByText('Layer 2, head 2:')).toBeVisible();
  await checkHead(decoder, true, 2);

  await checkHead(encoder, false);
  await encoder.getByTestId('head-inside-token').selectOption({ index: 2 });
  // Token 2 after [CLS] and "As"; a leading space is shown as ·.
  await expect(encoder.getByText(/how the token “[ ·]?Mark”/)).toBeVisible();
  await checkHead(encoder, false, 2);
});
