/**
 * Nothing a user made is ever lost (issue 26), kept in the fault suite (docs/fault-suite.md, P39–):
 * two tabs of one browser (two real pages of one context, one localStorage) never overwrite each
 * other's conversations or drafts; every action taken while a reply streams ends it as Stop does,
 * keeping the partial reply with a note; imports say exactly what they kept; a benchmark outlives a
 * visit to another tab. Every probe runs on both backends (projects wasm and webgpu), each on its
 * project's backend: what a user keeps must not depend on the engine they chose.
 */
import type { Page } from '@playwright/test';
import { test, expect, openApp, chat, waitForLoad, holdNextReply } from './fixtures';

// Each probe opens its own pages and servers: they may share out among the run's workers.
test.describe.configure({ mode: 'parallel' });

/**
 * Where a probe is about what is kept, not what the model says, each reply is one token: it is still a
 * turn, stored and shown, and on SwiftShader's WebGPU it compiles only the prefill's shaders. After a
 * reload such a probe reads what storage kept without waiting for the model, which loads meanwhile.
 */
const ONE_TOKEN = { temperature: 0, max_new_tokens: 1 };

const user = (page: Page) => page.locator('[data-role=user] .content');
const options = (page: Page) => page.getByTestId('conversation-select').locator('option');

/** Sends `text` and waits for the reply's first tokens; the reply stays in flight until the action under test ends it. */
async function startStreaming(page: Page, text: string): Promise<void> {
  await holdNextReply(page);
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
  // The first tokens on SwiftShader's WebGPU come after its shaders compile, which takes a while.
  await expect(page.locator('[data-role=assistant]').last()).toHaveAttribute('data-token-ids', /\[\d+,\d+/, { timeout: 180_000 });
}

/** A reply that ended early: still there, with text, ended for `cause`, with its note. */
async function expectCutShort(page: Page, cause: string, note: string | RegExp): Promise<void> {
  const reply = page.locator('[data-role=assistant]').last();
  await expect(reply).toHaveAttribute('data-streaming', 'false');
  await expect(reply).toHaveAttribute('data-interrupted-by', cause);
  await expect(reply).toHaveAttribute('data-text', /\S/);
  await expect(reply.getByTestId('stop-note')).toHaveText(note);
}

test.describe('two tabs of one browser', () => {
  test('P39 two tabs chatting, one with a new chat, lose nothing: each sees the other\'s turns live, and a reload keeps both conversations', async ({ page, modelServer, backend }) => {
    const params = { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN };
    const a = page;
    await openApp(a, params);
    await chat(a, 'from A');
    const b = await a.context().newPage();
    await openApp(b, params);
    await expect(user(b)).toHaveText(['from A']);
    await chat(b, 'from B');
    await expect(user(a)).toHaveText(['from A', 'from B']);
    await b.getByRole('button', { name: 'New chat' }).click();
    await chat(b, 'B in a new chat');
    await expect(options(a)).toHaveText(['B in a new chat', 'from A']);
    await chat(a, 'A again');
    await a.reload();
    await expect(user(a)).toHaveText(['from A', 'from B', 'A again']);
    await expect(options(a)).toHaveText(['from A', 'B in a new chat']);
    await expect(a.locator('[data-role=assistant]')).toHaveCount(3);
    await b.reload();
    await expect(user(b)).toHaveText(['B in a new chat']);
    await b.close();
  });

  test('P40 each tab keeps its own unsent text for each conversation across reloads', async ({ page, modelServer, backend }) => {
    const params = { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN };
    const a = page;
    await openApp(a, params);
    await chat(a, 'shared chat');
    const b = await a.context().newPage();
    await openApp(b, params);
    await a.getByLabel('Message').fill('typed in A');
    await b.getByLabel('Message').fill('typed in B');
    await a.getByRole('button', { name: 'New chat' }).click();
    await a.getByLabel('Message').fill('A, other chat');
    await a.reload();
    await expect(a.getByLabel('Message')).toHaveValue('A, other chat');
    await a.getByTestId('conversation-select').selectOption({ label: 'shared chat' });
    await expect(a.getByLabel('Message')).toHaveValue('typed in A');
    await b.reload();
    await expect(b.getByLabel('Message')).toHaveValue('typed in B');
    await b.close();
  });

  test('P41 a conversation deleted in one tab leaves the other tab\'s list; the other conversations stay', async ({ page, modelServer, backend }) => {
    const params = { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN };
    const a = page;
    await openApp(a, params);
    await chat(a, 'keep me');
    await a.getByRole('button', { name: 'New chat' }).click();
    await chat(a, 'delete me');
    const b = await a.context().newPage();
    await openApp(b, params);
    await expect(user(b)).toHaveText(['delete me']);
    await b.getByRole('button', { name: 'Delete' }).click();
    await expect(options(a)).toHaveText(['keep me']);
    await expect(user(a)).toHaveText(['keep me']);
    await b.close();
  });

  test('P42 conversations stored by the earlier single-list version are all there after the update, and chats go on', async ({ page, modelServer, backend }) => {
    await page.goto('./?model=' + encodeURIComponent(modelServer.fixtureUrl));
    await page.evaluate(() => {
      // The earlier version kept nothing per tab: this page's own first load must not count.
      localStorage.clear();
      sessionStorage.clear();
      const conversations = [
        { id: 'cold1', title: '', system: '', updatedAt: 1, messages: [{ role: 'user', content: 'old question' }, { role: 'assistant', content: 'old answer' }] },
        { id: 'cold2', title: 'Second', system: 'Be brief.', updatedAt: 2, messages: [{ role: 'user', content: 'second question' }] },
      ];
      localStorage.setItem('tl.conversations.v1', JSON.stringify({ activeId: 'cold1', conversations }));
      localStorage.setItem('tl.draft.v1', 'an old draft');
    });
    await openApp(page, { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN });
    await expect(user(page)).toHaveText(['old question']);
    await expect(page.getByLabel('Message')).toHaveValue('an old draft');
    await expect(options(page)).toHaveText(['Second', 'old question']);
    await chat(page, 'new question');
    await page.reload();
    await expect(user(page)).toHaveText(['old question', 'new question']);
    expect(await page.evaluate(() => localStorage.getItem('tl.conversations.v1'))).toBeNull();
  });
});

test.describe('an action taken while a reply streams ends it as Stop does, and keeps it', () => {
  const params = (fixtureUrl: string, backend: string) => ({ model: fixtureUrl, backend, temperature: 0, max_new_tokens: 450, debug: 1 });
  test.beforeEach(({ backend }) => test.setTimeout(backend === 'webgpu' ? 480_000 : 240_000));

  test('P43 New chat mid-reply: the old conversation keeps the partial reply, with a note, also after a reload', async ({ page, modelServer, backend }) => {
    await openApp(page, params(modelServer.fixtureUrl, backend));
    await startStreaming(page, 'Once upon a time');
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(page.locator('[data-role=assistant]')).toHaveCount(0);
    await page.getByTestId('conversation-select').selectOption({ label: 'Once upon a time' });
    await expectCutShort(page, 'new-chat', 'Stopped here because you started a new chat.');
    await page.reload();
    await waitForLoad(page);
    await page.getByTestId('conversation-select').selectOption({ label: 'Once upon a time' });
    await expectCutShort(page, 'new-chat', 'Stopped here because you started a new chat.');
  });

  test('P44 switching conversation mid-reply keeps the partial reply where it was asked, with a note', async ({ page, modelServer, backend }) => {
    await openApp(page, params(modelServer.fixtureUrl, backend));
    // A first conversation, its reply stopped early (a whole long reply takes minutes on SwiftShader).
    await startStreaming(page, 'Zoo');
    await page.getByRole('button', { name: 'Stop' }).click();
    await expectCutShort(page, 'stop', 'Stopped by you.');
    await page.getByRole('button', { name: 'New chat' }).click();
    await startStreaming(page, 'Lily and Ben');
    await page.getByTestId('conversation-select').selectOption({ label: 'Zoo' });
    await expect(user(page)).toHaveText(['Zoo']);
    await page.getByTestId('conversation-select').selectOption({ label: 'Lily and Ben' });
    await expectCutShort(page, 'switch-conversation', 'Stopped here because you switched to another conversation.');
  });

  test('P45 loading another backend mid-reply keeps the reply with a note, says what it is doing, and keeps the model name and the chosen backend', async ({ page, modelServer, backend }) => {
    await openApp(page, params(modelServer.fixtureUrl, backend));
    await startStreaming(page, 'Once upon a time');
    const other = backend === 'wasm' ? 'webgpu' : 'wasm';
    await page.getByLabel('Backend').selectOption(other);
    await page.getByRole('button', { name: 'Load' }).click();
    await expect(page.getByTestId('load-switch')).toContainText(/stories260k/);
    await expect(page.getByLabel('Backend')).toHaveValue(other);
    await waitForLoad(page);
    await expect(page.getByTestId('backend-badge')).toHaveText(other);
    await expect(page.getByLabel('Backend')).toHaveValue(other);
    await expectCutShort(page, 'model-load', 'Stopped here because you loaded a model or switched the backend.');
  });

  test('P46 changing the language mid-reply keeps the reply with a note in the new language', async ({ page, modelServer, backend }) => {
    await openApp(page, params(modelServer.fixtureUrl, backend));
    await startStreaming(page, 'Once upon a time');
    await page.getByRole('button', { name: '中文' }).click();
    await expectCutShort(page, 'language', '因你切换了语言，回复在此停止。');
  });

  test('P47 leaving the Chat tab mid-reply keeps the reply with a note, shown on return', async ({ page, modelServer, backend }) => {
    await openApp(page, params(modelServer.fixtureUrl, backend));
    await startStreaming(page, 'Once upon a time');
    await page.getByRole('tab', { name: 'Models' }).click();
    await page.getByRole('tab', { name: 'Chat' }).click();
    await expectCutShort(page, 'left-chat', 'Stopped here because you left the Chat tab.');
  });
});

test.describe('imports tell the truth', () => {
  const importFile = (page: Page, value: unknown) =>
    page.getByTestId('conversations-import').setInputFiles({ name: 'chats.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value)) });

  test('P48 a 6 MB conversation is refused by name and size; what was there stays, and the next chat is saved', async ({ page, modelServer, backend }) => {
    await openApp(page, { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN });
    await chat(page, 'before the import');
    const huge = { title: 'Huge', messages: [{ role: 'user', content: 'x'.repeat(6 * 1024 * 1024) }] };
    const small = { title: 'Small', messages: [{ role: 'user', content: 'fits' }] };
    await importFile(page, { conversations: [huge, small] });
    const note = page.getByTestId('conversations-note');
    await expect(note).toContainText('Imported 1 of 2 conversations');
    await expect(note).toContainText('“Huge” (12.0 MB): larger than the 2.0 MB');
    await expect(note).not.toContainText('refused to save');
    await page.getByTestId('conversation-select').selectOption({ label: 'before the import' });
    await chat(page, 'after the import');
    await page.reload();
    await expect(options(page)).toHaveText(['before the import', 'Small']);
    await expect(user(page)).toHaveText(['before the import', 'after the import']);
  });

  test('P49 twenty thousand conversations: the count said is the count stored, and refusals are named', async ({ page, modelServer, backend }) => {
    await openApp(page, { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN });
    const many = Array.from({ length: 20_000 }, (_, i) => ({ title: `imported ${i}`, messages: [{ role: 'user', content: `question ${i}` }] }));
    await importFile(page, { conversations: many });
    const note = page.getByTestId('conversations-note');
    await expect(note).toContainText(/Imported \d+ (of 20000 )?conversations/, { timeout: 120_000 });
    const said = Number(/Imported (\d+)/.exec((await note.textContent()) ?? '')![1]);
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tl.conversation.v2.')).length);
    expect(stored).toBe(said);
    if (said < 20_000) await expect(note).toContainText('the browser refused to store them');
    await page.reload();
    await expect(options(page)).toHaveCount(said);
  });

  test('P50 a file with one malformed conversation imports the others and names the one refused', async ({ page, modelServer, backend }) => {
    await openApp(page, { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN });
    await importFile(page, { conversations: [{ title: 'Good', messages: [{ role: 'user', content: 'ok' }] }, { title: 'Bad', messages: [{ role: 'robot', content: 1 }] }] });
    const note = page.getByTestId('conversations-note');
    await expect(note).toContainText('Imported 1 of 2 conversations');
    await expect(note).toContainText('“conversation 2”: not valid');
    await expect(options(page)).toHaveText(['Good', 'New chat']);
  });
});

test.describe('long work survives a visit to another tab', () => {
  test('P51 a running benchmark goes on while the user visits Chat, shows its progress on return, and its results stay after a visit to Architecture', async ({ page, backend }) => {
    // Exactly this many runs (no cap to reach stability). On WASM a run of the tiny shape takes
    // milliseconds, so it needs a dozen to still be running after the visit; on SwiftShader's
    // WebGPU the shaders compile for seconds first, so two short runs are already long enough.
    const run = backend === 'wasm'
      ? { bench_runs: 12 }
      : { bench_runs: 2, bench_prompt: 8, bench_new: 8, bench_warmup: 0, bench_prompt_lookup: 0 };
    const query = new URLSearchParams(Object.entries({ bench_model: 'synthetic:tiny', bench_backends: backend, ...run }).map(([k, v]) => [k, String(v)]));
    await page.goto(`./?${query}`);
    await page.getByRole('tab', { name: 'Benchmark' }).click();
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await expect(page.getByTestId('bench-progress')).toContainText(/run|preparing|building|starting/, { timeout: 60_000 });
    await page.getByRole('tab', { name: 'Chat' }).click();
    await expect(page.getByLabel('Message')).toBeVisible();
    await page.getByRole('tab', { name: 'Benchmark' }).click();
    // Still the same run: running with its progress, or already done; never idle, never cancelled.
    await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', /running|done/);
    await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
    const row = page.getByTestId('bench-results').locator(`tr[data-backend=${backend}]`);
    await expect(row).toBeVisible();
    await expect(page.getByTestId('bench-cancelled')).toHaveCount(0);
    await page.getByRole('tab', { name: 'Architecture' }).click();
    await page.getByRole('tab', { name: 'Benchmark' }).click();
    await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done');
    await expect(row).toBeVisible();
  });
});

test.describe('clear words', () => {
  test('P52 loading a model while the browser is offline says offline, not CORS, and the loaded model keeps working', async ({ page, modelServer, backend }) => {
    await openApp(page, { backend, ...ONE_TOKEN });
    await page.context().setOffline(true);
    await page.getByLabel('Model folder URL').fill(`${modelServer.origin}/scratch/never-cached/`);
    await page.getByRole('button', { name: 'Load' }).click();
    const error = page.getByTestId('load-error');
    await expect(error).toContainText('the browser is offline');
    await expect(error).not.toContainText('CORS');
    await page.context().setOffline(false);
    await page.getByRole('button', { name: 'New chat' }).click();
    expect((await chat(page, 'Hello')).tokenIds.length).toBeGreaterThan(0);
  });

  test('P53 three thousand stop strings never go into the address: it stays short, says where they are kept, and a reload keeps them', async ({ page, modelServer, backend }) => {
    const stops = Array.from({ length: 3000 }, (_, i) => `stop-${i}`);
    await openApp(page, { model: modelServer.fixtureUrl, backend, ...ONE_TOKEN });
    const field = page.locator('input[name=stop]');
    await field.fill(stops.join('|'));
    await field.dispatchEvent('change');
    await expect(page.getByTestId('link-note')).toContainText('too long for the page\'s address');
    expect(page.url().length).toBeLessThan(4096);
    expect(new URL(page.url()).searchParams.get('stop_kept')).toBe('local');
    await page.reload();
    await waitForLoad(page);
    await expect(page.getByTestId('link-note')).toBeVisible();
    const reply = await chat(page, 'Once upon a time');
    expect(reply.tokenIds.length).toBeGreaterThan(0);
  });
});
