/**
 * Where a decode step's time goes, in the browser: the same graph driven several ways, side by side.
 *   bare   session.run with hand-made feeds and argmax, on each ORT build (the floor)
 *   step   DecoderSession.forward + argmax (our feeds, fetches, logits copy, cache hand-over)
 *   loop   the app's generation loop, exactly as the benchmark runs it (adds sampling, timing, yielding)
 *   tjs    transformers.js generate, exactly as the benchmark runs it (on the JSEP build)
 *   chat   Engine.generate as the Chat runs it in its worker: the Chat's default sampling, detokenizing
 *          and stop strings, a message posted per token, yielding every 4 ms; its own decode figure
 * Run by scripts/profile-decode.mjs; results go to window.profileResult.
 */
import { ortFor, type Ort } from '../../src/engine/ort-setup';
import { DecoderSession } from '../../src/engine/decoder-session';
import { readDecoderConfig } from '../../src/core/model-config';
import { argmax } from '../../src/engine/sampling';
import { createEventYielder } from '../../src/engine/yield';
import type { Backend } from '../../src/core/protocol';
import { loopContender, sampleFromTimes } from '../../src/bench/worker/runner';
import { loadTransformersJs } from '../../src/bench/worker/transformersjs';
import type { RunSample } from '../../src/bench/shared/types';
import { Engine } from '../../src/engine/engine';
import type { ModelFiles } from '../../src/core/model-files';

const prompt = [1, 410, 469, 347];

async function fetchBytes(url: string) {
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

async function main(params: URLSearchParams) {
  const backend = (params.get('backend') ?? 'wasm') as Backend;
  const folder = params.get('model') ?? '/fixture/';
  const newTokens = Number(params.get('tokens') ?? 60);
  const runs = Number(params.get('runs') ?? 5);
  // ?gpu=1: hold a WebGPU device open first, as the benchmark page does for its adapter facts.
  if (params.get('gpu') === '1') (globalThis as unknown as { heldDevice: unknown }).heldDevice = await (await navigator.gpu.requestAdapter())?.requestDevice();
  if (params.get('gpu') === 'adapter') (globalThis as unknown as { heldDevice: unknown }).heldDevice = await navigator.gpu.requestAdapter();
  const ort = ortFor(backend, undefined);
  const json = async (f: string) => (await fetch(folder + f)).json();
  const config = readDecoderConfig(await json('config.json'), await json('generation_config.json'), await json('tokenizer_config.json'));
  const onnx = await fetchBytes(folder + 'onnx/model.onnx');
  const decoder = await DecoderSession.create(ort, onnx, [], backend, config);
  // Bare sessions of the same graph for the floor, on each build of the runtime that can run the backend.
  const bareSession = (o: Ort) => o.InferenceSession.create(onnx, { executionProviders: [backend], graphOptimizationLevel: 'all', preferredOutputLocation: backend === 'webgpu' ? 'gpu-buffer' : undefined });
  const jsep = ortFor('webgpu', undefined);
  const bareJsep = await bareSession(jsep);
  const plain = backend === 'wasm' ? ortFor('wasm', undefined) : null;
  const barePlain = plain && (await bareSession(plain));
  const pastNames = bareJsep.inputNames.filter((n: string) => n.startsWith('past_key_values.'));

  async function bareLoop(bare: Awaited<ReturnType<typeof bareSession>>, ort: Ort): Promise<RunSample> {
    const i64 = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
    const ids: number[] = [];
    const past: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const n of pastNames) past[n] = new ort.Tensor('float32', new Float32Array(0), [1, config.numKvHeads, 0, config.headDim]);
    let input = prompt;
    let length = 0;
    const times: number[] = [];
    const started = performance.now();
    for (let t = 0; t < newTokens; t++) {
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = { ...past, input_ids: i64(input), attention_mask: i64(new Array(length + input.length).fill(1)) };
      if (bare.inputNames.includes('position_ids')) feeds.position_ids = i64(input.map((_, i) => length + i));
      const out = await bare.run(feeds);
      const logits = (await out.logits.getData()) as Float32Array;
      const id = argmax(logits.subarray(logits.length - config.vocabSize));
      out.logits.dispose();
      for (const n of pastNames) {
        past[n].dispose();
        past[n] = out[n.replace('past_key_values.', 'present.')];
      }
      length += input.length;
      input = [id];
      ids.push(id);
      times.push(performance.now());
    }
    for (const n of pastNames) past[n].dispose();
    return sampleFromTimes(started, times, prompt.length, ids);
  }

  async function stepRun(): Promise<RunSample> {
    const cache = decoder.newCache();
    const ids: number[] = [];
    const times: number[] = [];
    const started = performance.now();
    let input = prompt;
    for (let t = 0; t < newTokens; t++) {
      const logits = await decoder.forward(input, cache);
      const id = argmax(logits);
      input = [id];
      ids.push(id);
      times.push(performance.now());
    }
    cache.dispose();
    return sampleFromTimes(started, times, prompt.length, ids);
  }

  // Our full loop and transformers.js's generate, exactly as the benchmark runs them.
  const loop = loopContender(decoder, backend, 'ours', 0, config.contextLength, { isCancelled: () => false, yieldToEvents: createEventYielder(50) });
  const tjs = await loadTransformersJs({ kind: 'folder', url: new URL(folder, location.href).href }, backend, undefined);
  const noProgress = () => {};

  // The Chat's path: an Engine over the same files, generating with the Chat's default settings.
  const files: ModelFiles = {
    folderUrl: new URL(folder, location.href).href,
    config: await json('config.json'),
    generationConfig: await json('generation_config.json'),
    tokenizerJson: await json('tokenizer.json'),
    tokenizerConfig: await json('tokenizer_config.json'),
    onnx,
    externalData: [],
    totalBytes: onnx.length,
  };
  const engine = new Engine({ fetch: async () => files, forget: async () => {} });
  await engine.load({ modelUrl: files.folderUrl, baseUrl: location.href, backend }, () => {});
  const chatYield = createEventYielder(4);
  let chatSeed = 0;
  async function chatRun(): Promise<RunSample> {
    const result = await engine.generate([{ role: 'user', content: 'Once upon a time' }], {
      maxNewTokens: newTokens, temperature: 0.7, topK: 40, topP: 0.95, repetitionPenalty: 1, seed: ++chatSeed, stopStrings: [],
    }, {
      // As the engine's worker does: one message per token to the page.
      onToken: (payload) => (typeof window === 'undefined' ? self.postMessage({ kind: 'token', payload }) : undefined),
      isAborted: () => false,
      yieldToEvents: chatYield,
    });
    return { timeToFirstTokenMs: result.stats.timeToFirstTokenMs, prefillTokensPerSecond: result.stats.prefillTokensPerSecond, decodeTokensPerSecond: result.stats.decodeTokensPerSecond, tokenLatenciesMs: [], tokenIds: result.tokenIds };
  }

  const ways: Record<string, () => Promise<RunSample>> = {
    bareJsep: () => bareLoop(bareJsep, jsep),
    step: stepRun,
    loop: () => loop.generate(prompt, newTokens, noProgress),
    tjs: () => tjs.generate(prompt, newTokens, noProgress),
    chat: chatRun,
  };
  if (barePlain && plain) ways.barePlain = () => bareLoop(barePlain, plain);
  const speeds: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
  const tokens: Record<string, number[]> = {};
  for (const run of Object.values(ways)) await run(); // warm-up
  // Interleaved so that load from elsewhere hits every way alike.
  for (let r = 0; r < runs; r++) {
    for (const [name, run] of Object.entries(ways)) {
      const sample = await run();
      speeds[name].push(sample.decodeTokensPerSecond);
      tokens[name] = sample.tokenIds;
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { backend, inWorker: typeof window === 'undefined', median: Object.fromEntries(Object.entries(speeds).map(([k, v]) => [k, median(v)])), speeds, tokens };
}

// In the page, or (?worker=1) in a module worker as the app's engine runs.
const report = (result: unknown) => ((globalThis as unknown as { profileResult: unknown }).profileResult = result);
const fail = (error: Error) => ({ error: String(error?.stack ?? error) });
if (typeof window === 'undefined') {
  self.onmessage = (e: MessageEvent<string>) => void main(new URLSearchParams(e.data)).catch(fail).then((r) => self.postMessage({ kind: 'result', r }));
} else {
  const params = new URLSearchParams(location.search);
  if (params.get('worker') === '1') {
    const worker = new Worker(new URL('./decode.ts', import.meta.url), { type: 'module' });
    // Token messages (the chat way) are what the page would render; only the result is reported.
    worker.onmessage = (e) => (e.data?.kind === 'result' ? report(e.data.r) : undefined);
    worker.postMessage(location.search);
  } else {
    void main(params).catch(fail).then(report);
  }
}
