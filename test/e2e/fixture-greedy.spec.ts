import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, openApp, chat } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';

interface GreedyCase {
  prompt: string;
  new_ids: number[];
  new_text: string;
}
const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as { greedy: GreedyCase[] };

test('greedy chat through the UI reproduces the fixture reference ids exactly', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 60 });
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  await expect(page.getByTestId('model-name')).toContainText('stories260k');
  for (const reference of expected.greedy) {
    await page.getByRole('button', { name: 'New chat' }).click();
    const reply = await chat(page, reference.prompt);
    expect(reply.tokenIds, `ids for "${reference.prompt}"`).toEqual(reference.new_ids);
    expect(reply.text).toBe(reference.new_text);
    expect(reply.reason).toBe('max-tokens');
  }
  await expect(page.getByTestId('decode-rate')).toHaveText(/^\d+(\.\d)? tok\/s$/);
});
