/**
 * `npm run bench -- [--model embedded|<folder>|<url>|synthetic:<shape>[:<dtype>][,…]] [--backend webgpu,wasm] [--runs N]
 *                   [--warmup N] [--prompt N] [--new N] [--long-context N] [--turn-history N] [--json out.json] [--no-native] [--no-transformersjs]
 *                   [--compare-rewrite] [--curve] [--curve-ladder 16,128,512]`
 *
 * Serves the built app (bench.html) with cross-origin isolation, drives headless Chromium through the
 * benchmark panel for each model (ours, then transformers.js's generate on the same backend, for model
 * folders), measures the same model with the same loop on native
 * onnxruntime-node (CPU), and prints a Markdown table. The JSON follows docs/bench-schema.v2.json.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import { preview } from 'vite';
import { Ajv } from 'ajv';
import * as ortNode from 'onnxruntime-node';
import type * as OrtWeb from 'onnxruntime-web';
import { startStaticServer, type StaticServer } from '../test/support/static-server';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../test/support/paths';
import { chromiumLaunchOptions } from '../test/support/chromium.mjs';
import { DecoderSession } from '../src/engine/decoder-session';
import { loadBenchModel } from '../src/bench/worker/load-model';
import { benchmarkSideBySide, loopContender } from '../src/bench/worker/runner';
import { buildReport, type BenchReport } from '../src/bench/page/report';
import { toMarkdown } from '../src/bench/page/report-text';
import { DEFAULT_BENCH_SETTINGS, type BackendResult, type BenchSettings } from '../src/bench/shared/types';
import type { ModelDescription } from '../src/bench/shared/protocol';
import { SYNTHETIC_DTYPES, parseSyntheticSpec } from '../src/bench/shared/synthetic-shapes';
import { DEFAULT_CONTEXT_LADDER, parseLadder } from '../src/bench/shared/context-ladder';
import { chromiumMarker, peakRendererBytes } from './renderer-memory';
import { GPU_REPORT_CONTEXTS, GPU_REPORT_MODELS, adapterBandwidth, buildGpuReport, gpuReportMarkdown, isSoftwareAdapter, reportModel } from '../src/bench/page/gpu-report';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    backend: { type: 'string', default: 'webgpu,wasm' },
    runs: { type: 'string', default: String(DEFAULT_BENCH_SETTINGS.measuredRuns) },
    warmup: { type: 'string', default: String(DEFAULT_BENCH_SETTINGS.warmupRuns) },
    prompt: { type: 'string', default: String(DEFAULT_BENCH_SETTINGS.promptTokens) },
    new: { type: 'string', default: String(DEFAULT_BENCH_SETTINGS.newTokens) },
    'long-context': { type: 'string', default: '0' },
    'turn-history': { type: 'string', default: '0' },
    curve: { type: 'boolean', default: false },
    'curve-ladder': { type: 'string' },
    json: { type: 'string' },
    app: { type: 'string', default: 'dist' },
    'no-native': { type: 'boolean', default: false },
    'no-transformersjs': { type: 'boolean', default: false },
    'no-prompt-lookup': { type: 'boolean', default: false },
    'compare-rewrite': { type: 'boolean', default: false },
    'gpu-report': { type: 'boolean', default: false },
    bandwidth: { type: 'string' },
    'webgpu-build': { type: 'string' },
    'static-kv': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '900' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`Usage: npm run bench -- [options]
  --model M            embedded (tl-gpt), a model folder on disk, a folder URL, or synthetic:<shape>[:<dtype>]; repeatable or
                       comma-separated (default: embedded). shapes: tiny, gpt-25m, gpt-100m, gpt2-small, gpt2-medium, llama-0.5b,
                       llama-1b; dtypes: ${SYNTHETIC_DTYPES.join(', ')} (fp16 and q4f16 need shader-f16 on WebGPU).
                       The same shape in two dtypes gives <dtype>_over_fp32_<backend> ratios, e.g.
                       --model synthetic:gpt-25m:q4,synthetic:gpt-25m:fp32 --backend wasm → q4_over_fp32_wasm
  --backend LIST       webgpu, wasm or webgpu,wasm (default)
  --runs N --warmup N  measured and warm-up runs (default ${DEFAULT_BENCH_SETTINGS.measuredRuns} and ${DEFAULT_BENCH_SETTINGS.warmupRuns})
  --prompt N --new N   prompt and generated tokens per run (default ${DEFAULT_BENCH_SETTINGS.promptTokens} and ${DEFAULT_BENCH_SETTINGS.newTokens})
  --long-context N     also measure decode with N tokens of context (flatness ratio); 0 = off
  --turn-history N     also measure 5 chat turns with the KV cache kept, N tokens of history before the 5th
                       (ttft_turn5_over_turn1: e.g. 1000 on synthetic:gpt-25m, whose context holds it); 0 = off
  --curve              also measure speed against context length: decode and prefill tok/s at ${DEFAULT_CONTEXT_LADDER.join(', ')}
                       tokens of context and the model's limit (contextCurve in the JSON, as the page's curve)
  --curve-ladder LIST  the curve at exactly these context lengths instead, e.g. 16,128,512 (implies --curve)
  --json FILE          write the report (docs/bench-schema.v2.json)
  --no-native          skip native onnxruntime-node (CPU)
  --no-transformersjs  skip transformers.js's generate (model folders only)
  --no-prompt-lookup   skip the prompt-lookup measurement (plain vs speculative greedy on a copying and a
                       non-copying prompt: prompt_lookup_over_plain_<backend>, measured by default)
  --compare-rewrite    on WASM, also measure 4-bit graphs as downloaded, interleaved with the rewrite the app runs
  --webgpu-build B     run our engine's WebGPU on onnxruntime-web's jspi or asyncify build (default: the
                       app's choice, JSPI where the browser has it), to measure one against the other
  --static-kv          our engine's WebGPU with the fixed-capacity KV cache (off in the app: slower on 1.31.1)
  --app DIR            the built app to serve (npm run bench builds dist-bench)
  --gpu-report         our WebGPU decode at ${GPU_REPORT_CONTEXTS.short} and ${GPU_REPORT_CONTEXTS.long} tokens of context for ${GPU_REPORT_MODELS.join(', ')}
                       against the adapter's bandwidth roofline, with the WebGPU work per token; uses the machine's GPU,
                       or SwiftShader with tiny shapes; --json FILE names the JSON (default bench-gpu-report.json), Markdown beside it
  --bandwidth GBps     the adapter's memory bandwidth for --gpu-report (default: a preset matching the adapter's name)`);
  process.exit(0);
}

function positiveInt(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

const gpuReport = args['gpu-report'];

/** --curve: the page's ladder and the model's limit; --curve-ladder: exactly the rungs given. */
function curveSettings(): Pick<BenchSettings, 'contextLadder' | 'contextLadderExact'> {
  if (args['curve-ladder'] !== undefined) {
    const parsed = parseLadder(args['curve-ladder']);
    if ('error' in parsed) throw new Error(`--curve-ladder: ${parsed.error}`);
    return { contextLadder: parsed.ladder, contextLadderExact: true };
  }
  return args.curve ? { contextLadder: [...DEFAULT_CONTEXT_LADDER] } : {};
}

const settings: BenchSettings = {
  promptTokens: gpuReport ? GPU_REPORT_CONTEXTS.short : positiveInt('prompt', args.prompt),
  newTokens: positiveInt('new', args.new, 2),
  warmupRuns: positiveInt('warmup', args.warmup, 0),
  measuredRuns: positiveInt('runs', args.runs),
  longContextTokens: gpuReport ? GPU_REPORT_CONTEXTS.long : positiveInt('long-context', args['long-context'], 0),
  turnHistoryTokens: positiveInt('turn-history', args['turn-history'], 0),
  promptLookup: !args['no-prompt-lookup'] && !gpuReport,
  ...(gpuReport ? {} : curveSettings()),
};
// The GPU report measures our engine on WebGPU alone: against the roofline, not against other engines.
const backends = gpuReport ? ['webgpu'] : args.backend.split(',').map((b) => b.trim());
for (const b of backends) if (b !== 'webgpu' && b !== 'wasm') throw new Error(`--backend takes webgpu, wasm or both, got "${b}"`);
const appDir = path.resolve(REPO_ROOT, args.app);
if (!existsSync(path.join(appDir, 'bench.html'))) throw new Error(`${appDir}/bench.html is missing: build the app first (npm run build).`);

/** What the page and the native run are given for one `--model`. */
async function resolveModel(model: string, appOrigin: string, servers: StaticServer[]): Promise<string> {
  if (model.startsWith('synthetic:')) {
    if (!parseSyntheticSpec(model)) throw new Error(`unknown synthetic shape "${model}"`);
    return model;
  }
  if (model === 'embedded') return `${appOrigin}/models/tl-gpt/`;
  if (/^https?:/.test(model)) return model;
  const folder = path.resolve(model);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--model ${model}: no such folder`);
  // Mounted under the folder's own name: the report names the model after it.
  const name = encodeURIComponent(path.basename(folder));
  const server = await startStaticServer({ [`/${name}/`]: folder });
  servers.push(server);
  return `${server.origin}/${name}/`;
}

async function measureNative(model: string): Promise<{ description: ModelDescription; result: BackendResult }> {
  const source = model.startsWith('synthetic:') ? { kind: 'synthetic' as const, spec: model } : { kind: 'folder' as const, url: model };
  const loaded = await loadBenchModel(source, model, () => {});
  const started = performance.now();
  // onnxruntime-node has onnxruntime-web's API; only the execution provider's name differs.
  const decoder = await DecoderSession.create(ortNode as unknown as typeof OrtWeb, loaded.onnx, loaded.externalData, 'wasm', loaded.config, { executionProvider: 'cpu' });
  const buildMs = performance.now() - started;
  try {
    const hooks = { isCancelled: () => false, yieldToEvents: async () => {}, onProgress: () => {} };
    const contender = loopContender(decoder, 'cpu', 'native', buildMs, loaded.config.contextLength, hooks);
    const [result] = await benchmarkSideBySide([contender], { ...loaded.description, contextLength: loaded.config.contextLength }, settings, hooks);
    return { description: loaded.description, result: { ...result, memoryBytes: process.memoryUsage().rss, kvCache: decoder.kvPath } };
  } finally {
    await decoder.release();
  }
}

/** The GPU report's models for this machine's adapter: the fixed list, shrunk on a software adapter. */
async function planGpuReport(browser: Browser, appOrigin: string): Promise<{ models: string[]; software: boolean; notes: string[] }> {
  const page = await browser.newPage();
  await page.goto(`${appOrigin}/bench.html`);
  const adapter = await page.evaluate(async () => {
    const found = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
    const info = found?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
    return info ? { vendor: info.vendor, architecture: info.architecture, description: info.description, isFallback: info.isFallbackAdapter ?? false } : null;
  });
  await page.close();
  if (!adapter) throw new Error('--gpu-report: this browser found no WebGPU adapter');
  const software = isSoftwareAdapter(adapter, adapter.isFallback);
  const notes: string[] = [];
  const models: string[] = [];
  for (const entry of GPU_REPORT_MODELS) {
    if (entry === 'fixture') {
      if (existsSync(FIXTURE_MODEL_DIR)) models.push(FIXTURE_MODEL_DIR);
      else notes.push(`fixture skipped: no model at ${FIXTURE_MODEL_DIR}`);
      continue;
    }
    const { model, note } = reportModel(entry, software);
    models.push(model);
    if (note) notes.push(note);
  }
  return { models: [...new Set(models)], software, notes };
}

async function main(): Promise<void> {
  let models = args.model?.length ? args.model.flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean) : ['embedded'];
  const server = await preview({ root: REPO_ROOT, logLevel: 'warn', build: { outDir: appDir }, preview: { port: 0, host: '127.0.0.1', open: false } });
  const appUrl = server.resolvedUrls?.local[0];
  if (!appUrl) throw new Error('vite preview did not start');
  const appOrigin = new URL(appUrl).origin;
  const servers: StaticServer[] = [];
  const marker = chromiumMarker();
  // The GPU report takes the machine's GPU where there is one; every other run compares on SwiftShader.
  const launchOptions = chromiumLaunchOptions({ webgpu: gpuReport ? 'any' : true });
  const browser = await chromium.launch({ headless: true, ...launchOptions, args: [...(launchOptions.args ?? []), marker] });
  const runs: { model: ModelDescription; results: BackendResult[] }[] = [];
  const probes: BenchReport['probe'] = [];
  const failures: BenchReport['failures'] = [];
  let environment: BenchReport['environment'] | null = null;
  let plan: Awaited<ReturnType<typeof planGpuReport>> | null = null;
  try {
    if (gpuReport) {
      plan = await planGpuReport(browser, appOrigin);
      models = plan.models;
      for (const note of plan.notes) console.error(`· GPU report: ${note}`);
    }
    for (const model of models) {
      const resolved = await resolveModel(model, appOrigin, servers);
      const page = await browser.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      const query = new URLSearchParams({
        bench_model: resolved,
        bench_backends: backends.join(','),
        bench_prompt: String(settings.promptTokens),
        bench_new: String(settings.newTokens),
        bench_warmup: String(settings.warmupRuns),
        bench_runs: String(settings.measuredRuns),
        bench_long: String(settings.longContextTokens),
        bench_turns: String(settings.turnHistoryTokens),
        ...(settings.promptLookup ? {} : { bench_prompt_lookup: '0' }),
        ...(settings.contextLadder?.length ? { bench_curve: settings.contextLadderExact ? settings.contextLadder.join(',') : '1' } : {}),
        bench_autorun: '1',
        ...(args['no-transformersjs'] || gpuReport ? {} : { bench_tjs: '1' }),
        ...(args['webgpu-build'] ? { bench_webgpu_build: args['webgpu-build'] } : {}),
        ...(args['static-kv'] ? { bench_static_kv: '1' } : {}),
        ...(args['compare-rewrite'] ? { bench_compare_rewrite: '1' } : {}),
      });
      console.error(`· ${model}: ${backends.join(', ')} in Chromium…`);
      await page.goto(`${appOrigin}/bench.html?${query}`);
      const state = page.getByTestId('bench-state');
      await state.and(page.locator('[data-state=done], [data-state=error]')).waitFor({ state: 'attached', timeout: Number(args.timeout) * 1000 });
      if ((await state.getAttribute('data-state')) === 'error') throw new Error(`${model}: ${await page.getByTestId('bench-error').textContent()}`);
      const report = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '{}') as BenchReport;
      const outcome = await page.evaluate(() => document.querySelector('tl-bench-panel')?.outcome ?? null);
      if (!outcome) throw new Error(`${model}: the page finished without results`);
      environment = report.environment;
      probes.push(...report.probe);
      failures.push(...report.failures);
      // Read before the page closes: its renderer (page, workers, WASM memory) exits with it.
      const peakMemoryBytes = peakRendererBytes(marker);
      await page.close();
      const results: BackendResult[] = outcome.results.map((r) => ({ ...r, peakMemoryBytes }));
      for (const s of outcome.skipped) console.error(`· ${model}: transformers.js could not run it on ${s.backend}, so it is not compared: ${s.reason}`);
      if (!args['no-native'] && !gpuReport) {
        console.error(`· ${model}: native onnxruntime-node (CPU)…`);
        results.push((await measureNative(resolved)).result);
      }
      runs.push({ model: outcome.model, results });
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    for (const s of servers) await s.close();
  }
  const cpu = os.cpus()[0];
  const report = buildReport('cli', { ...environment!, nodeCpu: `${cpu?.model ?? 'unknown'} × ${os.cpus().length}` }, settings, runs, new Date(), { probe: probes, failures });
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/bench-schema.v2.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false }).compile(schema);
  if (!validate(report)) throw new Error(`the report does not match docs/bench-schema.v2.json: ${JSON.stringify(validate.errors)}`);
  if (plan) {
    const bandwidth = adapterBandwidth(report.environment.adapter, args.bandwidth ? Number(args.bandwidth) : null);
    const gpu = buildGpuReport(report, plan.software, bandwidth, plan.notes);
    const jsonPath = args.json ?? 'bench-gpu-report.json';
    const markdown = gpuReportMarkdown(gpu);
    writeFileSync(jsonPath, JSON.stringify(gpu, null, 2) + '\n');
    writeFileSync(jsonPath.replace(/\.json$/, '') + '.md', markdown);
    process.stdout.write(markdown);
    console.error(`· wrote ${jsonPath} and its .md`);
    return;
  }
  process.stdout.write(toMarkdown(report));
  if (args.json) {
    writeFileSync(args.json, JSON.stringify(report, null, 2) + '\n');
    console.error(`· wrote ${args.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
