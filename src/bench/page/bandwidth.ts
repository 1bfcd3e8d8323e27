/**
 * The memory bandwidth the ceiling is drawn with: the user's number, else a preset whose name the GPU
 * adapter carries, else a guess that the page says is one. Browsers do not report bandwidth.
 */
import type { AdapterFacts } from './environment';
import { adapterBandwidth } from './gpu-report';
import type { BandwidthChoice } from './report';

/** Dual-channel DDR4, the commonest laptop memory: the guess where nothing better is known. */
export const GUESSED_BANDWIDTH_GBPS = 51;

export function chooseBandwidth(userGBps: number | null, adapter: Pick<AdapterFacts, 'vendor' | 'description'> | null): BandwidthChoice {
  if (userGBps && userGBps > 0) return { gbps: userGBps, source: 'user' };
  const detected = adapterBandwidth(adapter, null);
  return detected ? { gbps: detected.gbps, source: 'detected' } : { gbps: GUESSED_BANDWIDTH_GBPS, source: 'guess' };
}
