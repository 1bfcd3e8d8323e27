/**
 * Prompt lookup on real decoder graphs (the embedded tl-gpt and the stories260k fixture), as the app
 * runs them (the WASM graph, fused) and as exported, on native onnxruntime-node: greedy replies must be
 * the very tokens plain decoding gives, with draft tokens accepted and rejected ones cut from the cache.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeSession } from '../support/native-greedy';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';
import { readDecoderConfig } from '../../src/core/model-config';
import { graphForBackend } from '../../src/engine/graph/for-backend';
import { runGenerationLoop, type CachedContext, type LoopOptions } from '../../src/engine/generate';
import type { DecoderCache } from '../../src/engine/kv-cache';
import { createRng } from '../../src/core/rng';
import { TextTokenizer } from '../../src/engine/tokenizer';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

function folder(dir: string) {
  const config = readDecoderConfig(json(path.join(dir, 'config.json')), json(path.join(dir, 'generation_config.json')), json(path.join(dir, 'tokenizer_config.json')));
  const tokenizer = new TextTokenizer(json(path.join(dir, 'tokenizer.json')), json(path.join(dir, 'tokenizer_config.json')));
  const onnx = new Uint8Array(readFileSync(path.join(dir, 'onnx/model.onnx')));
  return { config, tokenizer, onnx };
}

/**
 * A prompt the reply copies from: an opening, what the model itself wrote after it, and the opening
 * again. (Models this small do not follow "repeat this"; they do repeat what they wrote before.)
 */
async function copyingPrompt(onnx: Uint8Array, model: ReturnType<typeof folder>, opening: string): Promise<number[]> {
  const start = model.tokenizer.encode(opening);
  const written = await generate(onnx, model.config, start, false);
  return [...start, ...written.tokenIds, ...model.tokenizer.encode(opening, false)];
}

async function generate(onnx: Uint8Array, config: ReturnType<typeof folder>['config'], prompt: number[], promptLookup: boolean, overrides: Partial<LoopOptions> = {}) {
  const decoder = await nativeSession(onnx, [], config);
  try {
    return await runGenerationLoop(decoder, prompt, {
      sampling: { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 },
      maxNewTokens: 60,
      contextLength: config.contextLength,
      // Past EOS too, for replies long enough to copy from (tl-gpt's fortunes end after a line or two).
      eosIds: [],
      rng: createRng(0),
      isAborted: () => false,
      yieldToEvents: async () => {},
      onToken: () => false,
      promptLookup,
      ...overrides,
    });
  } finally {
    await decoder.release();
  }
}

const MODELS = [
  { name: 'tl-gpt', dir: path.join(REPO_ROOT, 'models/tl-gpt'), passage: 'Zoo' },
  { name: 'stories260k', dir: FIXTURE_MODEL_DIR, passage: 'Lily and Ben' },
];

describe.each(MODELS)('prompt lookup on $name (onnxruntime-node)', ({ dir, passage }) => {
  const model = folder(dir);
  const fused = graphForBackend('wasm', { onnx: model.onnx, externalData: [] }, { contextLength: model.config.contextLength }).onnx;

  for (const [graph, onnx] of [['as exported', model.onnx], ['fused for WASM', fused]] as const) {
    it(`${graph}: greedy gives the tokens plain decoding gives, with drafts accepted`, async () => {
      const prompt = await copyingPrompt(onnx, model, passage);
      const plain = await generate(onnx, model.config, prompt, false);
      const fast = await generate(onnx, model.config, prompt, true);
      expect(fast.tokenIds).toEqual(plain.tokenIds);
      expect(fast.reason).toBe(plain.reason);
      expect(fast.promptLookup.accepted).toBeGreaterThan(5);
      expect(fast.promptLookup.calls).toBeLessThan(plain.promptLookup.calls);
    }, 60_000);
  }

  it('a kept cache cut back after rejected drafts serves the next turn: turn 2 is the same either way', async () => {
    const prompt = await copyingPrompt(fused, model, passage);
    const decoder = await nativeSession(fused, [], model.config);
    try {
      const run = (ids: number[], promptLookup: boolean, previous: CachedContext<DecoderCache> | null = null) =>
        runGenerationLoop(decoder, ids, {
          sampling: { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 },
          maxNewTokens: 24,
          contextLength: model.config.contextLength,
          eosIds: [],
          rng: createRng(0),
          isAborted: () => false,
          yieldToEvents: async () => {},
          onToken: () => false,
          keepCache: true,
          promptLookup,
        }, previous);
      const first = await run(prompt, true);
      expect(first.context!.cache.length).toBe(first.context!.ids.length);
      expect(first.promptLookup.drafted).toBeGreaterThan(first.promptLookup.accepted);
      const next = [...prompt, ...first.tokenIds, ...model.tokenizer.encode(passage.slice(0, 20))];
      const reused = await run(next, true, first.context);
      expect(reused.reusedTokens).toBe(first.context!.ids.length);
      const fresh = await run(next, false);
      expect(reused.tokenIds).toEqual(fresh.tokenIds);
      reused.context?.cache.dispose();
      fresh.context?.cache.dispose();
    } finally {
      await decoder.release();
    }
  }, 60_000);
});
