import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, openApp, chat } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { nativeGreedy } from '../support/native-greedy';
import { readDecoderConfig } from '../../src/core/model-config';
import { TextTokenizer } from '../../src/engine/tokenizer';

interface GreedyCase {
  prompt: string;
  new_ids: number[];
  new_text: string;
}
const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as { greedy: GreedyCase[] };

test('greedy chat through the UI reproduces the fixture reference ids exactly', async ({ page, backend, modelServer }) => {
  // Prompt lookup off: every step is one position, picked on the GPU (the next test has it on).
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 60, prompt_lookup: 0 });
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  await expect(page.getByTestId('model-name')).toContainText('stories260k');
  // The ids come from the graph fused at load time (fuse-decoder.ts), on both backends.
  await expect(page.getByTestId('graph-fusion')).toContainText('5 attention blocks, 11 norms, 5 SiLU');
  for (const reference of expected.greedy) {
    await page.getByRole('button', { name: 'New chat' }).click();
    const reply = await chat(page, reference.prompt);
    expect(reply.tokenIds, `ids for "${reference.prompt}"`).toEqual(reference.new_ids);
    expect(reply.text).toBe(reference.new_text);
    expect(reply.reason).toBe('max-tokens');
    // On WebGPU every step's argmax was picked on the GPU (8 bytes read back, not the vocabulary); WASM reads its logits in memory.
    expect(reply.gpuPicks, 'steps picked on the GPU').toBe(backend === 'webgpu' ? reference.new_ids.length : 0);
  }
  await expect(page.getByTestId('decode-rate')).toHaveText(/^\d+(\.\d)? tok\/s$/);
});

test('with prompt lookup (the default) greedy replies are the reference ids, in fewer model calls, and the stats say so', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 60 });
  await expect(page.getByTestId('backend-badge')).toHaveText(backend);
  await expect(page.getByLabel('Prompt lookup')).toBeChecked();
  let accepted = 0;
  for (const reference of expected.greedy) {
    await page.getByRole('button', { name: 'New chat' }).click();
    const reply = await chat(page, reference.prompt);
    expect(reply.tokenIds, `ids for "${reference.prompt}"`).toEqual(reference.new_ids);
    expect(reply.text).toBe(reference.new_text);
    const stat = page.getByTestId('prompt-lookup-stat');
    await expect(stat).toBeVisible();
    const calls = Number(await stat.getAttribute('data-calls'));
    accepted += Number(await stat.getAttribute('data-accepted'));
    expect(calls + Number(await stat.getAttribute('data-accepted'))).toBe(reference.new_ids.length);
  }
  // The fixture's greedy stories repeat themselves: some draft tokens are accepted.
  expect(accepted).toBeGreaterThan(0);
  // Turned off, the same reply comes one call per token and the stat is gone.
  await page.getByLabel('Prompt lookup').uncheck();
  await page.getByRole('button', { name: 'New chat' }).click();
  const plain = await chat(page, expected.greedy[0].prompt);
  expect(plain.tokenIds).toEqual(expected.greedy[0].new_ids);
  await expect(page.getByTestId('prompt-lookup-stat')).toHaveCount(0);
  await expect(page).toHaveURL(/prompt_lookup=0/);
});

test('greedy with a repetition penalty gives native onnxruntime\'s ids (GPU draw on WebGPU, prompt lookup on)', async ({ page, backend, modelServer }) => {
  const file = (name: string) => JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, name), 'utf8')) as Record<string, unknown>;
  const config = readDecoderConfig(file('config.json'), file('generation_config.json'), file('tokenizer_config.json'));
  const prompt = new TextTokenizer(file('tokenizer.json'), file('tokenizer_config.json')).encode('Once upon a time');
  const onnx = new Uint8Array(readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx')));
  const reference = await nativeGreedy(onnx, [], config, prompt, 16, 1.5);
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 16, repetition_penalty: 1.5 });
  const reply = await chat(page, 'Once upon a time');
  expect(reply.tokenIds).toEqual(reference);
});

test('turn 2 prefills only the new message after the kept cache, with the greedy ids a fresh full prefill gives', async ({ page, backend, modelServer }) => {
  await openApp(page, { model: modelServer.fixtureUrl, backend, temperature: 0, max_new_tokens: 24 });
  const opening = 'Once upon a time';
  const next = ' The next day, Lily';
  const first = await chat(page, opening);
  expect(first.reason).toBe('max-tokens');
  const second = await chat(page, next);
  // Turn 1's prompt and the reply tokens it fed stayed in the cache: the stats say how many.
  const reused = page.getByTestId('reused-tokens');
  await expect(reused).toBeVisible();
  const kept = Number(await reused.getAttribute('data-count'));
  expect(kept).toBeGreaterThan(first.tokenIds.length);
  // Without a chat template the conversation is its text run together, so one message holding all of it
  // is the same prompt; after New chat it is not an extension of the cache, so it is prefilled in full.
  await page.getByRole('button', { name: 'New chat' }).click();
  const fresh = await chat(page, opening + first.text + next);
  await expect(page.getByTestId('reused-tokens')).toHaveCount(0);
  expect(second.tokenIds).toHaveLength(24);
  expect(fresh.tokenIds).toEqual(second.tokenIds);
});
