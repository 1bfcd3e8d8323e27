/**
 * The real-GPU benchmark, headless in Node (no browser): our engine and transformers.js 4.3 on the same
 * models, side by side (runs interleaved), on WebGPU through Dawn (`webgpu` package) or on WASM.
 * Built into gpu-bundle/harness.mjs by scripts/gpu-bench/build.mjs; gpu-bundle/run.sh starts it.
 *
 *   node harness.mjs [--backend webgpu|wasm] [--models tl-gpt,synthetic:gpt-25m:fp32] [--models-dir DIR]
 *                    [--dawn PATH] [--new-tokens 32] [--runs 3] [--warmup 1] [--long 1024]
 *                    [--engines ours,transformersjs] [--bandwidth GBps] [--json FILE] [--reference FILE]
 *                    [--time-limit 540]
 *
 * `--reference models/tl-gpt/reference.json` instead checks our greedy tokens against the model's
 * reference (the ids the browser tests also expect) and exits 1 on any difference.
 * Exit codes: 0 done, 1 tokens differ, 2 no WebGPU adapter, 3 bad arguments or a failed run.
 */
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installNodeWebGpu, NoWebGpuAdapterError } from './node-webgpu';
import { serveModels } from './model-server';
import { cpuCounted } from './cpu-ledger';
import { bandwidthFor, contextPoint, summaryMarkdown, type EngineFigures, type ModelSummary } from './summary';
import { installGpuCounters, GpuWorkLedger, type GpuCounters } from '../../src/bench/worker/gpu-counters';
import { benchRuntimeFor } from '../../src/bench/worker/runtime-choice';
import { loadBenchModel, type BenchModel } from '../../src/bench/worker/load-model';
import { benchmarkSideBySide, loopContender, type Contender } from '../../src/bench/worker/runner';
import { loadTransformersJs, syntheticFolder } from '../../src/bench/worker/transformersjs';
import type { BackendResult, BenchSettings, ModelSource } from '../../src/bench/shared/types';
import type { AdapterFacts } from '../../src/bench/page/environment';
import { DecoderSession } from '../../src/engine/decoder-session';
import { graphForBackend } from '../../src/engine/graph/for-backend';
import { createEventYielder } from '../../src/engine/yield';
import type { Backend } from '../../src/core/protocol';

const here = dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'webgpu' },
    models: { type: 'string', default: 'tl-gpt,synthetic:gpt-25m:fp32' },
    'models-dir': { type: 'string', default: join(here, 'models') },
    dawn: { type: 'string', default: join(here, 'dawn.node') },
    'new-tokens': { type: 'string', default: '32' },
    runs: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    long: { type: 'string', default: '1024' },
    engines: { type: 'string', default: 'ours,transformersjs' },
    bandwidth: { type: 'string' },
    json: { type: 'string' },
    reference: { type: 'string' },
    'time-limit': { type: 'string', default: '540' },
  },
});

class UsageError extends Error {}

function count(name: keyof typeof args, min: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, not "${args[name]}"`);
  return value;
}

const yieldToEvents = createEventYielder(50);
const hooks = { isCancelled: () => false, yieldToEvents };

function modelSource(spec: string): ModelSource {
  return spec.startsWith('synthetic:') ? { kind: 'synthetic', spec } : { kind: 'folder', url: `${spec}/` };
}

/** Our engine's session for this backend, as the benchmark worker builds it (load-time fusions included). */
async function ourContender(model: BenchModel, backend: Backend): Promise<{ contender: Contender; decoder: DecoderSession; runtime: string }> {
  // The native WebGPU EP (`onnxruntime-web/webgpu`), as the app runs it; WASM: the app's plain SIMD build.
  const { ort, runtime } = await benchRuntimeFor(backend, 1, 'asyncify');
  const started = performance.now();
  const graph = graphForBackend(backend, model, { contextLength: model.config.contextLength });
  const decoder = await DecoderSession.create(ort, graph.onnx, graph.externalData, backend, model.config);
  return { contender: loopContender(decoder, backend, 'ours', performance.now() - started, model.config.contextLength, hooks), decoder, runtime };
}

/** Checks our greedy tokens against a reference file's (prompt ids → new ids): true when all agree. */
async function checkReference(file: string, baseUrl: string, backend: Backend): Promise<boolean> {
  const reference = JSON.parse(readFileSync(file, 'utf8')) as { n_new_tokens: number; greedy: { prompt: string; prompt_ids: number[]; new_ids: number[] }[] };
  const spec = args.models.split(',')[0];
  const model = await loadBenchModel(modelSource(spec), baseUrl, () => {});
  const { contender, decoder, runtime } = await ourContender(model, backend);
  const results = [];
  try {
    for (const item of reference.greedy) {
      const sample = await contender.generate(item.prompt_ids, reference.n_new_tokens, () => {});
      const result = { prompt: item.prompt, identical: JSON.stringify(sample.tokenIds) === JSON.stringify(item.new_ids), ours: sample.tokenIds, expected: item.new_ids };
      console.log(`${result.identical ? 'same' : 'DIFFERENT'}: ${JSON.stringify(result.prompt)} (${result.ours.length} tokens)`);
      results.push(result);
    }
  } finally {
    await decoder.release();
  }
  const identical = results.every((r) => r.identical);
  const report = { schema: 'transformer-lab-node-reference-check', version: 1, model: spec, backend, runtime, node: process.version, identical, results };
  if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2));
  return identical;
}

function figures(result: BackendResult, cpuMs: number | null, runtime: string | null): EngineFigures {
  return { decodeTokensPerSecond: result.decodeTokensPerSecond.median ?? 0, dispatchesPerToken: result.gpu?.dispatchesPerToken ?? null, cpuMsPerToken: cpuMs, runtime };
}

/**
 * transformers.js's web build takes any process whose `process.release.name` is 'node' for its Node
 * build, whose runtime is onnxruntime-node, and then has no WebGPU or WASM device. It reads that once,
 * when its module first runs: for that moment the harness looks like a browser worker, so transformers.js
 * runs its own onnxruntime-web (native WebGPU EP, or WASM) as it does in a browser.
 */
async function loadTransformersJsAsInBrowser(...load: Parameters<typeof loadTransformersJs>): ReturnType<typeof loadTransformersJs> {
  const release = Object.getOwnPropertyDescriptor(process, 'release');
  Object.defineProperty(process, 'release', { value: { name: 'browser-worker' }, configurable: true });
  try {
    return await loadTransformersJs(...load);
  } finally {
    if (release) Object.defineProperty(process, 'release', release);
  }
}

async function benchModel(spec: string, backend: Backend, baseUrl: string, settings: BenchSettings, counters: GpuCounters | null, engines: string[], bandwidth: ReturnType<typeof bandwidthFor>, notes: string[]): Promise<{ summary: ModelSummary; results: BackendResult[] }> {
  const model = await loadBenchModel(modelSource(spec), baseUrl, () => {});
  const ledger = new GpuWorkLedger(counters, backend);
  const ours = await ourContender(model, backend);
  const oursCpu = cpuCounted(ledger.count(ours.contender));
  const contenders: Contender[] = [oursCpu.contender];
  let theirs: Awaited<ReturnType<typeof loadTransformersJs>> | null = null;
  let theirsCpu: ReturnType<typeof cpuCounted> | null = null;
  let skipped: string | null = engines.includes('transformersjs') ? null : 'not asked for (--engines)';
  try {
    if (!skipped) {
      try {
        const source = model.description.source.kind === 'folder'
          ? { kind: 'folder' as const, url: new URL(`${spec}/`, baseUrl).href }
          : { kind: 'memory' as const, files: syntheticFolder(model.onnx, model.externalData[0].data, model.config) };
        theirs = await loadTransformersJsAsInBrowser(source, backend, 1);
        theirsCpu = cpuCounted(ledger.count(theirs));
        contenders.push(theirsCpu.contender);
      } catch (error) {
        skipped = [(error as Error).message, ((error as Error).cause as Error | undefined)?.message].filter(Boolean).join(": ");
        if (process.env.GPU_BENCH_DEBUG) console.error(error);
        notes.push(`${spec}: transformers.js could not load it: ${skipped}`);
      }
    }
    const measured = await benchmarkSideBySide(contenders, { ...model.description, contextLength: model.config.contextLength }, settings, {
      ...hooks,
      onProgress: (phase, run, runs, tokens, engine) => {
        if (tokens === 0 || tokens === settings.newTokens) process.stderr.write(`\r${spec} ${backend} ${engine} ${phase} ${run + 1}/${runs} ${tokens} tokens   `);
      },
    });
    process.stderr.write('\n');
    const results = measured.map((r) => ledger.attach(r, settings));
    const oursResult = results.find((r) => r.engine === 'ours');
    const theirsResult = results.find((r) => r.engine === 'transformersjs');
    if (!oursResult) throw new Error(`${spec}: our engine gave no result`);
    const bytes = model.description;
    const shortContext = Math.min(settings.promptTokens, model.config.contextLength - 1) + settings.newTokens / 2;
    const long = oursResult.longContext ?? null;
    if (!long) {
      if (settings.longContextTokens) notes.push(`${spec}: no long-context run (its context is ${model.config.contextLength} tokens)`);
    } else if (long.tokens < (settings.longContextTokens ?? 0)) notes.push(`${spec}: long context clamped to ${long.tokens} tokens, its context length`);
    const oursFigures = figures(oursResult, oursCpu.msPerToken(settings.warmupRuns, settings.measuredRuns), ours.runtime);
    const theirsFigures = theirsResult ? figures(theirsResult, theirsCpu?.msPerToken(settings.warmupRuns, settings.measuredRuns) ?? null, theirs?.runtime ?? null) : null;
    const summary: ModelSummary = {
      model: spec,
      contextLength: model.config.contextLength,
      short: contextPoint(shortContext, oursFigures.decodeTokensPerSecond, bytes, bandwidth),
      long: long ? contextPoint(long.tokens - settings.newTokens / 2, long.decodeTokensPerSecond.median ?? 0, bytes, bandwidth) : null,
      ours: oursFigures,
      transformersJs: theirsFigures,
      transformersJsSkipped: skipped,
      oursOverTransformersJs: theirsFigures?.decodeTokensPerSecond ? oursFigures.decodeTokensPerSecond / theirsFigures.decodeTokensPerSecond : null,
      dispatchesOursOverTransformersJs: oursFigures?.dispatchesPerToken && theirsFigures?.dispatchesPerToken ? oursFigures.dispatchesPerToken / theirsFigures.dispatchesPerToken : null,
      greedyTokensIdentical: theirsResult ? JSON.stringify(oursResult.greedyTokenIds) === JSON.stringify(theirsResult.greedyTokenIds) : null,
    };
    return { summary, results };
  } finally {
    await ours.decoder.release();
    await theirs?.dispose();
  }
}

async function main(): Promise<number> {
  const backend = args.backend as Backend;
  if (backend !== 'webgpu' && backend !== 'wasm') throw new UsageError(`--backend takes webgpu or wasm, not "${args.backend}"`);
  const engines = args.engines.split(',').map((e) => e.trim());
  const settings: BenchSettings = { promptTokens: 16, newTokens: count('new-tokens', 2), warmupRuns: count('warmup', 0), measuredRuns: count('runs', 1), longContextTokens: count('long', 0) };
  let adapter: AdapterFacts | null = null;
  let counters: GpuCounters | null = null;
  if (backend === 'webgpu') {
    adapter = await installNodeWebGpu(args.dawn);
    // Before any session: every dispatch, submit, buffer and read of both engines is counted from here.
    counters = installGpuCounters();
  }
  const server = await serveModels(args['models-dir']);
  try {
    if (args.reference) return (await checkReference(args.reference, server.baseUrl, backend)) ? 0 : 1;
    const bandwidth = backend === 'webgpu' ? bandwidthFor(adapter, args.bandwidth ? Number(args.bandwidth) : null) : null;
    const gpuName = adapter ? [adapter.description, adapter.vendor, adapter.architecture].filter(Boolean).join(' · ') || 'unnamed adapter' : 'none (WASM)';
    const notes: string[] = [];
    if (backend === 'webgpu' && !bandwidth) notes.push(`no bandwidth known for "${gpuName}": pass --bandwidth GBps for the roofline`);
    if (bandwidth?.guess) notes.push(`the roofline's ${bandwidth.gbps} GB/s is a guess (${bandwidth.source})`);
    const summaries: ModelSummary[] = [];
    const records: { model: string; results: BackendResult[] }[] = [];
    for (const spec of args.models.split(',').map((m) => m.trim()).filter(Boolean)) {
      const { summary, results } = await benchModel(spec, backend, server.baseUrl, settings, counters, engines, bandwidth, notes);
      summaries.push(summary);
      records.push({ model: spec, results: results.map(({ runs: _runs, ...rest }) => rest as BackendResult) });
    }
    const markdown = summaryMarkdown(gpuName, backend, bandwidth, summaries, notes);
    console.log(markdown);
    const report = {
      schema: 'transformer-lab-node-gpu-bench', version: 1, createdAt: new Date().toISOString(),
      gpu: adapter, gpuName, backend, bandwidth, node: process.version, settings, notes, models: summaries, records, markdown,
    };
    if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2));
    return summaries.every((s) => s.greedyTokensIdentical !== false) ? 0 : 1;
  } finally {
    await server.close();
  }
}

// A runtime that fails inside its WASM can leave a promise unsettled for ever: a limit turns that into a
// message and an exit, below the 600 s a device-machine call may run.
setTimeout(() => {
  console.error(`gpu-bench: no result after --time-limit ${args['time-limit']} s; the last progress line above says where it stopped`);
  process.exit(3);
}, (Number(args['time-limit']) > 0 ? Number(args['time-limit']) : 540) * 1000).unref();

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof NoWebGpuAdapterError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof UsageError ? error.message : (error as Error)?.stack ?? String(error));
    process.exit(3);
  },
);
