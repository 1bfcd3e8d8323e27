/**
 * The correctness probe: does this device's WebGPU compute what WASM (the reference) computes? Both run
 * the same prompt for a few greedy steps; WebGPU is fed the reference's tokens (teacher forcing), so each
 * step compares logits over the same context, and one early slip does not make every later step differ.
 * Reported per step: whether the top-1 token agrees, and the largest logit difference.
 */

/** Greedy steps the probe compares. */
export const PROBE_STEPS = 16;

/** The reference's logits and tokens, step by step. */
export interface ProbeTrace {
  tokenIds: number[];
  logits: Float32Array[];
}

/**
 * A fault planted on purpose (the test build's `bench_fault=logit`): at `step`, the least likely token's
 * logit is raised above the largest, as a broken kernel would. The probe must flag it.
 */
export interface PlantedFault {
  step: number;
}

export interface ProbeResult {
  model: string;
  backend: 'webgpu';
  reference: 'wasm';
  steps: number;
  /** Per step: 1 where both chose the same top-1 token, 0 where not. */
  top1PerStep: number[];
  /** Per step: the largest |logit difference| over the vocabulary. */
  maxLogitDifferencePerStep: number[];
  /** Share of steps whose top-1 agrees. */
  top1Agreement: number;
  maxLogitDifference: number;
  /** The first step (1-based token number) whose top-1 differs; null when every step agrees. */
  firstDifference: number | null;
  verdict: 'match' | 'differ';
  /** True when the run planted a fault on purpose (a test of the probe itself). */
  plantedFault: boolean;
}

/** WebGPU's trace (fed the reference's tokens) against WASM's. */
export function compareTraces(model: string, checked: ProbeTrace, reference: ProbeTrace, plantedFault: boolean): ProbeResult {
  const steps = Math.min(checked.logits.length, reference.logits.length);
  const top1PerStep: number[] = [];
  const maxLogitDifferencePerStep: number[] = [];
  for (let step = 0; step < steps; step++) {
    const a = checked.logits[step];
    const b = reference.logits[step];
    let max = 0;
    for (let i = 0; i < Math.min(a.length, b.length); i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    // A different vocabulary size is a different answer whatever the values.
    maxLogitDifferencePerStep.push(a.length === b.length ? max : Infinity);
    top1PerStep.push(checked.tokenIds[step] === reference.tokenIds[step] ? 1 : 0);
  }
  const first = top1PerStep.indexOf(0);
  return {
    model,
    backend: 'webgpu',
    reference: 'wasm',
    steps,
    top1PerStep,
    maxLogitDifferencePerStep,
    top1Agreement: steps ? top1PerStep.reduce((a, b) => a + b, 0) / steps : 0,
    maxLogitDifference: Math.max(0, ...maxLogitDifferencePerStep),
    firstDifference: first < 0 ? null : first + 1,
    verdict: steps > 0 && first < 0 ? 'match' : 'differ',
    plantedFault,
  };
}

/** The verdict in one English sentence (exports and the CLI; the page words it in its language). */
export function probeSentence(p: ProbeResult): string {
  if (p.verdict === 'match') return `this device's results match (top-1 agreement ${p.steps}/${p.steps} steps, largest logit difference ${p.maxLogitDifference.toPrecision(2)})`;
  if (p.firstDifference === null) return 'differ: nothing to compare';
  return `differ: first at token ${p.firstDifference}, by ${p.maxLogitDifferencePerStep[p.firstDifference - 1].toPrecision(3)} (top-1 agreement ${Math.round(p.top1Agreement * 100)}%)`;
}
