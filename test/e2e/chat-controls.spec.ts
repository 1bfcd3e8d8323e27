import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, openApp, chat, readReply } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';

const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as {
  greedy: { prompt: string; new_ids: number[] }[];
};

test('Esc stops a reply mid-stream, and the next request still works', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 500 });
  await page.getByLabel('Message').fill('Once upon a time');
  await page.getByLabel('Message').press('Enter');
  const reply = page.locator('[data-role=assistant]').first();
  await expect(reply).toHaveAttribute('data-token-ids', /\[\d+,\d+/); // at least two tokens streamed
  await page.keyboard.press('Escape');
  await expect(reply).toHaveAttribute('data-streaming', 'false');
  const stopped = await readReply(page, 0);
  expect(stopped.reason).toBe('aborted');
  expect(stopped.tokenIds.length).toBeLessThan(500);
  // What streamed before the stop is the start of the greedy reference.
  const checked = Math.min(60, stopped.tokenIds.length);
  expect(stopped.tokenIds.slice(0, checked)).toEqual(expected.greedy[1].new_ids.slice(0, checked));
  await expect(reply.getByTestId('stop-note')).toHaveText('Stopped by you.');

  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.locator('[data-role=assistant]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'detached' });
});

test('the Stop button stops generation and keyboard shortcuts work', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 500 });
  const input = page.getByLabel('Message');
  await input.fill('Zoo');
  await input.press('Shift+Enter');
  await input.pressSequentially('Lily');
  await expect(input).toHaveValue('Zoo\nLily');
  await expect(page.locator('[data-role=user]')).toHaveCount(0);
  await input.fill('Zoo');
  await input.press('Enter');
  await expect(page.locator('[data-role=assistant]').first()).toHaveAttribute('data-token-ids', /\[\d+,\d+/);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('[data-role=assistant]').first()).toHaveAttribute('data-stop-reason', 'aborted');
  await expect(input).toBeFocused();
  // The conversation continues after a stop (with a short reply, to keep SwiftShader runs quick).
  await page.locator('input[name=maxNewTokens]').fill('5');
  await page.locator('input[name=maxNewTokens]').press('Tab');
  await input.focus();
  const next = await chat(page, ' The end.');
  expect(next.tokenIds.length).toBeGreaterThan(0);
  expect(next.tokenIds.length).toBeLessThanOrEqual(5);
});

test('model output and user input are shown as text, never as markup', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 8 });
  const attack = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  await chat(page, attack);
  await expect(page.locator('[data-role=user] .content')).toHaveText(attack);
  await expect(page.locator('[role=log] img, [role=log] b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('WASM runs multi-threaded (2 threads) and stays exact', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'wasm', 'threads are a WASM setting');
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 60, threads: 2 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('wasm-threads')).toHaveText('2 WASM threads');
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids);
});

test('settings and model are kept in the URL so a demo can be bookmarked', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 12 });
  await page.locator('input[name=maxNewTokens]').fill('7');
  await page.locator('input[name=maxNewTokens]').press('Tab');
  await expect.poll(() => new URL(page.url()).searchParams.get('max_new_tokens')).toBe('7');
  const url = new URL(page.url());
  expect(url.searchParams.get('model')).toBe(modelServer.fixtureUrl);
  expect(url.searchParams.get('backend')).toBe(backend);
  expect(url.searchParams.get('temperature')).toBe('0');
  await page.reload();
  await expect(page.getByTestId('backend-badge')).toHaveText(backend, { timeout: 120_000 });
  const reply = await chat(page, 'Zoo');
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 7));
  expect(reply.reason).toBe('max-tokens');
});
