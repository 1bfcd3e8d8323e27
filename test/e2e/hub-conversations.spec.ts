/**
 * Conversations: the chat template renders the system prompt and every turn as the tokenizer
 * defines; conversations and the unsent message survive a reload; export and import as JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { test, expect, chat, waitForLoad } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { startHubServer, type HubServer } from '../support/hub-server';

const REPO = 'test-org/stories260k-chat';
// A small template of our own, so the expected prompt can be written out by hand below.
const TEMPLATE =
  "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}{{ m['content'] + '\\n\\n' }}" +
  "{% elif m['role'] == 'user' %}{{ 'User: ' + m['content'] + '\\n' }}{% else %}{{ 'Bot: ' + m['content'] + '\\n' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ 'Bot:' }}{% endif %}";
const tokenizerConfig = { ...JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'tokenizer_config.json'), 'utf8')), chat_template: TEMPLATE };
const tokenizer = new Tokenizer(JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'tokenizer.json'), 'utf8')), tokenizerConfig);

let hub: HubServer;
test.beforeEach(async ({ backend }) => {
  test.skip(backend !== 'wasm', 'templates and storage do not depend on the backend');
  hub = await startHubServer({ [REPO]: { dir: FIXTURE_MODEL_DIR, overrides: { 'tokenizer_config.json': JSON.stringify(tokenizerConfig) } } });
});
test.afterEach(async () => {
  await hub?.close();
});

async function promptTokens(page: import('@playwright/test').Page): Promise<number> {
  const text = (await page.getByTestId('run-stats').textContent()) ?? '';
  return Number(/prompt\s*(\d+)/.exec(text)?.[1]);
}

test('multi-turn prompts follow the chat template; conversations survive a reload and round-trip as JSON', async ({ page }) => {
  await page.goto(`./?model=${REPO}&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=8`);
  await page.getByTestId('confirm-download').click();
  await waitForLoad(page);
  await expect(page.getByText('Mode: chat template')).toBeVisible();

  await page.getByRole('button', { name: /System prompt/ }).click();
  await page.getByLabel('System prompt', { exact: true }).fill('Tell short stories.');
  await page.getByLabel('System prompt', { exact: true }).blur();
  const first = await chat(page, 'Hi');
  const count = (s: string) => tokenizer.encode(s, { add_special_tokens: false }).ids.length;
  expect(await promptTokens(page)).toBe(count('<s>Tell short stories.\n\nUser: Hi\nBot:'));
  await chat(page, 'More');
  expect(await promptTokens(page)).toBe(count(`<s>Tell short stories.\n\nUser: Hi\nBot: ${first.text}\nUser: More\nBot:`));

  // An unsent message and the conversation are still there after a reload.
  await page.getByLabel('Message').fill('not sent yet');
  await page.reload();
  await waitForLoad(page);
  await expect(page.locator('[data-role=assistant]')).toHaveCount(2);
  await expect(page.locator('[data-role=user] .content')).toHaveText(['Hi', 'More']);
  await expect(page.getByLabel('Message')).toHaveValue('not sent yet');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { conversations: { system: string; messages: { content: string }[] }[] };
  expect(exported.conversations).toHaveLength(1);
  expect(exported.conversations[0].system).toBe('Tell short stories.');
  expect(exported.conversations[0].messages.map((m) => m.content)).toEqual(['Hi', first.text, 'More', expect.any(String)]);

  const imported = { conversations: [{ title: 'From a file', system: '', messages: [{ role: 'user', content: 'Imported question' }, { role: 'assistant', content: 'Imported answer' }] }] };
  await page.getByTestId('conversations-import').setInputFiles({ name: 'chats.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(imported)) });
  await expect(page.locator('[data-role=assistant] .content')).toHaveText(['Imported answer']);
  await expect(page.getByTestId('conversation-select').locator('option')).toHaveText(['From a file', 'Hi']);
  await page.getByTestId('conversations-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"nope": 1}') });
  await expect(page.getByTestId('conversations-note')).toContainText('not a Transformer Lab conversations export');
});
