import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { test, expect, openApp, chat, waitForLoad, type ModelServer } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { chromiumLaunchOptions } from '../support/chromium.mjs';

const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as {
  greedy: { prompt: string; new_ids: number[] }[];
};

/** Broken copies of the fixture in the served scratch folder. */
function brokenFolders(server: ModelServer) {
  const make = (name: string, onnx: Buffer | null) => {
    const dir = path.join(server.scratchDir, name);
    mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      copyFileSync(path.join(FIXTURE_MODEL_DIR, file), path.join(dir, file));
    }
    if (onnx) writeFileSync(path.join(dir, 'onnx/model.onnx'), onnx);
    return `${server.origin}/scratch/${name}/`;
  };
  const real = readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx'));
  return {
    missingOnnx: make('no-onnx', null),
    truncatedOnnx: make('truncated-onnx', real.subarray(0, Math.floor(real.length / 3))),
    garbageOnnx: make('garbage-onnx', Buffer.from('this is not an onnx model '.repeat(100))),
  };
}

async function loadThroughUi(page: import('@playwright/test').Page, url: string) {
  await page.getByLabel('Model folder URL').fill(url);
  await page.getByRole('button', { name: 'Load' }).click();
  await waitForLoad(page);
}

test('every bad model address shows a clear error and the loaded model keeps working', async ({ page, backend, modelServer }) => {
  // Ten tokens show the model still exact after the failures; more would only add SwiftShader's decode time.
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 10 });
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  const broken = brokenFolders(modelServer);
  const cases: { url: string; name: string; text: RegExp }[] = [
    { url: 'http://[not a url', name: 'ModelUrlError', text: /not a valid model address/ },
    { url: 'http://127.0.0.1:9/nowhere/', name: 'ModelFetchError', text: /could not be reached/ },
    { url: `${modelServer.origin}/scratch/does-not-exist/`, name: 'ModelFileMissingError', text: /has no config\.json/ },
    { url: broken.missingOnnx, name: 'ModelFileMissingError', text: /has no onnx\/model\.onnx/ },
    { url: broken.truncatedOnnx, name: 'ModelFormatError', text: /onnx\/model\.onnx is not usable/ },
    { url: broken.garbageOnnx, name: 'ModelFormatError', text: /onnx\/model\.onnx is not usable/ },
  ];
  for (const bad of cases) {
    await loadThroughUi(page, bad.url);
    const error = page.getByTestId('load-error');
    await expect(error, bad.url).toHaveAttribute('data-error-name', bad.name);
    await expect(error).toContainText(bad.text);
    await expect(error).toContainText('Still running stories260k');
    await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  }
  const reply = await chat(page, expected.greedy[0].prompt);
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 10));

  // A good load after the failures clears the error.
  await loadThroughUi(page, modelServer.fixtureUrl);
  await expect(page.getByTestId('load-error')).toHaveCount(0);
});

test('a prompt longer than the context is refused with the numbers, and nothing typed is lost', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 10 });
  const long = 'Zoo '.repeat(400);
  await page.getByLabel('Message').fill(long);
  await page.getByLabel('Message').press('Enter');
  const error = page.getByTestId('chat-error');
  await expect(error).toHaveAttribute('data-error-name', 'PromptTooLongError');
  await expect(error).toContainText(/Your prompt is \d+ tokens, but this model's context holds 512/);
  await expect(page.getByLabel('Message')).toHaveValue(long);
  await expect(page.locator('[data-role=user]')).toHaveCount(0);
  const reply = await chat(page, 'Zoo');
  expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 10));
  await expect(error).toHaveCount(0);
});

test('generation that reaches the context limit stops with a message, not a crash', async ({ page, backend, modelServer }) => {
  test.skip(backend === 'webgpu', 'filling a 512-token context on SwiftShader takes minutes; the loop is backend-independent');
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 2000 });
  const reply = await chat(page, 'Zoo');
  expect(reply.reason).toBe('context');
  // Every one of the 512 positions is used: 4 prompt tokens, 508 fed back, and one last token.
  const promptTokens = 4;
  expect(reply.tokenIds.length).toBe(512 - promptTokens + 1);
  await expect(page.getByTestId('stop-note')).toContainText("context limit of 512 tokens");
});

test('a browser without a WebGPU adapter falls back to WASM with the reason, and a forced WebGPU says why it cannot run', async ({ backend, modelServer, baseURL }) => {
  test.skip(backend !== 'wasm', 'runs its own browser without WebGPU');
  const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: false, forTests: true }));
  try {
    const page = await browser.newPage({ baseURL });
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'auto', temperature: 0, max_new_tokens: 60 });
    await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
    await expect(page.getByTestId('fallback-reason')).toContainText(/Using WASM because (this browser has no WebGPU API|the browser has WebGPU but found no usable GPU adapter|requesting a GPU adapter failed)/);
    const reply = await chat(page, expected.greedy[0].prompt);
    expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids);

    await page.getByLabel('Backend').selectOption('webgpu');
    await page.getByRole('button', { name: 'Load' }).click();
    await waitForLoad(page);
    await expect(page.getByTestId('load-error')).toHaveAttribute('data-error-name', 'WebGpuUnavailableError');
    await expect(page.getByTestId('load-error')).toContainText('Choose the WASM backend');
    await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
  } finally {
    await browser.close();
  }
});

test('a browser without Web Workers gets a clear message instead of a frozen page', async ({ page, backend }) => {
  test.skip(backend !== 'wasm', 'no engine runs at all; once is enough');
  await page.addInitScript(() => {
    delete (window as { Worker?: unknown }).Worker;
  });
  await page.goto('./');
  const error = page.getByTestId('load-error');
  await expect(error).toHaveAttribute('data-error-name', 'WorkerUnavailableError');
  await expect(error).toContainText('cannot run Web Workers');
  await expect(page.getByLabel('Message')).toBeVisible();
});

test('in Chinese, the fallback reason and every engine error are Chinese sentences that keep the numbers', async ({ backend, modelServer, baseURL }) => {
  test.skip(backend !== 'wasm', 'runs its own browser without WebGPU');
  const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: false, forTests: true }));
  const han = /[\u4e00-\u9fff]/;
  try {
    // The language follows the browser's when the user has not chosen one.
    const page = await browser.newPage({ baseURL, locale: 'zh-CN' });
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'auto', temperature: 0, max_new_tokens: 10 });
    await expect(page.getByTestId('fallback-reason')).toContainText(/^使用 WASM，原因：.*(WebGPU|GPU)/);
    await expect(page.getByTestId('fallback-reason')).not.toContainText(/Using WASM|browser has|adapter failed/);

    await page.locator('tl-model-bar input[name=model]').fill('http://127.0.0.1:9/nowhere/');
    await page.locator('tl-model-bar button[type=submit]').click();
    await waitForLoad(page);
    const error = page.getByTestId('load-error');
    await expect(error).toHaveAttribute('data-error-name', 'ModelFetchError');
    await expect(error).toContainText('无法下载 http://127.0.0.1:9/nowhere/config.json');
    await expect(error).not.toContainText(/Could not download|Check the address/);

    const message = page.locator('tl-chat-panel textarea');
    await message.fill('Zoo '.repeat(400));
    await message.press('Enter');
    const chatError = page.getByTestId('chat-error');
    await expect(chatError).toHaveAttribute('data-error-name', 'PromptTooLongError');
    await expect(chatError).toContainText(/你的输入有 \d+ 个词元，但此模型的上下文只能容纳 512 个/);
    expect(await chatError.textContent()).toMatch(han);
  } finally {
    await browser.close();
  }
});
