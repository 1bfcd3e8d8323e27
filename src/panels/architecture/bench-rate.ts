/**
 * The latest benchmark's decode speed, for the compute calculator. The benchmark panel announces
 * each report on `window` ('tl-bench-report'); the fastest backend's median wins, per model.
 */
import type { BenchReport } from '../../bench/page/report';

export interface MeasuredRate {
  model: string;
  backend: string;
  tokensPerSecond: number;
}

const rates = new Map<string, MeasuredRate>();

export function ratesFromReport(report: BenchReport): MeasuredRate[] {
  const best = new Map<string, MeasuredRate>();
  for (const record of report.records) {
    const tokensPerSecond = record.decodeTokensPerSecond.median;
    if (record.engine !== 'ours' || !(tokensPerSecond > 0)) continue;
    const current = best.get(record.model);
    if (!current || tokensPerSecond > current.tokensPerSecond) best.set(record.model, { model: record.model, backend: record.backend, tokensPerSecond });
  }
  return [...best.values()];
}

globalThis.addEventListener?.('tl-bench-report', (event) => {
  for (const rate of ratesFromReport((event as CustomEvent<BenchReport>).detail)) rates.set(rate.model, rate);
});

/** The benchmark's rate for a model (by name, e.g. "tl-gpt"), if one was measured in this page. */
export function benchRate(model: string): MeasuredRate | null {
  return rates.get(model) ?? null;
}
