/**
 * The memory-bandwidth ceiling: a decode step reads every weight (and the KV cache) once, so
 * tokens/s ≤ bandwidth ÷ bytes read per token. Presets are vendor peak figures, not measurements.
 */

export interface BandwidthPreset {
  /** A chip or card's name, or the memory type of a generic machine: the same in every language. */
  name: string;
  /** A generic machine with dual-channel memory, which the page words in its language; null for a named chip or card. */
  machine: 'laptop' | 'desktop' | null;
  gbps: number;
}

export const BANDWIDTH_PRESETS: readonly BandwidthPreset[] = [
  { name: 'DDR4', machine: 'laptop', gbps: 51 },
  { name: 'DDR5', machine: 'desktop', gbps: 90 },
  { name: 'Apple M2', machine: null, gbps: 100 },
  { name: 'Apple M3 Pro', machine: null, gbps: 150 },
  { name: 'Apple M2 Max', machine: null, gbps: 400 },
  { name: 'NVIDIA RTX 3060', machine: null, gbps: 360 },
  { name: 'NVIDIA RTX 4090', machine: null, gbps: 1008 },
  { name: 'NVIDIA H100 SXM', machine: null, gbps: 3350 },
  { name: 'NVIDIA H200', machine: null, gbps: 4800 },
];

export function ceilingTokensPerSecond(bandwidthGBps: number, bytesPerToken: number): number {
  return bytesPerToken > 0 ? (bandwidthGBps * 1e9) / bytesPerToken : Infinity;
}

/** Share of the ceiling reached: achieved tokens/s over the bound. */
export function fractionOfCeiling(tokensPerSecond: number, bandwidthGBps: number, bytesPerToken: number): number {
  const ceiling = ceilingTokensPerSecond(bandwidthGBps, bytesPerToken);
  return Number.isFinite(ceiling) && ceiling > 0 ? tokensPerSecond / ceiling : 0;
}
