/**
 * The benchmark's portable result: a versioned JSON document (docs/bench-schema.v1.json) with one
 * record per model × engine × backend, plus CSV and a Markdown table to paste into an issue.
 */
import type { BenchEnvironment } from './environment';
import type { ModelDescription } from './protocol';
import type { BackendResult, BenchSettings } from './types';
import type { GraphFusionNote, GraphRewriteNote } from '../core/protocol';
import { parseSyntheticSpec } from './synthetic/shapes';
import type { GpuWorkPerToken } from './gpu-counters';

export const BENCH_SCHEMA_ID = 'transformer-lab-bench';
export const BENCH_SCHEMA_VERSION = 1;

/** What a record leaves out of a result: the raw runs and tokens stay in the consistency check. */
type RawMeasurements = 'greedyTokenIds' | 'runs';

/**
 * One model × engine × backend: a BackendResult's figures without its raw runs, with the model's name
 * and size, and JSON's null where the result leaves an optional figure out.
 */
export type BenchRecord = Omit<BackendResult, RawMeasurements | 'runtimeStartMs' | 'longContext' | 'peakMemoryBytes' | 'graphRewrite' | 'graphFusion' | 'kvCache' | 'gpu' | 'gpuPrefill' | 'runtime' | 'turns'> & {
  model: string;
  /** The onnxruntime build the engine ran on; null where not known (the CLI's native run). */
  runtime: string | null;
  /** WebGPU work per decode token, and per prompt pass; null where not counted (WASM, the CLI's native run). */
  gpu: GpuWorkPerToken | null;
  gpuPrefill: GpuWorkPerToken | null;
  parameters: number | null;
  runtimeStartMs: number | null;
  /** Decode speed again with this many tokens of context; null when not measured. */
  longContext: NonNullable<BackendResult['longContext']> | null;
  /** The model's dtype (`fp32`, `q4`…); null when unknown. */
  dtype: string | null;
  /** Bytes of the model's graph and external data as loaded. */
  weightBytes: number;
  /** Peak resident memory of the browser's renderer during this model's run (CLI, Linux); null where not measured. */
  peakMemoryBytes: number | null;
  /** What the load rewrote in the graph for this backend; null when it ran as downloaded. */
  graphRewrite: GraphRewriteNote | null;
  /** What the load fused into contrib ops; null when the graph ran unfused. */
  graphFusion: GraphFusionNote | null;
  /** How the KV cache went from step to step ('append' or 'present'); null where not known. */
  kvCache: 'append' | 'present' | null;
  /** Time to first token of five chat turns with the cache kept; null when not measured. */
  turns: NonNullable<BackendResult['turns']> | null;
};

export interface Consistency {
  model: string;
  /** The backend checked, and the one it is checked against (webgpu against wasm). */
  backend: string;
  reference: string;
  tokensCompared: number;
  /** Positions where both greedy runs chose the same token. */
  top1Agreement: number;
  /** Tokens identical from the start: after the first difference the contexts diverge. */
  identicalPrefix: number;
}

export interface Ratio {
  model: string;
  /**
   * Plain names: `webgpu_over_wasm`, `wasm_over_native`, `ours_over_transformersjs_<backend>`,
   * `long_context_over_short_<engine>_<backend>`; across the models of one run, `<dtype>_over_fp32_<backend>`
   * (the same synthetic shape in two dtypes), `<dtype>_original_graph_over_fp32_wasm` (the 4-bit graph
   * as downloaded), `rewrite_speedup_wasm` (rewritten over as downloaded, interleaved); and
   * `dispatches_ours_over_transformersjs_webgpu`; `ttft_turn5_over_turn1_<backend>` (of median times to first token).
   */
  name: string;
  /** Of median decode tokens/s; for `dispatches_…`, of compute dispatches per decode token (lower is better). */
  value: number;
}

export interface BenchReport {
  schema: typeof BENCH_SCHEMA_ID;
  version: typeof BENCH_SCHEMA_VERSION;
  createdAt: string;
  source: 'page' | 'cli';
  environment: BenchEnvironment & { nodeCpu?: string };
  settings: BenchSettings;
  models: ModelDescription[];
  records: BenchRecord[];
  consistency: Consistency[];
  ratios: Ratio[];
}

export function toRecord(
  model: ModelDescription,
  { greedyTokenIds: _tokens, runs: _runs, runtimeStartMs, longContext, peakMemoryBytes, graphRewrite, graphFusion, kvCache, gpu, gpuPrefill, runtime, turns, ...figures }: BackendResult,
): BenchRecord {
  return {
    model: model.name,
    parameters: model.parameters,
    ...figures,
    runtime: runtime ?? null,
    runtimeStartMs: runtimeStartMs ?? null,
    longContext: longContext ?? null,
    dtype: model.dtype ?? null,
    weightBytes: model.weightBytes ?? 0,
    peakMemoryBytes: peakMemoryBytes ?? null,
    graphRewrite: graphRewrite ?? null,
    graphFusion: graphFusion ?? null,
    kvCache: kvCache ?? null,
    gpu: gpu ?? null,
    gpuPrefill: gpuPrefill ?? null,
    turns: turns ?? null,
  };
}

export function compareTokens(model: string, checked: BackendResult, reference: BackendResult): Consistency {
  const n = Math.min(checked.greedyTokenIds.length, reference.greedyTokenIds.length);
  let agree = 0;
  let prefix = -1;
  for (let i = 0; i < n; i++) {
    if (checked.greedyTokenIds[i] === reference.greedyTokenIds[i]) agree++;
    else if (prefix < 0) prefix = i;
  }
  return { model, backend: checked.backend, reference: reference.backend, tokensCompared: n, top1Agreement: n ? agree / n : 0, identicalPrefix: prefix < 0 ? n : prefix };
}

function find(results: BackendResult[], engine: BackendResult['engine'], backend: BackendResult['backend']) {
  return results.find((r) => r.engine === engine && r.backend === backend);
}

/** Every ratio the results allow, of median decode tokens/s. */
export function ratiosFor(model: string, results: BackendResult[]): Ratio[] {
  const ratios: Ratio[] = [];
  const add = (name: string, a?: BackendResult, b?: BackendResult) => {
    const top = a?.decodeTokensPerSecond.median;
    const bottom = b?.decodeTokensPerSecond.median;
    if (top && bottom) ratios.push({ model, name, value: top / bottom });
  };
  add('webgpu_over_wasm', find(results, 'ours', 'webgpu'), find(results, 'ours', 'wasm'));
  add('wasm_over_native', find(results, 'ours', 'wasm'), find(results, 'native', 'cpu'));
  add('ours_over_transformersjs_wasm', find(results, 'ours', 'wasm'), find(results, 'transformersjs', 'wasm'));
  add('ours_over_transformersjs_webgpu', find(results, 'ours', 'webgpu'), find(results, 'transformersjs', 'webgpu'));
  // The CPU's encoding work on a GPU: our dispatches per decode token over transformers.js's (goal ≤ 0.5).
  const ourGpu = find(results, 'ours', 'webgpu')?.gpu;
  const theirGpu = find(results, 'transformersjs', 'webgpu')?.gpu;
  if (ourGpu && theirGpu?.dispatchesPerToken) ratios.push({ model, name: 'dispatches_ours_over_transformersjs_webgpu', value: ourGpu.dispatchesPerToken / theirGpu.dispatchesPerToken });
  // Flatness: decode at a long context over decode at the short prompt (goal ≥ 0.8).
  for (const r of results) {
    // A long chat answers as fast as a new one when the cache is kept (goal ≤ 1.3).
    const ttft = r.turns?.timeToFirstTokenMs;
    if (r.engine !== 'transformersjs' && ttft && ttft.length === 5 && ttft[0].median > 0) {
      ratios.push({ model, name: `ttft_turn5_over_turn1_${r.backend}`, value: ttft[4].median / ttft[0].median });
    }
    if (r.longContext && r.decodeTokensPerSecond.median > 0) {
      ratios.push({ model, name: `long_context_over_short_${r.engine}_${r.backend}`, value: r.longContext.decodeTokensPerSecond.median / r.decodeTokensPerSecond.median });
    }
  }
  const original = results.find((r) => r.engine === 'ours' && r.backend === 'wasm' && r.graphRewrite === null);
  const rewritten = results.find((r) => r.engine === 'ours' && r.backend === 'wasm' && r.graphRewrite);
  if (original && rewritten) add('rewrite_speedup_wasm', rewritten, original);
  return ratios;
}

/**
 * Each dtype against fp32 of the same synthetic shape measured in the same run, per backend (our loop):
 * how much faster or slower the user's choice of file makes decoding.
 */
export function dtypeRatios(runs: { model: ModelDescription; results: BackendResult[] }[]): Ratio[] {
  const shapeOf = (m: ModelDescription) => (m.source.kind === 'synthetic' ? (parseSyntheticSpec(m.source.spec)?.shape.id ?? null) : null);
  const ratios: Ratio[] = [];
  for (const run of runs) {
    const shape = shapeOf(run.model);
    if (!shape || !run.model.dtype || run.model.dtype === 'fp32') continue;
    const fp32 = runs.find((r) => shapeOf(r.model) === shape && r.model.dtype === 'fp32');
    if (!fp32) continue;
    for (const backend of ['wasm', 'webgpu', 'cpu'] as const) {
      const engine = backend === 'cpu' ? 'native' : 'ours';
      const bottom = find(fp32.results, engine, backend)?.decodeTokensPerSecond.median;
      if (!bottom) continue;
      const mine = run.results.filter((r) => r.engine === engine && r.backend === backend);
      // With the rewrite compared, the first is the rewritten graph (what the app runs) and the other the graph as downloaded.
      const [first, asDownloaded] = [mine.find((r) => r.graphRewrite !== null) ?? mine[0], mine.find((r) => r.graphRewrite === null && mine.length > 1)];
      if (first?.decodeTokensPerSecond.median) ratios.push({ model: run.model.name, name: `${run.model.dtype}_over_fp32_${backend}`, value: first.decodeTokensPerSecond.median / bottom });
      if (asDownloaded?.decodeTokensPerSecond.median) {
        ratios.push({ model: run.model.name, name: `${run.model.dtype}_original_graph_over_fp32_${backend}`, value: asDownloaded.decodeTokensPerSecond.median / bottom });
      }
    }
  }
  return ratios;
}

export function buildReport(
  source: BenchReport['source'],
  environment: BenchReport['environment'],
  settings: BenchSettings,
  runs: { model: ModelDescription; results: BackendResult[] }[],
  now = new Date(),
): BenchReport {
  const consistency: Consistency[] = [];
  for (const { model, results } of runs) {
    const gpu = find(results, 'ours', 'webgpu');
    const cpu = find(results, 'ours', 'wasm');
    if (gpu && cpu) consistency.push(compareTokens(model.name, gpu, cpu));
    const native = find(results, 'native', 'cpu');
    if (cpu && native) consistency.push(compareTokens(model.name, cpu, native));
    // transformers.js on the same backend must choose the same greedy tokens as we do.
    for (const theirs of results.filter((r) => r.engine === 'transformersjs')) {
      const ours = find(results, 'ours', theirs.backend);
      if (ours) consistency.push({ ...compareTokens(model.name, ours, theirs), reference: `transformersjs ${theirs.backend}` });
    }
  }
  return {
    schema: BENCH_SCHEMA_ID,
    version: BENCH_SCHEMA_VERSION,
    createdAt: now.toISOString(),
    source,
    environment,
    settings,
    models: runs.map((r) => r.model),
    records: runs.flatMap(({ model, results }) => results.map((r) => toRecord(model, r))),
    consistency,
    ratios: [...runs.flatMap(({ model, results }) => ratiosFor(model.name, results)), ...dtypeRatios(runs)],
  };
}

const fixed = (value: number | null, digits = 1) => (value === null || !Number.isFinite(value) ? '' : value.toFixed(digits));

/** Each WebGPU counter: its CSV name, its field, and its decimals. */
const GPU_WORK_COLUMNS: [string, keyof GpuWorkPerToken, number][] = [
  ['dispatches', 'dispatchesPerToken', 1],
  ['submits', 'submitsPerToken', 2],
  ['buffers_created', 'buffersCreatedPerToken', 2],
  ['bytes_allocated', 'bytesAllocatedPerToken', 0],
  ['reads', 'readsPerToken', 2],
  ['bytes_read', 'bytesReadPerToken', 0],
];

const COLUMNS: [string, (r: BenchRecord) => string][] = [
  ['model', (r) => r.model],
  ['engine', (r) => r.engine],
  ['backend', (r) => r.backend],
  ['runtime_start_ms', (r) => fixed(r.runtimeStartMs, 0)],
  ['session_build_ms', (r) => fixed(r.sessionBuildMs, 0)],
  ['ttft_ms_median', (r) => fixed(r.timeToFirstTokenMs.median)],
  ['prefill_tok_s_median', (r) => fixed(r.prefillTokensPerSecond.median)],
  ['decode_tok_s_median', (r) => fixed(r.decodeTokensPerSecond.median)],
  ['decode_tok_s_p10', (r) => fixed(r.decodeTokensPerSecond.p10)],
  ['decode_tok_s_p90', (r) => fixed(r.decodeTokensPerSecond.p90)],
  ['token_latency_ms_median', (r) => fixed(r.tokenLatencyMs.median, 2)],
  ['gpu_reads_per_token', (r) => fixed(r.gpuReadsPerToken, 2)],
  ['achieved_gb_s', (r) => fixed(r.achievedGBps, 3)],
  // Added later: at the end, so existing readers of the columns above keep working.
  ['dtype', (r) => r.dtype ?? ''],
  ['graph_rewrite', (r) => rewriteCell(r.graphRewrite)],
  ['weight_bytes', (r) => String(r.weightBytes)],
  ['peak_memory_bytes', (r) => (r.peakMemoryBytes === null ? '' : String(r.peakMemoryBytes))],
  ...GPU_WORK_COLUMNS.flatMap(([name, key, digits]): [string, (r: BenchRecord) => string][] => [
    [`decode_${name}_per_token`, (r) => fixed(r.gpu?.[key] ?? null, digits)],
    [`prefill_${name}`, (r) => fixed(r.gpuPrefill?.[key] ?? null, digits)],
  ]),
];

/** `24 → f32 + 1 → i8`, or empty when the graph ran as downloaded. */
function rewriteCell(note: GraphRewriteNote | null): string {
  if (!note) return '';
  return [note.toFloat32 ? `${note.toFloat32} → f32` : '', note.toInt8 ? `${note.toInt8} → i8` : ''].filter(Boolean).join(' + ');
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(report: BenchReport): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const record of report.records) lines.push(COLUMNS.map(([, get]) => csvCell(get(record))).join(','));
  return lines.join('\n') + '\n';
}

/** A GitHub Markdown table. */
export function markdownTable(head: string[], rows: string[][]): string {
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function toMarkdown(report: BenchReport): string {
  const env = report.environment;
  const adapter = env.adapter ? `${env.adapter.vendor} ${env.adapter.architecture} ${env.adapter.description}`.trim() || 'unnamed adapter' : `none (${env.adapterError ?? 'unknown'})`;
  const head = ['Model', 'Engine', 'Backend', '4-bit rewrite', 'Peak MB', 'Build ms', 'TTFT ms', 'Prefill tok/s', 'Decode tok/s (p10–p90)', 'GB/s', 'GPU reads/token'];
  const rows = report.records.map((r) => [
    r.model,
    r.engine,
    r.backend,
    rewriteCell(r.graphRewrite) || (r.backend === 'wasm' && r.engine === 'ours' && /q4/.test(r.dtype ?? '') ? 'none (as downloaded)' : ''),
    r.peakMemoryBytes === null ? '' : fixed(r.peakMemoryBytes / 1e6, 0),
    fixed(r.sessionBuildMs, 0),
    fixed(r.timeToFirstTokenMs.median),
    fixed(r.prefillTokensPerSecond.median),
    `${fixed(r.decodeTokensPerSecond.median)} (${fixed(r.decodeTokensPerSecond.p10)}–${fixed(r.decodeTokensPerSecond.p90)})`,
    fixed(r.achievedGBps, 3),
    fixed(r.gpuReadsPerToken, 2),
  ]);
  const table = markdownTable(head, rows);
  const counted = report.records.filter((r) => r.gpu);
  const gpuHead = ['Model', 'Engine', 'Phase', 'Dispatches', 'Submits', 'Buffers created', 'Bytes allocated', 'Reads', 'Bytes read'];
  const gpuRows = counted.flatMap((r) => [['decode, per token', r.gpu], ['prefill, per prompt', r.gpuPrefill]].map(([phase, w]) => {
    const work = w as GpuWorkPerToken | null;
    return [r.model, r.engine, phase as string, ...GPU_WORK_COLUMNS.map(([, key, digits]) => fixed(work?.[key] ?? null, digits))];
  }));
  const gpuTable = markdownTable(gpuHead, gpuRows);
  const s = report.settings;
  const lines = [
    `**Transformer Lab benchmark** (${report.source}, ${report.createdAt})`,
    '',
    `Browser: ${env.userAgent || 'n/a'} · threads: ${env.wasmThreads} of ${env.hardwareConcurrency ?? '?'} cores · adapter: ${adapter}${env.adapter ? ` · shader-f16: ${env.adapter.shaderF16 ? 'yes' : 'no'}` : ''}`,
    `Prompt ${s.promptTokens} tokens, ${s.newTokens} new, ${s.warmupRuns} warm-up + ${s.measuredRuns} measured runs.`,
    '',
    table,
    ...(counted.length ? ['', 'WebGPU work (counted in the worker: compute dispatches, queue submits, buffers created, GPU→CPU reads):', '', gpuTable] : []),
  ];
  for (const c of report.consistency) {
    lines.push('', `Consistency ${c.model}: ${c.backend} vs ${c.reference}: top-1 agreement ${(c.top1Agreement * 100).toFixed(0)}% over ${c.tokensCompared} tokens, identical for the first ${c.identicalPrefix}.`);
  }
  const runtimes = [...new Set(report.records.filter((r) => r.runtime).map((r) => `${r.engine} ${r.backend}: ${r.runtime}`))];
  if (runtimes.length) lines.push('', `Runtimes: ${runtimes.join(' · ')}.`);
  const kvPaths = [...new Set(report.records.filter((r) => r.kvCache).map((r) => `${r.model} ${r.engine} ${r.backend}: ${r.kvCache}`))];
  if (kvPaths.length) lines.push('', `KV cache (append: only new keys and values leave the runtime; present: the whole cache each step): ${kvPaths.join(' · ')}.`);
  if (report.ratios.length) lines.push('', report.ratios.map((r) => `${r.model} ${r.name}: ${r.value.toFixed(2)}×`).join(' · '));
  return lines.join('\n') + '\n';
}
