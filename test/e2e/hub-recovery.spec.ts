/**
 * Recovery: a destroyed GPU device (a real device loss on SwiftShader, triggered through the
 * ?debug=1 hook) ends in a clear message, the engine is restarted and the model reloaded, and the
 * conversation and the unsent message are still there. A GPU out of memory (simulated through a
 * ?debug=1 hook) moves the model to WASM the same way.
 */
import { test, expect, openApp, chat, waitForLoad } from './fixtures';

test('a lost GPU device is recovered from with the conversation and the message intact', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'webgpu', 'only WebGPU has a device to lose');
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 12, debug: 1, prompt_lookup: 0 });
  await expect(page.getByTestId('backend-badge')).toHaveText('webgpu');
  const first = await chat(page, 'Once upon a time');

  const destroyed = await page.evaluate(() => document.querySelector('tl-app')!.client!.debugLoseDevice());
  expect(destroyed).toBe(true);
  const input = page.getByLabel('Message');
  await input.fill('Lily went to the park');
  await input.press('Enter');

  await expect(page.getByTestId('chat-error')).toHaveAttribute('data-error-name', 'GpuDeviceLostError');
  await expect(page.getByTestId('chat-error')).toContainText('GPU device was lost');
  await expect(input).toHaveValue('Lily went to the park');
  await expect(page.locator('[data-role=assistant]')).toHaveCount(1);
  await expect(page.locator('[data-role=assistant] .content').first()).toHaveText(first.text);

  // The app restarts the engine and reloads the model by itself.
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('webgpu');
  await input.press('Enter');
  const reply = page.locator('[data-role=assistant]').nth(1);
  await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 180_000 });
  const ids = JSON.parse((await reply.getAttribute('data-token-ids')) ?? '[]') as number[];
  expect(ids).not.toHaveLength(0);
  // The GPU pick was made again on the new device: every step of the new reply was picked there.
  await expect(reply).toHaveAttribute('data-gpu-picks', String(ids.length));
  await expect(page.locator('[data-role=user]')).toHaveCount(2);
});

test('a GPU out of memory reloads the model on WASM, says why, and keeps the conversation and the message', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'webgpu', 'only WebGPU has GPU memory to run out of');
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 12, debug: 1 });
  await expect(page.getByTestId('backend-badge')).toHaveText('webgpu');
  const first = await chat(page, 'Once upon a time');
  await expect(page.getByTestId('gpu-oom-fallback')).toHaveCount(0);

  // SwiftShader cannot be driven out of memory: the hook makes the next decoder step fail with the
  // text onnxruntime gives for a failed GPU allocation, and the real classification and recovery follow.
  expect(await page.evaluate(() => document.querySelector('tl-app')!.client!.debugFailNextStep())).toBe(true);
  const input = page.getByLabel('Message');
  await input.fill('Lily went to the park');
  await input.press('Enter');

  const error = page.getByTestId('chat-error');
  await expect(error).toHaveAttribute('data-error-name', 'OutOfMemoryError');
  await expect(error).toContainText('ran out of memory');
  await expect(input).toHaveValue('Lily went to the park');
  await expect(page.locator('[data-role=user] .content')).toHaveText(['Once upon a time']);
  await expect(page.locator('[data-role=assistant] .content')).toHaveText([first.text]);

  // The app reloads the same model on WASM by itself and says why.
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
  await waitForLoad(page);
  await expect(page.getByTestId('gpu-oom-fallback')).toContainText('The GPU ran out of memory, so the model was reloaded on WASM');
  await expect(page.getByTestId('model-name')).toContainText('stories260k');
  await expect(page.locator('[data-role=assistant] .content')).toHaveText([first.text]);
  await input.press('Enter');
  const reply = page.locator('[data-role=assistant]').nth(1);
  await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 180_000 });
  expect(JSON.parse((await reply.getAttribute('data-token-ids')) ?? '[]')).not.toHaveLength(0);
  await expect(page.locator('[data-role=user] .content')).toHaveText(['Once upon a time', 'Lily went to the park']);
  await expect(page.getByTestId('chat-error')).toHaveCount(0);
  await expect(input).toHaveValue('');
});

test('a crashed worker is restarted, the model reloaded, and nothing typed is lost', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'wasm', 'a worker crash does not depend on the backend');
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 12, debug: 1 });
  const first = await chat(page, 'Once upon a time');
  const input = page.getByLabel('Message');
  await input.fill('half-written message');

  // The first load came from the network; only a reload can come from the browser's cache.
  await expect(page.getByTestId('from-cache-note')).toHaveCount(0);
  expect(await page.evaluate(() => document.querySelector('tl-app')!.client!.debugCrash())).toBe(true);
  // The app notices the crash and loads the model into a fresh worker.
  await expect(page.getByTestId('from-cache-note')).toBeVisible();
  await waitForLoad(page);
  await expect(input).toHaveValue('half-written message');
  await expect(page.locator('[data-role=assistant] .content')).toHaveText([first.text]);
  await input.press('Enter');
  const reply = page.locator('[data-role=assistant]').nth(1);
  await expect(reply).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  await expect(page.getByTestId('chat-error')).toHaveCount(0);
});
