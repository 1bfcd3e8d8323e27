/** Summaries of repeated measurements: medians and spreads, never a single lucky run. */

export interface Spread {
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
  n: number;
}

/** Linear-interpolated quantile (the "type 7" rule numpy and spreadsheets use). */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function spread(values: readonly number[]): Spread {
  return {
    median: quantile(values, 0.5),
    p10: quantile(values, 0.1),
    p90: quantile(values, 0.9),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
    n: values.length,
  };
}

/** Time between consecutive tokens, from the times each token was produced. */
export function intervals(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

/**
 * A distribution-free 95 % interval of the median: the order statistics whose ranks lie 1.96·√n/2 either
 * side of the middle (the binomial rule, no assumption about the shape of the spread). With few runs it
 * is the whole range, so it only narrows as runs accumulate.
 */
export function medianInterval95(values: readonly number[]): { low: number; high: number } {
  if (!values.length) return { low: NaN, high: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lowRank = Math.max(1, Math.floor(n / 2 - half));
  const highRank = Math.min(n, Math.ceil(1 + n / 2 + half));
  return { low: sorted[lowRank - 1], high: sorted[highRank - 1] };
}

/** Whether the 95 % interval of the median lies within ±`tolerance` (a fraction) of the median. */
export function medianIsStable(values: readonly number[], tolerance: number): boolean {
  if (values.length < 2) return false;
  const median = quantile(values, 0.5);
  if (!(median > 0)) return false;
  const { low, high } = medianInterval95(values);
  return low >= median * (1 - tolerance) && high <= median * (1 + tolerance);
}
