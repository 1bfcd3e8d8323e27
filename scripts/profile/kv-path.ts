/**
 * The WASM KV cache two ways, side by side on one page (onnxruntime-web's plain WASM build, as the
 * app's wasm backend uses), each through DecoderSession.forward as the generation loop calls it:
 *   present  the fused graph as before: every step fetches `present.*` and feeds it back
 *   append   graphForBackend('wasm'): the step fetches only `new_kv.*`, the engine's append cache
 *            passes its buffers as the past (src/engine/append-kv-cache.ts)
 * Median ms per decode step at a short and a long cache, interleaved rounds. Also checks what a
 * pre-allocated CPU output does in this build (`run(feeds, { name: tensor })`). Run by
 * scripts/profile-kv-path.mjs.
 */
import { ortFor } from '../../src/engine/ort-setup';
import { DecoderSession } from '../../src/engine/decoder-session';
import { fuseDecoderGraph } from '../../src/engine/graph/fuse-decoder';
import { graphForBackend } from '../../src/engine/graph/for-backend';
import { buildGptDecoder } from '../../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES } from '../../src/bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from '../../src/bench/worker/synthetic/onnx-builder';
import { argmax } from '../../src/engine/sampling';
import type { DecoderConfig } from '../../src/core/model-config';

async function main(params: URLSearchParams) {
  const shape = SYNTHETIC_SHAPES.find((s) => s.id === (params.get('shape') ?? 'gpt-25m'));
  if (!shape) throw new Error(`unknown shape ${params.get('shape')}`);
  const contexts = [16, Number(params.get('long') ?? 1024)];
  const steps = Number(params.get('steps') ?? 16);
  const rounds = Number(params.get('rounds') ?? 3);
  const ort = ortFor('wasm', undefined);
  const built = buildGptDecoder(shape, 'fp32');
  const externalData = [{ path: EXTERNAL_DATA_FILE, data: built.externalData }];
  const config: DecoderConfig = built.config;
  const fused = fuseDecoderGraph(built.model, externalData, { maxPositions: shape.contextLength });
  const appended = graphForBackend('wasm', { onnx: built.model, externalData }, { contextLength: shape.contextLength });
  const sessions = {
    present: await DecoderSession.create(ort, fused?.onnx ?? built.model, externalData, 'wasm', config),
    append: await DecoderSession.create(ort, appended.onnx, externalData, 'wasm', config),
  };
  const msPerStep: Record<string, number[]> = {};
  const tokens: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const past of contexts) {
      const order = round % 2 ? (['append', 'present'] as const) : (['present', 'append'] as const);
      for (const way of order) {
        const decoder = sessions[way];
        const cache = decoder.newCache();
        const prompt = Array.from({ length: past }, (_, i) => (i * 131 + 7) % shape.vocab);
        let id = argmax(await decoder.forward(prompt, cache));
        const ids: number[] = [];
        const t0 = performance.now();
        for (let i = 0; i < steps; i++) {
          id = argmax(await decoder.forward([id], cache));
          ids.push(id);
        }
        (msPerStep[`${way}@${past}`] ??= []).push((performance.now() - t0) / steps);
        tokens[`${way}@${past}`] = ids;
        cache.dispose();
      }
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const med = Object.fromEntries(Object.entries(msPerStep).map(([k, v]) => [k, Number(median(v).toFixed(2))]));
  const flat = (way: string) => Number((med[`${way}@${contexts[0]}`] / med[`${way}@${contexts[1]}`]).toFixed(3));
  return {
    shape: shape.id,
    kvPath: { present: sessions.present.kvPath, append: sessions.append.kvPath },
    msPerStep: med,
    longOverShort: { present: flat('present'), append: flat('append') },
    sameTokens: contexts.every((c) => JSON.stringify(tokens[`present@${c}`]) === JSON.stringify(tokens[`append@${c}`])),
    preallocatedOutput: await preallocatedOutput(ort, built.model, externalData, shape.vocab),
  };
}

/** Whether a pre-allocated CPU output tensor gets the run's values in this build, and what it costs. */
async function preallocatedOutput(ort: ReturnType<typeof ortFor>, model: Uint8Array, externalData: { path: string; data: Uint8Array }[], vocab: number) {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], externalData });
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from([5n]), [1, 1]),
    attention_mask: new ort.Tensor('int64', BigInt64Array.from([1n]), [1, 1]),
  };
  if (session.inputNames.includes('position_ids')) feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from([0n]), [1, 1]);
  for (const name of session.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
    const meta = session.inputMetadata.find((m) => m.name === name);
    const shape = meta?.isTensor ? meta.shape : [];
    feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, Number(shape[1]), 0, Number(shape[3])]);
  }
  const plain = await session.run(feeds, ['logits']);
  const expected = plain.logits.data as Float32Array;
  const mine = new ort.Tensor('float32', new Float32Array(expected.length).fill(-1), plain.logits.dims as number[]);
  const out = await session.run(feeds, { logits: mine });
  const written = (out.logits.data as Float32Array).every((v, i) => v === expected[i]);
  await session.release();
  return { written, sameObject: out.logits === mine, vocab };
}

const report = (result: unknown) => ((globalThis as unknown as { profileResult: unknown }).profileResult = result);
void main(new URLSearchParams(location.search)).catch((error: Error) => ({ error: String(error?.stack ?? error) })).then(report);
