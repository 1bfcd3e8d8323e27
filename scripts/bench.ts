/**
 * `npm run bench -- [--model embedded|<folder>|<url>|synthetic:<shape>] [--backend webgpu,wasm] [--runs N]
 *                   [--warmup N] [--prompt N] [--new N] [--long-context N] [--turn-history N] [--json out.json] [--no-native] [--no-transformersjs]`
 *
 * Serves the built app (bench.html) with cross-origin isolation, drives headless Chromium through the
 * benchmark panel for each model (ours, then transformers.js's generate on the same backend, for model
 * folders), measures the same model with the same loop on native
 * onnxruntime-node (CPU), and prints a Markdown table. The JSON follows docs/bench-schema.v1.json.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { Ajv } from 'ajv';
import * as ortNode from 'onnxruntime-node';
import type * as OrtWeb from 'onnxruntime-web';
import playwrightConfig from '../playwright.config';
import { startStaticServer, type StaticServer } from '../test/support/static-server';
import { REPO_ROOT } from '../test/support/paths';
import { DecoderSession } from '../src/engine/decoder-session';
import { loadBenchModel } from '../src/bench/load-model';
import { benchmarkSideBySide, loopContender } from '../src/bench/runner';
import { buildReport, toMarkdown, type BenchReport } from '../src/bench/report';
import { DEFAULT_BENCH_SETTINGS, type BackendResult, type BenchSettings } from '../src/bench/types';
import type { ModelDescription } from '../src/bench/protocol';
import { parseSyntheticSpec } from '../src/bench/synthetic/shapes';

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
    json: { type: 'string' },
    app: { type: 'string', default: 'dist' },
    'no-native': { type: 'boolean', default: false },
    'no-transformersjs': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '900' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`Usage: npm run bench -- [options]
  --model M            embedded (tl-gpt), a model folder on disk, a folder URL, or synthetic:<shape>[:fp16]; repeatable (default: embedded)
                       shapes: tiny, gpt-25m, gpt-100m, gpt2-small, gpt2-medium, llama-0.5b, llama-1b
  --backend LIST       webgpu, wasm or webgpu,wasm (default)
  --runs N --warmup N  measured and warm-up runs (default ${DEFAULT_BENCH_SETTINGS.measuredRuns} and ${DEFAULT_BENCH_SETTINGS.warmupRuns})
  --prompt N --new N   prompt and generated tokens per run (default ${DEFAULT_BENCH_SETTINGS.promptTokens} and ${DEFAULT_BENCH_SETTINGS.newTokens})
  --long-context N     also measure decode with N tokens of context (flatness ratio); 0 = off
  --turn-history N     also measure 5 chat turns with the KV cache kept, N tokens of history before the 5th
                       (ttft_turn5_over_turn1: e.g. 1000 on synthetic:gpt-25m, whose context holds it); 0 = off
  --json FILE          write the report (docs/bench-schema.v1.json)
  --no-native          skip native onnxruntime-node (CPU)
  --no-transformersjs  skip transformers.js's generate (model folders only)
  --app DIR            the built app to serve (npm run bench builds dist-bench)`);
  process.exit(0);
}

function positiveInt(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

const settings: BenchSettings = {
  promptTokens: positiveInt('prompt', args.prompt),
  newTokens: positiveInt('new', args.new, 2),
  warmupRuns: positiveInt('warmup', args.warmup, 0),
  measuredRuns: positiveInt('runs', args.runs),
  longContextTokens: positiveInt('long-context', args['long-context'], 0),
  turnHistoryTokens: positiveInt('turn-history', args['turn-history'], 0),
};
const backends = args.backend.split(',').map((b) => b.trim());
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
    return { description: loaded.description, result: { ...result, memoryBytes: process.memoryUsage().rss } };
  } finally {
    await decoder.release();
  }
}

async function main(): Promise<void> {
  const models = args.model?.length ? args.model : ['embedded'];
  const server = await preview({ root: REPO_ROOT, logLevel: 'warn', build: { outDir: appDir }, preview: { port: 0, host: '127.0.0.1', open: false } });
  const appUrl = server.resolvedUrls?.local[0];
  if (!appUrl) throw new Error('vite preview did not start');
  const appOrigin = new URL(appUrl).origin;
  const servers: StaticServer[] = [];
  const browser = await chromium.launch({ headless: true, ...playwrightConfig.use?.launchOptions });
  const runs: { model: ModelDescription; results: BackendResult[] }[] = [];
  let environment: BenchReport['environment'] | null = null;
  try {
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
        bench_autorun: '1',
        ...(args['no-transformersjs'] ? {} : { bench_tjs: '1' }),
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
      await page.close();
      const results = [...outcome.results];
      for (const s of outcome.skipped) console.error(`· ${model}: transformers.js could not run it on ${s.backend}, so it is not compared: ${s.reason}`);
      if (!args['no-native']) {
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
  const report = buildReport('cli', { ...environment!, nodeCpu: `${cpu?.model ?? 'unknown'} × ${os.cpus().length}` }, settings, runs);
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/bench-schema.v1.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false }).compile(schema);
  if (!validate(report)) throw new Error(`the report does not match docs/bench-schema.v1.json: ${JSON.stringify(validate.errors)}`);
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
