/**
 * The memory-bandwidth ceiling: a decode step reads every weight (and the KV cache) once, so
 * tokens/s ≤ bandwidth ÷ bytes read per token. Presets are vendor peak figures, not measurements.
 */

export interface BandwidthPreset {
  label: string;
  gbps: number;
}

export const BANDWIDTH_PRESETS: readonly BandwidthPreset[] = [
  { label: 'DDR4 dual-channel laptop (51 GB/s)', gbps: 51 },
  { label: 'DDR5 dual-channel desktop (90 GB/s)', gbps: 90 },
  { label: 'Apple M2 (100 GB/s)', gbps: 100 },
  { label: 'Apple M3 Pro (150 GB/s)', gbps: 150 },
  { label: 'Apple M2 Max (400 GB/s)', gbps: 400 },
  { label: 'NVIDIA RTX 3060 (360 GB/s)', gbps: 360 },
  { label: 'NVIDIA RTX 4090 (1008 GB/s)', gbps: 1008 },
  { label: 'NVIDIA H100 SXM (3350 GB/s)', gbps: 3350 },
];

export function ceilingTokensPerSecond(bandwidthGBps: number, bytesPerToken: number): number {
  return bytesPerToken > 0 ? (bandwidthGBps * 1e9) / bytesPerToken : Infinity;
}

/** Share of the ceiling reached: achieved tokens/s over the bound. */
export function fractionOfCeiling(tokensPerSecond: number, bandwidthGBps: number, bytesPerToken: number): number {
  const ceiling = ceilingTokensPerSecond(bandwidthGBps, bytesPerToken);
  return Number.isFinite(ceiling) && ceiling > 0 ? tokensPerSecond / ceiling : 0;
}
