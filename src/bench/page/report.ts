/**
 * The benchmark's portable result: a versioned JSON document (docs/bench-schema.v2.json) with one
 * record per model × engine × backend, plus CSV and a Markdown table to paste into an issue. Version 1
 * documents are read through migrate.ts.
 */
import type { BenchEnvironment } from './environment';
import type { ModelDescription } from '../shared/protocol';
import type { BackendResult, BenchSettings } from '../shared/types';
import type { GraphFusionNote, GraphRewriteNote } from '../../core/protocol';
import { parseSyntheticSpec } from '../shared/synthetic-shapes';
import type { GpuWorkPerToken } from '../shared/types';
import type { ProbeResult } from '../shared/probe-result';
import type { BenchFailure } from '../shared/failure';
import { CURVE_NEW_TOKENS } from '../shared/context-ladder';

export const BENCH_SCHEMA_ID = 'transformer-lab-bench';
export const BENCH_SCHEMA_VERSION = 2;

/** Per-token latencies a record keeps for its chart (the first ones of the measured runs), rounded to 0.01 ms. */
export const LATENCIES_KEPT = 256;

/** What a record leaves out of a result: the raw runs and tokens stay in the consistency check. */
type RawMeasurements = 'greedyTokenIds' | 'runs';

/**
 * One model × engine × backend: a BackendResult's figures without its raw runs, with the model's name
 * and size, and JSON's null where the result leaves an optional figure out.
 */
export type BenchRecord = Omit<BackendResult, RawMeasurements | 'runtimeStartMs' | 'longContext' | 'peakMemoryBytes' | 'graphRewrite' | 'graphFusion' | 'kvCache' | 'gpu' | 'gpuPrefill' | 'runtime' | 'turns' | 'stable' | 'peakGpuBytes' | 'peakJsHeapBytes' | 'contextCurve'> & {
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
  /** v2: whether the runs stopped on a stable median (false: at the cap); null for a fixed number of runs. */
  stable: boolean | null;
  /** v2: the per-token latencies the chart draws (at most LATENCIES_KEPT, ms). */
  tokenLatenciesMs: number[];
  /** v2: what the model took. */
  memory: RecordMemory;
  /** v2: decode and prefill tok/s against context length; null when not measured. */
  contextCurve: NonNullable<BackendResult['contextCurve']> | null;
};

export interface RecordMemory {
  /** The model's graph and weights as loaded. */
  modelBytes: number;
  /** Most bytes of GPU buffers alive at once (WebGPU); null elsewhere. */
  peakGpuBytes: number | null;
  /** Largest JS heap of the worker seen after a run; null where the browser does not report it. */
  peakJsHeapBytes: number | null;
  /** K and V of every layer at the longest context this record measured. */
  kvCacheBytesAtLongest: number;
  /** That context, in tokens. */
  longestContextTokens: number;
}

/** The memory bandwidth the ceiling was drawn with, and where that number came from. */
export interface BandwidthChoice {
  gbps: number;
  /** 'user': typed or picked; 'detected': a preset matched the adapter's name; 'guess': neither (say so). */
  source: 'user' | 'detected' | 'guess';
}

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
  /** v2: WebGPU against WASM, logit by logit, per model; empty when both backends did not run. */
  probe: ProbeResult[];
  /** v2: what could not run, by category. */
  failures: BenchFailure[];
  /** v2: the bandwidth of the ceiling; null where none was drawn (the CLI). */
  bandwidth: BandwidthChoice | null;
  /** v2: the user cancelled the run: the records are what finished before. */
  cancelled: boolean;
}

/** What a run adds to its records beyond the measurements: the v2 parts, all optional for the CLI. */
export interface ReportExtras {
  probe?: ProbeResult[];
  failures?: BenchFailure[];
  bandwidth?: BandwidthChoice | null;
  cancelled?: boolean;
}

export function toRecord(
  model: ModelDescription,
  { greedyTokenIds: _tokens, runs, runtimeStartMs, longContext, peakMemoryBytes, graphRewrite, graphFusion, kvCache, gpu, gpuPrefill, runtime, turns, stable, peakGpuBytes, peakJsHeapBytes, contextCurve, ...figures }: BackendResult,
  settings?: BenchSettings,
): BenchRecord {
  const contexts = [(settings?.promptTokens ?? 0) + (settings?.newTokens ?? 0), longContext?.tokens ?? 0, ...(contextCurve ?? []).map((p) => p.contextTokens + CURVE_NEW_TOKENS)];
  const longest = Math.min(model.contextLength || Infinity, Math.max(...contexts));
  return {
    stable: stable ?? null,
    tokenLatenciesMs: runs.flatMap((r) => r.tokenLatenciesMs).slice(0, LATENCIES_KEPT).map((ms) => Math.round(ms * 100) / 100),
    memory: {
      modelBytes: model.weightBytes ?? 0,
      peakGpuBytes: peakGpuBytes ?? null,
      peakJsHeapBytes: peakJsHeapBytes ?? figures.memoryBytes ?? null,
      kvCacheBytesAtLongest: model.kvBytesPerToken * longest,
      longestContextTokens: longest,
    },
    contextCurve: contextCurve ?? null,
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
  // Prompt lookup over plain decode, the same greedy reply (goal ≥ 1.8 copying, ≥ 0.95 not copying).
  for (const r of results) {
    for (const p of r.promptLookup ?? []) {
      ratios.push({ model, name: p.prompt === 'copying' ? `prompt_lookup_over_plain_${r.backend}` : `prompt_lookup_noncopying_over_plain_${r.backend}`, value: p.speedup });
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
  extras: ReportExtras = {},
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
    records: runs.flatMap(({ model, results }) => results.map((r) => toRecord(model, r, settings))),
    consistency,
    ratios: [...runs.flatMap(({ model, results }) => ratiosFor(model.name, results)), ...dtypeRatios(runs)],
    probe: extras.probe ?? [],
    failures: extras.failures ?? [],
    bandwidth: extras.bandwidth ?? null,
    cancelled: extras.cancelled ?? false,
  };
}
