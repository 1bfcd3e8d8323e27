/**
 * `npm run bench -- --gpu-report`: our engine's WebGPU decode at a short and a long context, for a
 * fixed list of models, against the adapter's memory-bandwidth roofline, with the WebGPU work per
 * token. Written for the day a real GPU is present; on a software adapter (SwiftShader) it shrinks
 * the large shapes to the tiny one and says so, so the same command runs anywhere.
 */
import type { AdapterFacts } from './environment';
import { BANDWIDTH_PRESETS, ceilingTokensPerSecond } from './ceiling';
import type { BenchReport } from './report';
import { markdownTable } from './report-text';
import type { GpuWorkPerToken } from '../shared/types';
import { parseSyntheticSpec } from '../shared/synthetic-shapes';

/**
 * The models of the report, in the CLI's `--model` words (`fixture` is the test fixture stories260k).
 * The one place to change them: `synthetic:<shape>:<dtype>` specs the parser does not know yet fall
 * back to the same shape in fp32.
 */
export const GPU_REPORT_MODELS: readonly string[] = ['fixture', 'embedded', 'synthetic:llama-0.5b:q4f16'];

/** Decode is measured after a prompt of the first, then with the context filled to the second (clamped to the model's). */
export const GPU_REPORT_CONTEXTS = { short: 16, long: 1024 } as const;

/** The shape a software adapter runs instead of a large synthetic one. */
const SOFTWARE_SHAPE = 'synthetic:tiny';

/** SwiftShader, llvmpipe/lavapipe and other CPU emulations of a GPU: their speed says nothing about a GPU. */
export function isSoftwareAdapter(adapter: Pick<AdapterFacts, 'vendor' | 'architecture' | 'description'> | null, isFallback = false): boolean {
  if (isFallback) return true;
  if (!adapter) return false;
  return /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`);
}

/** The `--model` the report runs for one entry of the list, and why it differs from the entry, if it does. */
export function reportModel(entry: string, software: boolean): { model: string; note: string | null } {
  if (!entry.startsWith('synthetic:')) return { model: entry, note: null };
  if (software) return { model: SOFTWARE_SHAPE, note: `${entry} → ${SOFTWARE_SHAPE}: a software adapter runs tiny shapes only` };
  if (parseSyntheticSpec(entry)) return { model: entry, note: null };
  const fp32 = entry.split(':').slice(0, 2).join(':');
  if (parseSyntheticSpec(fp32)) return { model: fp32, note: `${entry} → ${fp32}: this build's synthetic models have no such weight type yet` };
  throw new Error(`GPU_REPORT_MODELS names an unknown synthetic shape "${entry}"`);
}

/** The adapter's memory bandwidth: the one given, else a preset whose name the adapter's description contains. */
export function adapterBandwidth(adapter: Pick<AdapterFacts, 'vendor' | 'description'> | null, givenGBps: number | null): { gbps: number; source: string } | null {
  if (givenGBps) return { gbps: givenGBps, source: '--bandwidth' };
  const text = `${adapter?.vendor ?? ''} ${adapter?.description ?? ''}`.toLowerCase();
  // "NVIDIA RTX 4090" matches "NVIDIA GeForce RTX 4090": the preset's words after the vendor suffice.
  const preset = BANDWIDTH_PRESETS.find((p) => p.machine === null && text.includes(p.name.toLowerCase().replace(/^(nvidia|apple|amd) /, '')));
  return preset ? { gbps: preset.gbps, source: `preset ${preset.name}` } : null;
}

export interface GpuReportRow {
  model: string;
  /** Mean tokens in the cache during the measured decode. */
  context: number;
  decodeTokensPerSecond: number;
  /** Weights plus the KV cache at that context. */
  bytesPerToken: number;
  /** Bandwidth ÷ bytes per token; null where the bandwidth is unknown. */
  rooflineTokensPerSecond: number | null;
  fractionOfRoofline: number | null;
  /** WebGPU work per decode token (measured at the short context). */
  gpu: GpuWorkPerToken | null;
}

export interface GpuReport {
  schema: 'transformer-lab-gpu-report';
  version: 1;
  createdAt: string;
  adapter: AdapterFacts | null;
  software: boolean;
  bandwidth: { gbps: number; source: string } | null;
  /** What the report changed and why (shrunk shapes, clamped contexts, unknown bandwidth). */
  notes: string[];
  rows: GpuReportRow[];
  /** The benchmark report the rows come from. */
  bench: BenchReport;
}

export function buildGpuReport(bench: BenchReport, software: boolean, bandwidth: GpuReport['bandwidth'], notes: string[]): GpuReport {
  const rows: GpuReportRow[] = [];
  const allNotes = [...notes];
  if (!bandwidth) allNotes.push(`no bandwidth known for this adapter${software ? ' (a software adapter reads the CPU\'s memory)' : ''}: pass --bandwidth GBps for the roofline`);
  const newTokens = bench.settings.newTokens;
  for (const record of bench.records.filter((r) => r.engine === 'ours' && r.backend === 'webgpu')) {
    const model = bench.models.find((m) => m.name === record.model);
    if (!model) continue;
    const row = (context: number, tokensPerSecond: number): GpuReportRow => {
      const bytesPerToken = model.weightBytesPerToken + model.kvBytesPerToken * context;
      const roofline = bandwidth ? ceilingTokensPerSecond(bandwidth.gbps, bytesPerToken) : null;
      return { model: model.name, context, decodeTokensPerSecond: tokensPerSecond, bytesPerToken, rooflineTokensPerSecond: roofline, fractionOfRoofline: roofline ? tokensPerSecond / roofline : null, gpu: record.gpu };
    };
    rows.push(row(bench.settings.promptTokens + newTokens / 2, record.decodeTokensPerSecond.median ?? 0));
    if (record.longContext) rows.push(row(record.longContext.tokens - newTokens / 2, record.longContext.decodeTokensPerSecond.median ?? 0));
    if (!record.longContext || record.longContext.tokens < GPU_REPORT_CONTEXTS.long) {
      allNotes.push(`${model.name}: long context ${record.longContext ? `clamped to ${record.longContext.tokens}` : 'not measured'} (its context is ${model.contextLength} tokens)`);
    }
  }
  return { schema: 'transformer-lab-gpu-report', version: 1, createdAt: bench.createdAt, adapter: bench.environment.adapter, software, bandwidth, notes: allNotes, rows, bench };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

export function gpuReportMarkdown(report: GpuReport): string {
  const a = report.adapter;
  const adapter = a ? `${a.vendor} ${a.architecture} ${a.description}`.trim() || 'unnamed adapter' : 'none';
  const head = ['Model', 'Mean context', 'Decode tok/s', 'MB/token', 'Roofline tok/s', 'Of roofline', 'Dispatches/token', 'Submits/token', 'Buffers/token', 'Reads/token'];
  const rows = report.rows.map((r) => [
    r.model,
    r.context.toFixed(0),
    r.decodeTokensPerSecond.toFixed(1),
    mb(r.bytesPerToken),
    r.rooflineTokensPerSecond === null ? '' : r.rooflineTokensPerSecond.toFixed(0),
    r.fractionOfRoofline === null ? '' : `${(r.fractionOfRoofline * 100).toPrecision(2)}%`,
    r.gpu ? r.gpu.dispatchesPerToken.toFixed(1) : '',
    r.gpu ? r.gpu.submitsPerToken.toFixed(2) : '',
    r.gpu ? r.gpu.buffersCreatedPerToken.toFixed(2) : '',
    r.gpu ? r.gpu.readsPerToken.toFixed(2) : '',
  ]);
  const table = markdownTable(head, rows);
  return [
    `**Transformer Lab GPU report** (${report.createdAt})`,
    '',
    `Adapter: ${adapter}${report.software ? ' (software: its speed says nothing about a real GPU; large shapes shrunk to tiny)' : ''} · bandwidth: ${report.bandwidth ? `${report.bandwidth.gbps} GB/s (${report.bandwidth.source})` : 'unknown'}`,
    '',
    table,
    '',
    'WebGPU counts per decode token are measured at the short context; MB/token is the weights plus the KV cache at the mean context.',
    ...(report.notes.length ? ['', ...report.notes.map((n) => `- ${n}`)] : []),
  ].join('\n') + '\n';
}
