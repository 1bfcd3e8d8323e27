/**
 * What the real-GPU run reports, per model: decode tok/s at a short and a long context, each against
 * the bandwidth roofline, ours ÷ transformers.js, dispatches and CPU time per decode token, and whether
 * the two engines' greedy tokens agree. Bandwidth figures come from the benchmark's presets.
 */
import { BANDWIDTH_PRESETS, ceilingTokensPerSecond } from '../../src/bench/page/ceiling';
import { adapterBandwidth } from '../../src/bench/page/gpu-report';
import { markdownTable } from '../../src/bench/page/report-text';
import type { AdapterFacts } from '../../src/bench/page/environment';

export interface Bandwidth {
  gbps: number;
  /** Where the figure comes from: `--bandwidth`, a preset matched by name, or the rule below. */
  source: string;
  /** True when the name does not settle which variant of the chip this is. */
  guess: boolean;
}

const preset = (name: string) => {
  const found = BANDWIDTH_PRESETS.find((p) => p.name === name);
  if (!found) throw new Error(`no bandwidth preset "${name}"`);
  return found;
};

/**
 * The adapter's memory bandwidth. Vulkan names an H100 by its memory ("NVIDIA H100 80GB HBM3"), not
 * its form factor: 80 GB of HBM3 is the SXM5 card (3.35 TB/s); other H100s (PCIe 2.0 TB/s, NVL
 * 3.9 TB/s) get the SXM figure, marked as a guess.
 */
export function bandwidthFor(adapter: Pick<AdapterFacts, 'vendor' | 'description' | 'device' | 'architecture'> | null, givenGBps: number | null): Bandwidth | null {
  if (givenGBps) return { gbps: givenGBps, source: '--bandwidth', guess: false };
  const name = `${adapter?.description ?? ''} ${adapter?.device ?? ''}`;
  if (/\bH200\b/i.test(name)) return { gbps: preset('NVIDIA H200').gbps, source: 'preset NVIDIA H200', guess: false };
  if (/\bH100\b/i.test(name)) {
    const sxm = /SXM|80\s*GB\s+HBM3/i.test(name);
    return { gbps: preset('NVIDIA H100 SXM').gbps, source: `preset NVIDIA H100 SXM${sxm ? '' : ' (form factor not in the name)'}`, guess: !sxm };
  }
  const known = adapterBandwidth(adapter, null);
  return known ? { ...known, guess: false } : null;
}

export interface ContextPoint {
  /** Mean tokens in the cache over the measured decode. */
  context: number;
  tokensPerSecond: number;
  rooflineTokensPerSecond: number | null;
  fractionOfRoofline: number | null;
}

export interface EngineFigures {
  decodeTokensPerSecond: number;
  dispatchesPerToken: number | null;
  cpuMsPerToken: number | null;
  runtime: string | null;
}

export interface ModelSummary {
  model: string;
  contextLength: number;
  short: ContextPoint;
  /** Null where the model's context is too short for it. */
  long: ContextPoint | null;
  ours: EngineFigures;
  transformersJs: EngineFigures | null;
  /** Why transformers.js has no figures, where it has none. */
  transformersJsSkipped: string | null;
  oursOverTransformersJs: number | null;
  dispatchesOursOverTransformersJs: number | null;
  greedyTokensIdentical: boolean | null;
}

/** A decode speed at a mean context, against the roofline: weights plus the KV cache read once per token. */
export function contextPoint(context: number, tokensPerSecond: number, bytes: { weightBytesPerToken: number; kvBytesPerToken: number }, bandwidth: Bandwidth | null): ContextPoint {
  const roofline = bandwidth ? ceilingTokensPerSecond(bandwidth.gbps, bytes.weightBytesPerToken + bytes.kvBytesPerToken * context) : null;
  return { context, tokensPerSecond, rooflineTokensPerSecond: roofline, fractionOfRoofline: roofline ? tokensPerSecond / roofline : null };
}

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '–' : value.toFixed(digits));
const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toPrecision(2)}%`);

export function summaryMarkdown(gpuName: string, backend: string, bandwidth: Bandwidth | null, models: ModelSummary[], notes: string[]): string {
  const head = ['model', 'context', 'ours tok/s', 'of roofline', 'transformers.js tok/s', 'ours ÷ transformers.js', 'dispatches/token ours · theirs', 'CPU ms/token ours · theirs', 'same greedy tokens'];
  const rows = models.flatMap((m) => {
    const point = (p: ContextPoint, first: boolean) => [
      m.model,
      p.context.toFixed(0),
      fixed(p.tokensPerSecond, 1),
      percent(p.fractionOfRoofline),
      first ? fixed(m.transformersJs?.decodeTokensPerSecond, 1) : '',
      first ? fixed(m.oursOverTransformersJs, 2) : '',
      first ? `${fixed(m.ours.dispatchesPerToken, 1)} · ${fixed(m.transformersJs?.dispatchesPerToken, 1)}` : '',
      first ? `${fixed(m.ours.cpuMsPerToken, 2)} · ${fixed(m.transformersJs?.cpuMsPerToken, 2)}` : '',
      first ? (m.greedyTokensIdentical === null ? '–' : m.greedyTokensIdentical ? 'yes' : 'NO') : '',
    ];
    return m.long ? [point(m.short, true), point(m.long, false)] : [point(m.short, true)];
  });
  const roofline = bandwidth ? `${bandwidth.gbps} GB/s (${bandwidth.source}${bandwidth.guess ? ', a guess' : ''})` : 'unknown (pass --bandwidth GBps)';
  return [
    `GPU: ${gpuName} · backend: ${backend} · roofline bandwidth: ${roofline}`,
    '',
    markdownTable(head, rows),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n') + '\n';
}
