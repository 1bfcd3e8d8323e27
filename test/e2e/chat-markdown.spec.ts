/**
 * Replies as rendered, sanitized Markdown, and what the chat says about the model and about empty
 * or cut replies. A reply whose text the test controls comes from a copy of the stories260k fixture
 * whose tokenizer writes chosen strings for the token ids the model greedily produces after "Zoo":
 * the model, its graph and the engine are the real ones, only the words are ours.
 */
import { createServer } from 'node:http';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { test, expect, openApp, chat, readReply, type ModelServer } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';

interface GreedyCase { prompt: string; prompt_ids: number[]; new_ids: number[] }
const greedy = (JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as { greedy: GreedyCase[] }).greedy;
const ZOO = greedy.find((g) => g.prompt === 'Zoo')!;
const ONCE = greedy.find((g) => g.prompt === 'Once upon a time')!;

/**
 * A copy of the fixture under /scratch/<name>/ whose i-th greedy token after "Zoo" decodes to pieces[i]
 * (only ids that are not in the prompt and not repeated, so the prompt's encoding is unchanged), and
 * with `extraEos` ids added to generation_config's eos_token_id.
 */
function scriptedModel(server: ModelServer, name: string, pieces: string[], extraEos: number[] = []): string {
  const dir = path.join(server.scratchDir, name);
  cpSync(FIXTURE_MODEL_DIR, dir, { recursive: true });
  const usable: number[] = [];
  for (const id of ZOO.new_ids) {
    if (ZOO.prompt_ids.includes(id) || usable.includes(id)) break;
    usable.push(id);
  }
  expect(pieces.length, 'pieces the fixture can script').toBeLessThanOrEqual(usable.length);
  const tokenizer = JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const vocab = tokenizer.model.vocab;
  pieces.forEach((piece, i) => {
    const old = Object.keys(vocab).find((k) => vocab[k] === usable[i])!;
    delete vocab[old];
    vocab[piece] = usable[i];
  });
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  const generation = JSON.parse(readFileSync(path.join(dir, 'generation_config.json'), 'utf8')) as { eos_token_id: number | number[] };
  generation.eos_token_id = [...[generation.eos_token_id].flat(), ...extraEos];
  writeFileSync(path.join(dir, 'generation_config.json'), JSON.stringify(generation));
  return `${server.origin}/scratch/${name}/`;
}

/** A server that only counts what reaches it: a remote image in a reply must never be requested. */
async function startBeacon(): Promise<{ origin: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'image/png', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Access-Control-Allow-Origin': '*' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('a Markdown reply renders headings, lists, tables and code, and nothing in it runs, links out unsafely or loads', async ({ page, context, backend, modelServer }) => {
  const beacon = await startBeacon();
  const requested: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(beacon.origin)) requested.push(request.url());
  });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const pieces = [
    '# Heading\n\n',
    '- item one\n- item two\n\n',
    '| a | b |\n|---|---|\n| 1 | 2 |\n\n',
    '<img src=x onerror="window.__pwned=1;alert(1)"> <script>window.__pwned=2</script> <iframe src="javascript:parent.__pwned=3"></iframe>\n\n',
    '[js](javascript:window.__pwned=4) [data](data:text/html,<script>alert(5)</script>) [vb](vbscript:msgbox(6)) [enc](jav&#x61;script:window.__pwned=7) [ok](https://example.org/)\n\n',
    `![beacon](${beacon.origin}/markdown.png) <img src="${beacon.origin}/html.png">\n\n`,
    '```js\nconst answer = 42;\n```\n',
  ];
  const url = scriptedModel(modelServer, 'md-attack', pieces);
  await openApp(page, { model: url, backend, temperature: 0, max_new_tokens: pieces.length });
  const reply = await chat(page, 'Zoo');
  expect(reply.text).toBe(pieces.join(''));

  const content = page.locator('[data-role=assistant] .content');
  await expect(content.locator('h1')).toHaveText('Heading');
  await expect(content.locator('ul > li')).toHaveText(['item one', 'item two']);
  await expect(content.locator('table th')).toHaveText(['a', 'b']);
  await expect(content.locator('pre code')).toHaveText('const answer = 42;');
  // HTML the model wrote is shown as its text.
  await expect(content).toContainText('<img src=x onerror="window.__pwned=1;alert(1)">');
  await expect(content).toContainText('<script>window.__pwned=2</script>');
  await expect(page.locator('[role=log] img, [role=log] script, [role=log] iframe, [role=log] input, [role=log] [onerror]')).toHaveCount(0);
  // Only http(s) links, each opening a new tab without opener or referrer; an image is a link to click, never loaded.
  const links = await content.locator('a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), target: a.getAttribute('target'), rel: a.getAttribute('rel'), text: a.textContent })));
  expect(links).toEqual([
    { href: 'https://example.org/', target: '_blank', rel: 'noopener noreferrer', text: 'ok' },
    { href: `${beacon.origin}/markdown.png`, target: '_blank', rel: 'noopener noreferrer', text: '[image: beacon]' },
  ]);
  await expect(content).toContainText('js data vb enc ok');

  // The copy button, from the keyboard.
  const copy = content.getByRole('button', { name: 'Copy' });
  await copy.focus();
  await page.keyboard.press('Enter');
  await expect(content.getByRole('button', { name: 'Copied' })).toBeFocused();
  await expect(content.getByRole('status')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('const answer = 42;\n');

  // Plain text on request, remembered across a reload.
  const plain = page.getByLabel('Show replies as plain text');
  await plain.check();
  await expect(page.locator('[data-role=assistant] p.content')).toHaveText(pieces.join('').trim());
  await expect(content.locator('h1')).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel('Show replies as plain text')).toBeChecked({ timeout: 120_000 });
  await expect(page.locator('[data-role=assistant] p.content')).toContainText('# Heading');
  await page.getByLabel('Show replies as plain text').uncheck();
  await expect(content.locator('h1')).toHaveText('Heading');

  await page.waitForTimeout(500); // anything a reply could have loaded or run has had its chance
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(requested).toEqual([]);
  expect(beacon.hits).toEqual([]);
  await beacon.close();
});

test('a streaming reply keeps its finished blocks and shows a half-written code fence as code', async ({ page, backend, modelServer }) => {
  const pieces = ['Some code:\n\n', '```python\n', 'print(1)\n', 'print(2)\n'];
  const url = scriptedModel(modelServer, 'md-fence', pieces);
  await openApp(page, { model: url, backend, temperature: 0, max_new_tokens: 3 });
  const reply = await chat(page, 'Zoo');
  expect(reply.reason).toBe('max-tokens');
  const content = page.locator('[data-role=assistant] .content');
  await expect(content.locator('p')).toHaveText('Some code:');
  await expect(content.locator('pre code.language-python')).toHaveText('print(1)');
  await expect(content.getByRole('button', { name: 'Copy' })).toBeVisible();

  // The same element, fed as a stream: finished blocks keep their DOM nodes.
  const result = await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const view = document.createElement('tl-markdown');
    document.body.append(view);
    view.text = '# Title\n\nFirst para';
    await frame();
    const heading = view.querySelector('h1');
    view.text = '# Title\n\nFirst paragraph.\n\n```js\nlet a';
    await frame();
    const partial = view.querySelector('pre code')?.textContent;
    const paragraph = view.querySelector('p');
    view.text += ' = 1;\n```\n\nAfter.';
    await frame();
    const kept = view.querySelector('h1') === heading && view.querySelector('p') === paragraph;
    view.remove();
    return { kept, partial, headingText: heading?.textContent };
  });
  expect(result).toEqual({ kept: true, partial: 'let a\n', headingText: 'Title' });
});

test('the plain-text setting still works when the browser refuses storage', async ({ page, backend, modelServer }) => {
  await page.addInitScript(() => {
    const refuse = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    Storage.prototype.setItem = refuse;
    Storage.prototype.getItem = refuse;
  });
  const url = scriptedModel(modelServer, 'md-no-storage', ['**bold**']);
  await openApp(page, { model: url, backend, temperature: 0, max_new_tokens: 1 });
  await chat(page, 'Zoo');
  const reply = page.locator('[data-role=assistant]');
  await expect(reply.locator('strong')).toHaveText('bold');
  await page.getByLabel('Show replies as plain text').check();
  await expect(reply.locator('p.content')).toHaveText('**bold**');
  await page.getByLabel('Show replies as plain text').uncheck();
  await expect(reply.locator('strong')).toHaveText('bold');
});

test('an empty reply and a reply cut at max new tokens say so, in English and in Chinese', async ({ page, backend, modelServer }) => {
  // The first token the model picks after "Zoo" is made an end-of-sequence token.
  const url = scriptedModel(modelServer, 'eos-first', [], [ZOO.new_ids[0]]);
  expect(ONCE.new_ids.slice(0, 2)).not.toContain(ZOO.new_ids[0]);
  await openApp(page, { model: url, backend, temperature: 0, max_new_tokens: 2 });
  const empty = await chat(page, 'Zoo');
  expect(empty.reason).toBe('eos');
  expect(empty.text).toBe('');
  const notes = page.getByTestId('stop-note');
  await expect(notes.nth(0)).toHaveText('The model ended its reply without writing anything.');
  const cut = await chat(page, ' Once upon a time');
  expect(cut.reason).toBe('max-tokens');
  expect(cut.tokenIds).toHaveLength(2);
  await expect(notes.nth(1)).toHaveText('Cut off at the limit of 2 new tokens. For longer replies, raise "Max new tokens" in the generation settings below.');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(notes.nth(0)).toHaveText('模型没有写出任何内容就结束了回复。');
  await expect(notes.nth(1)).toContainText('已达到 2 个新词元的上限而截断');
  expect((await readReply(page, 0)).text).toBe('');
});

test('the embedded model says what it is and leads to the Models tab, until another model is loaded', async ({ page, backend, modelServer }) => {
  await openApp(page, { backend });
  const note = page.getByTestId('default-model-note');
  await expect(note).toContainText('tl-gpt is a 1.3M-parameter teaching model that writes fortune-like text');
  const link = note.getByRole('button', { name: 'Real chat models are in the Models tab.' });
  await link.focus();
  await page.keyboard.press('Enter');
  const modelsTab = page.getByRole('tab', { name: 'Models' });
  await expect(modelsTab).toHaveAttribute('aria-selected', 'true');
  await expect(modelsTab).toBeFocused();
  await page.getByRole('tab', { name: 'Chat' }).click();
  await page.getByRole('button', { name: '中文' }).click();
  await expect(note).toContainText('tl-gpt 是一个 1.3M 参数的教学模型');
  await page.getByRole('button', { name: 'English' }).click();

  await page.getByLabel('Model folder URL').fill(modelServer.fixtureUrl);
  await page.getByLabel('Model folder URL').press('Enter');
  await expect(page.getByTestId('model-name')).toContainText('stories260k', { timeout: 120_000 });
  await expect(note).toHaveCount(0);
});
