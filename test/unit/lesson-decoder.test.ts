/**
 * The lesson's decoder runs on one session: its KV-cache steps and its whole-sentence passes (maps,
 * head view, prefix logits) share the session of the attention-exposed graph, and give what the two
 * separate sessions gave before (the plain graph's cached steps, the exposed graph's maps).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type * as OrtWeb from 'onnxruntime-web';
import { exposeAttention } from '../../src/engine/graph/expose-attention';
import { AttentionRunner } from '../../src/engine/analysis/attention-runner';
import { openLessonDecoder } from '../../src/engine/analysis/lesson-decoder';
import { DecoderSession } from '../../src/engine/decoder-session';
import { readDecoderConfig } from '../../src/core/model-config';

const ortNode = ort as unknown as typeof OrtWeb;
const json = (file: string) => JSON.parse(readFileSync(`models/tl-gpt/${file}`, 'utf8')) as Record<string, unknown>;
const config = readDecoderConfig(json('config.json'), json('generation_config.json'), json('tokenizer_config.json'));
const modelOnnx = new Uint8Array(readFileSync('models/tl-gpt/onnx/model.onnx'));
const IDS = [1, 87, 412, 9, 250, 33, 1021, 5];
const CPU = { executionProvider: 'cpu' };

/** onnxruntime-node, counting the sessions built through it. */
function countingOrt(): { ort: typeof OrtWeb; sessions: () => number } {
  let sessions = 0;
  const create = ((...args: Parameters<typeof OrtWeb.InferenceSession.create>) => {
    sessions++;
    return ortNode.InferenceSession.create(...args);
  }) as typeof OrtWeb.InferenceSession.create;
  return { ort: { ...ortNode, InferenceSession: { ...ortNode.InferenceSession, create } } as typeof OrtWeb, sessions: () => sessions };
}

const argmax = (values: Float32Array) => values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  return diff;
};

describe('the lesson decoder', () => {
  it('builds one session whose cached steps, maps and head view equal those of the two separate sessions', async () => {
    const exposure = exposeAttention(modelOnnx);
    if (exposure.kind !== 'exposed') throw new Error('tl-gpt: no attention block found');
    const source = { kind: 'blocks', blocks: exposure.blocks } as const;
    const counting = countingOrt();
    const shared = await openLessonDecoder(counting.ort, exposure.model, [], 'wasm', 'onnx/model.onnx', source, config, CPU);
    expect(counting.sessions()).toBe(1);

    // What the lesson built before: the plain graph for the steps, the exposed one for the maps.
    const plainSteps = await DecoderSession.create(ortNode, modelOnnx, [], 'wasm', config, CPU);
    const separateRunner = await AttentionRunner.create(ortNode, exposure.model, [], 'wasm', 'onnx/model.onnx', source, CPU);

    // Prefill, then greedy steps, with whole-sentence passes on the shared session in between: they
    // must leave the cache of the steps alone.
    const [sharedCache, plainCache] = [shared.decoder.newCache(), plainSteps.newCache()];
    let [next, ids] = [IDS, [...IDS]];
    for (let step = 0; step < 4; step++) {
      const got = await shared.decoder.forward(next, sharedCache);
      const want = await plainSteps.forward(next, plainCache);
      expect(maxDiff(got, want)).toBeLessThan(1e-4);
      expect(argmax(got)).toBe(argmax(want));
      const token = argmax(got);
      ids = [...ids, token];
      next = [token];
      const [maps, separateMaps] = [await shared.runner.attention(ids), await separateRunner.attention(ids)];
      expect(maps!.layers).toHaveLength(exposure.blocks.length);
      maps!.layers.forEach((heads, l) => heads.forEach((map, h) => expect(maxDiff(map, separateMaps!.layers[l][h])).toBeLessThan(1e-6)));
    }
    expect(sharedCache.length).toBe(IDS.length + 3);
    expect(sharedCache.byteSize).toBe(plainCache.byteSize);

    // The head view and the prefix logits, fetched on their own.
    const [inside, separateInside] = [await shared.runner.headInside(ids, 2, 1, 5), await separateRunner.headInside(ids, 2, 1, 5)];
    expect(maxDiff(inside.probs, separateInside.probs)).toBeLessThan(1e-6);
    expect(maxDiff(inside.context, separateInside.context)).toBeLessThan(1e-6);
    const [logits, separateLogits] = [await shared.runner.logits(ids), await separateRunner.logits(ids)];
    expect(maxDiff(logits.logits, separateLogits.logits)).toBeLessThan(1e-5);
    // The whole-sentence pass and a cached prefill of the same tokens agree on the last position.
    const fresh = shared.decoder.newCache();
    const prefill = await shared.decoder.forward(ids, fresh);
    expect(maxDiff(logits.logits.subarray((ids.length - 1) * logits.vocab), prefill)).toBeLessThan(1e-4);
    fresh.dispose();

    sharedCache.dispose();
    plainCache.dispose();
    await shared.release();
    await plainSteps.release();
    await separateRunner.release();
  });
});
