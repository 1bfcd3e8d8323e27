/**
 * The fault suite (issue 16): every probe a new user or an attacker tried against the built app, kept
 * as a test. Each fault is served from 127.0.0.1 (the static server's scratch folder, or the local
 * Hub with per-file faults); nothing reaches the network. Probes kept elsewhere are listed in
 * docs/fault-suite.md with their test names. Backend-independent probes run in the wasm project only;
 * the device loss runs in the webgpu project, where there is a device to lose.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openApp, chat, waitForLoad, holdNextReply, type ModelServer } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { startHubServer, type HubRepo, type HubServer } from '../support/hub-server';

// Each probe opens its own pages and servers: they may share out among the run's workers.
test.describe.configure({ mode: 'parallel' });

const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as {
  greedy: { prompt: string; new_ids: number[] }[];
};
const JSON_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const HTML_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Please sign in</form></body></html>';
/** Every script-bearing input sets this if it ever runs. */
const ATTACK = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

/** A copy of the fixture in the served scratch folder, with some files replaced; returns its URL. */
function scratchModel(server: ModelServer, name: string, replace: Record<string, string | Buffer> = {}): string {
  const dir = path.join(server.scratchDir, name);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const file of JSON_FILES) copyFileSync(path.join(FIXTURE_MODEL_DIR, file), path.join(dir, file));
  copyFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx'), path.join(dir, 'onnx/model.onnx'));
  for (const [file, body] of Object.entries(replace)) writeFileSync(path.join(dir, file), body);
  return `${server.origin}/scratch/${encodeURIComponent(name)}/`;
}

async function expectNoScriptRan(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('tl-app img, tl-app script')).toHaveCount(0);
}

/** Collects uncaught errors and unhandled rejections of the page. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

async function startStreaming(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
  await expect(page.locator('[data-role=assistant]').last()).toHaveAttribute('data-token-ids', /\[\d+,\d+/);
}

const loadError = (page: Page) => page.getByTestId('load-error');

test.describe('bad addresses and folders', () => {
  test.beforeEach(({ backend }) => test.skip(backend !== 'wasm', 'addresses and files do not depend on the backend'));

  for (const [probe, param] of [
    ['P01 ?model=javascript:… names the bad address instead of waiting for a model', 'javascript:alert(1)//'],
    ['P02 ?model=data:… names the bad address instead of waiting for a model', 'data:text/html,<script>alert(1)</script>'],
    ['P03 a ?model= that new URL() rejects names the bad address instead of waiting for a model', 'http://[not a url/'],
  ] as const) {
    test(probe, async ({ page }) => {
      let dialogs = 0;
      page.on('dialog', (dialog) => {
        dialogs++;
        void dialog.dismiss();
      });
      await openApp(page, { model: param, backend: 'wasm' });
      await expect(loadError(page)).toHaveAttribute('data-error-name', 'ModelUrlError');
      await expect(loadError(page)).toContainText('is not a valid model address');
      expect(dialogs).toBe(0);
      await expectNoScriptRan(page);
    });
  }

  test('P04 a relative folder path (?model=models/tl-gpt/), as the error text suggests, loads', async ({ page }) => {
    await openApp(page, { model: 'models/tl-gpt/', backend: 'wasm' });
    await expect(loadError(page)).toHaveCount(0);
    await expect(page.getByTestId('model-confirm')).toHaveCount(0);
    await expect(page.getByTestId('model-name')).toContainText('tl-gpt');
    await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled(); // enabled once something is typed
    await page.getByLabel('Message').fill('Hello');
    await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  });

  for (const [probe, file, broken] of [
    ['P06 a broken config.json is not cached for good: fixed on the server, the next Load downloads it again', 'config.json', '{"num_hidden_layers": 2,'],
    ['P07 a broken tokenizer.json is not cached for good: fixed on the server, the next Load downloads it again', 'tokenizer.json', '{"model": {"type": "NoSuchModel"}}'],
  ] as const) {
    test(probe, async ({ page, modelServer }) => {
      const name = `broken-${file.replace('.', '-')}`;
      const url = scratchModel(modelServer, name, { [file]: broken });
      await openApp(page, { model: url, backend: 'wasm', temperature: 0, max_new_tokens: 10 });
      await expect(loadError(page)).toHaveAttribute('data-error-name', 'ModelFormatError');
      await expect(loadError(page)).toContainText(`${file} is not usable`);
      copyFileSync(path.join(FIXTURE_MODEL_DIR, file), path.join(modelServer.scratchDir, name, file));
      await page.getByRole('button', { name: 'Load' }).click();
      await waitForLoad(page);
      await expect(loadError(page)).toHaveCount(0);
      const reply = await chat(page, expected.greedy[0].prompt);
      expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 10));
    });
  }

  for (const [probe, file] of [
    ['P08 an HTML page served as config.json is named as such, with no CORS hint', 'config.json'],
    ['P09 an HTML page served as the weights is named as such, not as a corrupt file', 'onnx/model.onnx'],
  ] as const) {
    test(probe, async ({ page, modelServer }) => {
      const url = scratchModel(modelServer, `html-${file.replace(/[/.]/g, '-')}`, { [file]: HTML_PAGE });
      await openApp(page, { model: url, backend: 'wasm' });
      await expect(loadError(page)).toHaveAttribute('data-error-name', 'ModelFetchError');
      await expect(loadError(page)).toContainText(`the server answered with an HTML page, not ${file}`);
      await expect(loadError(page)).not.toContainText(/CORS|corrupt/);
    });
  }
});

test.describe('long, strange and script-bearing inputs', () => {
  test.beforeEach(({ backend }) => test.skip(backend !== 'wasm', 'text handling does not depend on the backend'));

  test('P12 a prompt of strange Unicode (RTL, emoji sequences, zero-width, control characters) is kept verbatim and answered', async ({ page, modelServer }) => {
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 8 });
    const strange = `مرحبا \u202eevil\u202c 👩‍👩‍👧‍👦 e\u0301 \u200b\u200d\u2060 \u0007\u001b[31m 𝔘𝔫𝔦 ${'长'.repeat(40)} \uFEFF`;
    const reply = await chat(page, strange);
    await expect(page.locator('[data-role=user] .content')).toHaveText(strange);
    expect(reply.reason).not.toBe('');
    await expect(page.getByTestId('chat-error')).toHaveCount(0);
  });

  test('P13 a script-bearing system prompt stays text, is saved, and nothing runs', async ({ page, modelServer }) => {
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 4 });
    await page.getByRole('button', { name: 'System prompt' }).click();
    const system = page.getByLabel('System prompt', { exact: true });
    await system.fill(ATTACK);
    await system.blur();
    await chat(page, 'Zoo');
    await expect(page.getByLabel('System prompt', { exact: true })).toHaveValue(ATTACK);
    // Conversations are stored one key each (src/panels/chat/conversation-storage.ts, CONVERSATION_PREFIX).
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('tl.conversation.v2.')).map((key) => localStorage.getItem(key)).join('\n'));
    expect(stored).toContain(JSON.stringify(ATTACK).slice(1, -1));
    await expectNoScriptRan(page);
  });

  test('P14 a model folder named with markup is shown as text', async ({ page, modelServer }) => {
    const name = '<img src=x onerror=window.__pwned=1>';
    const url = scratchModel(modelServer, name);
    await openApp(page, { model: url, backend: 'wasm', temperature: 0, max_new_tokens: 4 });
    await expect(page.getByTestId('model-name')).toContainText(name);
    await expect(page.locator('tl-chat-panel .empty')).toContainText(name);
    await chat(page, 'Zoo');
    await expectNoScriptRan(page);
  });

  test('P15 script in config.json and tokenizer_config.json fields is never run', async ({ page, modelServer }) => {
    const config = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'config.json'), 'utf8')) as Record<string, unknown>;
    const tokenizerConfig = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    const url = scratchModel(modelServer, 'script-fields', {
      'config.json': JSON.stringify({ ...config, model_type: ATTACK, architectures: [ATTACK], _name_or_path: ATTACK }),
      'tokenizer_config.json': JSON.stringify({ ...tokenizerConfig, pad_token: ATTACK, tokenizer_class: ATTACK }),
    });
    await openApp(page, { model: url, backend: 'wasm', temperature: 0, max_new_tokens: 4 });
    await expect(loadError(page)).toHaveCount(0);
    await chat(page, 'Zoo');
    await expectNoScriptRan(page);
  });

  test('P16 markup in a chat template\'s output reaches the model as text and nothing runs', async ({ page, modelServer }) => {
    const url = scratchModel(modelServer, 'markup-template', {
      'tokenizer_config.json': JSON.stringify({ chat_template: `{% for m in messages %}${ATTACK}{{ m.content }}{% endfor %}` }),
    });
    await openApp(page, { model: url, backend: 'wasm', temperature: 0, max_new_tokens: 6 });
    await expect(page.locator('tl-chat-panel .empty')).toContainText('chat template');
    const reply = await chat(page, 'Zoo');
    expect(reply.tokenIds.length).toBeGreaterThan(0);
    await expectNoScriptRan(page);
  });

  test('P17 a chat template that calls raise_exception is named, quoted, and the message is kept', async ({ page, modelServer }) => {
    const refusal = 'Conversation roles must alternate user/assistant/user/assistant/...';
    const url = scratchModel(modelServer, 'refusing-template', {
      'tokenizer_config.json': JSON.stringify({ chat_template: `{{ raise_exception('${refusal}') }}` }),
    });
    await openApp(page, { model: url, backend: 'wasm', temperature: 0, max_new_tokens: 6 });
    const input = page.getByLabel('Message');
    await input.fill('Zoo');
    await input.press('Enter');
    const error = page.getByTestId('chat-error');
    await expect(error).toHaveAttribute('data-error-name', 'ChatTemplateError');
    await expect(error).toContainText(`chat template refused this conversation: "${refusal}"`);
    await expect(input).toHaveValue('Zoo');
    await expect(page.locator('[data-role=user]')).toHaveCount(0);
    // Not a reason to restart anything: the model stays loaded.
    await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
  });
});

test.describe('Hub faults', () => {
  let hub: HubServer;
  const repos: Record<string, HubRepo> = {};
  test.beforeEach(async ({ backend }) => {
    test.skip(backend !== 'wasm', 'downloads do not depend on the backend');
    for (const id of ['faults/cut', 'faults/hash', 'faults/html', 'faults/huge']) repos[id] = { dir: FIXTURE_MODEL_DIR };
    repos['faults/cut'].faults = { 'onnx/model.onnx': { cutAfterBytes: 100_000 } };
    repos['faults/hash'].faults = { 'onnx/model.onnx': { wrongSha256: true } };
    repos['faults/html'].faults = { 'onnx/model.onnx': { contentType: 'text/html; charset=utf-8' } };
    repos['faults/huge'].faults = { 'onnx/model.onnx': { claimBytes: 50e9 } };
    hub = await startHubServer(repos);
  });
  test.afterEach(async () => {
    await hub?.close();
  });
  const gets = (repo: string, file: string) => hub.requests.filter((r) => r.method === 'GET' && r.repo === repo && r.file === file);
  const sharedLink = (repo: string) => `./?model=${repo}&hub=${encodeURIComponent(hub.origin)}&backend=wasm&temperature=0&max_new_tokens=20`;

  test('P19 a download cut mid-file says where it stopped (no CORS hint) and continues with a range request', async ({ page }) => {
    await page.goto(sharedLink('faults/cut'));
    await page.getByTestId('confirm-download').click();
    await waitForLoad(page);
    await expect(loadError(page)).toHaveAttribute('data-error-name', 'ModelFetchError');
    await expect(loadError(page)).toContainText('the download stopped after');
    await expect(loadError(page)).toContainText('Load the model again to continue the download.');
    await expect(loadError(page)).not.toContainText('CORS');
    await page.getByRole('button', { name: 'Load' }).click();
    await waitForLoad(page);
    await expect(loadError(page)).toHaveCount(0);
    expect(gets('faults/cut', 'onnx/model.onnx').at(-1)?.range).toMatch(/^bytes=[1-9]\d*-$/);
    const reply = await chat(page, expected.greedy[0].prompt);
    expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 20));
  });

  test('P20 a file whose bytes do not match the server\'s SHA-256 is refused (no CORS hint) and downloaded anew', async ({ page }) => {
    await page.goto(sharedLink('faults/hash'));
    await page.getByTestId('confirm-download').click();
    await waitForLoad(page);
    await expect(loadError(page)).toHaveAttribute('data-error-name', 'ModelFetchError');
    await expect(loadError(page)).toContainText('do not match the SHA-256');
    await expect(loadError(page)).not.toContainText('CORS');
    repos['faults/hash'].faults = {};
    await page.getByRole('button', { name: 'Load' }).click();
    await waitForLoad(page);
    await expect(loadError(page)).toHaveCount(0);
    expect(gets('faults/hash', 'onnx/model.onnx').map((r) => r.range)).toEqual([null, null]);
    const reply = await chat(page, expected.greedy[0].prompt);
    expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 20));
  });

  test('P21 an HTML page in place of the weights is named, and never offered as a download', async ({ page }) => {
    await page.goto(sharedLink('faults/html'));
    const confirm = page.getByTestId('model-confirm');
    await expect(confirm.getByTestId('confirm-error')).toContainText('the server answered with an HTML page, not onnx/model.onnx');
    await expect(confirm.getByTestId('confirm-download')).toBeDisabled();
    await expect(confirm.getByTestId('confirm-download')).not.toContainText(/Download \d/);
    expect(gets('faults/html', 'onnx/model.onnx')).toHaveLength(0);
  });

  test('P22 a server claiming 50 GB of weights never starts a download by itself, as a Hub id or a folder URL', async ({ page }) => {
    await page.goto(sharedLink('faults/huge'));
    const confirm = page.getByTestId('model-confirm');
    await expect(confirm.getByTestId('dtype-size-fp32')).toContainText('GB');
    await expect(confirm.getByTestId('memory-estimate')).toBeVisible();
    await page.goto(`./?model=${encodeURIComponent(`${hub.origin}/faults/huge/resolve/main/`)}&backend=wasm`);
    await expect(page.getByTestId('model-confirm')).toBeVisible();
    await expect(page.getByTestId('backend-badge')).toHaveCount(0);
    expect(gets('faults/huge', 'onnx/model.onnx')).toHaveLength(0);
  });

  test('P26 a localStorage that refuses every write does not blank a ?hub= shared link', async ({ page }) => {
    const errors = pageErrors(page);
    await page.addInitScript(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    repos['faults/huge'].faults = {};
    await page.goto(sharedLink('faults/huge'));
    await expect(page.getByTestId('model-confirm')).toBeVisible();
    await page.getByTestId('confirm-download').click();
    await waitForLoad(page);
    await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
    const reply = await chat(page, expected.greedy[0].prompt);
    expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 20));
    await expect(page.getByTestId('conversations-note')).toContainText('refused to save conversations');
    expect(errors).toEqual([]);
  });
});

test.describe('storage full, missing or throwing', () => {
  test.beforeEach(({ backend }) => test.skip(backend !== 'wasm', 'storage does not depend on the backend'));

  test('P27 without localStorage (access throws) the app loads, chats and says conversations are not kept', async ({ page, modelServer }) => {
    const errors = pageErrors(page);
    await page.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('Access is denied for this document.', 'SecurityError');
        },
      });
    });
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 10 });
    const reply = await chat(page, expected.greedy[0].prompt);
    expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 10));
    await expect(page.getByTestId('conversations-note')).toContainText('refused to save conversations');
    await page.getByRole('button', { name: '中文' }).click();
    await expect(page.locator('h1')).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('P28 a localStorage filled to its quota: the chat works, says so, and the draft stays in the input', async ({ page, modelServer }) => {
    await page.goto('./?model=' + encodeURIComponent(modelServer.fixtureUrl));
    await page.evaluate(() => {
      const block = 'x'.repeat(256 * 1024);
      for (let i = 0; ; i++) {
        try {
          localStorage.setItem(`fill-${i}`, block);
        } catch {
          break;
        }
      }
      for (let i = 0; ; i++) {
        try {
          localStorage.setItem(`fill-small-${i}`, 'x'.repeat(64));
        } catch {
          break;
        }
      }
    });
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 10 });
    const reply = await chat(page, expected.greedy[0].prompt);
    expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 10));
    await expect(page.getByTestId('conversations-note')).toContainText('refused to save conversations');
    await page.getByLabel('Message').fill('a draft that cannot be saved');
    await expect(page.getByLabel('Message')).toHaveValue('a draft that cannot be saved');
  });

  test('P29 without Cache Storage in the page the Models tab says models are not kept, and the chat model loads', async ({ page, modelServer }) => {
    const errors = pageErrors(page);
    await page.addInitScript(() => {
      Object.defineProperty(window, 'caches', {
        get() {
          throw new DOMException('Cache Storage is disabled.', 'SecurityError');
        },
      });
    });
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 4 });
    await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
    await page.getByRole('tab', { name: 'Models' }).click();
    await expect(page.getByTestId('storage-view-note')).toContainText('offers no storage for models');
    expect(errors).toEqual([]);
  });

  test('P31 a navigator.storage that rejects every call leaves the Models tab working', async ({ page, modelServer }) => {
    const errors = pageErrors(page);
    await page.addInitScript(() => {
      const refuse = () => Promise.reject(new DOMException('denied', 'SecurityError'));
      Object.defineProperty(Navigator.prototype, 'storage', { get: () => ({ estimate: refuse, persisted: refuse, persist: refuse, getDirectory: refuse }) });
    });
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 4 });
    await page.getByRole('tab', { name: 'Models' }).click();
    await expect(page.getByTestId('storage-table')).toBeVisible();
    await expect(page.getByTestId('storage-usage')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('P32 a refused service worker registration leaves the app working', async ({ page, modelServer }) => {
    const errors = pageErrors(page);
    await page.addInitScript(() => {
      ServiceWorkerContainer.prototype.register = () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError'));
    });
    await openApp(page, { sw: 1, model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 10 });
    const reply = await chat(page, expected.greedy[0].prompt);
    expect(reply.tokenIds).toEqual(expected.greedy[0].new_ids.slice(0, 10));
    expect(errors).toEqual([]);
  });
});

test.describe('mid-reply faults', () => {
  test.beforeEach(({ backend }) => test.skip(backend !== 'wasm', 'the chat controls do not depend on the backend; device loss has its own test'));

  test('P33 stop then send, ten times: every reply ends, nothing sticks, and greedy decoding is still exact', async ({ page, modelServer }) => {
    // Each reply is held streaming after two tokens, so every Stop lands mid-reply however fast the
    // machine; the cap keeps ten turns inside the fixture's 512-token context even if a hold failed.
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 32, debug: 1 });
    for (let i = 0; i < 10; i++) {
      await holdNextReply(page);
      await page.getByLabel('Message').fill(`Once upon a time ${i}`);
      await page.getByLabel('Message').press('Enter');
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect(page.locator('[data-role=assistant]').nth(i)).toHaveAttribute('data-streaming', 'false');
      await expect(page.locator('[data-role=assistant]').nth(i)).toHaveAttribute('data-stop-reason', 'aborted');
    }
    await expect(page.locator('[data-role=user]')).toHaveCount(10);
    await expect(page.locator('[data-role=assistant]')).toHaveCount(10);
    await expect(page.getByTestId('chat-error')).toHaveCount(0);
    await page.getByRole('button', { name: 'New chat' }).click();
    const reply = await chat(page, expected.greedy[0].prompt);
    const n = Math.min(reply.tokenIds.length, expected.greedy[0].new_ids.length);
    expect(reply.tokenIds.slice(0, n)).toEqual(expected.greedy[0].new_ids.slice(0, n));
  });

  test('P34 a reload mid-reply keeps the sent message in the conversation and the unsent text in the input', async ({ page, modelServer }) => {
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 500 });
    await startStreaming(page, 'message B');
    await page.getByLabel('Message').fill('unsent C');
    await page.reload();
    await waitForLoad(page);
    await expect(page.locator('[data-role=user] .content')).toHaveText(['message B']);
    await expect(page.getByLabel('Message')).toHaveValue('unsent C');
  });

  test('P35 switching the model mid-reply ends the reply and the new model answers', async ({ page, modelServer }) => {
    // Requests run in order in the worker: the new model loads once the reply in flight has ended.
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 150 });
    await startStreaming(page, 'Once upon a time');
    await page.getByLabel('Model folder URL').fill('tl-gpt');
    await page.getByRole('button', { name: 'Load' }).click();
    await waitForLoad(page);
    await expect(page.getByTestId('model-name')).toContainText('tl-gpt');
    await expect(page.locator('[data-role=assistant]').first()).toHaveAttribute('data-streaming', 'false');
    await page.getByRole('button', { name: 'New chat' }).click();
    const reply = await chat(page, 'Hello');
    expect(reply.tokenIds.length).toBeGreaterThan(0);
    await expect(page.getByTestId('chat-error')).toHaveCount(0);
  });

  test('P36 a hundred quick turns keep the page\'s memory bounded', async ({ page, modelServer }) => {
    test.setTimeout(180_000);
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 1 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const measure = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
      return { heap: value('JSHeapUsedSize'), nodes: value('Nodes') };
    };
    const input = page.getByLabel('Message');
    let baseline = { heap: 0, nodes: 0 };
    for (let turn = 0; turn < 100; turn++) {
      // A new chat every 25 turns keeps the prompt inside the fixture's 512-token context.
      if (turn % 25 === 0) await page.getByRole('button', { name: 'New chat' }).click();
      await input.fill('Zoo');
      await input.press('Enter');
      await expect(page.locator('[data-role=assistant]').nth(turn % 25)).toHaveAttribute('data-streaming', 'false');
      if (turn === 24) baseline = await measure();
    }
    const after = await measure();
    await expect(page.getByTestId('chat-error')).toHaveCount(0);
    // 75 more turns (three more conversations of 25) may keep their text, never megabytes.
    expect(after.heap - baseline.heap).toBeLessThan(8 * 1024 ** 2);
    expect(after.nodes - baseline.nodes).toBeLessThan(2000);
  });

  test('P37 a worker crash mid-reply gives the message back, reloads the model, and does not ask the user to', async ({ page, modelServer }) => {
    await openApp(page, { model: modelServer.fixtureUrl, backend: 'wasm', temperature: 0, max_new_tokens: 500, debug: 1 });
    await holdNextReply(page);
    await startStreaming(page, 'Once upon a time');
    expect(await page.evaluate(() => document.querySelector('tl-app')!.client!.debugCrash())).toBe(true);
    const error = page.getByTestId('chat-error');
    await expect(error).toHaveAttribute('data-error-name', 'WorkerCrashedError');
    await expect(error).toContainText('was restarted');
    await expect(error).not.toContainText(/load the model again/i);
    await expect(page.getByLabel('Message')).toHaveValue('Once upon a time');
    await expect(page.getByTestId('from-cache-note')).toBeVisible();
    await waitForLoad(page);
    await page.locator('input[name=maxNewTokens]').fill('5');
    await page.locator('input[name=maxNewTokens]').press('Tab');
    await page.getByLabel('Message').press('Enter');
    await expect(page.locator('[data-role=assistant]').first()).toHaveAttribute('data-streaming', 'false');
    await expect(page.getByTestId('chat-error')).toHaveCount(0);
  });
});

test('P38 a GPU device lost mid-reply is a device loss (not a corrupt file), and the model comes back on WebGPU', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'webgpu', 'only WebGPU has a device to lose');
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 200, debug: 1 });
  await expect(page.getByTestId('backend-badge')).toHaveText('webgpu');
  await startStreaming(page, 'Once upon a time');
  expect(await page.evaluate(() => document.querySelector('tl-app')!.client!.debugLoseDevice())).toBe(true);
  const error = page.getByTestId('chat-error');
  await expect(error).toHaveAttribute('data-error-name', 'GpuDeviceLostError');
  await expect(error).not.toContainText(/corrupt|export it again/);
  await expect(page.getByLabel('Message')).toHaveValue('Once upon a time');
  await waitForLoad(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('webgpu');
  await page.locator('input[name=maxNewTokens]').fill('3');
  await page.locator('input[name=maxNewTokens]').press('Tab');
  await page.getByLabel('Message').press('Enter');
  await expect(page.locator('[data-role=assistant]').first()).toHaveAttribute('data-streaming', 'false', { timeout: 120_000 });
  await expect(page.getByTestId('chat-error')).toHaveCount(0);
});
