/**
 * The benchmark's portable result: a versioned JSON document (docs/bench-schema.v1.json) with one
 * record per model × engine × backend, plus CSV and a Markdown table to paste into an issue.
 */
import type { BenchEnvironment } from './environment';
import type { ModelDescription } from './protocol';
import type { Spread } from './stats';
import type { BackendResult, BenchSettings } from './types';

export const BENCH_SCHEMA_ID = 'transformer-lab-bench';
export const BENCH_SCHEMA_VERSION = 1;

export interface BenchRecord {
  model: string;
  engine: BackendResult['engine'];
  backend: BackendResult['backend'];
  parameters: number | null;
  sessionBuildMs: number;
  runtimeStartMs: number | null;
  timeToFirstTokenMs: Spread;
  prefillTokensPerSecond: Spread;
  decodeTokensPerSecond: Spread;
  tokenLatencyMs: Spread;
  gpuReadsPerToken: number | null;
  achievedGBps: number;
  memoryBytes: number | null;
  /** Decode speed again with this many tokens of context; null when not measured. */
  longContext: { tokens: number; decodeTokensPerSecond: Spread } | null;
  /** Time to first token of five chat turns with the cache kept; null when not measured. */
  turns: { historyTokens: number; timeToFirstTokenMs: Spread[] } | null;
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
   * `long_context_over_short_<engine>_<backend>`, `ttft_turn5_over_turn1_<backend>` (of median times to first token).
   */
  name: string;
  /** Of median decode tokens/s. */
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

export function toRecord(model: ModelDescription, r: BackendResult): BenchRecord {
  return {
    model: model.name,
    engine: r.engine,
    backend: r.backend,
    parameters: model.parameters,
    sessionBuildMs: r.sessionBuildMs,
    runtimeStartMs: r.runtimeStartMs ?? null,
    timeToFirstTokenMs: r.timeToFirstTokenMs,
    prefillTokensPerSecond: r.prefillTokensPerSecond,
    decodeTokensPerSecond: r.decodeTokensPerSecond,
    tokenLatencyMs: r.tokenLatencyMs,
    gpuReadsPerToken: r.gpuReadsPerToken,
    achievedGBps: r.achievedGBps,
    memoryBytes: r.memoryBytes,
    longContext: r.longContext ?? null,
    turns: r.turns ?? null,
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
    ratios: runs.flatMap(({ model, results }) => ratiosFor(model.name, results)),
  };
}

const fixed = (value: number | null, digits = 1) => (value === null || !Number.isFinite(value) ? '' : value.toFixed(digits));

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
];

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(report: BenchReport): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const record of report.records) lines.push(COLUMNS.map(([, get]) => csvCell(get(record))).join(','));
  return lines.join('\n') + '\n';
}

export function toMarkdown(report: BenchReport): string {
  const env = report.environment;
  const adapter = env.adapter ? `${env.adapter.vendor} ${env.adapter.architecture} ${env.adapter.description}`.trim() || 'unnamed adapter' : `none (${env.adapterError ?? 'unknown'})`;
  const head = ['Model', 'Engine', 'Backend', 'Build ms', 'TTFT ms', 'Prefill tok/s', 'Decode tok/s (p10–p90)', 'GB/s', 'GPU reads/token'];
  const rows = report.records.map((r) => [
    r.model,
    r.engine,
    r.backend,
    fixed(r.sessionBuildMs, 0),
    fixed(r.timeToFirstTokenMs.median),
    fixed(r.prefillTokensPerSecond.median),
    `${fixed(r.decodeTokensPerSecond.median)} (${fixed(r.decodeTokensPerSecond.p10)}–${fixed(r.decodeTokensPerSecond.p90)})`,
    fixed(r.achievedGBps, 3),
    fixed(r.gpuReadsPerToken, 2),
  ]);
  const table = [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const s = report.settings;
  const lines = [
    `**Transformer Lab benchmark** (${report.source}, ${report.createdAt})`,
    '',
    `Browser: ${env.userAgent || 'n/a'} · threads: ${env.wasmThreads} of ${env.hardwareConcurrency ?? '?'} cores · adapter: ${adapter}${env.adapter ? ` · shader-f16: ${env.adapter.shaderF16 ? 'yes' : 'no'}` : ''}`,
    `Prompt ${s.promptTokens} tokens, ${s.newTokens} new, ${s.warmupRuns} warm-up + ${s.measuredRuns} measured runs.`,
    '',
    table,
  ];
  for (const c of report.consistency) {
    lines.push('', `Consistency ${c.model}: ${c.backend} vs ${c.reference}: top-1 agreement ${(c.top1Agreement * 100).toFixed(0)}% over ${c.tokensCompared} tokens, identical for the first ${c.identicalPrefix}.`);
  }
  if (report.ratios.length) lines.push('', report.ratios.map((r) => `${r.model} ${r.name}: ${r.value.toFixed(2)}×`).join(' · '));
  return lines.join('\n') + '\n';
}
