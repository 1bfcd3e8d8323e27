/**
 * The report as text: CSV for spreadsheets and a Markdown table to paste into an issue, both naming
 * each figure as src/bench/shared/figures.ts does.
 */
import type { GraphRewriteNote } from '../../core/protocol';
import type { GpuWorkPerToken } from '../shared/types';
import { probeSentence } from '../shared/probe-result';
import { FAILURE_CATEGORIES } from '../shared/failure';
import { FIGURES } from '../shared/figures';
import type { BenchRecord, BenchReport } from './report';

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
  const head = ['Model', 'Engine', 'Backend', '4-bit rewrite', 'Peak MB', FIGURES.sessionBuild, FIGURES.timeToFirstToken, FIGURES.prefill, `${FIGURES.decode} (p10–p90)`, FIGURES.achievedBandwidth, FIGURES.gpuReads];
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
  for (const p of report.probe) lines.push('', `Correctness probe ${p.model}: ${p.backend} vs ${p.reference}: ${probeSentence(p)}${p.plantedFault ? ' (fault planted on purpose)' : ''}.`);
  for (const f of report.failures) lines.push('', `Failed${f.backend ? ` on ${f.backend}` : ''}: ${FAILURE_CATEGORIES[f.category]} (${f.message}).`);
  if (report.cancelled) lines.push('', 'Cancelled: the figures are of the runs that finished.');
  const runtimes = [...new Set(report.records.filter((r) => r.runtime).map((r) => `${r.engine} ${r.backend}: ${r.runtime}`))];
  if (runtimes.length) lines.push('', `Runtimes: ${runtimes.join(' · ')}.`);
  const kvPaths = [...new Set(report.records.filter((r) => r.kvCache).map((r) => `${r.model} ${r.engine} ${r.backend}: ${r.kvCache}`))];
  if (kvPaths.length) lines.push('', `KV cache (append: only new keys and values leave the runtime; present: the whole cache each step): ${kvPaths.join(' · ')}.`);
  if (report.ratios.length) lines.push('', report.ratios.map((r) => `${r.model} ${r.name}: ${r.value.toFixed(2)}×`).join(' · '));
  return lines.join('\n') + '\n';
}
