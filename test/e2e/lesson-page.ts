/** Steps of the architecture panel that several lesson specs take: choosing a model, reading the maps shown. */
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** Chooses a Hub model for a slot through the lesson's picker and the Models tab's confirmation. */
export async function chooseLessonModel(page: Page, id: string, slot: 'decoder' | 'bert'): Promise<void> {
  await page.getByTestId('lesson-model-slot').selectOption(slot);
  await page.getByTestId('lesson-model-input').fill(id);
  await page.getByTestId('lesson-model-choose').click();
  const confirm = page.locator('tl-lesson-models').getByTestId('model-confirm');
  await expect(confirm.getByTestId('confirm-model-id')).toHaveText(id);
  await confirm.getByTestId('confirm-download').click();
  await expect(confirm).toHaveCount(0);
}

/**
 * What a `tl-attention-view` holds: its shape, the worst distance of a row's sum from 1 over every
 * layer and head, and the largest weight above the diagonal (a token looking ahead).
 */
export async function attentionShown(view: Locator): Promise<{ seq: number; heads: number; layers: number; rowError: number; above: number }> {
  return view.evaluate((el) => {
    const a = (el as unknown as { attention: { seq: number; heads: number; layers: Float32Array[][] } }).attention;
    let rowError = 0;
    let above = 0;
    for (const heads of a.layers) for (const mat of heads) for (let r = 0; r < a.seq; r++) {
      let sum = 0;
      for (let c = 0; c < a.seq; c++) {
        sum += mat[r * a.seq + c];
        if (c > r) above = Math.max(above, Math.abs(mat[r * a.seq + c]));
      }
      rowError = Math.max(rowError, Math.abs(sum - 1));
    }
    return { seq: a.seq, heads: a.heads, layers: a.layers.length, rowError, above };
  });
}
