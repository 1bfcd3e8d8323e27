/**
 * A 4-bit model (the stories260k fixture quantized as transformers.js's q4 exports are) on WASM: the
 * app rewrites its MatMulNBits nodes at load, says so in the model bar, and its greedy reply matches
 * the q4 graph run by onnxruntime's own MatMulNBits kernel (native onnxruntime-node, computed here).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, openApp, chat } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { quantizeMatMulsToQ4 } from '../support/quantize-q4';
import { nativeGreedy } from '../support/native-greedy';
import { readDecoderConfig } from '../../src/core/model-config';

const json = (file: string) => JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, file), 'utf8')) as Record<string, unknown>;
const reference = (json('expected.json') as unknown as { greedy: { prompt: string; prompt_ids: number[] }[] }).greedy[0];

test('a q4 model on WASM is rewritten at load, says so, and replies with the q4 graph’s greedy ids', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'wasm', 'the rewrite is for WASM only: WebGPU runs MatMulNBits with its own kernel');
  const folder = path.join(modelServer.scratchDir, 'stories260k-q4');
  mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(path.join(FIXTURE_MODEL_DIR, file), path.join(folder, file));
  const q4 = quantizeMatMulsToQ4(new Uint8Array(readFileSync(path.join(FIXTURE_MODEL_DIR, 'onnx/model.onnx'))));
  writeFileSync(path.join(folder, 'onnx/model.onnx'), q4.model);
  const config = readDecoderConfig(json('config.json'), json('generation_config.json'), json('tokenizer_config.json'));
  const expectedIds = await nativeGreedy(q4.model, [], config, reference.prompt_ids, 40);

  await openApp(page, { model: `${modelServer.origin}/scratch/stories260k-q4/`, backend, temperature: 0, max_new_tokens: 40 });
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
  await expect(page.getByTestId('graph-rewrite')).toContainText(`${q4.nodes} 4-bit layers unpacked for WASM: ${q4.nodes} to float32, 0 to int8`);
  const reply = await chat(page, reference.prompt);
  expect(reply.tokenIds).toEqual(expectedIds);
});
