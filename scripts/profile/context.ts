/**
 * Why decode slows as the context grows, on WASM: one decode step of a synthetic model at a short and
 * a long cache, timed two ways on the same session (onnxruntime-web's plain WASM build, as the app's
 * wasm backend uses):
 *   all     fetch logits and every present.* output, as a generation loop must
 *   logits  fetch logits only: the graph does the same work, but the cache is not copied out to JS
 * The difference between the two is what copying the cache out of WASM memory costs; copying it in,
 * which every run does for every input, is inside both. Run by scripts/profile-context.mjs.
 */
import { ortFor } from '../../src/engine/ort-setup';
import { buildGptDecoder } from '../../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES } from '../../src/bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from '../../src/bench/worker/synthetic/onnx-builder';

type Tensor = InstanceType<ReturnType<typeof ortFor>['Tensor']>;

async function main(params: URLSearchParams) {
  const shape = SYNTHETIC_SHAPES.find((s) => s.id === (params.get('shape') ?? 'gpt-25m'));
  if (!shape) throw new Error(`unknown shape ${params.get('shape')}`);
  const contexts = [16, Number(params.get('long') ?? 1024)];
  const steps = Number(params.get('steps') ?? 20);
  const ort = ortFor('wasm', undefined);
  const built = buildGptDecoder(shape, 'fp32');
  const session = await ort.InferenceSession.create(built.model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    externalData: [{ path: EXTERNAL_DATA_FILE, data: built.externalData }],
  });
  const headDim = shape.hidden / shape.heads;
  const i64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const feedsAt = (past: number): Record<string, Tensor> => {
    const feeds: Record<string, Tensor> = { input_ids: i64([5]), attention_mask: i64(new Array<number>(past + 1).fill(1)), position_ids: i64([past]) };
    for (const name of session.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
      feeds[name] = new ort.Tensor('float32', new Float32Array(shape.heads * past * headDim), [1, shape.heads, past, headDim]);
    }
    return feeds;
  };
  const ways = { all: session.outputNames, logits: ['logits'] };
  const msPerStep: Record<string, number[]> = {};
  // Interleaved and repeated, so load from elsewhere hits every cell alike; the median is reported.
  for (let round = 0; round < 3; round++) {
    for (const past of contexts) {
      const feeds = feedsAt(past);
      for (const [way, fetches] of Object.entries(ways)) {
        await session.run(feeds, fetches);
        const t0 = performance.now();
        for (let i = 0; i < steps; i++) await session.run(feeds, fetches);
        (msPerStep[`${way}@${past}`] ??= []).push((performance.now() - t0) / steps);
      }
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const cacheMB = (past: number) => (2 * shape.layers * shape.hidden * past * 4) / 1e6;
  return {
    shape: shape.id,
    cacheMB: Object.fromEntries(contexts.map((c) => [c, cacheMB(c)])),
    msPerStep: Object.fromEntries(Object.entries(msPerStep).map(([k, v]) => [k, Number(median(v).toFixed(2))])),
  };
}

const report = (result: unknown) => ((globalThis as unknown as { profileResult: unknown }).profileResult = result);
void main(new URLSearchParams(location.search)).catch((error: Error) => ({ error: String(error?.stack ?? error) })).then(report);
