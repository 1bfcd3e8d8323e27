/**
 * The GPU pick (src/engine/gpu-pick.ts) on WebGPU (SwiftShader here): the kernel alone on crafted
 * logits against the CPU's order, then the engine: greedy and seeded top-k sampling give the tokens
 * WASM gives, with each step picked (greedy) or drawn (gpu-sample.spec.ts) on the GPU and only the
 * pick or the token read back, and no buffer created per decode step.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, openApp, chat } from './fixtures';
import { FIXTURE_MODEL_DIR } from '../support/paths';
import { topKShader, kernelSize, logitsBinding } from '../../src/engine/gpu-pick-kernel';
import { topKIndices } from '../../src/core/top-k';
import { argmax } from '../../src/engine/sampling';
import { fromFloat16Bits as float16ToFloat32 } from '../../src/engine/graph/float16';
import type { BenchReport } from '../../src/bench/page/report';

test.skip(({ backend }) => backend !== 'webgpu', 'the GPU pick runs on WebGPU; each test compares with WASM itself');

const expected = JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, 'expected.json'), 'utf8')) as { greedy: { prompt: string; new_ids: number[] }[] };

interface KernelRun {
  /** The logits buffer's contents, as 32-bit words. */
  words: number[];
  half: boolean;
  /** First logit of the position and the vocabulary, in elements. */
  first: number;
  vocab: number;
  k: number;
}

/** Runs the pick kernel on a fresh device in the page; the k ids and their values' bits. */
async function runKernel(page: import('@playwright/test').Page, run: KernelRun): Promise<{ ids: number[]; values: number[] }> {
  const size = kernelSize(run.k)!;
  const bytesPerElement = run.half ? 2 : 4;
  const binding = logitsBinding(run.first, run.vocab, bytesPerElement, run.words.length * 4);
  const picked = await page.evaluate(
    async ({ code, words, binding, vocab, size }) => {
      const adapter = await navigator.gpu.requestAdapter();
      const device = await adapter!.requestDevice();
      const logits = device.createBuffer({ size: words.length * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(logits, 0, new Uint32Array(words));
      const result = device.createBuffer({ size: size * 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(params, 0, new Uint32Array([binding.first, vocab, 0, 0]));
      const staging = device.createBuffer({ size: size * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
      const group = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: logits, offset: binding.offset, size: binding.size } },
          { binding: 1, resource: { buffer: result } },
          { binding: 2, resource: { buffer: params } },
        ],
      });
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(1);
      pass.end();
      encoder.copyBufferToBuffer(result, 0, staging, 0, size * 8);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = Array.from(new Uint32Array(staging.getMappedRange()));
      device.destroy();
      return out;
    },
    { code: topKShader(size, run.half), words: run.words, binding, vocab: run.vocab, size },
  );
  const floats = new Float32Array(Uint32Array.from(picked.slice(size, size + run.k)).buffer);
  return { ids: picked.slice(0, run.k), values: Array.from(floats, (v) => v + 0) };
}

/** Float32 logits as words, with `pad` words of other data before them (the earlier positions). */
function float32Words(values: number[], pad: number): number[] {
  return [...Array.from({ length: pad }, (_, i) => i * 7919), ...new Uint32Array(Float32Array.from(values).buffer)];
}

test('the kernel picks the ids and values the CPU picks: ties to the lowest id, -0 as 0, tiny values kept apart, NaN never first', async ({ page }) => {
  await page.goto('./bench.html');
  // Signed zeros, subnormals a GPU might flush to 0, -Infinity, each many times over.
  const pool = [0, -0, 1e-40, 2e-40, -Infinity, -1e-39, -1];
  const small = Array.from({ length: 100 }, (_, i) => pool[(i * 3) % pool.length]);
  // Six distinct values over 3,000 ids: every lane holds ties of the largest.
  const tied = Array.from({ length: 3000 }, (_, i) => ((i * 7) % 6) / 2);
  for (const values of [small, tied]) {
    const stored = Float32Array.from(values);
    for (const k of [1, 5, 8, 40, 64]) {
      const got = await runKernel(page, { words: float32Words(values, 70), half: false, first: 70, vocab: values.length, k });
      const want = k === 1 ? [argmax(stored)] : topKIndices(stored, k);
      expect(got.ids, `k ${k} of ${values.length}`).toEqual(want);
      expect(got.values, `k ${k} of ${values.length}`).toEqual(want.map((id) => stored[id] + 0));
    }
  }
  // Greedy skips NaN as the CPU's argmax does, and an all-NaN/-Infinity row gives id 0 as it does.
  const nan = [NaN, 1, 3, NaN, 3, -Infinity];
  expect((await runKernel(page, { words: float32Words(nan, 0), half: false, first: 0, vocab: nan.length, k: 1 })).ids).toEqual([argmax(Float32Array.from(nan))]);
  const empty = [-Infinity, NaN, -Infinity];
  expect((await runKernel(page, { words: float32Words(empty, 0), half: false, first: 0, vocab: empty.length, k: 1 })).ids).toEqual([0]);
  // A vocabulary of random values, several elements per lane.
  let seed = 7;
  const random = Array.from({ length: 20_011 }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 20 - 10);
  const stored = Float32Array.from(random);
  const got = await runKernel(page, { words: float32Words(random, 3), half: false, first: 3, vocab: random.length, k: 64 });
  expect(got.ids).toEqual(topKIndices(stored, 64));
});

test('the kernel widens fp16 logits exactly as the CPU does, from an odd start', async ({ page }) => {
  await page.goto('./bench.html');
  const vocab = 301;
  const first = 3;
  // Every kind of half: normal, subnormal (0x0001 … 0x03ff), zero of both signs, negative, infinities, ties.
  const halves = Array.from({ length: vocab }, (_, i) => [0x3c00 + (i % 9), 0x0001 + i, 0x8000, 0x0000, 0xbc00 + i, 0x7c00, 0x03ff, 0x4000][i % 8]);
  const all = [0x1111, 0x2222, 0x3333, ...halves, 0];
  const words = Array.from({ length: all.length / 2 }, (_, w) => all[2 * w] | (all[2 * w + 1] << 16));
  const widened = Float32Array.from(halves, float16ToFloat32);
  for (const k of [1, 40]) {
    const got = await runKernel(page, { words, half: true, first, vocab, k });
    const want = k === 1 ? [argmax(widened)] : topKIndices(widened, k);
    expect(got.ids, `k ${k}`).toEqual(want);
    expect(got.values, `k ${k}`).toEqual(want.map((id) => widened[id] + 0));
  }
});

test('greedy on the fixture: WebGPU gives the WASM tokens, reads back 8 bytes a token and creates no buffer of its own per decode step', async ({ page, modelServer }) => {
  const query = new URLSearchParams({ bench_autorun: '1', bench_model: modelServer.fixtureUrl, bench_backends: 'webgpu,wasm', bench_prompt: '8', bench_new: '12', bench_warmup: '1', bench_runs: '2' });
  await page.goto(`./bench.html?${query}`);
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  const report = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '{}') as BenchReport;
  const gpu = report.records.find((r) => r.backend === 'webgpu')!;
  expect(report.consistency[0]).toMatchObject({ backend: 'webgpu', reference: 'wasm', tokensCompared: 12, identicalPrefix: 12 });
  expect(gpu.gpu).toMatchObject({ readsPerToken: 1, bytesReadPerToken: 8 });
  // No buffer per step: not for the logits or the cache, and not for the small inputs (ids, positions,
  // seqlens_k), which the engine writes into GPU buffers made once (see bench-gpu-work.spec.ts).
  expect(gpu.gpu!.buffersCreatedPerToken).toBe(0);
  expect(gpu.gpu!.bytesAllocatedPerToken).toBe(0);
  expect(gpu.gpuPrefill).toMatchObject({ readsPerToken: 1, bytesReadPerToken: 8 });
});

test('seeded top-k sampling gives the same tokens on WebGPU (drawn on the GPU) as on WASM, with a repetition penalty too', async ({ page, modelServer }) => {
  // Prompt lookup off: its verification calls read whole rows; this is about one-position steps.
  const sampled = { model: modelServer.fixtureUrl, temperature: 0.9, top_k: 40, top_p: 0.9, seed: 4242, max_new_tokens: 40, prompt_lookup: 0 };
  const prompts = expected.greedy.slice(0, 2).map((c) => c.prompt);
  const replies: Record<string, { ids: number[][]; picks: (number | null)[] }> = {};
  for (const [name, settings] of [['top-k', sampled], ['penalty', { ...sampled, repetition_penalty: 1.3 }]] as const) {
    for (const backend of ['wasm', 'webgpu'] as const) {
      await openApp(page, { ...settings, backend });
      await expect(page.getByTestId('backend-badge')).toHaveText(backend);
      const ids: number[][] = [];
      const picks: (number | null)[] = [];
      for (const prompt of prompts) {
        await page.getByRole('button', { name: 'New chat' }).click();
        const reply = await chat(page, prompt);
        ids.push(reply.tokenIds);
        picks.push(reply.gpuPicks);
      }
      replies[`${name} ${backend}`] = { ids, picks };
    }
    const cpu = replies[`${name} wasm`];
    const gpu = replies[`${name} webgpu`];
    expect(gpu.ids, name).toEqual(cpu.ids);
    expect(cpu.picks, name).toEqual([0, 0]);
    // Every step's token drawn on the GPU (src/engine/gpu-sampler.ts), the penalty applied there too: only its id is read back.
    expect(gpu.picks, name).toEqual(gpu.ids.map((r) => r.length));
  }
  // Not a degenerate check: sampling drew other tokens than greedy did.
  expect(replies['top-k wasm'].ids[0]).not.toEqual(expected.greedy[0].new_ids.slice(0, 40));
});
