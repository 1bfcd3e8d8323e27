/**
 * Each benchmark figure's name, unit, JSON field and definition, once: the exports and the CLI print
 * these English words, the page (the Benchmark's tables and charts and the chat's live figures) shows
 * the same words through msg(), docs/bench-results.md and docs/bench-schema.v2.json define them in the
 * same terms (test/unit/bench-figures.test.ts holds all of them equal).
 */

/** A figure's name on its own, as the chat's live figures put it before a value and its unit. */
export const FIGURE_NAMES = {
  runtimeStart: 'Runtime start',
  sessionBuild: 'Session build',
  timeToFirstToken: 'Time to first token',
  prefill: 'Prefill',
  decode: 'Decode',
  achievedBandwidth: 'Achieved bandwidth',
  gpuReads: 'GPU→CPU reads per token',
  longContext: 'Decode at long context',
  jsHeap: 'Peak JS heap',
  peakGpu: 'Peak GPU memory',
  modelBytes: 'Model size',
  kvCache: 'KV cache at longest context',
} as const;

export type FigureKey = keyof typeof FIGURE_NAMES;

/** The unit a figure is counted in, where its header names one (sizes are written with their own unit). */
export const FIGURE_UNITS: Partial<Record<FigureKey, 'ms' | 'tok/s' | 'GB/s'>> = {
  runtimeStart: 'ms',
  sessionBuild: 'ms',
  timeToFirstToken: 'ms',
  prefill: 'tok/s',
  decode: 'tok/s',
  achievedBandwidth: 'GB/s',
};

/** A figure as a column header: its name and, where it has one, its unit ("Time to first token, ms"). */
export const FIGURES = Object.fromEntries(
  (Object.keys(FIGURE_NAMES) as FigureKey[]).map((key) => [key, FIGURE_UNITS[key] ? `${FIGURE_NAMES[key]}, ${FIGURE_UNITS[key]}` : FIGURE_NAMES[key]]),
) as Record<FigureKey, string>;

/** Where each figure is in a record of the JSON report (docs/bench-schema.v2.json). */
export const FIGURE_FIELDS: Record<FigureKey, string> = {
  runtimeStart: 'runtimeStartMs',
  sessionBuild: 'sessionBuildMs',
  timeToFirstToken: 'timeToFirstTokenMs',
  prefill: 'prefillTokensPerSecond',
  decode: 'decodeTokensPerSecond',
  achievedBandwidth: 'achievedGBps',
  gpuReads: 'gpuReadsPerToken',
  longContext: 'longContext',
  jsHeap: 'memory.peakJsHeapBytes',
  peakGpu: 'memory.peakGpuBytes',
  modelBytes: 'memory.modelBytes',
  kvCache: 'memory.kvCacheBytesAtLongest',
};

/** What each figure means, for the docs and the page's notes. */
export const FIGURE_DEFINITIONS: Record<FigureKey, string> = {
  runtimeStart: "the runtime's one-time start on a backend (compiling WASM, opening the GPU device), measured apart",
  sessionBuild: "building this model's session, the runtime already started (load-time graph rewrites included)",
  timeToFirstToken: 'from the start of a run to its first generated token: the prompt pass plus one sampling step',
  prefill: 'prompt tokens over the time to first token',
  decode: 'tokens after the first over the time since the first, per run; median and p10–p90 over the measured runs',
  achievedBandwidth: 'bytes a decode step reads (weights and KV cache) × the median decode tokens/s',
  gpuReads: 'reads from the GPU that the CPU waits for, per generated token',
  longContext: 'decode tokens/s again after a prompt that fills the cache to the long-context length',
  jsHeap: "the largest JS heap of the benchmark's worker seen after a run (Chrome only)",
  peakGpu: 'the most bytes of GPU buffers alive at once, counted from the buffers the runtime creates and destroys',
  modelBytes: 'bytes of the graph and its external weights as loaded',
  kvCache: 'bytes of K and V of every layer at the longest context the run reached',
};
