import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, openApp, chat } from './fixtures';
import { REPO_ROOT } from '../support/paths';

const MODEL_DIR = path.join(REPO_ROOT, 'models/tl-gpt');
const reference = JSON.parse(readFileSync(path.join(MODEL_DIR, 'reference.json'), 'utf8')) as {
  n_new_tokens: number;
  greedy: { prompt: string; new_ids: number[]; new_text: string }[];
};
const config = JSON.parse(readFileSync(path.join(MODEL_DIR, 'generation_config.json'), 'utf8')) as { eos_token_id: number | number[] };
const eos = new Set([config.eos_token_id].flat());

/** The reference has no early stop; the app stops at the first end-of-text token. */
function untilEos(ids: number[]): number[] {
  const at = ids.findIndex((id) => eos.has(id));
  return at < 0 ? ids : ids.slice(0, at + 1);
}

test('with no ?model= the app starts on the embedded decoder, and greedy replies equal its reference ids', async ({ page, backend }) => {
  await openApp(page, { backend, temperature: 0, max_new_tokens: reference.n_new_tokens });
  await expect(page.getByTestId('model-name')).toContainText('tl-gpt');
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  for (const item of reference.greedy) {
    await page.getByRole('button', { name: 'New chat' }).click();
    const reply = await chat(page, item.prompt);
    const expected = untilEos(item.new_ids);
    expect(reply.tokenIds, `ids for "${item.prompt}"`).toEqual(expected);
    if (expected.length === item.new_ids.length) expect(reply.text).toBe(item.new_text);
  }
});
