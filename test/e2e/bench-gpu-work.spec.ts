/**
 * The benchmark's WebGPU counters against a graph counted by hand: the synthetic tiny shape
 * (src/bench/worker/synthetic/gpt-graph.ts: 2 layers, hidden 64, vocab 512, fp32, SiLU MLP with biases).
 * Counts, unlike times, are exact on SwiftShader, so most expectations here are equalities.
 */
import { test, expect } from './fixtures';
import type { BenchReport } from '../../src/bench/page/report';
import { SYNTHETIC_SHAPES } from '../../src/bench/shared/synthetic-shapes';

const tiny = SYNTHETIC_SHAPES.find((s) => s.id === 'tiny')!;
const PROMPT = 8;

/**
 * The tiny graph as the engine runs it, after the load-time fusions (src/engine/graph/fuse-decoder.ts).
 * Per layer, kernels outside attention: two SkipLayerNormalizations (each taking the residual Add; the
 * second also the output projection's bias), q, k and v as one MatMul + bias Add on packed weights (2),
 * up as MatMul + bias Add (2), o and down MatMuls (down's bias goes into the next norm), QuickGelu (the
 * SiLU) — 9. Outside the layers: the two embedding Gathers (their sum goes into the first norm), the
 * final SkipLayerNormalization, the Gemm head and the greedy pick (src/engine/gpu-pick.ts) — 5; the
 * mask's integer arithmetic runs on the CPU.
 */
const KERNELS_OUTSIDE_ATTENTION = tiny.layers * 9 + 5;
/**
 * onnxruntime-web 1.31.1's GroupQueryAttention on the native WebGPU EP: 4 kernels a layer, for one query
 * position and for the 8 of the prompt alike, with the growing cache the app runs and with the fixed one
 * alike (measured). JSEP 1.30's took 6 and 7.
 */
const ATTENTION_KERNELS = { decode: 4, prefill: 4 };
/**
 * What the EP would upload from the CPU each run, each through a staging buffer it creates and a
 * submit of its own (1.31.1's uploads are not pooled, whatever the cache mode): input_ids and
 * position_ids (int64) and seqlens_k (int32). The engine writes all three into GPU buffers of its own,
 * made once (src/engine/gpu-step-inputs.ts), so none is created per step.
 */
const UPLOADS = { buffers: 0, decodeBytes: 0 };
/** What the pick reads back for greedy: one id and its value. */
const GREEDY_PICK_BYTES = 8;

test('counts the WebGPU work per token of a graph counted by hand', async ({ page, backend }) => {
  test.skip(backend !== 'webgpu', 'WebGPU counters: in the webgpu project');
  // One warm-up run fills onnxruntime's buffer pool, so the measured runs show steady state.
  await page.goto(`./bench.html?bench_autorun=1&bench_model=synthetic:tiny&bench_backends=webgpu&bench_prompt=${PROMPT}&bench_new=6&bench_warmup=1&bench_runs=2`);
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  const report = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '{}') as BenchReport;
  const { gpu: decode, gpuPrefill: prefill, graphFusion } = report.records[0];
  expect(graphFusion).toMatchObject({ attentions: tiny.layers, skipLayerNorms: 2 * tiny.layers + 1, silus: tiny.layers });
  expect(decode).not.toBeNull();
  expect(prefill).not.toBeNull();
  if (!decode || !prefill) return;

  // A decode step runs the same graph as the prompt pass, one sequence position instead of 8: the same
  // kernels, exactly (every step does the same work, so the averages are whole numbers).
  expect(decode.dispatchesPerToken).toBe(KERNELS_OUTSIDE_ATTENTION + tiny.layers * ATTENTION_KERNELS.decode);
  expect(prefill.dispatchesPerToken).toBe(KERNELS_OUTSIDE_ATTENTION + tiny.layers * ATTENTION_KERNELS.prefill);

  // One read per token, and only the greedy pick comes back (an id and its value), not one position's
  // fp32 logits; the KV cache stays on the GPU. The prompt pass too reads only its last position's pick.
  expect(decode.readsPerToken).toBe(1);
  expect(decode.bytesReadPerToken).toBe(GREEDY_PICK_BYTES);
  expect(prefill.readsPerToken).toBe(1);
  expect(prefill.bytesReadPerToken).toBe(GREEDY_PICK_BYTES);

  // Steady state creates no buffer at all: the EP's pool serves the present tensors; the pick's output,
  // staging and parameter buffers and the small inputs' buffers were made once, in the warm-up run.
  expect(decode.buffersCreatedPerToken).toBe(UPLOADS.buffers);
  expect(decode.bytesAllocatedPerToken).toBe(UPLOADS.decodeBytes);

  // The EP submits every 16 dispatches (the last batch at the end of the run), and once per upload it
  // makes (none here: the engine writes its small inputs with writeBuffer, which submits nothing); the
  // pick once. Never one per dispatch.
  expect(decode.submitsPerToken).toBeGreaterThanOrEqual(Math.ceil(decode.dispatchesPerToken / 16) + 1);
  expect(decode.submitsPerToken).toBeLessThanOrEqual(Math.ceil(decode.dispatchesPerToken / 16) + UPLOADS.buffers + 3);

  // The panel shows them, with what they mean.
  const table = page.getByTestId('bench-gpu-work');
  await expect(table.locator('tr[data-phase=decode] [data-testid=gpu-dispatches]')).toHaveText(decode.dispatchesPerToken.toFixed(1));
  await expect(table.locator('tr[data-phase=decode] [data-testid=gpu-reads]')).toHaveText('1.00');
  await expect(page.getByTestId('bench-markdown')).toContainText('WebGPU work');
});

test('on the fixture the fused graph takes under half transformers.js’s dispatches per decode token, with the same greedy tokens', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'webgpu', 'WebGPU counters: in the webgpu project');
  const query = new URLSearchParams({ bench_autorun: '1', bench_model: modelServer.fixtureUrl, bench_backends: 'webgpu', bench_tjs: '1', bench_prompt: '8', bench_new: '8', bench_warmup: '1', bench_runs: '1' });
  await page.goto(`./bench.html?${query}`);
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  const report = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '{}') as BenchReport;
  const ours = report.records.find((r) => r.engine === 'ours')!;
  const theirs = report.records.find((r) => r.engine === 'transformersjs')!;
  // stories260k has 5 layers: each attention block, norm and SiLU became one contrib op.
  expect(ours.graphFusion).toMatchObject({ fusion: 'contrib-ops', attentions: 5, rmsNorms: 1, skipRmsNorms: 10, silus: 5 });
  expect(theirs.graphFusion).toBeNull();
  const ratio = report.ratios.find((r) => r.name === 'dispatches_ours_over_transformersjs_webgpu')!;
  expect(ratio.value).toBeCloseTo(ours.gpu!.dispatchesPerToken / theirs.gpu!.dispatchesPerToken, 6);
  expect(ratio.value).toBeLessThanOrEqual(0.5);
  // Fewer dispatches, not other tokens: greedy ids agree with transformers.js on the graph as exported.
  expect(report.consistency.find((c) => c.reference === 'transformersjs webgpu')?.top1Agreement).toBe(1);
});
