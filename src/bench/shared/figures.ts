/**
 * Each benchmark figure's name and definition, once: the exports and the CLI print these English words,
 * the page shows the same words through msg() (test/unit/bench-figures.test.ts holds them equal), and
 * docs/bench-results.md defines them in the same terms.
 */
export const FIGURES = {
  runtimeStart: 'Runtime start, ms',
  sessionBuild: 'Session build, ms',
  timeToFirstToken: 'Time to first token, ms',
  prefill: 'Prefill, tok/s',
  decode: 'Decode, tok/s',
  achievedBandwidth: 'Achieved bandwidth, GB/s',
  gpuReads: 'GPU→CPU reads per token',
  longContext: 'Decode at long context',
  jsHeap: 'Peak JS heap',
  peakGpu: 'Peak GPU memory',
  modelBytes: 'Model size',
  kvCache: 'KV cache at longest context',
} as const;

export type FigureKey = keyof typeof FIGURES;

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
