/**
 * The benchmark's WebGPU counters against a graph counted by hand: the synthetic tiny shape
 * (src/bench/synthetic/gpt-graph.ts: 2 layers, hidden 64, vocab 512, fp32, SiLU MLP with biases).
 * Counts, unlike times, are exact on SwiftShader, so most expectations here are equalities.
 */
import { test, expect } from './fixtures';
import type { BenchReport } from '../../src/bench/report';
import { SYNTHETIC_SHAPES } from '../../src/bench/synthetic/shapes';

const tiny = SYNTHETIC_SHAPES.find((s) => s.id === 'tiny')!;
const PROMPT = 8;

/**
 * Nodes of the tiny graph that compute on float tensors (Reshape, Unsqueeze and Shape only relabel
 * a tensor and launch nothing). Per layer: LayerNorm ×2; q, k, v, o, up, down as MatMul + bias Add
 * (12); the three head-splitting Transposes, K's Transpose and the merge Transpose (5); the two
 * Concats that make present.*; the attention's MatMul, scale Mul, mask Add, Softmax, MatMul (5); the
 * SiLU's Sigmoid and Mul (2); two residual Adds — 30. Outside the layers: two embedding Gathers and
 * their Add, the mask's Gather, Range, Greater and Where, the final LayerNorm and the Gemm head — 9.
 * Each launches at most one kernel in onnxruntime-web, so this bounds the dispatches of a forward pass.
 */
const NODES_THAT_COMPUTE = tiny.layers * 30 + 9;
/**
 * Kernels no optimisation can remove: every MatMul/Gemm (8 per layer + the head), LayerNorm
 * (2 per layer + the final), Softmax, the Concats whose results are outputs, and the two embedding
 * lookups. Fusions (scale into MatMul, residual Add into SkipLayerNorm, the mask's chain run on
 * the CPU) can only take away the others.
 */
const KERNELS_THAT_STAY = tiny.layers * (8 + 2 + 1 + 2) + 1 + 1 + 2;
/** The greedy pick (src/engine/gpu-pick.ts): one more kernel per forward pass, on the last position's logits. */
const PICK_KERNELS = 1;
/** What the pick reads back for greedy: one id and its value. */
const GREEDY_PICK_BYTES = 8;

test('counts the WebGPU work per token of a graph counted by hand', async ({ page, backend }) => {
  test.skip(backend !== 'webgpu', 'WebGPU counters: in the webgpu project');
  // One warm-up run fills onnxruntime's buffer pool, so the measured runs show steady state.
  await page.goto(`./bench.html?bench_autorun=1&bench_model=synthetic:tiny&bench_backends=webgpu&bench_prompt=${PROMPT}&bench_new=6&bench_warmup=1&bench_runs=2`);
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  const report = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '{}') as BenchReport;
  const { gpu: decode, gpuPrefill: prefill } = report.records[0];
  expect(decode).not.toBeNull();
  expect(prefill).not.toBeNull();
  if (!decode || !prefill) return;

  // A decode step runs the same graph as the prompt pass, one sequence position instead of 8:
  // the same kernels, so exactly the same dispatches.
  expect(decode.dispatchesPerToken).toBe(prefill.dispatchesPerToken);
  expect(decode.dispatchesPerToken).toBeGreaterThanOrEqual(KERNELS_THAT_STAY + PICK_KERNELS);
  expect(decode.dispatchesPerToken).toBeLessThanOrEqual(NODES_THAT_COMPUTE + PICK_KERNELS);
  // Whole numbers: every decode step does the same work (an average that is not one means a step differs).
  expect(Number.isInteger(decode.dispatchesPerToken)).toBe(true);

  // One read per token, and only the greedy pick comes back (an id and its value), not one position's
  // fp32 logits; the KV cache stays on the GPU. The prompt pass too reads only its last position's pick.
  expect(decode.readsPerToken).toBe(1);
  expect(decode.bytesReadPerToken).toBe(GREEDY_PICK_BYTES);
  expect(prefill.readsPerToken).toBe(1);
  expect(prefill.bytesReadPerToken).toBe(GREEDY_PICK_BYTES);

  // Steady state creates no buffer: onnxruntime's pool serves activations and the KV cache, and the
  // pick's output, staging and parameter buffers were made once (in the warm-up run).
  expect(decode.buffersCreatedPerToken).toBeLessThanOrEqual(0.05);
  expect(decode.bytesAllocatedPerToken).toBe(0);

  // onnxruntime-web's JSEP build submits its command buffer every 16 dispatches and once more to
  // copy the read out; at least one submit per step, and never one per dispatch.
  expect(decode.submitsPerToken).toBeGreaterThanOrEqual(Math.ceil(decode.dispatchesPerToken / 16));
  expect(decode.submitsPerToken).toBeLessThanOrEqual(Math.ceil(decode.dispatchesPerToken / 16) + 1);

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
